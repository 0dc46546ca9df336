/**
 * The last frame's clone, kept so the next frame can clone again only what changed (issue 16,
 * "a small change costs a small amount"). The rasterizer patches it: each changed subtree's clone
 * is made afresh and put in place of the old one; the rest of the markup is the last frame's.
 *
 * The clone writes every element's used width and height, so a subtree's old clone stays right
 * as long as its element's size and style did not change. When a change resizes its parent or a
 * sibling (text that wraps onto one more line, a flex item that grows), the subtree to clone grows
 * to the smallest ancestor whose size and whose children's sizes held ({@link growToStableBox}). A
 * cell that moved its table's columns is the exception: the table keeps its clone, given the new
 * widths in place ({@link tableBoxUpdates}), when that is all that changed.
 *
 * {@link planChanges} decides, conservatively, when a frame must clone the whole viewport instead:
 * whatever the change log could not name, a scroll or resize of the window (culling and the root's
 * offset move), a style sheet change, running animations, the top layer, content the clone
 * rewrites outside the subtree (frames, videos, `<use>`), relational selectors (`:has()`) whose
 * matches flipped, so that a change restyled its ancestors (see relational-matches.ts; `:focus-within` when focus moved, sibling combinators when a
 * child of the body changed, a field state such as `:invalid` that flipped: see {@link selectorUses}
 * and {@link changedFields}), container queries on a container's state, a box placed by anchor
 * positioning in an area, and every {@link MAX_PATCHES} frames in any case. What a change moves or
 * draws anew with no signal of its own is cloned again with it: boxes placed out of the flow whose
 * box moved or that `position-visibility` hid or showed since, pseudo-elements too
 * ({@link movedOutOfFlow}), and every canvas ({@link drawnCanvases}). A keyframe is
 * patched too, onto a clone made whole less than {@link MAX_KEYFRAME_BASE_AGE_MS} ago.
 *
 * Over 350 lines: the kept clone and the one planner that decides what a patch may reuse read the
 * same state (which original each clone is of, what was culled, the sizes written), and the rules
 * of when to clone whole are one list best read together.
 */
import { sameSelection } from './selection-paint.js';
import { writtenLength } from './exact-lengths.js';
import { SLOT_WRAPPER } from './slot-wrappers.js';
import { SCROLL_WRAPPER, stickyPin } from './scroll-position.js';
import { smilChanged } from './smil.js';
import { isLoneField, styleSheetsKey, type Changes } from './change-log.js';
import { openTopLayer } from './top-layer.js';
import { findInnerRoots } from './secret-fields.js';
import { containsComposed } from './find-offscreen.js';
import { flatParent } from './shadow-attach.js';
import { placesAbsolute } from './escaping-items.js';
import { flatChildren } from './margins.js';
import { indexedMatching, matching } from './find-masks.js';
import type { Viewport } from './rasterize.js';
import { noteAdopted, ownReads } from './style-edits.js';
import { cloneVerdict, positionVerdict } from './position-visibility.js';
import { pseudoUnpainted } from './copy-paint.js';
import { addRelationalSubjects, MAX_RELATIONAL_SUBJECTS, sameRelationalMatches, type RelationalMatches } from './relational-matches.js';

/** Frames patched in a row before a whole clone: keeps leftover style rules and any drift bounded. */
export const MAX_PATCHES = 50;
/**
 * Milliseconds of patched frames (from the first) before a whole clone, however busy the page: what no signal
 * names (a box that moved content up into view without a resize of its own, ink that overflowed
 * up or left) is right again within this long, and a page that never goes idle still gets one.
 * Judged when the frame's first change was signalled (Changes.since), not when its capture runs: a
 * page whose own work on a change is slow (a long table laid out again, 0.4-0.7 s) would otherwise
 * pass the window on that very change and clone whole what a patch draws. What is missed is then
 * right again within this long plus the time the page took before the capture could run.
 */
export const MAX_PATCH_AGE_MS = 1000;
/**
 * Milliseconds since the kept clone was made whole within which a keyframe (an agent joining or
 * recovering) is patched onto it rather than cloned whole: the idle check's default 2 s plus the
 * periodic second, so with the default options a keyframe is never staler than the frames the
 * agents already watching get; with the idle check off or slower, this is what bounds it.
 */
export const MAX_KEYFRAME_BASE_AGE_MS = 3000;
/** A changed subtree with more elements than this is cloned with the rest of the viewport (and culled). */
const MAX_SUBTREE = 1500;
/** A parent with more children than this is not checked child by child: the whole viewport is cloned. */
const MAX_SIBLINGS = 400;
/** Content the rasterizer rewrites across the clone, or draws from outside the subtree. */
const WHOLE_ONLY = 'video, iframe, frame, object, embed, use, dialog, [popover], upscope-widget, upscope-assist-layer';

export class KeptClone {
  /** Frames patched since the last whole clone. */
  patches = 0;
  /**
   * Patches that changed the clone (a subtree cloned again, a box given a new size in place) since
   * the last whole clone: a patch that found nothing to clone again (a keyframe asked for) does not
   * count. What was judged of the clone and the page when it had as many edits still holds while
   * the page's change log names nothing else (see {@link aloneVerdict}).
   */
  edits = 0;
  /**
   * The last verdict of field-region.ts on whether a text field's inside is drawn by the field
   * alone: for `field`, whose clone was then `clone`, over its inside `rect` (viewport CSS px;
   * `key`, in frame pixels), made or last carried over an edit when the clone had `edits` edits.
   * It holds over an edit whose region is away from `rect` (see carryVerdict in field-region.ts);
   * over any other, the field is judged anew.
   */
  aloneVerdict: { field: Element; clone: Element; rect: { left: number; top: number; right: number; bottom: number }; key: string; edits: number; alone: boolean } | null = null;
  /**
   * Whether a clone made whole or patched in since paints further than INK_MARGIN outside its box
   * (see farInk in draw-region.ts): every region, field drawn alone and tile assumes nothing does,
   * so while this holds patched frames draw the whole frame. It stays set until the next whole
   * clone (a clone patched away may have painted the last frame's pixels far from any region).
   */
  farInk = false;
  /**
   * Originals whose clones are placed out of the flow (see {@link movedOutOfFlow}) and the canvases
   * the clone holds (see {@link drawnCanvases}): noted as the whole clone and each patch since are
   * made ({@link noteCloned}), so a patch looks at these, none on most pages, not at every clone. One
   * whose clone was cloned again otherwise, or went, is passed over (and dropped) when looked at.
   */
  readonly outOfFlow = new Set<Element>();
  readonly canvases = new Set<Element>();
  /**
   * Originals whose `::before` or `::after` is placed out of the flow where `position-visibility`
   * may hide it (see placedByVisibility) -> the clone they were noted with and, per pseudo-element,
   * whether that clone's rule drew it unpainted (see pseudoUnpainted): its anchor scrolled away or
   * back changes that with no change to the element, so each patch judges them again
   * ({@link movedOutOfFlow}). One whose element was cloned again since without any is dropped.
   */
  readonly placedPseudos = new Map<Element, { clone: Element; unpainted: Map<string, boolean> }>();
  /**
   * Originals whose `::before` or `::after` is placed by `position: absolute`: the clone wrote its
   * insets and size as pixels of its containing block's box then, so a patch that gives that box
   * a new height in place clones them again (see growToStableBox). One gone from the page is dropped when looked at.
   */
  readonly pseudoOwners = new Set<Element>();
  /** Clones whose `::before` or `::after` may paint away from their box (see pseudoAway in draw-region.ts): a patch of a subtree holding one, before or after, draws the whole frame. */
  private readonly awayPseudos = new WeakSet<Element>();

  /** Whether `clone` or a clone in it has a pseudo-element that may paint away from its box (see {@link awayPseudos}): only clones the copy gave a pseudo-element rule are looked at. */
  holdsAwayPseudo(clone: Element): boolean {
    if (this.awayPseudos.has(clone)) return true;
    for (const el of clone.querySelectorAll('[class*="__up"]')) if (this.awayPseudos.has(el)) return true;
    return false;
  }
  /** Each SMIL animation element -> the value the clone drew for it (see smil.ts); one changed since clones whole. */
  smil = new Map<Element, string>();
  /** The elements whose own text a highlight or the selection hid when the clone was made, drawn transparent (see pseudo-text.ts); another set since clones whole. */
  hiddenText: ReadonlySet<Element> = new Set();
  /** The selection's boundary points when the clone was made (see selection-paint.ts). */
  selection: readonly unknown[] = [];
  /** What the page's `:has()` rules matched when this frame's capture began (see relational-matches.ts), or null. */
  relationalMatches: RelationalMatches | null = null;
  /** When the first frame was patched onto this clone (performance.now()), or null. */
  patchedSince: number | null = null;
  /** When this clone was made whole (performance.now()): a keyframe is patched onto it only while it is younger than {@link MAX_KEYFRAME_BASE_AGE_MS}. */
  readonly madeAt = performance.now();
  /** Each form field's state at the last frame, its value hashed (no value is kept): see {@link changedFields}. */
  fields: Map<Element, FieldState>;
  /**
   * Whether the clone holds content of a root (shadow root, frame document) whose mutations may
   * not all have reached the change log (see ChangeLog.watch): a keyframe is then cloned whole.
   */
  unwatched: boolean;
  /** The shadow roots and frame documents the clone holds content of: their fields are checked too (see {@link changedFields}). */
  readonly roots = new Set<Document | ShadowRoot>();
  /** Each culled original that stands in for a run of off-screen siblings (see find-offscreen.ts) -> the run's last; its clone is as tall as the run was. */
  readonly runs = new Map<Element, Element>();
  /**
   * The adopted sheets of the document, of each of {@link roots} and of each cloned shadow host's
   * root, as the clone saw them: a shadow root's are assigned by every component as it is made,
   * so style-edits.ts does not hear them, and an ObservableArray changed in place
   * (`adoptedStyleSheets.push(sheet)`) calls no setter at all; {@link planChanges} compares them.
   */
  readonly adopted = new Map<Document | ShadowRoot, CSSStyleSheet[]>();
  /**
   * The page's animations when the clone was made, each with its {@link AnimationStamp}: one
   * started since and finished (a Web Animation with a delay and `fill: forwards` fires no event
   * the log hears), one paused or finished since, or one paused or finished and then sought
   * (`currentTime =`), re-keyed (`effect.setKeyframes`, `updateTiming`) or moved to another
   * target, left styles the clone does not hold (see {@link planChanges}). One running has no
   * stamp (null): it clones the next frame whole whatever it does, so its keyframes are not read.
   */
  readonly animations: Map<Animation, AnimationStamp | null>;

