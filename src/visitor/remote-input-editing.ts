/**
 * Editing a field or a contenteditable the way the browser edits it for the visitor's keys:
 * beforeinput (cancellable), the change itself, then input; for `<input>` and `<textarea>` through
 * the prototype's NATIVE value setter, so frameworks that wrap an element's own `value` (React's
 * value tracker, Vue, lit) see the new value as the visitor's and keep it.
 */
import { noteRemoteEdit } from '../capture/secret-fields.js';
import { maskInRange, windowOf } from './remote-input-target.js';

type Field = HTMLInputElement | HTMLTextAreaElement;

/** `<input>` types that take typed text. */
const TEXT_TYPES = new Set(['text', 'search', 'url', 'tel', 'email', 'password', 'number']);

/** A focused element typed text goes into: a text field, or a contenteditable's editing host. */
export function isTextField(el: Element): el is Field {
  return el.localName === 'textarea' || (el.localName === 'input' && TEXT_TYPES.has((el as HTMLInputElement).type));
}

export function isContentEditable(el: Element): el is HTMLElement {
  return (el as HTMLElement).isContentEditable === true;
}

function descriptor(field: Field): PropertyDescriptor {
  const win = windowOf(field);
  const proto = field.localName === 'textarea' ? win.HTMLTextAreaElement.prototype : win.HTMLInputElement.prototype;
  return Object.getOwnPropertyDescriptor(proto, 'value')!;
}

/** The value as the browser holds it, past any getter the page put on the element. */
export function nativeValue(field: Field): string {
  return descriptor(field).get!.call(field) as string;
}

/** Sets the value as the browser does for typing, past any setter the page put on the element. */
export function setNativeValue(field: Field, value: string): void {
  descriptor(field).set!.call(field, value);
}

/**
 * Text typed into number and email fields, which have no selection and sanitize their value ("12."
 * reads as "" in a number field): kept per field while the value is what was last set, so typing
 * "12.5" ends as 12.5 as it does for the visitor.
 */
const rawText = new WeakMap<Field, { raw: string; set: string }>();

/** The field's text and selection [start, end) in UTF-16 units. */
function textOf(field: Field): { text: string; start: number; end: number; raw: boolean } {
  const value = nativeValue(field);
  let start: number | null = null;
  let end: number | null = null;
  try {
    start = field.selectionStart;
    end = field.selectionEnd;
  } catch {
    // Types with no selection API throw in some engines instead of answering null.
  }
  if (start === null || end === null) {
    const kept = rawText.get(field);
    const text = kept && kept.set === value ? kept.raw : value;
    return { text, start: text.length, end: text.length, raw: true };
  }
  return { text: value, start, end, raw: false };
}

function writeText(field: Field, text: string, caret: number, raw: boolean): void {
  rememberEdit(field, nativeValue(field));
  setNativeValue(field, text);
  if (raw) rawText.set(field, { raw: text, set: nativeValue(field) });
  else field.setSelectionRange(caret, caret);
}

/**
 * Values of fields before remote typing changed them: the browser fires `change` when a field the
 * visitor edited loses focus, but not for a script's edit, so the engine fires it, once, on blur.
 */
const valueAtFocus = new WeakMap<Field, string>();

function rememberEdit(field: Field, before: string): void {
  if (valueAtFocus.has(field)) return;
  valueAtFocus.set(field, before);
  field.addEventListener(
    'blur',
    () => {
      const before = valueAtFocus.get(field);
      valueAtFocus.delete(field);
      if (before !== nativeValue(field)) fireChange(field);
    },
    { once: true },
  );
}

/** Fires `change` now for a field remote typing edited (Enter in a field does this before submitting). */
export function commitEdit(field: Field): void {
  const before = valueAtFocus.get(field);
  if (before === undefined) return;
  valueAtFocus.set(field, nativeValue(field));
  if (before !== nativeValue(field)) fireChange(field);
}

export function fireChange(el: Element): void {
  el.dispatchEvent(new (windowOf(el).Event)('change', { bubbles: true }));
}

/**
 * Fires `input` after an edit. The value is noted as remote input's before the event (whose
 * listeners, the secret-field tracker's among them, judge the field) and after it (the page's
 * handlers may reformat it): a value the agent produced never matches a hiding field's
 * fingerprint, so it cannot test guesses of the visitor's password (secret-fields.ts).
 */
