// Over 350 lines: one log with one job (turning mutation records and events into the elements to
// clone again, or the reason for a whole clone); its rules for shadow roots, fields, :empty and
// the body's children share its state and its bound, and read as one.
/**
 * What changed on the page since the last frame, as far as the capture can tell: the elements
 * whose clones must be made again, or the reason the next frame must clone the whole viewport.
 * Fed by watch-page-changes.ts (mutation records and the events it listens to); read once per
 * frame with {@link ChangeLog.take}. The rasterizer (see kept-clone.ts) decides from it whether a
 * frame can re-clone only the changed subtrees.
 *
 * Conservative by design: whatever could restyle or move content the log cannot name (`:active`
 * changes of a real press, finished transitions and animations, a resize, a window scroll,
 * anything in `<head>`, a style sheet) asks for a whole clone. So does a capture with no signal at
 * all (the scheduler's idle check, which exists for what no signal announces: hover, canvas
 * drawing, closed shadow roots). A focus change names the elements that gained and lost focus; the
 * planner clones whole when `:focus-within` rules could restyle their ancestors. A press a script
 * dispatches (an agent's remote click) sets no `:active`: only what its listeners change counts.
 */

/** More changed elements than this in one frame: cloning them one by one would not be cheaper. */
export const MAX_CHANGED = 64;
/** More mutation records than this in one frame: cheaper to clone everything than to sort them out. */
const MAX_RECORDS = 2000;

/**
 * One frame's changes: `full` names why the whole viewport is cloned; otherwise `changed` lists
 * what to clone again (possibly nothing). `besideBody`: children of the body whose own attributes
 * (or focus) changed, cloned again alone, not with the body, unless the page's style sheets select
 * on siblings (see planChanges in kept-clone.ts). `focusMoved`: focus moved (each end is in
 * `changed` or `besideBody`); with `:focus-within` rules that restyles their ancestors too.
 */
export interface Changes {
  full: string | null;
  changed: Set<Element>;
  besideBody?: Set<Element>;
  focusMoved?: boolean;
  /**
   * Fields the visitor typed in or changed (an `input` or `change` event on a {@link isLoneField}):
   * cloned again alone, or with their siblings when the page's rules select on siblings (see
   * planChanges in kept-clone.ts).
   */
  fields?: Set<Element>;
  /**
   * Elements whose text or children changed in a way that may have flipped their `:empty` (see
   * {@link mayFlipEmpty}): cloned again with their siblings when the page's rules select on
   * siblings (`#amt:empty + .cover`; see planChanges in kept-clone.ts). Each is in `changed` too.
   */
  emptiness?: Set<Element>;
  /**
   * When the first change of the frame was signalled (performance.now()), null when none was: the
   * periodic whole clone is judged at the change, not at the capture a busy page let run later
   * (see MAX_PATCH_AGE_MS in kept-clone.ts).
   */
  since?: number | null;
}

/** Input types whose value is drawn inside their own box (text clipped to it), with no state a checkbox's stand-in needs. */
const LONE_TYPES = new Set(['text', 'email', 'search', 'tel', 'url', 'password', 'number']);

/**
 * Whether a change of `el`'s value restyles only `el` (and, through sibling combinators, its
 * siblings): a text-like `<input>`. Its value and the pseudo-classes it sets (`:placeholder-shown`,
 * `:valid`) are its own; it has no children, and its text is drawn inside its box.
 */
export function isLoneField(el: Element): el is HTMLInputElement {
  return el.localName === 'input' && el.namespaceURI === 'http://www.w3.org/1999/xhtml' && LONE_TYPES.has((el as HTMLInputElement).type);
}

/** Events after which what changed is the target's own look (and its siblings', which a selector may tie to it). */
const TARGET_EVENTS = new Set(['input', 'change', 'load']);
/** Events that change state no mutation shows: `:active`, open details and dialogs, finished transitions. */
const FULL_EVENTS = new Set(['pointerdown', 'pointerup', 'toggle', 'transitionend', 'animationend', 'animationiteration', 'resize']);
/** Pointer presses: a real one sets `:active` on the target and all its ancestors; one a script dispatches (a remote click, see remote-input-pointer.ts) sets no state. */
const PRESS_EVENTS = new Set(['pointerdown', 'pointerup']);
/** Focus moving: `:focus` and `:focus-visible` restyle the element that gained or lost it (and, through combinators, its siblings and what it holds). */
const FOCUS_EVENTS = new Set(['focusin', 'focusout']);
const SHEET_ELEMENTS = new Set(['style', 'link']);

