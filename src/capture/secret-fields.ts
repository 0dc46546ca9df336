import { onShadowAttach } from './shadow-attach.js';

/**
 * Fields that hide what is typed into them, and stay masked once they did.
 *
 * A login or payment form's "show password" eye switches a password field to `type=text`; a PIN
 * field stops drawing dots (`-webkit-text-security`) when a class changes; a payment script sets
 * `autocomplete="off"` on a card-number field (to stop the browser's autofill) after the visitor
 * typed the number, or before. The secret is the same after the switch, so the rule is: **a field
 * that was a password field, drew dots, or had a secret `autocomplete` token
 * ({@link SECRET_AUTOCOMPLETE}) at any time the SDK saw it stays masked for the rest of the page's
 * life**, whatever its type, style or `autocomplete` becomes (clearing it and typing a new value
 * included). The SDK looks when it loads ({@link trackSecretFields}), whenever the page adds a
 * field or changes a field's `type`, `class`, `style` or `autocomplete` (the old value of `type`
 * and `autocomplete` counts, so a token removed before any frame, even in the task that added the
 * field, is seen), whenever the visitor focuses or types into a field (also inside open and closed
 * shadow roots, through the event's composed path), and on every frame. What a page did before the
 * SDK loaded cannot be known; a field that never held a secret token while the SDK watched (one
 * that had `cc-name` or `off` from the start) is not masked by this rule.
 *
 * "Even in the task that added the field" holds in shadow roots too. A mutation observer sees
 * only the tree it observes, and attaching a shadow root leaves no record: a component that renders
 * its card field and turns autofill off in one task (a late upgrade, a constructor, a
 * `connectedCallback`) would be done before any record or scan found its root. So the tracker
 * hears `attachShadow` of each window it tracks ({@link trackSecretFields}, through the one wrapper
 * of shadow-attach.ts) and observes every root from the moment it is attached, before the page can put a field in it,
 * whether its host is in the page yet or not (as rrweb and other session tools do). Roots made
 * without `attachShadow` are found as before, by the records and scans that bring their host (a
 * declarative root the parser makes, before any script after it runs); one made by `setHTMLUnsafe`,
 * `Document.parseHTMLUnsafe` or by cloning a `clonable` root and changed in the same task is not
 * seen before that change, nor one a same-origin frame's scripts attach before the frame's `load`
 * (when its window is tracked), nor one attached with another frame's `attachShadow` in the task
 * that adds that frame (see docs/security.md).
 * Closed roots are observed too (the capture cannot draw them; the record is kept true anyway).
 *
 * Records not yet delivered are taken whenever the capture asks ({@link flushSecretFields}: each
 * mask search, each field the clone copies, each mutation check of the clone), so a field the page
 * strips of its token in a microtask during one of the capture's pauses counts at once.
 *
 * Some toggles swap elements instead of types: a password field and a plain one holding the same
 * value, one of them shown at a time. So fingerprints of the values of the last few hiding fields
 * are kept too (salted hashes, in memory, on the visitor's device, never sent), and a field showing
 * one of them counts as hiding it, and stays masked from then on. A `<select>`'s value is not kept:
 * it is one of its options, picked rather than typed (an expiry year like "2029" would otherwise
 * mask every field that shows that year); the `<select>` itself stays masked.
 *
 * Fields are recorded in a WeakSet: it holds no field alive and forgets a removed one with it.
 */

import { trackCanvasContexts } from './canvas-contexts.js';

/**
 * `autocomplete` tokens of fields whose value is a secret whatever their `type`: payment-card
 * numbers, codes and expiry dates, passwords and one-time codes. A "show password" toggle switches
 * the type, not this. Matched as a token, case-insensitively, so "section-login current-password"
 * and "CC-Number" count as the browser reads them; `cc-name` (the cardholder) does not. The one
 * list: find-masks.ts builds its selectors from it.
 */
export const SECRET_AUTOCOMPLETE: readonly string[] = [
  'cc-number',
  'cc-csc',
  'cc-exp',
  'cc-exp-month',
  'cc-exp-year',
  'current-password',
  'new-password',
  'one-time-code',
];

