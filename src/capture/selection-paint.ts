/**
 * The visitor's text selection, drawn in the picture: the copy (modern-screenshot) has no
 * `::selection` and a rendered SVG picture no selection of its own, so what the visitor selected
 * was drawn plain (6.77 % of the view off on fid30's selection-placeholder page). The selected
 * part of each text node is wrapped, in the clone only, in a span painted as Chromium paints the
 * selection: the `::selection` background and colour when a rule gives one, else the default
 * highlight of a focused window (rgb(51 103 209), white text; the visitor's window is the focused
 * one while they select), the background stretched over the line box (Chromium's selection
 * covers the line, a span's background the font's box only) by block padding, which moves nothing.
 *
 * Never shown where it would tell more than the page: masked content is blanked and painted black
 * whatever it holds; mask-all mode draws no selection (a highlight over hidden text tells how
 * long the selected words are); a range whose `::selection` hides its text (pseudo-text.ts) is
 * left to that masking. Text in form fields (selectionStart/End) is not drawn selected.
 * Horizontal text only: a vertical line's selection is left plain.
 *
 * Cost: one look at the selection per clone (nothing when it is collapsed or empty), and the text
 * nodes it covers, at most {@link MAX_TEXTS}; the kept clone is cloned whole when the selection
 * changes (see kept-clone.ts), as a selection changes no element.
 */
import { hiddenRanges } from './pseudo-text.js';

/** Chromium's selection in a focused window where no `::selection` rule applies. */
const DEFAULT_BACKGROUND = 'rgb(51, 103, 209)';
const DEFAULT_COLOR = 'rgb(255, 255, 255)';
/** Text nodes of the selection drawn at most (a select-all of a long page is drawn where it is first). */
const MAX_TEXTS = 2000;

/** The selected part of one text node and how it is painted. */
export interface SelectedPart {
  start: number;
  end: number;
  background: string;
  color: string;
  /** Block padding that stretches the span's background from the font's box to the line box, in px. */
  padTop: number;
  padBottom: number;
  /**
   * A space's width when the selection goes on past this part's end: Chromium paints a line
   * end inside the selection (a soft wrap, a paragraph's end) that much wider. Else 0.
   */
  lineEnd: number;
  /** Whether the selection goes on past this part. */
  goesOn: boolean;
  /**
   * Whether the text's parent lays out its text as boxes of its own (flex, grid, a -webkit-box):
   * split there, one text would become several items (a `gap` between, edge spaces dropped,
   * grid items moved), so the whole text is first wrapped in one plain span, split inside it.
   */
  wrap: boolean;
}

/**
 * Parents whose text is not drawn as laid-out text the way a split would keep: a form control's
 * value (a `<textarea>` counts its direct text only), a sheet or script (a `<style>` in the body
 * loses its middle), text never drawn; any non-HTML parent too (an XHTML span in SVG `<text>` is
 * not drawn: its characters would vanish).
 */
const UNSPLIT = new Set(['TEXTAREA', 'STYLE', 'SCRIPT', 'TITLE', 'OPTION', 'OPTGROUP', 'SELECT', 'DATALIST', 'NOSCRIPT', 'TEMPLATE', 'IFRAME', 'NOEMBED', 'NOFRAMES', 'XMP', 'PLAINTEXT', 'CANVAS', 'VIDEO', 'AUDIO', 'OBJECT', 'HEAD']);
const XHTML = 'http://www.w3.org/1999/xhtml';

/** Whether a text under `parent` may be split and wrapped in the clone. */
function splittable(parent: Element): boolean {
  return parent.namespaceURI === XHTML && !UNSPLIT.has(parent.tagName.toUpperCase());
}

/** Characters at a selection's end drawn without the line end's widening (wider than it, as the widening is drawn under them). */
const TAIL = 2;

function selectionSpan(doc: Document, part: SelectedPart, lineEnd: boolean): HTMLElement {
  const span = doc.createElementNS(XHTML, 'span') as HTMLElement;
  const end = lineEnd && part.lineEnd > 0 ? `; box-decoration-break: clone; -webkit-box-decoration-break: clone; box-shadow: ${part.lineEnd}px 0 0 0 ${part.background}` : '';
  span.setAttribute('style', `background-color: ${part.background}; color: ${part.color}; -webkit-text-fill-color: ${part.color}; padding-top: ${part.padTop}px; padding-bottom: ${part.padBottom}px; text-shadow: none${end}`);
  return span;
}

/** The selection's ranges of `doc`, as boundary points: a change of any makes a new picture. */
export function selectionKey(doc: Document): unknown[] {
  const selection = doc.getSelection();
  if (!selection || selection.isCollapsed) return [];
  const out: unknown[] = [];
  for (let i = 0; i < selection.rangeCount; i++) {
    const r = selection.getRangeAt(i);
    out.push(r.startContainer, r.startOffset, r.endContainer, r.endOffset);
  }
  return out;
}