export class ChangeLog {
  private full: string | null = null;
  private changed = new Set<Element>();
  private besideBody = new Set<Element>();
  private fields = new Set<Element>();
  private emptiness = new Set<Element>();
  private focusMoved = false;
  private signalled = false;
  private since: number | null = null;
  private records = 0;
  /** Gives the records the observer holds but has not delivered yet (set by watchPageChanges). */
  flush: (() => void) | null = null;
  /**
   * Whether mutations in `root` (a shadow root, a frame's document) reach this log; if not, starts
   * watching it and answers false, since what changed there before is lost. Set by
   * watchPageChanges; with no watcher nothing but the document is watched.
   */
  watch: ((root: Document | ShadowRoot) => boolean) | null = null;

  /** See {@link watch}. */
  watches(root: Node): boolean {
    if (root === this.doc) return true;
    if (root.nodeType !== Node.DOCUMENT_NODE && !(root.nodeType === Node.DOCUMENT_FRAGMENT_NODE && 'host' in root)) return false;
    return this.watch?.(root as Document | ShadowRoot) ?? false;
  }

  constructor(private readonly doc: Document) {}

  noteMutations(records: readonly MutationRecord[]): void {
    this.signal();
    if (this.full) return;
    this.records += records.length;
    if (this.records > MAX_RECORDS) return this.fullClone('too many mutations');
    // What this batch did to each element's children and texts: its `:empty` before the batch is
    // this batch undone (a record judged alone against the DOM after all of them could miss a flip
    // another record of the batch made, see mayFlipEmpty).
    const batch = new Map<Element, BatchChildren>();
    for (const r of records) {
      const where = r.target.getRootNode();
      if (where !== this.doc && where.nodeType === Node.DOCUMENT_NODE) return this.fullClone('a frame\'s document changed');
      if (where.nodeType === Node.DOCUMENT_FRAGMENT_NODE && 'host' in where) {
        this.noteInShadow(r);
        if (this.full) return;
        continue;
      }
      if (r.type === 'childList') {
        for (const list of [r.addedNodes, r.removedNodes]) {
          for (const node of list) if (node.nodeType === Node.ELEMENT_NODE && holdsStyleSheet(node as Element)) return this.fullClone('a style sheet was added or removed');
        }
        this.note(r.target, 'children');
        gather(batch, r.target, r);
      } else if (r.type === 'attributes') {
        this.note(r.target, 'attributes');
      } else {
        this.note(r.target.parentNode, 'children');
        gather(batch, r.target.parentNode, r);
      }
      if (this.full) return;
    }
    for (const [el, children] of batch) if (mayFlipEmpty(el, children)) this.emptiness.add(el);
  }

  noteEvent(e: Event): void {
    this.signal();
    if (this.full) return;
    if (e.type === 'selectionchange') return;
    // What the listeners of a dispatched press change shows as mutations.
    if (PRESS_EVENTS.has(e.type) && !e.isTrusted) return;
    if (FULL_EVENTS.has(e.type)) return this.fullClone(`a ${e.type} event`);
    const target = e.target;
    if (FOCUS_EVENTS.has(e.type)) return this.noteFocus(target);
    // An event that stays in a shadow root (scroll, load and slotchange are not composed; see
    // watch-page-changes.ts): the outermost shadow host is cloned again, as for a mutation there.
    if (target instanceof Node && target.getRootNode() !== this.doc && target.getRootNode().nodeType === Node.DOCUMENT_FRAGMENT_NODE) return this.noteHostOf(target);
    if (e.type === 'scroll') {
      if (target instanceof Element && target !== this.doc.scrollingElement) return this.add(target);
      return this.fullClone('the window scrolled');
    }
    if (TARGET_EVENTS.has(e.type) && target instanceof Element && target.getRootNode() === this.doc) {
      if (e.type !== 'load' && isLoneField(target) && target.parentElement !== this.doc.body) return this.addField(target);
      return this.note(target, 'attributes');
    }
    this.fullClone(`a ${e.type} event`);
  }

  /**
   * A shadow root was attached to an element of the page, which leaves no mutation record (heard
   * through the wrapped `attachShadow`, see shadow-attach.ts): its outermost shadow host is cloned
   * again, as for a change inside it. A host not in the page yet comes with its insertion.
   */
  noteShadowAttached(root: ShadowRoot): void {
    if (!root.host.isConnected || root.host.ownerDocument !== this.doc) return;
    this.signal();
    if (this.full) return;
    this.noteHostOf(root);
  }

