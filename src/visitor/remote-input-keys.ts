/**
 * Remote typing and named keys, as the browser handles the visitor's own: keydown, keypress,
 * beforeinput, input and keyup per character to the focused element, then the key's default
 * action (edit, move the caret, submit, move focus, change a select, toggle a checkbox, scroll).
 * Every character is checked on its own: a page that moves focus while typing (a one-time-code
 * row, an auto-advancing card field) cannot lead typing into a masked field.
 *
 * A little over 350 lines: every key's default action is decided here, in one order (Upscope's UI,
 * the mask, the page's cancel, the action), which reads better whole than split by key.
 */
import type { RemoteInputResult } from '../protocol/remote-input.js';
import {
  commitEdit,
  deleteInEditable,
  deleteInField,
  editRange,
  fireChange,
  fireInput,
  insertIntoEditable,
  insertIntoField,
  isContentEditable,
  isTextField,
  moveInField,
  newParagraphInEditable,
} from './remote-input-editing.js';
import { moveInEditable, selectAll } from './remote-input-caret.js';
import { escapeTarget } from './remote-input-escape.js';
import { nextFocusable } from './remote-input-focus.js';
import { scrollerFor } from './remote-input-pointer.js';
import { activationRefusal, dialogSubmitRefusal, focusedElement, isUpscopeUi, maskedReason, maskInRange, windowOf } from './remote-input-target.js';

export interface Modifiers {
  shift?: boolean;
  ctrl?: boolean;
  alt?: boolean;
  meta?: boolean;
}

interface KeyContext {
  doc: Document;
  maskAll: boolean;
  allowScroll: boolean;
}

/**
 * Where keys go now, or a refusal: the focused element (the body when nothing has focus). `text`:
 * the key writes text; `edits`: it changes content (text, Backspace, Delete, Enter), so in a
 * contenteditable the selection must not be in or hold masked content either.
 */
function keyTarget(ctx: KeyContext, text: boolean, edits = text): Element | RemoteInputResult {
  const focused = focusedElement(ctx.doc);
  if (focused && isUpscopeUi(focused)) return { ok: false, reason: 'noTarget', message: 'focus is in the Upscope widget, which remote input never reaches' };
  if (!focused) {
    if (text) return { ok: false, reason: 'noTarget', message: 'nothing on the page has focus to type into; click a field first' };
    return ctx.doc.body ?? ctx.doc.documentElement;
  }
  const masked = maskedReason(focused, ctx.maskAll, text || isContentEditable(focused));
  if (masked) return { ok: false, reason: 'masked', message: `the focused element is ${masked}` };
  const touched = edits && isContentEditable(focused) ? maskInRange(editRange(focused), ctx.maskAll) : null;
  if (touched) return maskedEdit(touched);
  return focused;
}

function maskedEdit(why: string): RemoteInputResult {
  return { ok: false, reason: 'masked', message: why };
}

/** Keys whose default action changes a contenteditable's content. */
const EDITING_KEYS = new Set(['Backspace', 'Delete', 'Enter', ' ']);

function isRefusal(x: Element | RemoteInputResult): x is RemoteInputResult {
  return !('nodeType' in x);
}

/** Types `text` character by character into whatever has focus as each character arrives. */
export function remoteText(ctx: KeyContext, text: string): RemoteInputResult {
  const chars = Array.from(text.replace(/\r\n?/g, '\n'));
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const result = ch === '\n' ? typeNewline(ctx) : ch === ' ' && spaceActivatesFocus(ctx) ? remoteKey(ctx, ' ', {}) : typeChar(ctx, ch, {});
    if (!result.ok) return i === 0 ? result : { ...result, message: `typed ${i} of ${chars.length}, then stopped: ${result.message}` };
  }
  return { ok: true };
}

/** A typed space on a focused button, checkbox or radio is the Space key: it presses it, as for the visitor. */
function spaceActivatesFocus(ctx: KeyContext): boolean {
  const focused = focusedElement(ctx.doc);
  return focused !== null && isSpaceActivated(focused);
}