interface SecretFieldState {
  /** Fields seen hiding their text (password type, dots, or a secret autocomplete token), per realm-independent identity. */
  hidden: WeakSet<Element>;
  /** Fingerprints of the values of the latest hiding fields, newest last (see fingerprint()). */
  values: string[];
  /** Random per page, so a fingerprint says nothing of a value without it. */
  salt: string;
  /**
   * Documents and shadow roots already observed, so each is watched once, each with its observer
   * (whose pending records the capture takes, see flushSecretFields); frames already tracked.
   */
  watched: WeakMap<Node, MutationObserver | null>;
  /**
   * Per field, its value right after remote input (an agent with control) last edited it: that
   * value is the agent's own, never matched against the fingerprints (see {@link noteRemoteEdit}).
   * Optional: a page may hold the record of an older first script that had none.
   */
  remote?: WeakMap<Element, string>;
  /**
   * Hosts of closed shadow roots attached since the first bundle loaded (see hasClosedRoot). Here,
   * not in this module, for the reason the rest is: the first bundle's wrapper of `attachShadow`
   * hears them, and the capture engine, loaded later with its own copy of this module, reads them.
   * Optional: a page may hold the record of an older first script that had none.
   */
  closedHosts?: WeakSet<Element>;
}

/**
 * The record lives on the window under a registered symbol, not in this module: the visitor bundle
 * starts it when the page loads, and the capture engine, a bundle of its own loaded when a session
 * starts (with its own copy of this module), must read what was recorded before it came.
 */
const STATE = Symbol.for('upscope.secretFields');
const state = ((globalThis as Record<symbol, unknown>)[STATE] ??= {
  hidden: new WeakSet(),
  values: [],
  watched: new WeakMap(),
  salt: Array.from(crypto.getRandomValues(new Uint32Array(2)), (n) => n.toString(36)).join(''),
} satisfies SecretFieldState) as SecretFieldState;
const { hidden, values, watched, salt } = state;
const remote = (state.remote ??= new WeakMap());
const closedHosts = (state.closedHosts ??= new WeakSet());
const MAX_VALUES = 16;
/** Shorter values are not matched: a field holding "1" is not a revealed password. */
const MIN_VALUE_LENGTH = 4;

/** Elements whose value is the secret: those an `autocomplete` token can name. */
const FIELDS = new Set(['input', 'textarea', 'select']);

/**
 * True for an `<input>`, `<textarea>` or `<select>` that hides its value right now (see
 * {@link hidesTypingNow}), or ever did.
 */
export function isSecretField(el: Element): boolean {
  if (!FIELDS.has(el.localName)) return false;
  const value = (el as HTMLInputElement).value ?? '';
  const select = el.localName === 'select';
  if (hidden.has(el) || hidesTypingNow(el)) {
    hidden.add(el);
    if (!select) remember(value);
    return true;
  }
  // A value the agent typed is not judged by fingerprint: if it were, the field turning masked (in
  // the frames, in the answer to the agent's next key) would tell the agent its guess is the
  // visitor's password, one guess per round-trip. The visitor's own edit drops the exemption.
  if (!select && value.length >= MIN_VALUE_LENGTH && remote.get(el) !== value && values.includes(fingerprint(value))) {
    hidden.add(el);
    return true;
  }
  return false;
}

/**
 * Remote input edited `el` (typed, deleted, stepped): its value now is the agent's, not the visitor's,
 * and is not matched against the fingerprints of hiding fields until the visitor edits it
 * (remote-input-editing.ts calls this before and after the `input` event it fires, whose
 * listeners, this module's own among them, judge the field).
 */
export function noteRemoteEdit(el: Element): void {
  if (FIELDS.has(el.localName)) remote.set(el, (el as HTMLInputElement).value ?? '');
}

function remember(value: string): void {
  if (value.length < MIN_VALUE_LENGTH) return;
  const print = fingerprint(value);
  if (values.at(-1) === print) return;
  const i = values.indexOf(print);
  if (i >= 0) values.splice(i, 1);
  values.push(print);
  if (values.length > MAX_VALUES) values.shift();
}