  constructor(
    /** The SVG of the last frame, patched in place. */
    readonly svg: SVGElement,
    /** Its `<style>`, where the rules of patched subtrees are added. */
    readonly style: Element,
    /** Each cloned original -> its clone in `svg`. */
    readonly cloneOf: Map<Element, Element>,
    /** Originals cloned as empty boxes (off screen): their clones lack their content. */
    readonly culled: Set<Element>,
    /** How far off the viewport, in CSS px, the clone began to cull. */
    readonly cullMargin: number,
    readonly viewport: Viewport,
    readonly background: string,
    readonly maskAll: boolean,
    readonly sheets: string,
    /** What the page's style sheets select on, beyond an element and its ancestors (see {@link selectorUses}). */
    readonly selectors: SelectorUses,
    /** Whether the change log sees every mutation in `root` (see ChangeLog.watches); starts watching it if not. */
    watches: (root: Node) => boolean,
  ) {
    const doc = svg.ownerDocument;
    for (const original of cloneOf.keys()) {
      const root = original.getRootNode();
      if (root !== doc) this.roots.add(root as Document | ShadowRoot);
      // A host's tree restyles what it draws (slotted content, the host by `:host`), even when none of its elements is cloned.
      if (original.shadowRoot) this.adopted.set(original.shadowRoot, [...original.shadowRoot.adoptedStyleSheets]);
    }
    this.fields = fieldStates(doc, this.roots, selectors.states);
    for (const root of [doc, ...this.roots]) this.adopted.set(root, [...(root.adoptedStyleSheets ?? [])]);
    // Their edits in place (replaceSync) count from now on (see style-edits.ts).
    for (const sheets of this.adopted.values()) noteAdopted(sheets);
    this.animations = new Map((doc.getAnimations?.() ?? []).map((a) => [a, a.playState === 'running' ? null : animationStamp(a)]));
    // Every root is asked: an unwatched one is watched from now on.
    this.unwatched = [...this.roots].map(watches).includes(false);
  }

  /**
   * Before `original` is cloned again for a patch: the shadow roots inside it (nested ones too)
   * are watched from now on and their fields checked, so what changes there later is seen; one not
   * watched until now makes the next keyframe whole, as for a whole clone.
   */
  holdRootsOf(original: Element, watches: (root: Node) => boolean): void {
    const visit = (root: ShadowRoot) => {
      if (!this.roots.has(root)) {
        this.roots.add(root);
        this.adopted.set(root, [...(root.adoptedStyleSheets ?? [])]);
        noteAdopted(root.adoptedStyleSheets);
        if (!watches(root)) this.unwatched = true;
        for (const [el, state] of fieldStates(null, [root], this.selectors.states)) this.fields.set(el, state);
      }
      findInnerRoots(root, visit, () => {});
    };
    findInnerRoots(original, visit, () => {});
  }

  /** The clone of `original`, if it is in the kept SVG now. */
  cloneIn(original: Element): Element | null {
    const clone = this.cloneOf.get(original);
    return clone && this.svg.contains(clone) ? clone : null;
  }

  /** Puts `clone`, just made for `original`, in place of `old`, its last clone. */
  replace(original: Element, old: Element, clone: Element): void {
    old.replaceWith(clone);
    this.cloneOf.set(original, clone);
    for (const el of this.culled) if (original.contains(el)) this.culled.delete(el);
  }

  /**
   * Notes what a clone just made (whole, or a subtree patched in) holds: see {@link outOfFlow};
   * `pseudos`: its placed pseudo-elements, each with whether it was drawn unpainted (see {@link placedPseudos}).
   */
  noteCloned(outOfFlow: Iterable<Element>, canvases: Iterable<Element>, pseudos: Iterable<readonly [Element, string, boolean]> = [], away: Iterable<Element> = [], owners: Iterable<Element> = []): void {
    for (const el of owners) this.pseudoOwners.add(el);
    for (const el of away) {
      const clone = this.cloneOf.get(el);
      if (clone) this.awayPseudos.add(clone);
    }
    for (const el of outOfFlow) this.outOfFlow.add(el);
    for (const el of canvases) this.canvases.add(el);
    for (const [el, pseudo, unpainted] of pseudos) {
      const clone = this.cloneOf.get(el);
      if (!clone) continue;
      let placed = this.placedPseudos.get(el);
      if (placed?.clone !== clone) this.placedPseudos.set(el, (placed = { clone, unpainted: new Map() }));
      placed.unpainted.set(pseudo, unpainted);
    }
  }

  /** `original` only changed height: its clone is given the new one. */
  resize(original: Element, height: string): void {
    const style = (this.cloneIn(original) as HTMLElement | null)?.style;
    if (style?.height) style.setProperty('height', height, style.getPropertyPriority('height'));
  }
}

/** What the page looks like now, as far as the plan needs. */
export interface PageState {
  doc: Document;
  viewport: Viewport;
  background: string;
  maskAll: boolean;
  /** The elements whose own text a highlight or the selection hides now (see pseudo-text.ts). */
  hiddenText: ReadonlySet<Element>;
  /** The selection's boundary points now (see selectionKey in selection-paint.ts); left out, taken as unchanged. */
  selection?: readonly unknown[];
  /** What the page's `:has()` rules match now, for the kept clone's rules (see relational-matches.ts). */
  relationalMatches?: RelationalMatches | null;
}

/** The subtrees to clone again, or why the whole viewport must be cloned. */
export type Plan = { patch: Element[] } | { whole: string };

/**
 * What an animation that is not running draws, as far as a look can tell: its play state, where
 * it stands (`currentTime`, which a paused or finished animation keeps until the page seeks it), its
 * timeline, its effect and that effect's target, keyframes and timing. Any of them changed by the
 * page (no event the log hears) may show or hide what the kept clone holds as it was.
 */
export interface AnimationStamp {
  timeline: AnimationTimeline | null;
  effect: AnimationEffect | null;
  target: Element | null;
  text: string;
}

function animationStamp(a: Animation): AnimationStamp {
  const effect = a.effect;
  const keyed = effect as KeyframeEffect | null;
  let text = `${a.playState} ${String(a.currentTime)} ${String(a.startTime)} ${a.playbackRate} `;
  if (effect) {
    text += JSON.stringify(effect.getTiming());
    if (typeof keyed?.getKeyframes === 'function') text += `${keyed.pseudoElement} ${keyed.composite} ${JSON.stringify(keyed.getKeyframes())}`;
  }
  return { timeline: a.timeline, effect, target: keyed?.target ?? null, text };
}

/**
 * Whether `a` is as it was when stamped (see {@link AnimationStamp}); a new animation is not, nor
 * one that was running (no stamp: it ran since the clone was made, or still runs).
 *
 * The keyframes are read and compared on every patched frame, though they seldom change: no
 * cheaper signal is sound. `setKeyframes` could be wrapped as style-edits.ts wraps the CSSOM, but
 * not a copy of it the page took before the capture loaded, and a re-keyed cover is a leak.
 */
function sameAnimation(was: AnimationStamp | null | undefined, a: Animation): boolean {
  if (!was || was.effect !== a.effect || was.timeline !== a.timeline) return false;
  const now = animationStamp(a);
  return now.target === was.target && now.text === was.text;
}

/**
 * Decides how the next frame is cloned: see the file comment. `changes` null asks for a whole
 * clone (the loop's first frame, a frame after a failure). A `keyframe` (an agent joining or
 * recovering) is patched like any frame, but only onto a clone made whole less than
 * {@link MAX_KEYFRAME_BASE_AGE_MS} ago: what it shows is a whole clone at most that old plus every
 * change signalled since (masks are found afresh and painted on every frame, keyframes included).
 */