export function sameSelection(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * The selected parts of the text nodes of `doc` to draw, by text node; empty when nothing is
 * selected or `maskAll`.
 */
export function selectedParts(doc: Document, maskAll: boolean): Map<Text, SelectedPart[]> {
  const out = new Map<Text, SelectedPart[]>();
  if (maskAll) return out;
  const selection = doc.getSelection();
  if (!selection || selection.isCollapsed || selection.rangeCount === 0) return out;
  const win = doc.defaultView ?? window;
  const hidden = hiddenRanges(doc);
  let texts = 0;
  for (let i = 0; i < selection.rangeCount; i++) {
    const range = selection.getRangeAt(i);
    if (range.collapsed || hidden.includes(range)) continue;
    const common = range.commonAncestorContainer;
    const walker = doc.createTreeWalker(common, NodeFilter.SHOW_TEXT);
    let n: Node | null = common.nodeType === Node.TEXT_NODE ? common : walker.nextNode();
    for (; n; n = walker.nextNode()) {
      const text = n as Text;
      if (!range.intersectsNode(text)) {
        if (range.comparePoint(text, 0) > 0) break;
        continue;
      }
      const start = text === range.startContainer ? range.startOffset : 0;
      const end = text === range.endContainer ? range.endOffset : text.length;
      if (end <= start || !/\S/.test(text.data.slice(start, end)) || !text.parentElement || !splittable(text.parentElement)) continue;
      if (++texts > MAX_TEXTS) return out;
      const part = paintOf(text, start, end, text !== range.endContainer, win);
      if (!part) continue;
      const parts = out.get(text) ?? [];
      parts.push(part);
      out.set(text, parts);
      if (common.nodeType === Node.TEXT_NODE) break;
    }
  }
  return out;
}

function paintOf(text: Text, start: number, end: number, goesOn: boolean, win: Window): SelectedPart | null {
  const parent = text.parentElement!;
  const own = win.getComputedStyle(parent);
  if (own.writingMode !== 'horizontal-tb' || own.visibility !== 'visible') return null;
  const pseudo = win.getComputedStyle(parent, '::selection');
  const styled = !/^rgba\(.*,\s*0\)$|^transparent$/.test(pseudo.backgroundColor);
  const background = styled ? pseudo.backgroundColor : DEFAULT_BACKGROUND;
  const color = styled ? pseudo.webkitTextFillColor || pseudo.color : DEFAULT_COLOR;
  let padTop = 0;
  let padBottom = 0;
  const lineHeight = parseFloat(own.lineHeight);
  if (Number.isFinite(lineHeight)) {
    const range = text.ownerDocument.createRange();
    range.setStart(text, start);
    range.setEnd(text, end);
    const box = range.getClientRects()[0];
    // Chromium puts the smaller half of the leading above (whole pixels of the font's box).
    if (box && box.height > 0 && lineHeight > box.height) {
      padTop = Math.floor((lineHeight - box.height) / 2);
      padBottom = lineHeight - box.height - padTop;
    }
  }
  let box: Element | null = parent;
  let display = own.display;
  // A `display: contents` parent's text is laid out by the nearest ancestor with a box.
  for (let up = 0; display === 'contents' && box && up < 32; up++) {
    box = box.parentElement ?? (box.parentNode instanceof ShadowRoot ? box.parentNode.host : null);
    display = box ? win.getComputedStyle(box).display : '';
  }
  const wrap = /flex|grid|box/.test(display);
  return { start, end, background, color, padTop, padBottom, lineEnd: spaceWidth(own, text.ownerDocument), goesOn, wrap };
}

let measure: CanvasRenderingContext2D | null = null;
const spaces = new Map<string, number>();

/** A space's width in the font of `style`. */
function spaceWidth(style: CSSStyleDeclaration, doc: Document): number {
  const font = style.font || `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  let width = spaces.get(font);
  if (width === undefined) {
    measure ??= doc.createElement('canvas').getContext('2d');
    if (!measure) return 0;
    measure.font = font;
    width = measure.measureText(' ').width + (parseFloat(style.letterSpacing) || 0);
    if (spaces.size >= 64) spaces.clear();
    spaces.set(font, width);
  }
  return width;
}

/**
 * Wraps the selected parts of `original`'s text children in `clone` (its copy) in spans painted
 * as the selection: each text child paired with the next text of the clone holding the same
 * characters; one that finds none is left plain.
 */
export function drawSelection(original: Element, clone: Element, parts: Map<Text, SelectedPart[]>): void {
  if (parts.size === 0) return;
  let cloneTexts: Text[] | null = null;
  let at = 0;
  for (const child of original.childNodes) {
    if (child.nodeType !== Node.TEXT_NODE) continue;
    const selected = parts.get(child as Text);
    cloneTexts ??= [...clone.childNodes].filter((c): c is Text => c.nodeType === Node.TEXT_NODE);
    let k = at;
    while (k < cloneTexts.length && cloneTexts[k].data !== (child as Text).data) k++;
    if (k === cloneTexts.length) continue;
    at = k + 1;
    if (!selected) continue;
    let rest = cloneTexts[k];
    if (selected.some((p) => p.wrap) && clone.namespaceURI === XHTML) {
      // One item as in the page (the span blockified as the anonymous item was), split inside it.
      const box = clone.ownerDocument.createElementNS(XHTML, 'span');
      rest.replaceWith(box);
      box.append(rest);
    }
    let offset = 0;
    for (const part of [...selected].sort((a, b) => a.start - b.start)) {
      if (part.start < offset) continue;
      const middle = rest.splitText(part.start - offset);
      rest = middle.splitText(part.end - part.start);
      offset = part.end;
      const span = selectionSpan(clone.ownerDocument, part, true);
      middle.replaceWith(span);
      span.append(middle);
      // Each line end the span reaches is widened (a shadow of each fragment, moved right by
      // that much); where the selection stops inside a line, its last characters are not.
      if (!part.goesOn && middle.length > TAIL) {
        const tail = middle.splitText(middle.length - TAIL);
        const last = selectionSpan(clone.ownerDocument, part, false);
        tail.replaceWith(last);
        last.append(tail);
      }
    }
  }
}