export function fireInput(el: Element, inputType: string, data: string | null): void {
  noteRemoteEdit(el);
  el.dispatchEvent(new (windowOf(el).InputEvent)('input', { bubbles: true, composed: true, inputType, data }));
  noteRemoteEdit(el);
}

function fireBeforeInput(el: Element, inputType: string, data: string | null): boolean {
  return el.dispatchEvent(new (windowOf(el).InputEvent)('beforeinput', { bubbles: true, cancelable: true, composed: true, inputType, data }));
}

function editable(field: Field): boolean {
  return !field.readOnly && !field.disabled;
}

/** Inserts `text` at the field's selection (replacing it), within `maxlength`. */
export function insertIntoField(field: Field, text: string, inputType = 'insertText'): void {
  if (!editable(field)) return;
  let { text: value, start, end } = textOf(field);
  if (field.maxLength >= 0) {
    const room = field.maxLength - (value.length - (end - start));
    if (room <= 0) return;
    if (text.length > room) text = text.slice(0, room);
  }
  if (!fireBeforeInput(field, inputType, text)) return;
  // A beforeinput handler may have changed the value or the selection: edit what is there now.
  const now = textOf(field);
  ({ text: value, start, end } = now);
  writeText(field, value.slice(0, start) + text + value.slice(end), start + text.length, now.raw);
  fireInput(field, inputType, text);
}

/** Backspace (`backward`) or Delete in a field: the selection, or one character beside the caret. */
export function deleteInField(field: Field, backward: boolean): void {
  if (!editable(field)) return;
  const inputType = backward ? 'deleteContentBackward' : 'deleteContentForward';
  const before = textOf(field);
  let { start, end } = before;
  if (start === end) {
    if (backward) start = Math.max(0, start - charWidthBefore(before.text, start));
    else end = Math.min(before.text.length, end + charWidthAfter(before.text, end));
  }
  if (start === end) return;
  if (!fireBeforeInput(field, inputType, null)) return;
  writeText(field, before.text.slice(0, start) + before.text.slice(end), start, before.raw);
  fireInput(field, inputType, null);
}

/** UTF-16 units of the character before `i` (2 for a surrogate pair, so an emoji goes whole). */
function charWidthBefore(text: string, i: number): number {
  return i >= 2 && /[\uDC00-\uDFFF]/.test(text[i - 1]!) && /[\uD800-\uDBFF]/.test(text[i - 2]!) ? 2 : 1;
}

function charWidthAfter(text: string, i: number): number {
  return /[\uD800-\uDBFF]/.test(text[i] ?? '') && /[\uDC00-\uDFFF]/.test(text[i + 1] ?? '') ? 2 : 1;
}

/**
 * Moves the caret (or, with `extend`, the selection's moving end) in a field: by a character, to
 * the line's start or end, or a line up or down in a textarea.
 */
export function moveInField(field: Field, key: string, extend: boolean): void {
  let start: number | null = null;
  try {
    start = field.selectionStart;
  } catch {
    return;
  }
  if (start === null) return;
  const value = nativeValue(field);
  const end = field.selectionEnd ?? start;
  const backward = field.selectionDirection === 'backward';
  const anchor = backward ? end : start;
  const focus = backward ? start : end;
  const lineStart = (i: number) => value.lastIndexOf('\n', i - 1) + 1;
  const lineEnd = (i: number) => (value.indexOf('\n', i) === -1 ? value.length : value.indexOf('\n', i));
  let to = focus;
  if (key === 'ArrowLeft') to = !extend && start !== end ? start : Math.max(0, focus - charWidthBefore(value, focus));
  else if (key === 'ArrowRight') to = !extend && start !== end ? end : Math.min(value.length, focus + charWidthAfter(value, focus));
  else if (key === 'Home') to = lineStart(focus);
  else if (key === 'End') to = lineEnd(focus);
  else if (key === 'ArrowUp' || key === 'ArrowDown') {
    const column = focus - lineStart(focus);
    if (key === 'ArrowUp') {
      const here = lineStart(focus);
      to = here === 0 ? 0 : Math.min(lineStart(here - 1) + column, here - 1);
    } else {
      const next = lineEnd(focus);
      to = next === value.length ? value.length : Math.min(next + 1 + column, lineEnd(next + 1));
    }
  }
  if (!extend) field.setSelectionRange(to, to);
  else if (to < anchor) field.setSelectionRange(to, anchor, 'backward');
  else field.setSelectionRange(anchor, to, 'forward');
}