export function planChanges(kept: KeptClone | null, changes: Changes | null, page: PageState, keyframe = false): Plan {
  if (!changes) return { whole: 'the capture started over' };
  if (changes.full) return { whole: changes.full };
  if (!kept) return { whole: 'no clone kept' };
  const now = performance.now();
  const at = changes.since ?? now;
  if (kept.patches >= MAX_PATCHES || at - (kept.patchedSince ?? Infinity) > MAX_PATCH_AGE_MS) return { whole: 'the periodic whole clone' };
  if (keyframe && now - kept.madeAt > MAX_KEYFRAME_BASE_AGE_MS) return { whole: 'a keyframe was asked for' };
  if (keyframe && kept.unwatched) return { whole: 'a keyframe, over content the change log may have missed' };
  const { doc, viewport } = page;
  const was = kept.viewport;
  if (was.width !== viewport.width || was.height !== viewport.height || was.scrollX !== viewport.scrollX || was.scrollY !== viewport.scrollY) {
    return { whole: 'the window scrolled or resized' };
  }
  if (kept.background !== page.background || kept.maskAll !== page.maskAll) return { whole: 'the page background or the mask mode changed' };
  // A highlight set or a selection made changes no element: what it hides is drawn transparent by a whole clone.
  if (kept.hiddenText.size !== page.hiddenText.size || [...page.hiddenText].some((el) => !kept.hiddenText.has(el))) return { whole: 'what a highlight or the selection hides changed' };
  // The selection is drawn into the clone's text (selection-paint.ts): a new one is cloned whole.
  if (page.selection && !sameSelection(kept.selection, page.selection)) return { whole: 'the selection changed' };
  if (styleSheetsKey(doc) !== kept.sheets) return { whole: 'a style sheet changed' };
  for (const [root, sheets] of kept.adopted) {
    const now = root.adoptedStyleSheets ?? [];
    if (now.length !== sheets.length || sheets.some((sheet, i) => now[i] !== sheet)) return { whole: 'a style sheet changed' };
  }
  if (openTopLayer(doc).length > 0) return { whole: 'the top layer is open' };
  // Asked once per plan: a patch's tableBoxUpdates reads what this found from kept.animations.
  const animations = doc.getAnimations?.() ?? [];
  // Running ones first: a page with a spinner clones every frame whole, with no stamp taken.
  if (animations.some((a) => a.playState === 'running') || animations.some((a) => !sameAnimation(kept.animations.get(a), a))) return { whole: 'an animation or transition is running or ran' };
  // Each one now is a kept one: fewer means one the clone drew has ended or was cancelled (a Web
  // Animation with `fill: none` leaves getAnimations as it ends, and fires no event the log hears).
  if (animations.length !== kept.animations.size) return { whole: 'an animation or transition ended' };
  if (smilChanged(doc, kept.smil)) return { whole: 'an SVG (SMIL) animation is running or ran' };
  const besideBody = changes.besideBody ?? new Set<Element>();
  // A change restyles by `:has()` only by flipping what a `:has()` prefix matches: unflipped, it is
  // patched as on any page. Compared whatever the change log heard (review27): a flip it heard no
  // element change for (a field's state, a mutation between its take and the matches' reading) is
  // cloned whole too.
  if (kept.selectors.relational) {
    const followed = kept.selectors.relationalSubjects !== null && kept.relationalMatches?.subjects === kept.selectors.relationalSubjects;
    if (followed && !sameRelationalMatches(kept.relationalMatches, page.relationalMatches ?? null)) return { whole: 'what the page\'s :has() rules match changed' };
    if (!followed && changes.changed.size + besideBody.size > 0) return { whole: 'the page has :has() rules' };
  }
  // A child of the body changed: cloned alone unless a rule may restyle its siblings by it.
  if (besideBody.size > 0 && kept.selectors.siblings) return { whole: 'the root or the body changed' };
  if (changes.focusMoved && kept.selectors.focusWithin) return { whole: 'focus moved, and the page has :focus-within rules' };
  const roots: Element[] = [];
  // A field typed in is cloned alone unless a rule may restyle its siblings by it (`:placeholder-shown + .hint`).
  const fields = [...(changes.fields ?? [])].map((el) => (kept.selectors.siblings ? el.parentElement : el)).filter((el): el is Element => el !== null);
  // An element that may have turned `:empty` on or off restyles its siblings by such rules (`#amt:empty + .cover`).
  if (kept.selectors.siblings) for (const el of changes.emptiness ?? []) if (el.parentElement) fields.push(el.parentElement);
  // Fields whose value, checked state or state pseudo-classes changed, with what their states restyle.
  const stated = changedFields(kept, doc);
  if (typeof stated === 'string') return { whole: stated };
  const listed = [...changes.changed, ...besideBody, ...fields, ...stated];
  if (listed.length > 0) {
    if (kept.selectors.containerState) return { whole: 'the page has container queries on a container\'s state' };
    // What a change draws anew with no signal of its own: canvases. (Boxes placed out of the flow
    // that it moves are found once its growth is written in place, see movedOutOfFlow.)
    listed.push(...drawnCanvases(kept, doc));
  }
  for (let el of listed) {
    if (!el.isConnected || el.getRootNode() !== doc) continue;
    // Light children of a shadow host are drawn where its shadow tree slots them: one a slot draws
    // is cloned again alone, in its slot's wrapper (its box is checked up the flat tree, see
    // growToStableBox); one no slot draws is not drawn, and its host is cloned again.
    while (el.parentElement?.shadowRoot && !el.assignedSlot) el = el.parentElement;
    // A shadow tree whose rules select on its host's light content (`:host(:has(…))`, which CSS
    // Scoping allows though this Chromium matches it on nothing), or query the state of a
    // container that may hold the change (a scroller the slotted content makes scrollable), could
    // restyle itself by the change: the host is cloned again, with all it draws.
    el = outermostHostSelectingOn(el);
    // SVG content is cloned with its <svg>, whose clone the library treats apart.
    if (el instanceof SVGElement) el = outermostSvg(el);
    // A select draws its selected option itself, and is masked whole when anything in it is (see
    // isSelectWithMask in find-masks.ts): a change inside it clones the select again.
    el = el.closest('select') ?? el;
    // Text under a `dir="auto"` element (or a <bdi>) sets its direction, and with it how all it
    // holds is laid out and which `:dir()` rules match there: it is cloned again from there.
    el = outermostAutoDirection(el);
    // The patch is planned on the flat tree. Attaching a shadow root or assigning a slot
    // (slot.assign()) leaves no mutation record, so the kept clone may hold content deeper under
    // a shadow host where it was drawn before (as plain light DOM, outside a mask that now holds
    // it): then it is cloned from the outermost shadow host above it.
    if (!keptWhereDrawn(kept, el)) el = outermostHostAbove(el);
    if (el === doc.documentElement || el === doc.body || el.closest('head')) return { whole: 'the root or the body changed' };
    roots.push(el);
  }
  const patch = roots.filter((el) => !roots.some((other) => other !== el && other.contains(el)));
  for (const el of patch) {
    const why = whyWhole(kept, el);
    if (why) return { whole: why };
  }
  return { patch };
}

/** The positions that place a box out of the flow, as a clone's inline style writes them (see DISPLACED in draw-region.ts). */
export const OUT_OF_FLOW = new Set(['absolute', 'fixed', 'sticky']);
/** What places a box out of the flow besides its {@link BOX} values: auto margins centre it in its containing block. */
const MARGINS = ['margin-top', 'margin-right', 'margin-bottom', 'margin-left'] as const;

/**
 * Boxes placed out of the flow (absolutely, fixed, sticky) whose kept clones no longer have their
 * box, outside the subtrees `recloned` (cloned again anyway): to be cloned again too (the
 * rasterizer asks after writing the growth of a patch in place: heights, a table's new widths,
 * which its clones inside then hold). Such a box is sized and placed by its containing block,
 * which may be an ancestor that only grew in height (given the new height in place, see
 * {@link growToStableBox}, which looks only at its children) with the box deep in a child that
 * held (`inset: 0` over a panel whose content grew), or by an anchor anywhere in the page
 * (`top: anchor(top)`). Its clone keeps the offsets, margins and size written before. The used
 * values the page has now (insets resolve to pixels for a positioned box) are compared with the
 * clone's. A box placed in a `position-area` of its anchor, or with position fallbacks, has insets
 * that hold as its anchor moves (they are from the area, which the clone does not know): the
 * reason to clone the whole viewport is returned. A culled box (emptied as off screen) that moved
 * may have come into view: the whole viewport too. The boxes looked at are those noted as the
 * clone was made ({@link KeptClone.outOfFlow}): on a page with none, nothing is. So are the
 * `::before`/`::after` placed where `position-visibility` may hide them
 * ({@link KeptClone.placedPseudos}): one the browser hides or shows since its clone's rule was
 * written clones its element again.
 */
export function movedOutOfFlow(kept: KeptClone, doc: Document, recloned: readonly Element[]): Element[] | string {
  const win = doc.defaultView!;
  const out: Element[] = [];
  for (const original of kept.outOfFlow) {
    const clone = kept.cloneIn(original);
    const style = clone && ((clone as HTMLElement).style as CSSStyleDeclaration | undefined);
    if (!style || !OUT_OF_FLOW.has(style.getPropertyValue('position')) || !original.isConnected) {
      kept.outOfFlow.delete(original);
      continue;
    }
    if (recloned.some((root) => containsComposed(root, original))) continue;
    const cs = win.getComputedStyle(original);
    for (const name of ['position-area', 'position-try-fallbacks']) {
      const value = cs.getPropertyValue(name);
      if (value !== '' && value !== 'none') return 'a box placed by anchor positioning in an area or with fallbacks';
    }
    // A box `position-visibility` hides (its anchor scrolled out of view) or shows again moves nothing and fires nothing.
    if (positionVerdict(original, cs) !== cloneVerdict(clone)) {
      if (kept.culled.has(original)) return 'a box placed out of the flow and culled was hidden or shown by position-visibility';
      out.push(original);
      continue;
    }
    // A sticky box of a scrolled flex or grid box is held by insets of the copy's own (see
    // pinSticky, which alone writes them important): judged by those it would be given now, not
    // by the page's insets. (One held by none when cloned is so while its scroll container, whose
    // scroll clones it again, keeps its scroll position: no walk up to find that container.)
    const pin = cs.position === 'sticky' && style.getPropertyPriority('top') === 'important' ? stickyPin(original, win) : null;
    let moved = style.getPropertyValue('position') !== cs.position;
    for (const name of [...BOX, ...MARGINS]) {
      if (moved) break;
      const was = writtenBox(style, name);
      const now = pin && name in pin ? pin[name as keyof typeof pin] : cs.getPropertyValue(name);
      moved = was !== null && was !== now;
    }
    if (moved) {
      if (kept.culled.has(original)) return 'a box placed out of the flow and culled moved';
      out.push(original);
    }
  }
  // Pseudo-elements `position-visibility` hides or shows since, as boxes above (no hit test finds them).
  for (const [original, placed] of kept.placedPseudos) {
    if (!original.isConnected || kept.cloneIn(original) !== placed.clone) {
      kept.placedPseudos.delete(original);
      continue;
    }
    if (recloned.some((root) => containsComposed(root, original))) continue;
    const changed = [...placed.unpainted].some(([pseudo, unpainted]) => pseudoUnpainted(original, pseudo, win.getComputedStyle(original, pseudo)) !== unpainted);
    if (!changed) continue;
    if (kept.culled.has(original)) return 'a pseudo-element placed out of the flow and culled was hidden or shown by position-visibility';
    out.push(original);
  }
  return out;
}