/**
 * A salted 64-bit FNV-1a of a value: what is kept instead of the value, so the page-global record
 * holds no password in clear. It only has to tell equal values apart, and be synchronous.
 */
function fingerprint(value: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  const text = `${salt}\0${value}`;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c ^ (a >>> 15), 0x5bd1e995);
  }
  return `${(a >>> 0).toString(36)}.${(b >>> 0).toString(36)}`;
}

/** Whether an `autocomplete` attribute's value holds a {@link SECRET_AUTOCOMPLETE} token. */
function holdsSecretToken(autocomplete: string | null | undefined): boolean {
  if (!autocomplete) return false;
  return autocomplete
    .toLowerCase()
    .split(/[\t\n\f\r ]+/)
    .some((token) => SECRET_AUTOCOMPLETE.includes(token));
}

/**
 * A password input, a field with a secret `autocomplete` token, or a field the page shows as dots
 * (`-webkit-text-security`, which sites use for PINs instead of `type=password`).
 */
function hidesTypingNow(el: Element): boolean {
  if (el.localName === 'input' && (el as HTMLInputElement).type === 'password') return true;
  if (holdsSecretToken(el.getAttribute('autocomplete'))) return true;
  const security = (el.ownerDocument.defaultView ?? window).getComputedStyle(el).getPropertyValue('-webkit-text-security');
  return security !== '' && security !== 'none';
}

/** Records every hiding field in `root` (through open shadow roots), and starts watching those roots. */
function scan(root: ParentNode, observer: MutationObserver): void {
  // Told by its type, not instanceof: a same-origin frame's elements are of its own window's classes
  // (rt22m: a PIN field added to a frame as dots, shown before any frame, was never recorded).
  if (root.nodeType === Node.ELEMENT_NODE) isSecretField(root as Element);
  findInnerRoots(root, (inner) => observe(inner, observer), trackFrame, (el) => {
    if (FIELDS.has(el.localName)) isSecretField(el);
  });
}

/**
 * Finds the content of `root` that lives in roots of its own: calls `shadow` for each open shadow
 * root (of `root` itself too, when it is an element) and `frame` for each `<iframe>`, and `element`
 * for each element of `root`. Inner roots are not searched: `shadow` does that if it wants to. Also
 * used by watch-page-changes.ts, which watches the same roots for the capture's change log.
 */
export function findInnerRoots(root: ParentNode, shadow: (root: ShadowRoot) => void, frame: (frame: HTMLIFrameElement) => void, element?: (el: Element) => void): void {
  const visit = (el: Element) => {
    element?.(el);
    if (el.shadowRoot) shadow(el.shadowRoot);
    if (el.localName === 'iframe') frame(el as HTMLIFrameElement);
  };
  if (root.nodeType === Node.ELEMENT_NODE) {
    const el = root as Element;
    if (el.shadowRoot) shadow(el.shadowRoot);
    if (el.localName === 'iframe') frame(el as HTMLIFrameElement);
  }
  for (const el of root.querySelectorAll('*')) visit(el);
}

/** The document a frame shows, if the page may read it (same origin). */
export function frameDocument(frame: HTMLIFrameElement): Document | null {
  try {
    return frame.contentDocument;
  } catch {
    // Another origin: the capture cannot read it either.
    return null;
  }
}

/** A same-origin frame's fields are tracked too, in each document it loads. */
function trackFrame(frame: HTMLIFrameElement): void {
  const track = () => {
    const doc = frameDocument(frame);
    if (doc) trackSecretFields(doc);
  };
  track();
  if (!watched.has(frame)) {
    watched.set(frame, null);
    frame.addEventListener('load', track);
  }
}

function observe(root: Document | ShadowRoot, observer: MutationObserver): void {
  if (watched.has(root)) return;
  watched.set(root, observer);
  observer.observe(root, { subtree: true, childList: true, attributes: true, attributeOldValue: true, attributeFilter: ['type', 'class', 'style', 'autocomplete'] });
  scan(root, observer);
}

