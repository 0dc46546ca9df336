/**
 * Hosts of closed shadow roots the page attached before the SDK loaded (rt21f). The SDK learns of
 * a closed root only by its wrapper of `attachShadow` (see shadow-attach.ts, hasClosedRoot in
 * secret-fields.ts); one attached earlier leaves no trace a script can read: `shadowRoot` is null
 * and its tree cannot be reached. The copy of such a host holds only its light children, none of
 * what its tree draws. A block keeps its box (its used width and height are written); an inline
 * one, a custom element by default, collapsed to nothing, and all that followed it on its line and
 * below moved up (6.4 % of a page off). It is known by its box: an element that may host a shadow
 * root, holding no child nodes (or only collapsible white space: a no-break space is text) and drawing neither `::before` nor `::after`,
 * whose inline box is wider than its own padding and borders (an empty inline box has no width).
 * It is drawn as the seen hosts are: a grey box of its size (greyClosedHost in replaced-stand-in.ts).
 */

/** HTML elements that may host a shadow root (DOM §4.9, attachShadow), besides custom elements. */
const HOSTS = new Set(['article', 'aside', 'blockquote', 'body', 'div', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'main', 'nav', 'p', 'section', 'span']);
const HTML_NS = 'http://www.w3.org/1999/xhtml';

/** Whether `el`, shown inline, draws something no light child of it accounts for: the tree of a closed root the SDK never saw. */
export function hostsUnseenRoot(el: Element): boolean {
  if (el.namespaceURI !== HTML_NS || (!HOSTS.has(el.localName) && !el.localName.includes('-'))) return false;
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType !== Node.TEXT_NODE || !/^[ \t\n\r\f]*$/.test(n.nodeValue!)) return false;
  if (el.shadowRoot) return false;
  const win = el.ownerDocument.defaultView;
  if (!win) return false;
  const cs = win.getComputedStyle(el);
  if (cs.display !== 'inline') return false;
  // White space it keeps (`pre`, `pre-wrap`, `break-spaces`) is drawn as wide as it is: its own text.
  if (el.firstChild && !/^(normal|nowrap)$/.test(cs.whiteSpace)) return false;
  const box = el.getBoundingClientRect();
  const own = ['padding-left', 'padding-right', 'border-left-width', 'border-right-width'].reduce((sum, name) => sum + (parseFloat(cs.getPropertyValue(name)) || 0), 0);
  if (box.width - own < 0.5) return false;
  const drawn = (pseudo: string) => !/^(none|normal)$/.test(win.getComputedStyle(el, pseudo).content);
  return !drawn('::before') && !drawn('::after');
}