/**
 * The canvases the kept clone draws (from the outermost shadow host, or the frame, as for
 * {@link movedOutOfFlow}), cloned again on every patch: drawing on a canvas (`fillRect`, WebGL, a
 * worker's OffscreenCanvas) fires no mutation or event, and its clone is the picture it held when
 * cloned. A scratch card painted over again as a new code is written under it would be patched
 * over its old, transparent picture. Each patch reads each canvas again, as a whole clone does.
 * Those the clone holds are noted as it is made ({@link KeptClone.canvases}): none is looked for.
 */
function drawnCanvases(kept: KeptClone, doc: Document): Element[] {
  const out: Element[] = [];
  for (const canvas of kept.canvases) {
    if (!canvas.isConnected || !kept.cloneIn(canvas)) {
      kept.canvases.delete(canvas);
      continue;
    }
    if (kept.culled.has(canvas)) continue;
    const at = outermostInDocument(canvas, doc);
    if (at) out.push(at);
  }
  return out;
}

/** Elements whose direction their text sets: `dir="auto"`, and a <bdi> with no direction of its own. */
const AUTO_DIRECTION = '[dir="auto" i], bdi:not([dir="ltr" i], [dir="rtl" i])';

/** The outermost element at or above `el` whose direction its text sets ({@link AUTO_DIRECTION}), else `el`. */
function outermostAutoDirection(el: Element): Element {
  let outer = el;
  for (let up = el.closest(AUTO_DIRECTION); up; up = up.parentElement?.closest(AUTO_DIRECTION) ?? null) outer = up;
  return outer;
}

function whyWhole(kept: KeptClone, el: Element): string | null {
  if (!kept.cloneIn(el) || kept.culled.has(el)) return 'a change off screen or in new content';
  // Counted first: the count is the browser's (kept while the subtree's elements stay the same),
  // while the query for a list of names walks every element of it (15 ms over a 5 000-row table,
  // which a cell that widens its column makes the subtree to clone).
  if (el.getElementsByTagName('*').length > MAX_SUBTREE) return 'a change in a large subtree';
  if (el.matches(WHOLE_ONLY) || el.querySelector(WHOLE_ONLY)) return 'a change around frames, videos, <use> or dialogs';
  return null;
}

/**
 * Whether `el`'s kept clone sits where the flat tree draws `el` now: under the clones of its flat
 * ancestors (slots, which are not cloned, left out), in order, up to the root. False too when
 * `el` has no clone.
 */
function keptWhereDrawn(kept: KeptClone, el: Element): boolean {
  let clone = kept.cloneIn(el)?.parentElement ?? null;
  if (!clone) return false;
  for (let up = flatParent(el); up; up = flatParent(up)) {
    if (up.localName === 'slot') {
      // A slot's content is cloned inside a wrapper that stands for the slot (see slot-wrappers.ts).
      if (clone?.hasAttribute(SLOT_WRAPPER)) clone = clone.parentElement;
      continue;
    }
    // A scrolled box's content is moved in a block that stands for no element (see scroll-position.ts).
    if (clone?.hasAttribute(SCROLL_WRAPPER)) clone = clone.parentElement;
    if (clone === null || kept.cloneOf.get(up) !== clone) return false;
    clone = clone.parentElement;
  }
  return true;
}

/** The outermost shadow host above `el` whose shadow tree has `:has()` rules or container state queries (see {@link shadowHasRelational}), else `el`. */
function outermostHostSelectingOn(el: Element): Element {
  let out = el;
  for (let up = el.parentElement; up; up = up.parentElement) if (up.shadowRoot && shadowHasRelational(up.shadowRoot)) out = up;
  return out;
}

/**
 * Whether a rule of the shadow tree's style sheets has `:has(`, or is an `@container` rule on a
 * container's state (see {@link QUERIES_STATE}; a sheet that cannot be read counts as having one). Read each time, not kept: a sheet's rules can change in place (insertRule,
 * replaceSync) with no mutation to tell, and a component's sheet is short.
 */
function shadowHasRelational(root: ShadowRoot): boolean {
  const relational = (rules: CSSRuleList): boolean => {
    for (const rule of rules) {
      if ((rule instanceof CSSStyleRule && rule.selectorText.includes(':has(')) || queriesState(rule)) return true;
      if ('cssRules' in rule && relational((rule as CSSGroupingRule).cssRules)) return true;
    }
    return false;
  };
  for (const sheet of [...root.styleSheets, ...(root.adoptedStyleSheets ?? [])]) {
    try {
      if (relational(sheet.cssRules)) return true;
    } catch {
      return true;
    }
  }
  return false;
}

/** `el`, or its outermost ancestor that is a shadow host (open: a closed root cannot be seen). */
function outermostHostAbove(el: Element): Element {
  let out = el;
  for (let up = el.parentElement; up; up = up.parentElement) if (up.shadowRoot) out = up;
  return out;
}

function outermostSvg(el: SVGElement): Element {
  let svg: Element = el;
  for (let owner = el.ownerSVGElement; owner; owner = owner.ownerSVGElement) svg = owner;
  return svg;
}

/**
 * `el`, or the outermost shadow host drawing it (`el` a slot or inside a shadow tree), when that
 * can be cloned again alone as growToStableBox clones a subtree; else null (the whole viewport).
 */
export function patchRootFor(kept: KeptClone, el: Element): Element | null {
  const doc = el.ownerDocument;
  const host = el.getRootNode() === doc ? el : outermostInDocument(el, doc);
  if (!host || host === doc.body || host === doc.documentElement || host.closest('head') || whyWhole(kept, host)) return null;
  return host;
}

/** What a change needs beyond its own subtree: see {@link growToStableBox}. */
export interface Growth {
  /** Subtrees to clone again: the changed one, grown, and siblings it resized. */
  roots: Element[];
  /** Ancestors that only grew or shrank in height: their clones get the new height. */
  heights: Map<Element, string>;
  /** Tables whose columns moved, kept and given their new box values in place (see {@link tableBoxUpdates}). */
  tables: Array<{ table: Element; updates: BoxUpdate[] }>;
}

/** A value written anew on a kept clone (see {@link tableBoxUpdates}). */
export interface BoxUpdate {
  clone: Element;
  name: string;
  value: string;
}

/**
 * What must be cloned again for a change in `el`'s subtree to be drawn right, found by going up
 * from `el` while a parent's box (its used size, or the offsets a positioned box was given)
 * differs from what the kept clone wrote. The climb follows the flat tree, as the clone is built:
 * a slotted element's parent is its slot's box (the slot itself has no clone), a shadow tree's
 * top boxes' parent is the host, and siblings are the children the clone holds beside it. A
 * parent that only changed height (text that wrapped onto one more line) keeps its clone with
 * the new height; one that changed otherwise is cloned again whole. A sibling whose box changed
 * on the way (a flex item that shrank) is cloned again too. What would be cloned again inside a
 * shadow tree is its outermost host instead (a subtree is cloned from the document's content).
 * Returns null when that reaches the body or a parent too long to check: the whole viewport is
 * cloned instead.
 */
export function growToStableBox(kept: KeptClone, el: Element, frameChanges: readonly Element[] | null = null): Growth | null {
  const doc = el.ownerDocument;
  const win = doc.defaultView!;
  let root = el;
  const roots: Element[] = [];
  const heights = new Map<Element, string>();
  const tables: Growth['tables'] = [];
  /** Moves the root to `to` (or, inside a shadow tree, its outermost host); false when that must not be cloned alone. */
  const growTo = (to: Element): boolean => {
    const host = to.getRootNode() === doc ? to : outermostInDocument(to, doc);
    if (!host || host === doc.body || host === doc.documentElement || whyWhole(kept, host)) return false;
    root = host;
    return true;
  };
  let start = el;
  // A table part whose collapsed border grew or shrank moved the cells it shares that border with,
  // in the rows beside too: the table is cloned again.
  const shared = sharedBorderMoved(kept, el, win);
  if (shared) {
    if (!growTo(shared)) return null;
    start = root;
  }
  for (let node = start; ; ) {
    // A table cell whose box changed other than in height changed its column, and so the same
    // cell of every other row (off the path up, and not its siblings). The table's kept clone is
    // given its new widths in place when that is all that changed; else the table is cloned again.
    const table = columnMoved(kept, node, win);
    if (table) {
      const updates = tables.some((t) => t.table === table) ? [] : tableBoxUpdates(kept, table, win, kept.cloneIn(root), frameChanges);
      if (updates) {
        if (updates.length) tables.push({ table, updates });
        node = table;
        continue;
      }
      if (!growTo(table)) return null;
      node = root;
      continue;
    }
    const parent = boxParent(node);
    if (!parent || parent === doc.documentElement) break;
    // Counted first without slots expanded: the browser's count, not a list of a long table's rows.
    if ((parent.shadowRoot ?? parent).childElementCount > MAX_SIBLINGS) return null;
    const siblings = flatChildren(parent).filter((n): n is Element => n.nodeType === Node.ELEMENT_NODE);
    if (siblings.length > MAX_SIBLINGS) return null;
    let grown = false;
    for (const sibling of siblings) {
      if (sibling === node || kept.culled.has(sibling) || !boxMoved(kept, sibling, win)) continue;
      if (sibling.getRootNode() === doc) {
        if (whyWhole(kept, sibling)) return null;
        roots.push(sibling);
      } else {
        // A sibling in a shadow tree: the host is cloned again, and the climb goes on from it.
        if (!growTo(sibling)) return null;
        grown = true;
        break;
      }
    }
    if (grown) {
      node = root;
      continue;
    }
    const moved = boxMoved(kept, parent, win);
    if (!moved) break;
    if (moved === 'height') {
      // What is below moved up or down: content culled as off screen may have come into view.
      if (culledInView(kept)) return null;
      heights.set(parent, win.getComputedStyle(parent).height);
      // Pseudo-elements it places (its ::after as an underline at its bottom) were written with
      // insets and sizes of its old height: their elements are cloned again. Only a box that
      // places absolutely positioned content does (see placesAbsolute).
      if (kept.pseudoOwners.size > 0 && placesAbsolute(win.getComputedStyle(parent))) for (const owner of kept.pseudoOwners) {
        if (!owner.isConnected) kept.pseudoOwners.delete(owner);
        else if (parent.contains(owner) && containingBlock(owner, win) === parent) {
          if (whyWhole(kept, owner)) return null;
          roots.push(owner);
        }
      }
      node = parent;
    } else {
      if (!growTo(parent)) return null;
      node = root;
    }
  }
  roots.push(root);
  for (const ancestor of heights.keys()) if (containsComposed(root, ancestor)) heights.delete(ancestor);
  return { roots: roots.filter((r) => r === root || !containsComposed(root, r)), heights, tables: tables.filter((t) => !containsComposed(root, t.table)) };
}

