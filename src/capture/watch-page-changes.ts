import type { ChangeLog } from './change-log.js';
import { NEVER_CAPTURED } from './rasterize.js';
import { findInnerRoots, frameDocument } from './secret-fields.js';
import { onShadowAttach } from './shadow-attach.js';
import { declarationEdits, onStyleEdit, styleEditOwner, wrapStyleEdits } from './style-edits.js';

/**
 * Events after which the page may look different. Captured on `window` so no handler can stop them
 * first. Hover (pointerover/out) is left out on purpose: a moving mouse would keep the capture at
 * its full frame rate for what is mostly cosmetic; the idle check picks hover styles up.
 */
const CHANGE_EVENTS = [
  'scroll', 'resize', 'input', 'change', 'focusin', 'focusout', 'pointerdown', 'pointerup',
  'load', 'transitionend', 'animationend', 'animationiteration', 'toggle', 'hashchange',
] as const;

/**
 * The pointer over another element: `:hover` may restyle anything (a cover shown over a field by
 * `.zone:hover ~ .cover`). Not a reason to capture (see above), but the next frame, whatever
 * signals it, is cloned whole: a patch would trust the kept copy of what hover restyled.
 */
const HOVER_EVENTS = ['pointerover', 'pointerout'] as const;

/**
 * User preferences media queries read, which change with no event the page sees otherwise (the
 * system's dark mode turned on): each change clones the whole viewport. Size and resolution
 * changes come with `resize`.
 */
const PREFERENCES = ['(prefers-color-scheme: dark)', '(prefers-contrast: more)', '(forced-colors: active)', '(prefers-reduced-motion: reduce)', '(prefers-reduced-transparency: reduce)'];

/**
 * Events that change what a shadow tree shows but stay inside it (not composed), so `window` never
 * hears them: a box inside scrolled, an image loaded, a slot's assigned nodes changed (also by
 * `slot.assign()`, which leaves no mutation record).
 */
const SHADOW_EVENTS = ['scroll', 'load', 'slotchange'] as const;

/**
 * Calls `onChange` whenever the page may have changed what it shows: DOM mutations (except inside
 * the widget, whose pixels are never captured, and modern-screenshot's own sandbox frame), scrolling,
 * typing, resizing, clicks, focus, loaded images, finished transitions. Returns a stop function.
 *
 * Mutations are watched in the document, in every open shadow root and in every same-origin frame's
 * document (found as secret-fields.ts finds them; roots added with new content or a frame that loads
 * a new document are watched from then on). A shadow root attached to an element already in the page
 * announces nothing: the rasterizer asks {@link ChangeLog.watch} about the roots of what it cloned,
 * which starts watching them (see kept-clone.ts, `unwatched`).
 *
 * Style sheet edits through the CSSOM fire no mutation: the capture wraps them in the window of each
 * document it watches (see style-edits.ts), and each one clones the whole viewport next frame, as
 * does the pointer moving over another element (`:hover`), a new URL fragment (`:target`) and a
 * change of the user's preferences that media queries read.
 *
 * Changes these cannot see (canvas drawing, running CSS animations, closed shadow roots) are left to
 * the scheduler's periodic check.
 *
 * With a `log`, what changed is also written there (see change-log.ts), so a frame can clone
 * only that.
 */