  /** Asks for a whole clone next frame (style sheets, fonts, anything the log cannot name). */
  fullClone(reason: string): void {
    this.full ??= reason;
    this.changed.clear();
    this.besideBody.clear();
    this.fields.clear();
    this.emptiness.clear();
  }

  /** This frame's changes; the log starts over. */
  take(): Changes {
    this.flush?.();
    const changes: Changes = {
      full: this.full ?? (this.signalled ? null : 'no change was signalled (idle check)'),
      changed: this.changed,
      besideBody: this.besideBody,
      focusMoved: this.focusMoved,
      fields: this.fields,
      emptiness: this.emptiness,
      since: this.since,
    };
    this.full = null;
    this.changed = new Set();
    this.besideBody = new Set();
    this.fields = new Set();
    this.emptiness = new Set();
    this.focusMoved = false;
    this.signalled = false;
    this.since = null;
    this.records = 0;
    return changes;
  }

  private signal(): void {
    this.signalled = true;
    this.since ??= performance.now();
  }

  /**
   * `node` changed: its `children` (text, added or removed nodes) or its own `attributes` (and
   * with them possibly its siblings' and descendants' styles, through `+`, `~` and descendant
   * selectors). Either way its parent is cloned again, which covers its siblings (`:nth-child`,
   * `:empty`, `+`); `<head>` and the root ask for a whole clone. An attribute of a child of the
   * body (a fixed banner, a dialog-like layer) would clone the body: it is noted apart, and
   * cloned alone when no rule of the page can restyle its siblings (see {@link Changes}).
   */
  private note(node: Node | null, what: 'children' | 'attributes'): void {
    if (!node || node.nodeType !== Node.ELEMENT_NODE) return this.fullClone('the document changed');
    const el = node as Element;
    if (SHEET_ELEMENTS.has(el.localName) || el.closest('head')) return this.fullClone('<head> or a style sheet changed');
    if (what === 'children') return this.add(el);
    const parent = el.parentElement;
    if (!parent) return this.fullClone('the root changed');
    if (parent !== this.doc.body || this.doc.body.shadowRoot) return this.add(parent);
    this.besideBody.add(el);
    if (this.changed.size + this.besideBody.size + this.fields.size > MAX_CHANGED) this.fullClone('too many changed elements');
  }

  /**
   * Focus moved to or from `target` (retargeted to the outermost shadow host when it is inside a
   * shadow tree): it is cloned again with its siblings, as for a change of its attributes. A
   * focus on content slotted into a shadow tree is cloned whole: that tree's own rules
   * (`:host(:focus-within)`) may restyle the host above it, and its style sheets are not read.
   */
  private noteFocus(target: EventTarget | null): void {
    if (!(target instanceof Element) || target.getRootNode() !== this.doc) return this.fullClone('focus moved out of the page');
    for (let up = target.parentElement; up; up = up.parentElement) if (up.shadowRoot) return this.fullClone('focus moved inside a shadow host');
    this.focusMoved = true;
    this.note(target, 'attributes');
  }

  /**
   * A change inside a shadow root: the kept clone patches light-DOM subtrees only, so the shadow
   * host (the outermost, for nested roots) is cloned again, with all it draws.
   */
  private noteInShadow(r: MutationRecord): void {
    const target = r.type === 'characterData' ? r.target.parentNode : r.target;
    if (target?.nodeType === Node.ELEMENT_NODE && SHEET_ELEMENTS.has((target as Element).localName)) return this.fullClone('a style sheet in a shadow root changed');
    if (r.type === 'childList') {
      for (const list of [r.addedNodes, r.removedNodes]) {
        for (const node of list) if (node.nodeType === Node.ELEMENT_NODE && holdsStyleSheet(node as Element)) return this.fullClone('a style sheet was added or removed');
      }
    }
    this.noteHostOf(r.target);
  }

  /** `node`, in a shadow root, changed: its outermost shadow host is cloned again. */
  private noteHostOf(node: Node): void {
    let root = node.getRootNode();
    if (!(root.nodeType === Node.DOCUMENT_FRAGMENT_NODE && 'host' in root)) return this.fullClone('a change out of the page');
    let el = (root as ShadowRoot).host;
    for (root = el.getRootNode(); root !== this.doc; root = el.getRootNode()) {
      if (!(root.nodeType === Node.DOCUMENT_FRAGMENT_NODE && 'host' in root)) return this.fullClone('a change in a frame\'s shadow root or out of the page');
      el = (root as ShadowRoot).host;
    }
    this.note(el, 'children');
  }