/** The box `el` is laid out in, on the flat tree: its flat parent, past slots (which have no clone). */
export function boxParent(el: Element): Element | null {
  let up = flatParent(el);
  while (up?.localName === 'slot') up = flatParent(up);
  return up;
}

/** Layout-resolved properties the clone writes (getComputedStyle answers used pixels) besides {@link BOX}: a percentage there follows the containing block's width. */
const RESOLVED = ['margin-top', 'margin-right', 'margin-bottom', 'margin-left', 'padding-top', 'padding-right', 'padding-bottom', 'padding-left'] as const;
/** Properties whose written (resolved) values follow the box's own size: a box whose clone has one (none is left unwritten) that changed size is not updated in place. */
const SIZED_PAINT = ['transform', 'translate', 'rotate', 'scale', 'perspective'] as const;
/** The classes the rasterizer names a clone's pseudo-element rules by (`__upN`, see rasterize.ts; `__upgN`, see generated-content.ts). */
const PSEUDO_RULES = /(?:^|\s)__up/;

/**
 * When the columns of `table` moved (a cell widened its column: every row's cells in view moved
 * and resized), what to write anew on its kept clone instead of cloning it again (tens of
 * thousands of elements for a long table, most of them culled): the used widths and offsets of
 * every kept clone inside it, off-screen stand-ins too (whose widths keep the clone's columns as
 * the page's). Cells keep their content, which the clone lays out again in the new widths.
 *
 * Null (the table is cloned again, or the whole viewport) unless that is provably all that
 * changed: every clone inside has its original in the table (no stand-in the clone made: a video,
 * a scrolled box's wrapper); no height of the table, a row group, a row or a cell changed (rows
 * would have moved, off screen too, where the clone keeps no rows); nothing that resized draws a
 * size-dependent transform or lays out a grid (used track sizes are written); no resized box has a
 * percentage margin or padding (written as pixels of the old width) or pseudo-element rules. A box
 * other than those of the table that only changed height (text that wraps once more in a narrower
 * cell) gets its new height. `recloned`: the kept clone of the subtree the change clones again,
 * left out. Rows culled off screen count too: one culled alone by its height, a run of rows culled
 * together (drawn as its first row) by theirs together, so that rows above the view that grew
 * while rows below shrank as much (the table as tall) are not missed.
 */
export function tableBoxUpdates(kept: KeptClone, table: Element, win: Window, recloned: Element | null = null, frameChanges: readonly Element[] | null = null): BoxUpdate[] | null {
  const tableClone = kept.cloneIn(table);
  if (!tableClone || kept.culled.has(table)) return null;
  const originalOf = new Map<Element, Element>();
  for (const [original, clone] of kept.cloneOf) if (tableClone.contains(clone)) originalOf.set(clone, original);
  const updates: BoxUpdate[] = [];
  // Margins and paddings are read element by element only where they may follow a size: the
  // page's rules give none that may (see SelectorUses.sizedBoxes), nor does an animation, and the
  // element has no inline style and is the document's HTML (a shadow tree's rules are its own;
  // the user agent's give lengths). Else each resized box's would cost a map of its style.
  // Only patches call this, after planChanges found the page's animations are the kept clone's,
  // as they were: none kept, none now.
  const sizedBoxes = kept.selectors.sizedBoxes || kept.animations.size > 0 || !table.ownerDocument.getAnimations;
  /** Whether no margin or padding of `original` can follow a size (see above): no element-by-element read. */
  const fixedSpacing = (original: Element) => !sizedBoxes && original instanceof HTMLElement && !original.hasAttribute('style') && original.getRootNode() === original.ownerDocument;
  // Rows (display: table-row) whose used height is the one their clone wrote. Met before their cells (document order).
  const heldRows = new Set<Element>();
  // Collapsed borders are shared: a cell's follow those of the rows and cells beside it, which a change there may move.
  const nearChange = win.getComputedStyle(table).borderCollapse === 'collapse' ? rowsNear(table, frameChanges, win) : null;
  // What each clone wrote, by the text of its `style` attribute: a long table's clones carry a few
  // texts (a column's cells, a zebra row's), and each declaration read is a call into the CSSOM.
  const writtenBy = new Map<string | null, { box: Array<string | null>; sizedPaint: boolean; plainCell: boolean }>();
  // Cells of one column that wrote the same style (width, padding, borders) are as wide as each
  // other again: the column's new width less the same padding and borders. The first of them met
  // is read; the others take its width (see columnOf). By column, then style text.
  const columnWidths = new Map<number, Map<string | null, string>>();
  const columnOf = tableColumns(table, win);
  for (const clone of [tableClone, ...tableClone.querySelectorAll('*')]) {
    // The changed subtree is cloned again: its old clone may hold what the page no longer has.
    if (recloned?.contains(clone)) continue;
    const original = originalOf.get(clone);
    if (!original || kept.cloneOf.get(original) !== clone || !original.isConnected || !table.contains(original) || original.matches(WHOLE_ONLY)) return null;
    const style = (clone as HTMLElement).style as CSSStyleDeclaration | undefined;
    if (!style) return null;
    const text = clone.getAttribute('style');
    let written = writtenBy.get(text);
    if (!written) {
      // A cell whose clone wrote no display (a table cell's) and no position (static).
      const plainCell = style.getPropertyValue('display') === '' && style.getPropertyValue('position') === '';
      writtenBy.set(text, (written = { box: BOX.map((name) => writtenBox(style, name)), sizedPaint: SIZED_PAINT.some((name) => !['', 'none'].includes(style.getPropertyValue(name))), plainCell }));
    }
    // An emptied stand-in keeps its width; its height is its own, or a run's (see find-offscreen.ts).
    const culled = kept.culled.has(original);
    // A cell of a column whose width was read for a cell of the same written style: as wide, and
    // as tall as before by the same reasoning as heightHeld below (its row held, one row spanned,
    // spacing that follows no size, borders no change beside it moved).
    const column = written.plainCell && !culled ? columnOf(original) : undefined;
    const sameWidth = column !== undefined && heldRows.has(original.parentElement!) && nearChange !== 'all' && !nearChange?.has(original.parentElement!) && fixedSpacing(original) ? columnWidths.get(column)?.get(text) : undefined;
    if (sameWidth !== undefined) {
      const was = written.box[0];
      if (was === null || was === sameWidth) continue;
      if (PSEUDO_RULES.test(clone.getAttribute('class') ?? '')) return null;
      updates.push({ clone, name: 'width', value: sameWidth });
      continue;
    }
    const cs = win.getComputedStyle(original);
    const run = culled ? kept.runs.get(original) : undefined;
    // Offsets place positioned boxes only (and are read at a cost: resolved against the layout).
    const positioned = cs.position !== 'static';
    let shown: string | undefined;
    const display = () => (shown ??= cs.display);
    // A cell spanning one row of a row whose height held is as tall as before: a cell is stretched
    // to its row's height, less its own padding and borders, which change only with its style
    // (not with a size, by fixedSpacing), or collapsed, with those of a row or cell beside it that
    // changed (nearChange). Its height is not read (a read resolved against the layout).
    const heightHeld = !culled && (original as HTMLTableCellElement).rowSpan === 1 && heldRows.has(original.parentElement!) && nearChange !== 'all' && !nearChange?.has(original.parentElement!) && fixedSpacing(original) && display() === 'table-cell';
    let resized = false;
    // The first cell of its column and style read here, its width noted for the others (above).
    if (column !== undefined && heightHeld && !positioned && written.box[0] !== null) {
      const now = cs.getPropertyValue('width');
      let widths = columnWidths.get(column);
      if (!widths) columnWidths.set(column, (widths = new Map()));
      widths.set(text, now);
    }
    for (const [i, name] of BOX.entries()) {
      if (!positioned && name !== 'width' && name !== 'height') continue;
      if (name === 'height' && heightHeld) continue;
      // A size the clone left to its content holds whatever the page's is now: not read.
      const was = written.box[i];
      if (was === null) continue;
      const now = cs.getPropertyValue(name);
      if (name === 'height' && was === now && !culled && display() === 'table-row') heldRows.add(original);
      if (was === now) continue;
      // Rows culled together, above the view, that grew while as many below shrank (the table as
      // tall): what is on screen moved down. Their stand-in is as tall as they were.
      if (run && name === 'height') {
        if (Math.abs(run.getBoundingClientRect().bottom - original.getBoundingClientRect().top - parseFloat(was)) <= 0.5) continue;
        return null;
      }
      if (name === 'height' && display().startsWith('table')) return null;
      if (culled && name !== 'width') return null;
      if (name === 'width' || name === 'height') resized = true;
      updates.push({ clone, name, value: now });
    }
    if (!resized) continue;
    // The clone's own values, not the page's: what it draws is what would be wrong at the new size (and they cost no look-up in the page's styles).
    if (original instanceof SVGElement || display().endsWith('grid') || written.sizedPaint) return null;
    // Its ::before/::after (or marker) rules were written with the old box's values.
    if (PSEUDO_RULES.test(clone.getAttribute('class') ?? '')) return null;
    if (fixedSpacing(original)) continue;
    const specified = original.computedStyleMap?.();
    if (!specified) return null;
    for (const name of RESOLVED) {
      const value = specified.get(name);
      if (!(value instanceof CSSUnitValue) || value.unit === 'percent') return null;
    }
  }
  return updates;
}