/**
 * A newline in typed text: a line break in a textarea or a contenteditable; dropped in a one-line
 * field, as pasting drops it, so text with a newline never submits a form by surprise (the agent
 * sends the Enter key for that).
 */
function typeNewline(ctx: KeyContext): RemoteInputResult {
  const target = keyTarget(ctx, true);
  if (isRefusal(target)) return target;
  if (target.localName === 'textarea' || isContentEditable(target)) return remoteKey(ctx, 'Enter', {});
  return { ok: true };
}

/** One printable character: keydown, keypress, then the edit (if neither was cancelled), keyup. */
function typeChar(ctx: KeyContext, ch: string, mods: Modifiers): RemoteInputResult {
  const target = keyTarget(ctx, true);
  if (isRefusal(target)) return target;
  const go = key(target, 'keydown', ch, mods) && key(target, 'keypress', ch, mods);
  // A keydown handler may move focus (auto-advance): the character goes where focus is now, if allowed.
  const now = keyTarget(ctx, true);
  if (isRefusal(now)) return now;
  let refused: string | null = null;
  if (go) {
    if (isTextField(now)) insertIntoField(now, ch);
    else if (isContentEditable(now)) refused = insertIntoEditable(now, ch, ctx.maskAll);
    else if (now.localName === 'select') typeAhead(now as HTMLSelectElement, ch);
  }
  key(now, 'keyup', ch, mods);
  return refused ? maskedEdit(refused) : { ok: true };
}

/** A named key, or one character with modifiers (a shortcut). */
export function remoteKey(ctx: KeyContext, name: string, mods: Modifiers): RemoteInputResult {
  if ([...name].length === 1 && name !== ' ' && !mods.ctrl && !mods.alt && !mods.meta) return typeChar(ctx, name, mods);
  const target = keyTarget(ctx, false, EDITING_KEYS.has(name) && !mods.ctrl && !mods.alt && !mods.meta);
  if (isRefusal(target)) return target;
  // Enter and Space activate a focused button or summary, as a click on it: judged as the click is.
  const acts = name === 'Enter' || name === ' ' ? activationRefusal(target, ctx.maskAll) : null;
  if (acts) return maskedEdit(acts);
  const go = key(target, 'keydown', name, mods) && (!producesKeypress(name, mods) || key(target, 'keypress', name, mods));
  // Why the key's action was not done: it would have reached masked content.
  const refused = go ? defaultAction(ctx, target, name, mods) : null;
  // keyup goes to whatever has focus after the key's action (Tab's keyup lands on the new field).
  const after = focusedElement(ctx.doc);
  const upTarget = after && !isUpscopeUi(after) && !maskedReason(after, ctx.maskAll) ? after : target;
  key(upTarget, 'keyup', name, mods);
  // Space activates a button or a checkbox on release, as it does for the visitor.
  if (go && name === ' ' && isSpaceActivated(target)) (target as HTMLElement).click();
  return refused ? maskedEdit(refused) : { ok: true };
}

function producesKeypress(name: string, mods: Modifiers): boolean {
  return (name === 'Enter' || name === ' ' || [...name].length === 1) && !mods.ctrl && !mods.alt && !mods.meta;
}

const BUTTON_TYPES = new Set(['button', 'submit', 'reset', 'image']);

function isButtonLike(el: Element): boolean {
  return el.localName === 'button' || el.localName === 'summary' || (el.localName === 'input' && BUTTON_TYPES.has((el as HTMLInputElement).type));
}

function isSpaceActivated(el: Element): boolean {
  return isButtonLike(el) || (el.localName === 'input' && ['checkbox', 'radio'].includes((el as HTMLInputElement).type));
}