  private add(el: Element): void {
    if (el === this.doc.documentElement || el === this.doc.body) return this.fullClone('the root or the body changed');
    this.changed.add(el);
    if (this.changed.size + this.besideBody.size + this.fields.size > MAX_CHANGED) this.fullClone('too many changed elements');
  }

  private addField(el: Element): void {
    this.fields.add(el);
    if (this.changed.size + this.besideBody.size + this.fields.size > MAX_CHANGED) this.fullClone('too many changed elements');
  }
}

/** One batch of records' changes to an element's children: nodes added, nodes removed, and each text's value before the batch. */
interface BatchChildren {
  added: Set<Node>;
  removed: Node[];
  old: Map<Node, string | null>;
}

function gather(batch: Map<Element, BatchChildren>, node: Node | null, record: MutationRecord): void {
  if (!node || node.nodeType !== Node.ELEMENT_NODE) return;
  let children = batch.get(node as Element);
  if (!children) batch.set(node as Element, (children = { added: new Set(), removed: [], old: new Map() }));
  if (record.type === 'characterData') {
    // The first record of a text in the batch holds its value before the batch.
    if (!children.old.has(record.target)) children.old.set(record.target, record.oldValue);
    return;
  }
  for (const n of record.addedNodes) children.added.add(n);
  for (const n of record.removedNodes) children.removed.push(n);
}

/**
 * Whether a batch's changes to `el`'s children and texts may have turned its `:empty` on or off:
 * whether it holds content (an element, or text that is not empty) now and held none before the
 * batch, or the other way round. Before is now with the batch undone: its added nodes out, its
 * removed ones back, each text at its old value. A node added and removed in the same batch counts
 * as neither (it may have been there before and put back: then the answer is yes). Errs towards
 * yes: a yes only widens what is cloned again.
 */
function mayFlipEmpty(el: Element, batch: BatchChildren): boolean {
  // A text the batch changed by its value before (one unknown counts as content), else as it is now.
  const heldBefore = (node: Node) => (node.nodeType === Node.TEXT_NODE && batch.old.has(node) ? batch.old.get(node) !== '' : holdsContent(node));
  let now = false;
  let before = false;
  for (let child = el.firstChild; child; child = child.nextSibling) {
    if (holdsContent(child)) now = true;
    if (!batch.added.has(child) && heldBefore(child)) before = true;
    // A text whose old value is unknown: either way.
    if (batch.old.has(child) && batch.old.get(child) == null) return true;
    if (now && before) return false;
  }
  if (!before) before = batch.removed.some((n) => !batch.added.has(n) && heldBefore(n));
  return now !== before;
}

/** Whether `node`, a child, makes its parent not `:empty`: an element, or text that is not empty. */
function holdsContent(node: Node): boolean {
  return node.nodeType === Node.ELEMENT_NODE || (node.nodeType === Node.TEXT_NODE && (node as Text).data !== '');
}

function holdsStyleSheet(el: Element): boolean {
  return SHEET_ELEMENTS.has(el.localName) || el.querySelector('style, link[rel~="stylesheet" i]') !== null;
}

/** A number for each sheet object, for {@link styleSheetsKey}. */
const sheetIds = new WeakMap<CSSStyleSheet, number>();
let nextSheetId = 0;

/**
 * A cheap fingerprint of the page's style sheets: each sheet object, its rule count and enabled
 * state (adopted ones too). A sheet changed through the CSSOM (`insertRule`, `replaceSync`) fires no
 * mutation; comparing this from frame to frame catches rules added or removed that way. A
 * `<style>` whose text the page replaced is a new sheet, maybe of as many rules: what was read from
 * the old one (the rules' selectors, counter styles, control parts) is read again (review27: a
 * rewritten `:has()` rule was followed by its old prefix, and a flip of the new one was patched).
 */
export function styleSheetsKey(doc: Document): string {
  const parts: string[] = [];
  const add = (sheet: CSSStyleSheet) => {
    let id = sheetIds.get(sheet);
    if (id === undefined) sheetIds.set(sheet, (id = nextSheetId++));
    let rules = -1;
    try {
      rules = sheet.cssRules.length;
    } catch {
      // A cross-origin sheet: its rules cannot be read, nor changed by the page.
    }
    parts.push(`${id}${sheet.disabled ? 'd' : ''}:${rules}:${sheet.media.mediaText}`);
  };
  for (const sheet of doc.styleSheets) add(sheet);
  for (const sheet of doc.adoptedStyleSheets ?? []) add(sheet);
  return parts.join('|');
}