/**
 * For {@link tableBoxUpdates}: the column of a cell of `table`'s own grid (a `<td>` or `<th>` in a
 * row of the table or of one of its row groups, laid out as such, in a row whose cells each span
 * one column, in a table where no cell spans rows), as its index in its row; undefined for any
 * other element. Cells of one column are as wide as the column less their own padding and borders.
 */
function tableColumns(table: Element, win: Window): (el: Element) => number | undefined {
  let grid: boolean | undefined;
  const sections = new Map<Element, boolean>();
  const rows = new Map<Element, boolean>();
  const GROUPS = ['table-row-group', 'table-header-group', 'table-footer-group'];
  return (el) => {
    if ((el.localName !== 'td' && el.localName !== 'th') || el.namespaceURI !== XHTML_NS) return undefined;
    const row = el.parentElement;
    const section = row?.parentElement;
    if (!row || !section || row.localName !== 'tr') return undefined;
    if (section !== table) {
      if (section.parentElement !== table) return undefined;
      let group = sections.get(section);
      if (group === undefined) sections.set(section, (group = GROUPS.includes(win.getComputedStyle(section).display)));
      if (!group) return undefined;
    }
    grid ??= ['table', 'inline-table'].includes(win.getComputedStyle(table).display) && !spansRows(table);
    if (!grid) return undefined;
    let single = rows.get(row);
    if (single === undefined) rows.set(row, (single = row.childElementCount === (row as HTMLTableRowElement).cells.length && [...(row as HTMLTableRowElement).cells].every((cell) => cell.colSpan === 1)));
    return single ? (el as HTMLTableCellElement).cellIndex : undefined;
  };
}

const ROW_SPANS = 'td[rowspan], th[rowspan]';
const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/** Whether a cell in `table` has a `rowspan` (in a document, from its index: a query walks the whole table, every patch of a cell). */
function spansRows(table: Element): boolean {
  const root = table.getRootNode();
  if (root.nodeType !== Node.DOCUMENT_NODE) return table.querySelector(ROW_SPANS) !== null;
  for (const cell of indexedMatching(root as Document, ROW_SPANS)) if (table.contains(cell)) return true;
  return false;
}

/**
 * The rows of `table` (a `<table>`) a frame's changes (`changes`, null: not known) are in, and
 * those beside them in the same row group: the rows whose cells' collapsed borders those changes
 * may have moved. 'all' when a change is in none of its rows (the table itself, a column, a row
 * group, a nested table) or in a row at the edge of its group or beside something other than a
 * shown row, when a cell of the table spans rows, or when the changes are not known.
 */
function rowsNear(table: Element, changes: readonly Element[] | null, win: Window): Set<Element> | 'all' {
  // A cell spanning rows shares borders with rows further off (rt11 2).
  if (!changes || spansRows(table)) return 'all';
  const rows = new Set<Element>();
  // A row's neighbour is the row drawn beside it: one not shown (filtered out), a <template> or a
  // <script> between them leaves it unknown.
  const shownRow = (el: Element | null): el is Element => el !== null && win.getComputedStyle(el).display === 'table-row';
  for (const changed of changes) {
    if (!table.contains(changed)) continue;
    const row = changed.closest('tr');
    const before = row?.previousElementSibling ?? null;
    const after = row?.nextElementSibling ?? null;
    if (!row || row.closest('table') !== table || !shownRow(before) || !shownRow(after)) return 'all';
    rows.add(row).add(before).add(after);
  }
  return rows;
}

/**
 * Writes `updates` (see {@link tableBoxUpdates}) on the clones still in the kept SVG (a subtree
 * cloned again since has its own values). `written`: the updates written before in the same patch,
 * which writes those found so far before each of its checks and all of them at its end; each is
 * written once (a long table's are hundreds of declarations, each parsed again when set).
 */
export function applyBoxUpdates(kept: KeptClone, updates: readonly BoxUpdate[], written: Set<BoxUpdate> = new Set()): void {
  for (const update of updates) {
    if (written.has(update)) continue;
    written.add(update);
    const { clone, name, value } = update;
    if (!kept.svg.contains(clone)) continue;
    const style = (clone as HTMLElement).style;
    style.setProperty(name, value, style.getPropertyPriority(name));
  }
}

/**
 * The table whose columns moved when `el` is part of a table (a cell, a row, a row group) and the
 * columns no longer have the widths the clone wrote; else null. Checked on the cells of `el`'s own
 * row (a cell) and on those of a kept row beside it: a change can widen a column without changing
 * its own cell's written width (padding, a border) or have no clone to compare (a row added with a
 * wider cell), and every other row's cells in that column resize. A cell that only changed height
 * moved its row, which the climb handles.
 */
function columnMoved(kept: KeptClone, el: Element, win: Window): Element | null {
  const display = win.getComputedStyle(el).display;
  if (!TABLE_PARTS.has(display)) return null;
  const row = display === 'table-cell' ? el.parentElement : display === 'table-row' ? el : null;
  const reference = keptRowBeside(kept, row ?? el, win);
  for (const r of [row, reference]) {
    if (!r) continue;
    if (r.childElementCount > MAX_SIBLINGS) return tableOf(r, win);
    for (const cell of r.children) if (!kept.culled.has(cell) && boxMoved(kept, cell, win) === 'box') return tableOf(r, win);
  }
  return null;
}

/** The displays of a table's parts whose change can move its columns. */
const TABLE_PARTS = new Set(['table-cell', 'table-row', 'table-row-group', 'table-header-group', 'table-footer-group']);

/**
 * A row of the same table beside `part` (a row, or a row group) that the kept clone holds whole
 * (not culled): the nearest row before or after it, or the first or last row of the nearest row
 * group beside it. Null when there is none.
 */
function keptRowBeside(kept: KeptClone, part: Element, win: Window): Element | null {
  const held = (row: Element | null) => row && !kept.culled.has(row) && kept.cloneIn(row) && win.getComputedStyle(row).display === 'table-row' ? row : null;
  for (const step of ['previousElementSibling', 'nextElementSibling'] as const) {
    let found: Element | null = null;
    for (let n = part[step], i = 0; n && !found && i < 3; n = n[step], i++) {
      found = held(n) ?? held(step === 'previousElementSibling' ? n.lastElementChild : n.firstElementChild);
    }
    if (found) return found;
  }
  return null;
}

/** The table `row` is part of: the nearest box from it up laid out as a table, or the first that is not a table part (which holds an anonymous table). */
function tableOf(row: Element, win: Window): Element {
  let el = row;
  for (let parent = el.parentElement; parent; el = parent, parent = el.parentElement) {
    const display = win.getComputedStyle(el).display;
    if (!display.startsWith('table-')) return el;
  }
  return el;
}

/** A box's sides, as border longhands name them. */
const SIDES = ['top', 'right', 'bottom', 'left'] as const;

/**
 * The table `el` (a changed table part: a change to a cell's or a row's attributes names its parent)
 * is a part of, when its borders are collapsed and a border of `el` or of a part in it (a row's
 * cells; a row group's rows and their cells, those the clone holds) is not as wide as its kept
 * clone wrote, or a border's style turned `hidden` or back (which wins over any other: a border
 * of no width at all); else null. A collapsed border is shared by the boxes on both sides of it and
 * as wide as the widest of their borders: one grown or shrunk moves the edge of the cells beside
 * it, in the rows above and below too (in the next row group too), whose content boxes and
 * content move with no change of their own (their row as tall), while their kept clones still
 * hold the old sizes. Cloning the table again writes them all. So is it when a row group's first
 * or last row is not the one its clone had (a row put in or taken away at its edge) and another
 * group is beside it, and for a column or column group (whose borders every cell of it shares).
 * A border whose colour or style changed otherwise moves nothing (its paint is inside the region
 * drawn, see draw-region.ts), nor does a part with no kept clone inside a group (a row put in,
 * cloned with its group).
 */
function sharedBorderMoved(kept: KeptClone, el: Element, win: Window): Element | null {
  const display = win.getComputedStyle(el).display;
  if (!COLUMNS.has(display) && !(TABLE_PARTS.has(display) && partBordersMoved(kept, el, display, win))) return null;
  // Found only then: a change in a cell, most frames of a table, reads no more.
  const table = tableOf(el, win);
  return win.getComputedStyle(table).borderCollapse === 'collapse' ? table : null;
}