/**
 * What the browser does after an uncancelled keydown of `name` on `target`. Returns why it was not
 * done when it would reach masked content: an action that reaches another element than the focused
 * one (the form's default button, the next radio, the next Tab stop, a dialog) judges that one too.
 */
function defaultAction(ctx: KeyContext, target: Element, name: string, mods: Modifiers): string | null | void {
  const shortcut = mods.ctrl || mods.meta;
  if (shortcut && name.toLowerCase() === 'a') return selectAll(target, ctx.maskAll);
  if (shortcut || mods.alt) return;
  if (name === 'Tab') {
    const next = nextFocusable(ctx.doc, target, mods.shift === true, (el) => maskedReason(el, ctx.maskAll) === null);
    (next as HTMLElement | null)?.focus();
    return;
  }
  if (name === 'Escape') return escape(ctx);
  if (isTextField(target)) return fieldKey(ctx, target, name, mods);
  if (isContentEditable(target)) return editableKey(ctx, target, name, mods);
  if (target.localName === 'select') return selectKey(target as HTMLSelectElement, name);
  if (target.localName === 'input') {
    const input = target as HTMLInputElement;
    if (input.type === 'radio' && name.startsWith('Arrow')) return radioKey(ctx, input, name === 'ArrowDown' || name === 'ArrowRight');
    if (input.type === 'range' && stepKey(input, name)) return;
  }
  if (name === 'Enter' && (isButtonLike(target) || (target.localName === 'a' && target.hasAttribute('href')))) {
    (target as HTMLElement).click();
    return;
  }
  if (name === 'Enter' && target.localName === 'input') return implicitSubmit(ctx, target as HTMLInputElement);
  if (name === ' ' && isSpaceActivated(target)) return;
  scrollKey(ctx, target, name, mods);
}

function fieldKey(ctx: KeyContext, field: HTMLInputElement | HTMLTextAreaElement, name: string, mods: Modifiers): string | null | void {
  if (name === 'Backspace' || name === 'Delete') return deleteInField(field, name === 'Backspace');
  if (name === ' ') return insertIntoField(field, ' ');
  if (name === 'Enter') {
    if (field.localName === 'textarea') return insertIntoField(field, '\n', 'insertLineBreak');
    return implicitSubmit(ctx, field as HTMLInputElement);
  }
  if (field.localName === 'input' && (field as HTMLInputElement).type === 'number' && stepKey(field as HTMLInputElement, name)) return;
  moveInField(field, name, mods.shift === true);
}

function editableKey(ctx: KeyContext, host: HTMLElement, name: string, mods: Modifiers): string | null | void {
  if (name === 'Backspace' || name === 'Delete') return deleteInEditable(host, name === 'Backspace', ctx.maskAll);
  if (name === ' ') return insertIntoEditable(host, ' ', ctx.maskAll);
  if (name === 'Enter') return newParagraphInEditable(host, ctx.maskAll);
  return moveInEditable(host, name, mods.shift === true, ctx.maskAll);
}

/**
 * A `<select>` (not open: a synthetic click cannot open the browser's picker): the arrows, Home,
 * End, PageUp and PageDown pick the next, previous, first or last enabled option, and typed
 * characters pick the next option starting with them, each firing input and change, as a focused
 * closed select does for the visitor's keys. This is how an agent picks an option.
 */
function selectKey(select: HTMLSelectElement, name: string): void {
  if (select.multiple || select.disabled) return;
  const options = Array.from(select.options);
  const enabled = (i: number) => options[i] !== undefined && !options[i]!.disabled && !(options[i]!.parentElement as HTMLOptGroupElement | null)?.disabled;
  const from = select.selectedIndex;
  let to = from;
  const step = (dir: 1 | -1, start: number) => {
    for (let i = start + dir; i >= 0 && i < options.length; i += dir) if (enabled(i)) return i;
    return from;
  };
  if (name === 'ArrowDown' || name === 'ArrowRight') to = step(1, from);
  else if (name === 'ArrowUp' || name === 'ArrowLeft') to = step(-1, from);
  else if (name === 'Home' || name === 'PageUp') to = step(1, -1);
  else if (name === 'End' || name === 'PageDown') to = step(-1, options.length);
  choose(select, to);
}