export function watchPageChanges(onChange: () => void, doc: Document = document, log?: ChangeLog): () => void {
  const win = doc.defaultView!;
  const onRecords = (records: MutationRecord[]) => {
    watchAdded(records);
    const seen = records.filter(seenRecord);
    if (seen.length === 0) return;
    log?.noteMutations(seen);
    onChange();
  };
  const observer = new MutationObserver(onRecords);
  const watched = new WeakSet<Node>();
  /** Starts watching `root` and the roots inside it; false if it was not watched yet. */
  const watch = (root: Document | ShadowRoot): boolean => {
    if (watched.has(root)) return true;
    watched.add(root);
    // A frame's document: its window's CSSOM edits are heard too.
    if (root.nodeType === Node.DOCUMENT_NODE && (root as Document).defaultView) wrapStyleEdits((root as Document).defaultView!);
    // The widget's own shadow root: nothing there is captured.
    if ('host' in root && ignored(root.host)) return true;
    // A text's old value tells whether its element's `:empty` flipped (mayFlipEmpty in change-log.ts).
    observer.observe(root, { subtree: true, childList: true, attributes: true, characterData: true, characterDataOldValue: true });
    // Events that never leave a shadow root (not composed): heard on the root itself. The
    // listeners stay after stop() (they then do nothing): no list of roots is kept.
    if ('host' in root) for (const type of SHADOW_EVENTS) root.addEventListener(type, inShadow, { capture: true, passive: true });
    // A frame's document: events there (typing in its field, which changes no attribute) never
    // reach this window; heard on its own (a red team's case, rt14 F5: no frame came at all).
    else if (root !== doc) {
      const frameWindow = (root as Document).defaultView;
      if (frameWindow) for (const type of CHANGE_EVENTS) frameWindow.addEventListener(type, inFrame, { capture: true, passive: true });
    }
    findInnerRoots(root, watch, watchFrame);
    return false;
  };
  let stopped = false;
  const inShadow = (e: Event) => {
    if (stopped) return;
    log?.noteEvent(e);
    onChange();
  };
  // A change in a frame's document clones the whole viewport. The listeners stay on the frame's
  // window after stop() (they then do nothing): no list of frames is kept.
  const inFrame = () => {
    if (stopped) return;
    log?.fullClone('a change in a frame\'s document');
    onChange();
  };
  // A frame that loads a new document (also in a shadow root or another frame, whose `load` the
  // window does not see): that document is watched, and the frame cloned again, whole. The
  // listener stays on the frame after stop() (it then does nothing): no list of frames is kept.
  const frameLoaded = (e: Event) => {
    if (stopped) return;
    watchFrame(e.currentTarget as HTMLIFrameElement);
    log?.fullClone('a frame loaded a new document');
    onChange();
  };
  const watchFrame = (frame: HTMLIFrameElement) => {
    if (neverCaptured(frame) || ignored(frame)) return;
    frame.addEventListener('load', frameLoaded);
    const inner = frameDocument(frame);
    if (inner) watch(inner);
  };
  // Shadow roots and frames that come with added content.
  const watchAdded = (records: MutationRecord[]) => {
    for (const r of records) for (const n of r.addedNodes) if (n.nodeType === Node.ELEMENT_NODE) findInnerRoots(n as Element, watch, watchFrame);
  };
  // CSSOM edits (see style-edits.ts), except those of sheets that draw nothing captured (the
  // widget's, the library's sandbox, a document with no window such as a parser's).
  const styleEdited = (target: object) => {
    if (stopped) return;
    const owner = styleEditOwner(target);
    if (owner && !drawn(owner)) return;
    log?.fullClone('a style sheet changed');
    onChange();
  };
  const stopStyleEdits = onStyleEdit(styleEdited);
  // A shadow root attached to an element already in the page leaves no record: the kept clone
  // would still draw the host's light children, and what the root draws (a cover) only at the
  // next whole clone. Heard through the wrapped attachShadow; watched from then on.
  const stopAttach = onShadowAttach(win as Window & typeof globalThis, (root) => {
    if (stopped || !root.host.isConnected || ignored(root.host)) return;
    watch(root);
    log?.noteShadowAttached(root);
    onChange();
  });
  let declarationsSeen = declarationEdits();
  watch(doc);
  if (log) log.watch = (root) => root === doc || watch(root);
  if (log) {
    log.flush = () => {
      onRecords(observer.takeRecords());
      // A rule's declaration edited by name (`rule.style.opacity = '1'`): no wrapper sees it.
      const edits = declarationEdits();
      if (edits !== declarationsSeen) log.fullClone('a style sheet changed');
      declarationsSeen = edits;
    };
  }
  // Events from inside the widget reach window retargeted to the widget itself: typing a reply
  // changes nothing agents can see.
  const listener = (e: Event) => {
    if (e.target instanceof Node && ignored(e.target)) return;
    log?.noteEvent(e);
    onChange();
  };
  const fonts = () => {
    log?.fullClone('web fonts loaded');
    onChange();
  };
  const hovered = (e: Event) => {
    if (e.isTrusted && !(e.target instanceof Node && ignored(e.target))) log?.fullClone('the pointer moved over another element (:hover)');
  };
  const preferred = () => {
    log?.fullClone('a user preference media queries read changed');
    onChange();
  };
  const preferences = PREFERENCES.map((query) => win.matchMedia(query));
  for (const list of preferences) list.addEventListener('change', preferred);
  for (const type of HOVER_EVENTS) win.addEventListener(type, hovered, { capture: true, passive: true });
  for (const type of CHANGE_EVENTS) win.addEventListener(type, listener, { capture: true, passive: true });
  doc.addEventListener('selectionchange', listener, { passive: true });
  doc.fonts?.addEventListener('loadingdone', fonts);
  return () => {
    stopped = true;
    if (log) {
      log.flush = null;
      log.watch = null;
    }
    doc.fonts?.removeEventListener('loadingdone', fonts);
    stopStyleEdits();
    stopAttach();
    for (const list of preferences) list.removeEventListener('change', preferred);
    for (const type of HOVER_EVENTS) win.removeEventListener(type, hovered, { capture: true });
    observer.disconnect();
    for (const type of CHANGE_EVENTS) win.removeEventListener(type, listener, { capture: true });
    doc.removeEventListener('selectionchange', listener);
  };
}

/** Whether `node` is in a document with a window, outside the widget (through shadow roots) and the library's sandbox. */
function drawn(node: Node): boolean {
  if (!(node.nodeType === Node.DOCUMENT_NODE ? (node as Document) : node.ownerDocument)?.defaultView) return false;
  for (let at: Node | null = node; at; ) {
    if (ignored(at)) return false;
    const root = at.getRootNode();
    at = root.nodeType === Node.DOCUMENT_FRAGMENT_NODE && 'host' in root ? (root as ShadowRoot).host : null;
  }
  return true;
}

/** Whether a mutation record may change what the capture draws: not one inside the widget, nor one that only adds or removes what is never captured (the library's sandbox frame, added to the body each whole clone). */
export function seenRecord(r: MutationRecord): boolean {
  return !ignored(r.target) && !onlyIgnoredNodes(r);
}

/** A record that only adds or removes nodes never captured (the widget, the library's sandbox frame). */
function onlyIgnoredNodes(r: MutationRecord): boolean {
  if (r.type !== 'childList') return false;
  const nodes = [...r.addedNodes, ...r.removedNodes];
  return nodes.length > 0 && nodes.every((n) => n.nodeType === Node.ELEMENT_NODE && neverCaptured(n as Element));
}

function neverCaptured(el: Element): boolean {
  return NEVER_CAPTURED.has(el.localName) || el.id.startsWith('__SANDBOX__');
}

function ignored(target: Node): boolean {
  const el = target.nodeType === Node.ELEMENT_NODE ? (target as Element) : target.parentElement;
  if (!el) return false;
  if (el.id.startsWith('__SANDBOX__')) return true;
  for (const tag of NEVER_CAPTURED) if (el.closest(tag)) return true;
  return false;
}