/** The values of hiding fields taken out of the page, so a field put in their place showing one stays masked. */
function rememberRemoved(root: Element): void {
  const fields = root.localName === 'input' || root.localName === 'textarea' ? [root] : root.querySelectorAll('input, textarea');
  for (const field of fields) {
    if (hidden.has(field) || hidesTypingNow(field)) remember((field as HTMLInputElement).value ?? '');
  }
}

/** Whether an attribute's old value made `el` hide its value: a `type` of password, or a secret `autocomplete` token. */
function hidOnce(el: Element, attribute: string | null, oldValue: string | null): boolean {
  if (attribute === 'type') return el.localName === 'input' && oldValue?.trim().toLowerCase() === 'password';
  return attribute === 'autocomplete' && FIELDS.has(el.localName) && holdsSecretToken(oldValue);
}

/** What the tracker makes of records, delivered or taken early (see flushSecretFields). */
function noteRecords(records: MutationRecord[], observer: MutationObserver): void {
  // Old values first: they prove a field was a password field, or held a secret token, even when
  // the switch came in the same task (a field added and its token removed before any frame).
  for (const r of records) if (r.type === 'attributes' && hidOnce(r.target as Element, r.attributeName, r.oldValue)) hidden.add(r.target as Element);
  // Then removals: a toggle that swaps a password field for a plain one holding its value (set
  // by script, so never seen typed) must leave that value behind before the plain one is looked at.
  for (const r of records) for (const n of r.removedNodes) if (n.nodeType === Node.ELEMENT_NODE) rememberRemoved(n as Element);
  for (const r of records) {
    if (r.type === 'childList') {
      for (const n of r.addedNodes) if (n.nodeType === Node.ELEMENT_NODE) scan(n as Element, observer);
    } else isSecretField(r.target as Element);
  }
}

/**
 * Takes the records the tracker of `node`'s tree (its document or shadow root) holds and has not
 * been handed yet. A page's microtask that runs during one of the capture's pauses, before the
 * observers' own delivery, may strip a field of its token: its record is read here, so the search
 * and the copy that ask next know the field. One `takeRecords()` (a fraction of a microsecond when
 * none is pending). The tracker of a document watches the shadow roots of its window too.
 */
export function flushSecretFields(node: Node): void {
  const observer = watched.get(node.getRootNode());
  const records = observer?.takeRecords();
  if (records?.length) noteRecords(records, observer!);
}

/** Whether `el` holds a closed shadow root the SDK saw attached: what it draws cannot be read. */
export function hasClosedRoot(el: Element): boolean {
  return closedHosts.has(el);
}

/**
 * Starts recording fields of `doc` that hide their text, for the rest of the page's life; calling
 * it again for the same document does nothing. The bundles call it when they load, the capture
 * loop when it starts.
 */
export function trackSecretFields(doc: Document = document): void {
  if (watched.has(doc)) return;
  const win = doc.defaultView;
  if (!win) return;
  // The observer hands itself to its callback: scan() starts it on the roots added content brings.
  const observer = new win.MutationObserver(noteRecords);
  // Every shadow root the window's elements attach from now on is observed from the moment it is
  // attached (see the top of this file and shadow-attach.ts), closed ones too, as the typing
  // listeners below already see their fields; the hosts of closed ones are remembered (the copy
  // draws them grey). Observing an empty root cannot throw, and costs nothing per frame; a root
  // is observed once.
  onShadowAttach(win as Window & typeof globalThis, (root) => {
    if (root.mode === 'closed') closedHosts.add(root.host);
    observe(root, observer);
  });
  observe(doc, observer);
  // Installed with these page hooks, in every window they reach: canvases the copy reads blank.
  trackCanvasContexts(win);
  // Typing and focus reach the window from inside any shadow root, closed ones included.
  const seen = (e: Event) => {
    const target = e.composedPath()[0];
    if (!(target instanceof win.Element)) return;
    // The visitor's own edit (trusted): its value is judged by fingerprint again.
    if (e.isTrusted && e.type.endsWith('input')) remote.delete(target);
    isSecretField(target);
  };
  for (const type of ['focusin', 'beforeinput', 'input', 'keydown']) win.addEventListener(type, seen, { capture: true, passive: true });
}