function typeAhead(select: HTMLSelectElement, ch: string): void {
  if (select.multiple || select.disabled) return;
  const options = Array.from(select.options);
  const wanted = ch.toLowerCase();
  for (let n = 1; n <= options.length; n++) {
    const i = (select.selectedIndex + n) % options.length;
    const option = options[i]!;
    if (!option.disabled && option.label.trim().toLowerCase().startsWith(wanted)) return choose(select, i);
  }
}

function choose(select: HTMLSelectElement, index: number): void {
  if (index === select.selectedIndex || index < 0) return;
  select.selectedIndex = index;
  fireInput(select, 'insertReplacementText', null);
  fireChange(select);
}

/** Arrows in a radio group check (and focus) the next or previous enabled radio, wrapping; a masked one is refused, as a click on it is. */
function radioKey(ctx: KeyContext, radio: HTMLInputElement, forward: boolean): string | void {
  if (!radio.name) return;
  const root = radio.form ?? (radio.getRootNode() as Document | ShadowRoot);
  const group = Array.from(root.querySelectorAll<HTMLInputElement>('input[type="radio" i]')).filter(
    (r) => r.name === radio.name && r.form === radio.form && !r.disabled,
  );
  const at = group.indexOf(radio);
  if (at < 0 || group.length < 2) return;
  const next = group[(at + (forward ? 1 : -1) + group.length) % group.length]!;
  const masked = maskedReason(next, ctx.maskAll);
  if (masked) return `the next radio button of the group is ${masked}`;
  next.focus();
  next.click();
}

/** Arrow keys step a range or number field; Home and End go to a range's ends. */
function stepKey(input: HTMLInputElement, name: string): boolean {
  if (input.readOnly || input.disabled) return false;
  const before = input.value;
  try {
    if (name === 'ArrowUp' || (input.type === 'range' && name === 'ArrowRight')) input.stepUp();
    else if (name === 'ArrowDown' || (input.type === 'range' && name === 'ArrowLeft')) input.stepDown();
    else if (input.type === 'range' && (name === 'Home' || name === 'End')) input.value = name === 'Home' ? input.min || '0' : input.max || '100';
    else return false;
  } catch {
    return true;
  }
  if (input.value !== before) {
    fireInput(input, 'insertReplacementText', null);
    fireChange(input);
  }
  return true;
}

const BLOCKS_IMPLICIT_SUBMISSION = new Set(['text', 'search', 'url', 'tel', 'email', 'password', 'date', 'month', 'week', 'time', 'datetime-local', 'number']);

/**
 * Enter in a form's field, as HTML's implicit submission: the form's default button is clicked (so
 * its click handlers run), or with no submit button the form is submitted when it has at most one
 * field that blocks implicit submission. requestSubmit() validates and fires `submit` like the
 * visitor's own submission would.
 */
function implicitSubmit(ctx: KeyContext, field: HTMLInputElement): string | void {
  if (isTextField(field)) commitEdit(field);
  const form = field.form;
  if (!form) return;
  const elements = Array.from(form.elements);
  const defaultButton = elements.find((el) => (el.localName === 'button' && (el as HTMLButtonElement).type === 'submit') || (el.localName === 'input' && ['submit', 'image'].includes((el as HTMLInputElement).type)));
  if (defaultButton) {
    // The button is clicked: a masked one is refused, as the agent's click on it is.
    const masked = maskedReason(defaultButton, ctx.maskAll);
    if (masked) return `Enter would press the form's default button, which is ${masked}`;
    const acts = activationRefusal(defaultButton, ctx.maskAll);
    if (acts) return `Enter would press the form's default button: ${acts}`;
    if (!(defaultButton as HTMLButtonElement).disabled) (defaultButton as HTMLElement).click();
    return;
  }
  const blocking = elements.filter((el) => el.localName === 'input' && BLOCKS_IMPLICIT_SUBMISSION.has((el as HTMLInputElement).type)).length;
  const closes = blocking <= 1 ? dialogSubmitRefusal(form, null, ctx.maskAll) : null;
  if (closes) return `Enter ${closes}`;
  if (blocking <= 1) form.requestSubmit();
}