/** Whether `el`, a table part of `display`, or a part in it moved a border it shares (see {@link sharedBorderMoved}). */
function partBordersMoved(kept: KeptClone, el: Element, display: string, win: Window): boolean {
  const parts: Element[] = [el];
  const rows = display === 'table-row' ? [el] : display === 'table-cell' ? [] : [...el.children].filter((row) => !kept.culled.has(row) && kept.cloneIn(row));
  for (const row of rows) parts.push(row, ...row.children);
  if (parts.some((part) => bordersResized(kept, part, win))) return true;
  if (display === 'table-row' || display === 'table-cell') return false;
  // A row group: its edge rows share borders with the next group's.
  const clone = kept.cloneIn(el);
  const edges = [[el.firstElementChild, clone?.firstElementChild, el.previousElementSibling], [el.lastElementChild, clone?.lastElementChild, el.nextElementSibling]] as const;
  return edges.some(([row, was, beside]) => beside !== null && (!row || !was || kept.cloneIn(row) !== was));
}

/** The box that places `el`'s absolutely positioned content: the nearest of it and its ancestors that does (see placesAbsolute), null past the root. */
function containingBlock(el: Element, win: Window): Element | null {
  for (let up: Element | null = el; up; up = up.parentElement) if (placesAbsolute(win.getComputedStyle(up))) return up;
  return null;
}

/** The displays of a table's columns, whose borders every cell of them shares. */
const COLUMNS = new Set(['table-column', 'table-column-group']);

/**
 * Whether a border of `el` is not as wide as its kept clone wrote (left out of the clone's style:
 * the default's, none, 0px), or its style turned `hidden` or back from it (0px either way).
 */
function bordersResized(kept: KeptClone, el: Element, win: Window): boolean {
  const clone = kept.cloneIn(el);
  const style = clone && ((clone as HTMLElement).style as CSSStyleDeclaration | undefined);
  if (!style) return false;
  const cs = win.getComputedStyle(el);
  return SIDES.some((side) => {
    if ((style.getPropertyValue(`border-${side}-width`) || '0px') !== cs.getPropertyValue(`border-${side}-width`)) return true;
    const [was, now] = [style.getPropertyValue(`border-${side}-style`) || 'none', cs.getPropertyValue(`border-${side}-style`)];
    return was !== now && (was === 'hidden' || now === 'hidden');
  });
}

/** Box properties the clone writes as used values, which a change elsewhere can move. */
const BOX = ['width', 'height', 'top', 'right', 'bottom', 'left'] as const;

/**
 * Whether `el`'s box differs from what its kept clone wrote: null (it held, or it has no clone:
 * new, or never captured), 'height' (only its height), or 'box'. A size the clone left to its
 * content (see margins.ts) counts as held; an offset it left out was `auto`.
 */
export function boxMoved(kept: KeptClone, el: Element, win: Window): 'height' | 'box' | null {
  const clone = kept.cloneIn(el);
  const style = clone && ((clone as HTMLElement).style as CSSStyleDeclaration | undefined);
  if (!style) return null;
  const cs = win.getComputedStyle(el);
  // The offsets of a box in the flow are not read for its clone (see style-gates.ts): unwritten, they moved nothing.
  const inFlow = cs.getPropertyValue('position') === 'static';
  const differs = (name: string) => {
    if (inFlow && name !== 'width' && name !== 'height' && !style.getPropertyValue(name)) return false;
    const was = writtenBox(style, name);
    return was !== null && was !== cs.getPropertyValue(name);
  };
  if (BOX.some((name) => name !== 'height' && differs(name))) return 'box';
  return differs('height') ? 'height' : null;
}

/**
 * The used value a clone's inline style gives a box property ({@link BOX}, a margin): the one it
 * wrote, or what leaving it out means: `auto` for an offset, `0px` for a margin, and for a size
 * null (left to its content, see margins.ts: it holds whatever the page's is now).
 */
function writtenBox(style: CSSStyleDeclaration, name: string): string | null {
  return writtenLength(style, name) || (name === 'width' || name === 'height' ? null : name.startsWith('margin') ? '0px' : 'auto');
}

/**
 * What the document's style rules select on that lets a change restyle more than the changed
 * element and what it holds:
 * - `relational`: `:has()`, which restyles its ancestors and their other children;
 * - `relationalSubjects`: what those rules' `:has()` decide, as prefixes to match (see
 *   relational-matches.ts), or null when they cannot be told (a nested rule, a sheet not read,
 *   more than {@link MAX_RELATIONAL_SUBJECTS}): any change then clones the whole viewport;
 * - `siblings`: `+`, `~` or `:nth-child(… of …)`, which restyle its siblings;
 * - `focusWithin`: `:focus-within`, which restyles the ancestors of what gains or loses focus;
 * - `states`: the field state pseudo-classes used ({@link FIELD_STATES}, one bit each), which
 *   typing flips (see {@link changedFields});
 * - `formValidity`: `:valid` or `:invalid` where they can match a form or a fieldset (any
 *   compound selector not of a field's type), which a field's validity restyles;
 * - `sizedBoxes`: whether a rule may give a margin or padding a value that follows a box's size
 *   (see {@link sizedSpacing}), which {@link tableBoxUpdates} then reads element by element;
 * - `containerState`: an `@container` rule that queries a container's state (see {@link QUERIES_STATE}),
 *   which content added anywhere in the container, or moved above it, can flip with no box of
 *   it changing: any change then clones the whole viewport.
 */
export interface SelectorUses {
  relational: boolean;
  relationalSubjects: readonly string[] | null;
  siblings: boolean;
  focusWithin: boolean;
  states: number;
  formValidity: boolean;
  sizedBoxes: boolean;
  containerState: boolean;
}

/**
 * Pseudo-classes a field's value (or checked state, or an attribute elsewhere: a radio group's
 * `required`, a fieldset's `disabled`) turns on and off with no mutation of the field, one bit
 * each in {@link SelectorUses.states}: `:valid` is told by `:invalid`, `:in-range` by
 * `:out-of-range`. A form and a fieldset match `:valid` and `:invalid` too, by the fields in them.
 */
const FIELD_STATES = [':invalid', ':user-invalid', ':user-valid', ':placeholder-shown', ':out-of-range', ':indeterminate'] as const;
/** The bit of `:invalid` in {@link SelectorUses.states}: the one a form and a fieldset follow. */
const INVALID = 1;
/** Each pseudo-class name a rule may use -> its bit in {@link SelectorUses.states}. */
const STATE_BITS: Record<string, number> = { valid: 1, invalid: 1, 'user-invalid': 2, 'user-valid': 4, 'placeholder-shown': 8, 'in-range': 16, 'out-of-range': 16, indeterminate: 32 };
/** Compound selectors that only match a field (never a form or a fieldset) by their type. */
const FIELD_TYPE = /^(?:input|textarea|select|button|option)(?![\w-])/i;

/**
 * The field states a selector list uses (see {@link SelectorUses.states}), and whether a
 * compound selector with `:valid` or `:invalid` (in it, or in a `:not()`/`:is()` of it) can match
 * a form or a fieldset: one with no type selector (`:invalid`, `.field:invalid`, `&:invalid`) or
 * with one of those.
 */
function selectsOnStates(text: string): { states: number; formValidity: boolean } {
  let states = 0;
  for (const m of text.matchAll(/:(valid|invalid|user-invalid|user-valid|placeholder-shown|in-range|out-of-range|indeterminate)(?![\w-])/g)) states |= STATE_BITS[m[1]];
  if (!(states & INVALID)) return { states, formValidity: false };
  const bare = text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  let formValidity = false;
  // Top-level compound selectors: split at combinators and commas outside brackets and parentheses.
  let depth = 0;
  let start = 0;
  const compound = (end: number) => {
    const part = bare.slice(start, end).trim();
    if (/:(?:in)?valid(?![\w-])/.test(part) && !FIELD_TYPE.test(part)) formValidity = true;
  };
  for (let i = 0; i < bare.length; i++) {
    const c = bare[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && /[\s>+~,]/.test(c)) {
      compound(i);
      start = i + 1;
    }
  }
  compound(bare.length);
  return { states, formValidity };
}

/**
 * Whether a declaration block (its cssText) may give a margin or padding a value that follows a
 * box's size: a percentage, a container unit, a function (`calc()`, `var()`) or `inherit` (from a
 * parent that may have one). Lengths in other units and keywords are the same at any width.
 */
function sizedSpacing(cssText: string): boolean {
  for (const [, value] of cssText.matchAll(/(?:^|;)\s*(?:margin|padding)[\w-]*\s*:([^;]*)/gi)) if (/%|\(|inherit|\dcq/i.test(value)) return true;
  return false;
}

/**
 * Whether a selector list has a sibling combinator (`+`, `~`) or an `:nth-*(… of S)`. Quoted
 * strings, attribute selectors (`[class~=x]`) and `:nth-*()` arguments (Chromium writes `odd` as
 * `2n+1`) are left out of the look for combinators first.
 */
function selectsOnSiblings(text: string): boolean {
  const bare = text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  if (/:nth-[\w-]*\([^)]* of /.test(bare)) return true;
  return /[+~]/.test(bare.replace(/\[[^\]]*\]/g, '').replace(/:nth-[\w-]*\([^)]*\)/g, ''));
}

/**
 * Container queries on what a container's content does, not on its size: `scroll-state()`
 * (whether it can scroll, is stuck, is snapped: content added to a scroller of fixed height, or
 * content above a sticky box, flips it) and `anchored()` (which position fallback its anchor
 * positioning took). No box of the container changes, so the climb of {@link growToStableBox}
 * stops below it and its other descendants keep their kept clones. A size query needs no such
 * care: a query container's size is contained (it does not follow its content), and a change
 * that resizes it from outside moves its box, which the climb clones again with all it holds.
 */