/** The selection of the tree `host` is in (a shadow root's own, where the engine has one). */
export function selectionFor(host: HTMLElement): Selection | null {
  const root = host.getRootNode() as (Document | ShadowRoot) & { getSelection?: () => Selection | null };
  return root.getSelection?.() ?? host.ownerDocument.getSelection();
}

/** Where an edit of the contenteditable `host` would happen now: its selection, or a caret at its end. */
export function editRange(host: HTMLElement): Range {
  return rangeIn(host, selectionFor(host));
}

/** The selection's range inside `host`, or a caret at its end when the selection is elsewhere. */
export function rangeIn(host: HTMLElement, selection: Selection | null): Range {
  const range = selection && selection.rangeCount > 0 ? selection.getRangeAt(0) : null;
  if (range && host.contains(range.startContainer) && host.contains(range.endContainer)) return range;
  const caret = host.ownerDocument.createRange();
  caret.selectNodeContents(host);
  caret.collapse(false);
  return caret;
}

/**
 * What a contenteditable edit does to masked content inside it: refused (the phrase the agent is
 * told) when the selection is in or holds masked content, checked where the edit will happen (the
 * selection as it is then, after the page's handlers).
 */
export type EditRefusal = string | null;

/** Inserts `text` at the selection of a contenteditable (replacing it); refused where it would touch masked content. */
export function insertIntoEditable(host: HTMLElement, text: string, maskAll: boolean): EditRefusal {
  if (!fireBeforeInput(host, 'insertText', text)) return null;
  const selection = selectionFor(host);
  const range = rangeIn(host, selection);
  const now = maskInRange(range, maskAll);
  if (now) return now;
  range.deleteContents();
  const at = range.startContainer;
  let node: Text;
  let offset: number;
  if (at.nodeType === Node.TEXT_NODE) {
    node = at as Text;
    offset = range.startOffset + text.length;
    node.insertData(range.startOffset, text);
  } else {
    node = host.ownerDocument.createTextNode(text);
    range.insertNode(node);
    offset = text.length;
  }
  selection?.setBaseAndExtent(node, offset, node, offset);
  fireInput(host, 'insertText', text);
  return null;
}

/**
 * Backspace or Delete in a contenteditable: the selection, or one character beside the caret;
 * refused when that is (in) masked content. The character is found as the browser's editor finds
 * it (`Selection.modify`); a refused key leaves the caret where it was.
 */
export function deleteInEditable(host: HTMLElement, backward: boolean, maskAll: boolean): EditRefusal {
  const selection = selectionFor(host);
  if (!selection) return null;
  const inputType = backward ? 'deleteContentBackward' : 'deleteContentForward';
  let range = rangeIn(host, selection);
  const before = range.cloneRange();
  selection.removeAllRanges();
  selection.addRange(range);
  if (range.collapsed) {
    selection.modify('extend', backward ? 'backward' : 'forward', 'character');
    range = selection.getRangeAt(0);
    if (range.collapsed || !host.contains(range.commonAncestorContainer)) return null;
  }
  const masked = maskInRange(range, maskAll);
  if (masked) {
    selection.removeAllRanges();
    selection.addRange(before);
    return masked;
  }
  if (!fireBeforeInput(host, inputType, null)) return null;
  range.deleteContents();
  range.collapse(true);
  selection.removeAllRanges();
  selection.addRange(range);
  fireInput(host, inputType, null);
  return null;
}

/** Enter in a contenteditable: a new paragraph, as the browser's editor makes it; refused where it would split or replace masked content. */
export function newParagraphInEditable(host: HTMLElement, maskAll: boolean): EditRefusal {
  if (!fireBeforeInput(host, 'insertParagraph', null)) return null;
  const selection = selectionFor(host);
  const range = rangeIn(host, selection);
  const now = maskInRange(range, maskAll);
  if (now) return now;
  selection?.removeAllRanges();
  selection?.addRange(range);
  let fired = false;
  const seen = () => (fired = true);
  host.addEventListener('input', seen, { once: true });
  // execCommand is the browser's own editor (deprecated as an API, kept by every engine for this).
  host.ownerDocument.execCommand('insertParagraph');
  host.removeEventListener('input', seen);
  if (!fired) fireInput(host, 'insertParagraph', null);
  return null;
}
