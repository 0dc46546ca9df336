/**
 * Style sheet edits through the CSSOM, which fire no mutation: a rule edited in place
 * (`rule.style.opacity = '1'`, `setProperty`, `selectorText`), rules inserted and deleted
 * (`insertRule`/`deleteRule`, a sheet's count kept), `replace`/`replaceSync`, a MediaList
 * changed, a sheet disabled (`sheet.disabled`, `styleEl.disabled`), the document's adopted
 * sheets assigned (`document.adoptedStyleSheets =`; a shadow root's are compared with the kept
 * clone's, see kept-clone.ts), and two state changes selectors read with no
 * mutation either: a custom element defined (`:defined`) and a custom state set (`:state()`),
 * a custom property registered with an initial value (`CSS.registerProperty`), and a
 * form-associated custom element's validity flipped (`ElementInternals.setValidity`). A
 * cover laid over a field (a sibling, not an ancestor, so ancestor-styles.ts never looks at it)
 * shown that way, then text typed under it: a patch would draw the new text over the kept copy
 * of the cover as it was. So the capture wraps the methods and setters that make those edits, on
 * the prototypes of each window it watches (the page's and every same-origin frame's, see
 * watch-page-changes.ts), and the change log asks for a whole clone after each one.
 *
 * A declaration's properties are set by name (`decl.opacity = '1'`), which no wrapper can see. So
 * the getters that hand out a rule's declaration (`rule.style`, `rule.styleMap`) note it, with its
 * text, and {@link declarationEdits} compares each noted declaration's text with the last look
 * once per frame (a microsecond each; the page's own reads only: the capture's own reads of every
 * rule go through {@link ownReads}). `@font-face` declarations are left out: modern-screenshot
 * reads them all, their text holds whole fonts as data URLs, and a font that loads fires
 * `loadingdone` (a whole clone).
 *
 * At most {@link MAX_DECLARATIONS} declarations are noted. One handed out past that puts the
 * longest-noted one out, and counts as an edit: the next frame is cloned whole, so nothing the
 * declaration put out was edited to up to then is missed. A declaration put out and handed out
 * again (`rule.style.opacity = '1'` reads it again) is noted again before it is edited.
 *
 * Not seen: a method or declaration the page took before the capture loaded and used later
 * (`const insert = sheet.insertRule.bind(sheet)`, a declaration kept in a variable since page
 * load, then `decl.opacity = '1'`), nor a declaration kept in a variable past its being put out
 * (above) then edited. What is missed
 * is right again at the periodic whole clone (see MAX_PATCH_AGE_MS in kept-clone.ts).
 *
 * This module is part of the capture bundle, loaded when a session first becomes active; the
 * wrappers stay on the prototypes for the page's life (a wrapper cannot be taken off safely once
 * the page may have wrapped it in turn), and cost a function call per edit.
 */

type Listener = (target: object) => void;

const listeners = new Set<Listener>();
/** Prototypes wrapped already (each once, whichever window or capture loop asked). */
const wrapped = new WeakSet<object>();
/**
 * Declarations noted at most (see the top of this file): each costs a look at its text per frame
 * (about a microsecond), so a page that reads every rule of a large sheet's `style` once would
 * otherwise make every frame slower for the page's life.
 */
export const MAX_DECLARATIONS = 1000;
/** Rule declarations the page was handed (see the top of this file) -> their text at the last look, longest-noted first. */
const declarations = new Map<CSSStyleDeclaration, string>();
/** Constructed sheets a tree the capture draws adopts or adopted (see {@link noteAdopted}). */
const inUse = new WeakSet<StyleSheet>();
/** Counts declaration edits found by {@link declarationEdits}. */
let edits = 0;
/** Counts wrapped edits. */
let changes = 0;
/** Above 0 while the capture reads rules itself: what it reads is not the page's to edit. */
let own = 0;