const QUERIES_STATE = /scroll-state\s*\(|anchored\s*\(/i;

/** Whether `rule` is an `@container` rule (of any window: told by its members) whose condition queries a container's state ({@link QUERIES_STATE}). */
function queriesState(rule: CSSRule): boolean {
  return 'containerName' in rule && QUERIES_STATE.test((rule as CSSContainerRule).conditionText);
}

/** Reads {@link SelectorUses} from the document's style sheets (adopted ones too); a sheet that cannot be read counts as using all. */
export function selectorUses(doc: Document): SelectorUses {
  // The capture's own look at every rule: no declaration of it is the page's (see style-edits.ts).
  return ownReads(() => readSelectorUses(doc));
}

function readSelectorUses(doc: Document): SelectorUses {
  const uses: SelectorUses = { relational: false, relationalSubjects: null, siblings: false, focusWithin: false, states: 0, formValidity: false, sizedBoxes: false, containerState: false };
  const subjects = new Set<string>();
  let followed = true;
  // `nested`: inside a style rule or an `@scope`, whose selectors are relative to another's.
  const visit = (rules: CSSRuleList, nested = false) => {
    for (const rule of rules) {
      if (rule instanceof CSSStyleRule) {
        const text = rule.selectorText;
        if (text.includes(':has(')) {
          uses.relational = true;
          if (nested || !addRelationalSubjects(text, subjects, doc)) followed = false;
        }
        if (selectsOnSiblings(text)) uses.siblings = true;
        if (text.includes(':focus-within')) uses.focusWithin = true;
        const states = selectsOnStates(text);
        uses.states |= states.states;
        if (states.formValidity) uses.formValidity = true;
      }
      if (queriesState(rule)) uses.containerState = true;
      // Style rules, keyframes (a finished animation may hold its last one), nested declarations.
      const style = (rule as { style?: unknown }).style;
      if (style instanceof CSSStyleDeclaration && sizedSpacing(style.cssText)) uses.sizedBoxes = true;
      // An imported sheet's rules are in its own sheet (throws when cross-origin, as a sheet of the page does).
      if (rule instanceof CSSImportRule) {
        if (!rule.styleSheet) throw new Error('an imported sheet not loaded');
        visit(rule.styleSheet.cssRules);
      }
      const scope = Object.prototype.toString.call(rule) === '[object CSSScopeRule]';
      // An `@scope (.a:has(b))` restyles by `:has()` as a rule does: not followed.
      if (scope && /:has\(/.test(`${(rule as { start?: string }).start} ${(rule as { end?: string }).end}`)) {
        uses.relational = true;
        followed = false;
      }
      if ('cssRules' in rule) visit((rule as CSSGroupingRule).cssRules, nested || scope || rule instanceof CSSStyleRule);
    }
  };
  const sheets = [...doc.styleSheets, ...(doc.adoptedStyleSheets ?? [])];
  for (const sheet of sheets) {
    try {
      visit(sheet.cssRules);
    } catch {
      // A cross-origin sheet cannot be read: count it as using them all.
      return { relational: true, relationalSubjects: null, siblings: true, focusWithin: true, states: (1 << FIELD_STATES.length) - 1, formValidity: true, sizedBoxes: true, containerState: true };
    }
  }
  if (followed && subjects.size <= MAX_RELATIONAL_SUBJECTS) uses.relationalSubjects = [...subjects];
  return uses;
}

/**
 * Elements whose state pseudo-classes and validity follow a value set with no mutation. A button
 * is one: its custom validity (`setCustomValidity`) makes it and its form `:invalid`. A
 * form-associated custom element's validity is heard where it is set (see style-edits.ts).
 */
const FIELD_TAGS = ['input', 'textarea', 'select', 'button'];
/**
 * The same less buttons, for pages whose rules use no state pseudo-class: a button's value is its
 * `value` attribute (set, it is a mutation) and draws nothing, so only its states can change with
 * no signal, and no rule draws them. A table with a button per row (5 000) reads none each frame.
 */
const VALUE_TAGS = FIELD_TAGS.filter((tag) => tag !== 'button');

interface FieldState {
  value: number;
  states: number;
}

/**
 * The form fields of `doc` and of `roots` (the shadow roots and frame documents the clone holds
 * content of), each with a hash of its value and checked state, and which of the state
 * pseudo-classes in `states` (bits of {@link SelectorUses.states}: those the page's rules use) it
 * matches.
 */
function fieldStates(doc: Document | null, roots: Iterable<Document | ShadowRoot>, states: number): Map<Element, FieldState> {
  const out = new Map<Element, FieldState>();
  for (const root of doc ? [doc, ...roots] : roots) {
    // Tag by tag, so that a document's are the browser's kept collections (see matching in find-masks.ts), not a walk of every element.
    for (const el of (states ? FIELD_TAGS : VALUE_TAGS).flatMap((tag) => [...matching(root, tag)]) as Array<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) {
      // A button's value is an attribute, heard when set (see VALUE_TAGS): its states alone are compared.
      let h = 0;
      if (el.localName !== 'button') {
        const state = `${el.value}\u0000${(el as HTMLInputElement).checked === true}`;
        h = 0x811c9dc5;
        for (let i = 0; i < state.length; i++) h = Math.imul(h ^ state.charCodeAt(i), 0x01000193);
      }
      let matched = 0;
      for (let i = 0; i < FIELD_STATES.length; i++) if (states & (1 << i) && matchesState(el, FIELD_STATES[i])) matched |= 1 << i;
      out.set(el, { value: h, states: matched });
    }
  }
  return out;
}

/** `el.matches(pseudo)`; false when this browser does not know the pseudo-class (its style sheets then keep no rule that selects on it). */
function matchesState(el: Element, pseudo: string): boolean {
  try {
    return el.matches(pseudo);
  } catch {
    return false;
  }
}

/**
 * What to clone again for fields whose value or checked state changed since the last frame (typed
 * in, or set by a script: no event announces `el.value = …`), or whose state pseudo-classes did
 * (see {@link FIELD_STATES}): a light-DOM field's parent (a text-like input alone when the page's
 * rules select on no siblings); for one in a shadow root the outermost shadow host, and for one in
 * a frame's document the frame (a whole clone). The kept states move on to now.
 *
 * What a state restyles beyond the field and its siblings: a form and a fieldset match `:valid`
 * and `:invalid` by the fields in them, so when the page's rules can select them so (see
 * {@link SelectorUses.formValidity}), a field whose `:invalid` flipped (or that came or went
 * invalid) clones its form and its outermost fieldset again too, with their siblings when rules
 * select on siblings: the least that holds every box such a rule restyles (`form:invalid button`
 * is inside the form), and only on the keystroke that flips it. A `:has()` rule can restyle any
 * ancestor and what it holds by a state: a whole clone (the reason is returned) when a state
 * flipped, or when a field other than a text-like input changed (`:has(:checked)`). Typing that
 * flips no state restyles nothing more under any rule: a typed value is no attribute.
 */
function changedFields(kept: KeptClone, doc: Document): Element[] | string {
  const uses = kept.selectors;
  const now = fieldStates(doc, kept.roots, uses.states);
  const out: Element[] = [];
  const was = kept.fields;
  kept.fields = now;
  for (const [el, state] of now) {
    const before = was.get(el);
    if (before && before.value === state.value && before.states === state.states) continue;
    const flipped = (before?.states ?? 0) ^ state.states;
    if (uses.relational && (flipped || !isLoneField(el))) return 'a field changed, and the page has :has() rules';
    const root = el.getRootNode();
    if (root !== doc) {
      const at = outermostInDocument(el, doc);
      if (at) out.push(at);
      continue;
    }
    // A text-like input alone when no rule selects on siblings (see planChanges); else with its siblings.
    const at = isLoneField(el) && !uses.siblings ? el : el.parentElement;
    if (at) out.push(at);
    if (uses.formValidity && flipped & INVALID) {
      for (const up of [(el as HTMLInputElement).form, outermostFieldset(el)]) if (up) out.push(uses.siblings ? (up.parentElement ?? up) : up);
    }
  }
  if (uses.formValidity) for (const [el, state] of was) if (state.states & INVALID && !now.has(el)) return 'an invalid field went, and the page has rules on form validity';
  return out;
}

/** The outermost `<fieldset>` around `el` in its tree, or null. */
function outermostFieldset(el: Element): Element | null {
  let out: Element | null = null;
  for (let at = el.parentElement?.closest('fieldset') ?? null; at; at = at.parentElement?.closest('fieldset') ?? null) out = at;
  return out;
}

/** The element of `doc` that draws `el`: its outermost shadow host, or the frame its document is shown in. */
function outermostInDocument(el: Element, doc: Document): Element | null {
  let at = el;
  for (let root = at.getRootNode(); root !== doc; root = at.getRootNode()) {
    if (root.nodeType === Node.DOCUMENT_FRAGMENT_NODE && 'host' in root) at = (root as ShadowRoot).host;
    else if (root.nodeType === Node.DOCUMENT_NODE && (root as Document).defaultView?.frameElement) at = (root as Document).defaultView!.frameElement!;
    else return null;
  }
  return at;
}


/** True when an original the kept clone culled as off screen is within the viewport and the margin it was culled beyond now. */
function culledInView(kept: KeptClone): boolean {
  const { viewport: { width, height }, cullMargin: m } = kept;
  for (const el of kept.culled) {
    const r = el.getBoundingClientRect();
    if (r.bottom > -m && r.top < height + m && r.right > -m && r.left < width + m && (r.width > 0 || r.height > 0)) return true;
  }
  return false;
}