/** Escape closes the top dialog or popover (its `cancel` event may refuse a dialog's close); refused when that, or one above it, is masked. */
function escape(ctx: KeyContext): string | void {
  const closing = escapeTarget(ctx.doc, ctx.maskAll);
  if (typeof closing === 'string') return closing;
  if (closing?.localName === 'dialog' && !closing.matches(':popover-open')) {
    const dialog = closing as HTMLDialogElement;
    if (dialog.dispatchEvent(new (windowOf(dialog).Event)('cancel', { cancelable: true }))) dialog.close();
    return;
  }
  closing?.hidePopover();
}

/** Keys that scroll when focus is not in something that uses them: the nearest scroller, if scrolling is allowed. */
function scrollKey(ctx: KeyContext, target: Element, name: string, mods: Modifiers): void {
  if (!ctx.allowScroll) return;
  const view = windowOf(target);
  const page = view.innerHeight * 0.875;
  const deltas: Record<string, [number, number]> = {
    ArrowDown: [0, 40],
    ArrowUp: [0, -40],
    ArrowRight: [40, 0],
    ArrowLeft: [-40, 0],
    PageDown: [0, page],
    PageUp: [0, -page],
    ' ': [0, mods.shift ? -page : page],
    Home: [0, -1e9],
    End: [0, 1e9],
  };
  const delta = deltas[name];
  if (!delta) return;
  scrollerFor(target, delta[0], delta[1])?.scrollBy({ left: delta[0], top: delta[1], behavior: 'instant' });
}

/** KeyboardEvent.code for a key where it is unambiguous on a US layout; '' otherwise. */
function codeOf(name: string): string {
  if (name === ' ') return 'Space';
  if (/^[a-z]$/i.test(name)) return `Key${name.toUpperCase()}`;
  if (/^[0-9]$/.test(name)) return `Digit${name}`;
  return [...name].length > 1 ? name : '';
}

/** The legacy keyCode/which old pages still read. */
const LEGACY_KEY_NUMBERS: Record<string, number> = {
  Backspace: 8,
  Tab: 9,
  Enter: 13,
  Escape: 27,
  ' ': 32,
  PageUp: 33,
  PageDown: 34,
  End: 35,
  Home: 36,
  ArrowLeft: 37,
  ArrowUp: 38,
  ArrowRight: 39,
  ArrowDown: 40,
  Delete: 46,
};

/** Fires one keyboard event at `target` in its realm; true unless cancelled. */
function key(target: Element, type: 'keydown' | 'keypress' | 'keyup', name: string, mods: Modifiers): boolean {
  const win = windowOf(target);
  const legacy = LEGACY_KEY_NUMBERS[name] ?? (/^[a-z0-9]$/i.test(name) ? name.toUpperCase().charCodeAt(0) : 0);
  const charCode = type === 'keypress' ? (name === 'Enter' ? 13 : name.codePointAt(0) ?? 0) : 0;
  const event = new win.KeyboardEvent(type, {
    key: name,
    code: codeOf(name),
    bubbles: true,
    cancelable: true,
    composed: true,
    view: win,
    shiftKey: mods.shift === true,
    ctrlKey: mods.ctrl === true,
    altKey: mods.alt === true,
    metaKey: mods.meta === true,
    keyCode: type === 'keypress' ? charCode : legacy,
    which: type === 'keypress' ? charCode : legacy,
    charCode,
  });
  return target.dispatchEvent(event);
}