/** Methods of CSS rules, sheets and media lists that change what they hold. */
const EDITS = new Set(['insertRule', 'deleteRule', 'addRule', 'removeRule', 'replace', 'replaceSync', 'appendRule', 'appendMedium', 'deleteMedium']);
/**
 * Interfaces whose own setters and {@link EDITS} methods are wrapped, besides every kind of rule
 * (see {@link isRule}: `CSSNestedDeclarations`, a nesting block's declarations, is a rule whose name
 * does not say so).
 */
const STYLE_INTERFACES = /^(?:CSSStyleSheet|StyleSheet|MediaList)$/;

/** Whether `proto` is CSSRule's prototype or one inheriting from it (any rule, named as it may be). */
function isRule(proto: object, rule: object | undefined): boolean {
  return !!rule && (proto === rule || Object.prototype.isPrototypeOf.call(rule, proto));
}

/** Runs `read`, the capture's own look at the page's rules: the declarations it is handed are not noted. */
export function ownReads<T>(read: () => T): T {
  own++;
  try {
    return read();
  } finally {
    own--;
  }
}

/** Calls `listener` after every wrapped edit (with the sheet, rule, root or element edited) until the returned function is called. */
export function onStyleEdit(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * How many times a noted declaration was found changed, looking at each now: a caller that
 * remembers the last count knows whether one changed since.
 */
export function declarationEdits(): number {
  for (const [decl, text] of declarations) {
    // A rule taken out of its sheet draws nothing any more.
    if (!decl.parentRule?.parentStyleSheet) {
      declarations.delete(decl);
      continue;
    }
    const now = decl.cssText;
    if (now !== text) {
      declarations.set(decl, now);
      edits++;
    }
  }
  return edits;
}

/**
 * The node an edit's target belongs to: the element whose sheet (or the root whose adopted sheets)
 * changed, null when none tells (a constructed sheet, a media list, a custom state).
 */
export function styleEditOwner(target: object): Node | null {
  // A node of this window or a frame's (whose Node is another object): told by its nodeType.
  if ('nodeType' in target) return (target as Node).nodeType === Node.DOCUMENT_FRAGMENT_NODE && 'host' in target ? (target as ShadowRoot).host : (target as Node);
  return sheetOf(target)?.ownerNode ?? null;
}

function notify(target: object): void {
  changes++;
  // A constructed sheet no tree uses draws nothing (a component's styles made before it adopts them).
  const sheet = sheetOf(target);
  if (sheet && !sheet.ownerNode && !inUse.has(sheet)) return;
  for (const listener of listeners) listener(target);
}

/** The outermost sheet `target` (a sheet, a rule, a rule's declaration) belongs to, if any. */
function sheetOf(target: object): StyleSheet | null {
  let sheet: StyleSheet | null = null;
  if ('parentRule' in target && 'cssText' in target) target = (target as CSSStyleDeclaration).parentRule ?? target;
  if ('parentStyleSheet' in target && 'type' in target && 'cssText' in target) sheet = (target as CSSRule).parentStyleSheet;
  else if ('ownerNode' in target) sheet = target as StyleSheet;
  while (sheet?.parentStyleSheet) sheet = sheet.parentStyleSheet;
  return sheet;
}

/**
 * `sheets` are adopted by a tree the capture draws (the kept clone saw them, see kept-clone.ts):
 * their edits count from now on. Sheets assigned to a document's or shadow root's
 * `adoptedStyleSheets` are noted as they are assigned.
 */
export function noteAdopted(sheets: Iterable<CSSStyleSheet>): void {
  for (const sheet of sheets) inUse.add(sheet);
}

/**
 * Counts the edits seen so far, wrapped or found on a noted declaration (at the last
 * {@link declarationEdits}): what is read from style sheets and kept (a verdict per sheet) is
 * read again when this moved, as when the sheet's rule count did.
 */
export function styleEditCount(): number {
  return changes + edits;
}

function note(decl: unknown): void {
  if (own !== 0 || !decl || declarations.has(decl as CSSStyleDeclaration)) return;
  if (declarations.size >= MAX_DECLARATIONS) {
    // The longest-noted is watched no more: counted as edited, so the next frame is whole.
    declarations.delete(declarations.keys().next().value!);
    edits++;
  }
  declarations.set(decl as CSSStyleDeclaration, (decl as CSSStyleDeclaration).cssText);
}

/**
 * Wraps the CSSOM's edits in `win` (see the top of this file). Calling it again for a window, or
 * for a window sharing prototypes with one wrapped before, changes nothing.
 */
export function wrapStyleEdits(win: Window): void {
  const globals = win as unknown as Record<string, { prototype?: object } | undefined>;
  const rule = globals.CSSRule?.prototype;
  for (const name of Object.getOwnPropertyNames(win)) {
    if (!name.startsWith('CSS') && !STYLE_INTERFACES.test(name)) continue;
    const proto = globals[name]?.prototype;
    if (!proto || wrapped.has(proto) || !(STYLE_INTERFACES.test(name) || isRule(proto, rule))) continue;
    wrapped.add(proto);
    const fontFace = name === 'CSSFontFaceRule';
    for (const key of Object.getOwnPropertyNames(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, key)!;
      if (!d.configurable) continue;
      if (key === 'style' && d.get) {
        const get = d.get;
        if (!fontFace) d.get = function (this: object) {
          const decl = get.call(this);
          note(decl);
          return decl;
        };
      } else if (key === 'styleMap' && d.get) {
        const get = d.get;
        // The map edits the rule's declaration: noting that catches `rule.styleMap.set(…)`.
        d.get = function (this: { style?: unknown }) {
          const map = get.call(this);
          if (own === 0) note(this.style);
          return map;
        };
      }
      if (d.set) d.set = wrapSetter(d.set);
      else if (typeof d.value === 'function' && EDITS.has(key)) d.value = wrapMethod(d.value as (...args: unknown[]) => unknown);
      else if (!d.get || (key !== 'style' && key !== 'styleMap')) continue;
      Object.defineProperty(proto, key, d);
    }
  }
  const setters: Array<[{ prototype: object } | undefined, string]> = [
    [globals.Document, 'adoptedStyleSheets'],
    [globals.HTMLStyleElement, 'disabled'],
    [globals.HTMLLinkElement, 'disabled'],
  ] as Array<[{ prototype: object } | undefined, string]>;
  for (const [type, key] of setters) {
    const proto = type?.prototype;
    const d = proto && Object.getOwnPropertyDescriptor(proto, key);
    if (!d?.set || !d.configurable || wrapped.has(d.set)) continue;
    d.set = wrapSetter(d.set);
    wrapped.add(d.set);
    Object.defineProperty(proto, key, d);
  }
  // A shadow root's adopted sheets are compared root by root (see KeptClone.adopted): every
  // component (each <upscope-masked>) assigns them as it is made, which should not clone the page
  // whole. The sheets assigned are noted, so their later edits count.
  const rootProto = globals.ShadowRoot?.prototype;
  const adopted = rootProto && Object.getOwnPropertyDescriptor(rootProto, 'adoptedStyleSheets');
  if (adopted?.set && adopted.configurable && !wrapped.has(adopted.set)) {
    const set = adopted.set;
    adopted.set = function (this: ShadowRoot, sheets: CSSStyleSheet[]) {
      set.call(this, sheets);
      noteAdopted(this.adoptedStyleSheets);
    };
    wrapped.add(adopted.set);
    Object.defineProperty(rootProto, 'adoptedStyleSheets', adopted);
  }
  const methods: Array<[{ prototype: object } | undefined, string[]]> = [
    [globals.CustomStateSet, ['add', 'delete', 'clear']],
    [globals.CustomElementRegistry, ['define']],
  ] as Array<[{ prototype: object } | undefined, string[]]>;
  for (const [type, keys] of methods) {
    const proto = type?.prototype as Record<string, unknown> | undefined;
    if (!proto || wrapped.has(proto)) continue;
    wrapped.add(proto);
    for (const key of keys) {
      const d = Object.getOwnPropertyDescriptor(proto, key);
      if (typeof d?.value !== 'function' || !d.configurable) continue;
      d.value = wrapMethod(d.value as (...args: unknown[]) => unknown);
      Object.defineProperty(proto, key, d);
    }
  }
  // A form-associated custom element's validity, set through its ElementInternals, flips its own
  // `:invalid` and its form's and fieldsets' (`form:invalid .cover`) with no mutation; the element
  // cannot be found from its internals nor listed cheaply (kept-clone.ts checks built-in fields
  // each frame), so a call that flips it is an edit. One that leaves it valid or invalid (a
  // component that sets its validity on every keystroke) changes no style.
  const internals = globals.ElementInternals?.prototype as Record<string, unknown> | undefined;
  const setValidity = internals && Object.getOwnPropertyDescriptor(internals, 'setValidity');
  if (internals && typeof setValidity?.value === 'function' && setValidity.configurable && !wrapped.has(internals)) {
    wrapped.add(internals);
    const method = setValidity.value as (...args: unknown[]) => unknown;
    setValidity.value = function (this: ElementInternals, ...args: unknown[]) {
      const was = validityOf(this);
      const out = method.apply(this, args);
      if (validityOf(this) !== was) notify(this);
      return out;
    };
    Object.defineProperty(setValidity.value, 'name', { value: method.name });
    Object.defineProperty(setValidity.value, 'length', { value: method.length });
    Object.defineProperty(internals, 'setValidity', setValidity);
  }
  // A custom property registered (`CSS.registerProperty`) takes its initial value wherever no rule
  // sets it: `opacity: var(--o, 0)` turns 1 with no rule edited. The namespace is the window's own
  // object (no prototype to share), and the edit is the document's.
  const css = (win as unknown as { CSS?: Record<string, unknown> }).CSS;
  const register = css && Object.getOwnPropertyDescriptor(css, 'registerProperty');
  if (css && typeof register?.value === 'function' && register.configurable && !wrapped.has(css)) {
    wrapped.add(css);
    const method = register.value as (...args: unknown[]) => unknown;
    const doc = win.document;
    register.value = function (this: unknown, ...args: unknown[]) {
      const out = method.apply(this, args);
      notify(doc);
      return out;
    };
    Object.defineProperty(register.value, 'name', { value: method.name });
    Object.defineProperty(register.value, 'length', { value: method.length });
    Object.defineProperty(css, 'registerProperty', register);
  }
}

/** Whether the element of `internals` is valid, null when it has no validity (not form-associated: the call throws). */
function validityOf(internals: ElementInternals): boolean | null {
  try {
    return internals.validity.valid;
  } catch {
    return null;
  }
}

/** `set`, then a notice: what the page's call does and throws is unchanged. */
function wrapSetter(set: (value: unknown) => void): (value: unknown) => void {
  return function (this: object, value: unknown) {
    set.call(this, value);
    // The document's adopted sheets: noted as used, then the edit counts.
    if ((this as Document).nodeType === Node.DOCUMENT_NODE) noteAdopted((this as Document).adoptedStyleSheets);
    notify(this);
  };
}

/** `method`, then a notice (again when a promise it returns settles: `replace()` applies its rules later). */
function wrapMethod(method: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  const wrapper = function (this: object, ...args: unknown[]) {
    const out = method.apply(this, args);
    notify(this);
    // A promise of this window or a frame's: either has then().
    if (typeof (out as Promise<unknown> | null)?.then === 'function') (out as Promise<unknown>).then(() => notify(this), () => {});
    return out;
  };
  Object.defineProperty(wrapper, 'name', { value: method.name });
  Object.defineProperty(wrapper, 'length', { value: method.length });
  return wrapper;
}
