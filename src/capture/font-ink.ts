// The ink of glyphs past their advance and their font's ascent and descent, as a canvas of the
// text's document measures it, per font and character, kept across searches until the
// document's faces change (text-reach.ts's glyph ink; generated-glyphs.ts's). Imports nothing.

const px = (value: string) => parseFloat(value) || 0;

/** How far ink reaches past a run's box, each way (CSS px; left and right along the line). */
export interface Ink {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Characters of one text measured for its glyph ink, at most; past them the font's widest ink so far and {@link UNREAD_EMS} each way. */
const MAX_CHARS = 64;
/** How far, in ems, the ink of characters past {@link MAX_CHARS} is taken to reach each way (erring wide: a serif italic's `f` reaches 0.3 em). */
const UNREAD_EMS = 0.5;
/** Ink under this (CSS px) is anti-aliasing the boxes' rounding already holds. */
const INK_SLACK = 0.5;
/**
 * Whole texts' ink kept per document, at most (all its fonts together): mask-all reads every text
 * of the page on every frame. Past it, texts not yet kept are measured each time (the kept ones
 * stay: clearing would measure all of a page with more texts on every frame); a dropped font
 * frees its own.
 */
const MAX_WHOLES = 16384;
/** Fonts kept per document, at most; past it the oldest is dropped (a font size that keeps changing, `clamp()` over a resized viewport or an animation, adds one each time). */
const MAX_FONTS = 256;
/** Two characters side by side: what a ligature needs (letters, but also a code font's `->`; a surrogate pair counts too, erring towards measuring). */
const ADJACENT = /\S\S/;

/**
 * One font's glyph ink, per character, kept across searches (a page draws its text in a few fonts)
 * until the document's fonts change: a web font that loads draws other glyphs.
 */
export class FontInk {
  private readonly chars = new Map<string, Ink>();
  /** Whole texts' ink (see {@link MAX_WHOLES}). */
  readonly wholes = new Map<string, Ink>();
  /** @param kept the document's count of whole texts kept, all fonts together. */
  constructor(
    private readonly ctx: CanvasRenderingContext2D,
    private readonly font: FontSettings,
    private readonly em: number,
    private readonly kept: { wholes: number },
  ) {}

  of(data: string): Ink | null {
    const ink: Ink = { left: 0, right: 0, top: 0, bottom: 0 };
    let read = 0;
    let unread = false;
    let set: boolean | undefined;
    const measure = (text: string) => {
      set ??= this.apply();
      return set ? this.measure(text) : this.wide();
    };
    // Whole too: a ligature (`ff`, `fi`) is one glyph of its own, at a run's end; only where two
    // characters stand side by side, and once per font and text.
    if (data.length <= MAX_CHARS && ADJACENT.test(data)) {
      let whole = this.wholes.get(data);
      if (!whole) {
        whole = measure(data);
        if (this.kept.wholes < MAX_WHOLES) {
          this.wholes.set(data, whole);
          this.kept.wholes++;
        }
      }
      grow(ink, whole);
    }
    for (const ch of data) {
      if (ch.trim() === '') continue;
      let m = this.chars.get(ch);
      if (!m) {
        if (read++ >= MAX_CHARS) {
          unread = true;
          continue;
        }
        this.chars.set(ch, (m = measure(ch)));
      }
      grow(ink, m);
    }
    if (unread) grow(ink, this.wide());
    return ink.left > INK_SLACK || ink.right > INK_SLACK || ink.top > INK_SLACK || ink.bottom > INK_SLACK ? ink : null;
  }

  /** Sets the shared context to this font (other fonts of the document measure on it too). */
  private apply(): boolean {
    const { ctx, font } = this;
    // The styled canvas takes the features and axes from its own style, which the font it is set
    // to next is resolved against (read back so the browser styles it before).
    const styled = ctx.canvas as HTMLCanvasElement;
    if (font.unmeasured && styled.id.startsWith('__SANDBOX__')) {
      // A page that rewrote its body took it away: back in.
      if (!styled.isConnected) {
        (styled.ownerDocument.body ?? styled.ownerDocument.documentElement).append(styled);
        placed.add(styled);
      }
      for (const [name, value] of font.unmeasured) styled.style.setProperty(name, value, 'important');
      styled.ownerDocument.defaultView?.getComputedStyle(styled).getPropertyValue('font-feature-settings');
    }
    // A font the canvas does not parse leaves its font as it was: told by a size no text has.
    ctx.font = '1234.5px serif';
    ctx.font = font.font(this.em);
    if (ctx.font.includes('1234.5px')) return false;
    ctx.fontStretch = font.stretch;
    ctx.fontKerning = font.kerning;
    ctx.letterSpacing = font.spacing;
    try {
      ctx.fontVariantCaps = font.caps;
    } catch {
      // A value the canvas does not take: normal caps.
    }
    // The language picks glyphs (a `locl` form, a Han face for `ja` or `zh`), where the canvas takes one.
    if ('lang' in ctx) (ctx as { lang: string }).lang = font.lang;
    // mask29: `font-size-adjust` draws at a size of its own (1.5 on an italic 30 px `ff`: 55 secret
    // pixels past the runs, measured at 30 px); the canvas has none, so it is told that size.
    const used = adjustedSize(ctx, font.adjust, this.em);
    if (used !== this.em) {
      this.scale = used / this.em;
      ctx.font = font.font(used);
    }
    return true;
  }

  /** How much larger than its computed size `font-size-adjust` draws the font (1: none). */
  private scale = 1;

  /** Each way, {@link UNREAD_EMS}: what a font the canvas cannot take is taken to draw past its runs. */
  private wide(): Ink {
    const r = this.em * this.scale * UNREAD_EMS;
    return { left: r, right: r, top: r, bottom: r };
  }

  private measure(text: string): Ink {
    const m = this.ctx.measureText(text);
    const ink = {
      left: Math.max(0, m.actualBoundingBoxLeft),
      right: Math.max(0, m.actualBoundingBoxRight - m.width),
      top: Math.max(0, m.actualBoundingBoxAscent - m.fontBoundingBoxAscent),
      bottom: Math.max(0, m.actualBoundingBoxDescent - m.fontBoundingBoxDescent),
    };
    // Features and axes the canvas has no setting for (`font-feature-settings`,
    // `font-variation-settings`, alternates, positions) draw other glyphs (a swash, a wider or
    // slanted instance): measured on a canvas in the document styled with them (mask30: a swash
    // 3 em wide, measured without, left 18 824 secret pixels past the boxes), and half an em
    // more each way, erring wide, for what the canvas would still not take.
    if (this.font.unmeasured) grow(ink, this.wide());
    return ink;
  }
}

/**
 * The size (CSS px) a font of computed size `em` is drawn at under `font-size-adjust` `adjust`:
 * the adjusted metric (x height by default, cap height, `0`'s or `水`'s advance, `水`'s height)
 * made the value's share of the computed size, as the canvas measures the font's own (`ctx` set
 * to it); `em` for `none`, `from-font` and a metric the canvas does not measure.
 */
function adjustedSize(ctx: CanvasRenderingContext2D, adjust: string, em: number): number {
  if (adjust === 'none' || em <= 0) return em;
  const parts = adjust.trim().split(/\s+/);
  const value = parseFloat(parts[parts.length - 1]);
  if (!Number.isFinite(value) || value <= 0) return em;
  const metric = parts.length > 1 ? parts[0] : 'ex-height';
  const probe = metric === 'cap-height' ? 'H' : metric === 'ch-width' ? '0' : metric.startsWith('ic-') ? '\u6c34' : 'x';
  const m = ctx.measureText(probe);
  const own = metric.endsWith('width') ? m.width : metric === 'ic-height' ? m.actualBoundingBoxAscent + m.actualBoundingBoxDescent : m.actualBoundingBoxAscent;
  return own > 0 ? (value * em * em) / own : em;
}

/**
 * `data` as `text-transform` draws it (mask29: `lowercase` drew a `J` as a `j`, whose tail the
 * measure of `J` left out: 25 secret pixels): upper or lower case in the text's language,
 * full-width forms; `capitalize`, whose words' first letters only change, measures both cases.
 */
export function transformed(data: string, cs: CSSStyleDeclaration): string {
  const tt = cs.textTransform;
  if (tt === 'none' || tt === '') return data;
  const lang = localeOf(cs);
  let out = data;
  try {
    if (tt.includes('uppercase')) out = out.toLocaleUpperCase(lang);
    else if (tt.includes('lowercase')) out = out.toLocaleLowerCase(lang);
    else if (tt.includes('capitalize')) out = `${out} ${out.toLocaleUpperCase(lang)}`;
  } catch {
    // A language the engine does not know: the default case mapping.
    out = tt.includes('uppercase') ? out.toUpperCase() : tt.includes('lowercase') ? out.toLowerCase() : tt.includes('capitalize') ? `${out} ${out.toUpperCase()}` : out;
  }
  if (tt.includes('full-width')) out = out.replace(/[\x21-\x7e]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/ /g, '\u3000');
  return out;
}

/** The language `cs` lays its text out in (Chromium's `-webkit-locale`, from the nearest `lang`), '' for none. */
function localeOf(cs: CSSStyleDeclaration): string {
  const locale = cs.getPropertyValue('-webkit-locale');
  return locale && locale !== 'auto' ? locale.replace(/^["']|["']$/g, '') : '';
}

interface FontSettings {
  /** The canvas `font` at a size (CSS px). */
  font: (size: number) => string;
  adjust: string;
  lang: string;
  /** The features and axes the font sets that the canvas has no setting for (see FontInk.measure), as properties and values; null for none. */
  unmeasured: ReadonlyArray<readonly [string, string]> | null;
  kerning: CanvasFontKerning;
  spacing: string;
  caps: CanvasFontVariantCaps;
  stretch: CanvasFontStretch;
}

/** The `font-stretch` keywords, each with its percentage. */
const STRETCHES: ReadonlyArray<readonly [number, CanvasFontStretch]> = [
  [50, 'ultra-condensed'], [62.5, 'extra-condensed'], [75, 'condensed'], [87.5, 'semi-condensed'], [100, 'normal'],
  [112.5, 'semi-expanded'], [125, 'expanded'], [150, 'extra-expanded'], [200, 'ultra-expanded'],
];

/** The keyword nearest a `font-stretch` value (a percentage, or a keyword kept as it is; anything else `normal`): what a canvas takes (here and in concealing-fonts.ts). */
export function stretchKeyword(value: string): CanvasFontStretch {
  const percent = parseFloat(value);
  if (!value.endsWith('%') || !Number.isFinite(percent)) return STRETCHES.find(([, k]) => k === value)?.[1] ?? 'normal';
  return STRETCHES.reduce((best, s) => (Math.abs(s[0] - percent) < Math.abs(best[0] - percent) ? s : best))[1];
}

function grow(into: Ink, by: Ink): void {
  into.left = Math.max(into.left, by.left);
  into.right = Math.max(into.right, by.right);
  into.top = Math.max(into.top, by.top);
  into.bottom = Math.max(into.bottom, by.bottom);
}

/** Per document: its fonts' ink by font, and {@link fontsKey} when they were measured (a web font added or loaded clears them). */
const fontInks = new WeakMap<Document, { key: string; fonts: Map<string, FontInk>; wholes: number; ctx: CanvasRenderingContext2D | null; styled?: CanvasRenderingContext2D | null }>();

/**
 * The styled canvases this module put in documents (see styledContext): taken out again when a
 * session stops ({@link releaseFontInk}), so the page's own selectors and observers do not find
 * one left in its body (a `body > :last-child` rule, a script counting the body's children). A
 * measure after that puts it back, as one a page took away.
 */
const placed = new Set<HTMLCanvasElement>();

/** Takes every styled canvas out of its document (the capture loop's stop). */
export function releaseFontInk(): void {
  for (const canvas of placed) canvas.remove();
  placed.clear();
}

/** What a styled canvas is given of a text's style: the properties that choose glyphs a context has no setting for, all of them, so the element it is in lends it none of its own. */
const FEATURE_PROPERTIES = ['font-feature-settings', 'font-variation-settings', 'font-variant-ligatures', 'font-variant-alternates', 'font-variant-east-asian', 'font-variant-position', 'font-variant-numeric', 'font-optical-sizing', 'font-synthesis'];

/**
 * A canvas in `doc`, hidden, whose context resolves its font against the canvas's style (Chromium
 * resolves a connected canvas's font so): the one canvas that measures features and axes a
 * context has no setting for. Its id's prefix keeps it out of clones, masks and the change watcher.
 */
function styledContext(doc: Document): CanvasRenderingContext2D | null {
  try {
    const canvas = doc.createElement('canvas');
    canvas.id = `__SANDBOX__upscope-ink${Math.random().toString(36).slice(2)}`;
    canvas.setAttribute('aria-hidden', 'true');
    canvas.width = canvas.height = 1;
    // Left to right whatever the page's direction: in the page, the context's `direction: inherit`
    // took an RTL page's, and with `textAlign: start` measured from the text's right end, so ink
    // past its right side read as none (review30b).
    canvas.style.cssText = 'position: fixed; width: 0; height: 0; visibility: hidden; pointer-events: none; direction: ltr';
    canvas.dir = 'ltr';
    (doc.body ?? doc.documentElement).append(canvas);
    placed.add(canvas);
    const ctx = canvas.getContext('2d');
    if (ctx) [ctx.direction, ctx.textAlign] = ['ltr', 'left'];
    return ctx;
  } catch {
    return null;
  }
}

/**
 * The ink of the font style `cs` draws text in, as a canvas of `doc` measures it (the document's
 * web fonts included); null where no canvas measures. `key`: the document's {@link fontsKey}.
 */
export function fontInk(doc: Document, cs: CSSStyleDeclaration, key: string): FontInk | null {
  let kept = fontInks.get(doc);
  if (!kept || kept.key !== key) {
    let ctx: CanvasRenderingContext2D | null = null;
    try {
      ctx = doc.createElement('canvas').getContext('2d');
    } catch {
      // No canvas (a document with no browsing context): nothing measured.
    }
    // The styled canvas stays (each font sets its style again, and puts it back if the page took it away).
    fontInks.set(doc, (kept = { key, fonts: new Map(), wholes: 0, ctx, styled: kept?.styled }));
  }
  if (!kept.ctx) return null;
  const head = `${cs.fontStyle} ${cs.fontWeight}`;
  const family = cs.fontFamily;
  const unmeasured = cs.fontFeatureSettings !== 'normal' || cs.fontVariationSettings !== 'normal' || /discretionary|historical/.test(cs.fontVariantLigatures) ||
    UNMEASURED_VARIANTS.some((p) => {
      const v = cs.getPropertyValue(p);
      return v !== '' && v !== 'normal';
    })
    ? FEATURE_PROPERTIES.map((p) => [p, cs.getPropertyValue(p)] as const).filter(([, v]) => v !== '')
    : null;
  const settings: FontSettings = {
    // A canvas's font takes no percentage stretch: the stretch is set on its own, as a keyword.
    font: (size) => `${head} ${size}px ${family}`,
    stretch: stretchKeyword(cs.fontStretch),
    kerning: cs.fontKerning as CanvasFontKerning,
    spacing: cs.letterSpacing === 'normal' ? '0px' : cs.letterSpacing,
    caps: cs.fontVariantCaps as CanvasFontVariantCaps,
    adjust: cs.getPropertyValue('font-size-adjust') || 'none',
    lang: localeOf(cs),
    unmeasured,
  };
  const id = `${head} ${cs.fontSize} ${family}|${settings.stretch}|${settings.kerning}|${settings.spacing}|${settings.caps}|${settings.adjust}|${settings.lang}|${unmeasured ? unmeasured.map(([, v]) => v).join('|') : ''}`;
  let ink = kept.fonts.get(id);
  if (!ink) {
    // Oldest first (a Map keeps insertion order), and its whole texts with it.
    if (kept.fonts.size >= MAX_FONTS) {
      const [oldest, dropped] = kept.fonts.entries().next().value as [string, FontInk];
      kept.fonts.delete(oldest);
      kept.wholes -= dropped.wholes.size;
    }
    if (unmeasured && kept.styled === undefined) kept.styled = styledContext(doc);
    kept.fonts.set(id, (ink = new FontInk((unmeasured && kept.styled) || kept.ctx, settings, px(cs.fontSize), kept)));
  }
  return ink;
}

/** Variant properties the canvas has no setting for, which choose other glyphs. */
const UNMEASURED_VARIANTS = ['font-variant-alternates', 'font-variant-east-asian', 'font-variant-position'];

/** A number for each face (see {@link fontsKey}). */
const faceIds = new WeakMap<FontFace, number>();
let nextFace = 0;

/**
 * What changes when a document's fonts do: which faces it has, in order, and which have loaded.
 * mask29: counts alone (faces, loaded ones) missed a face taken away and another added in its
 * place, loaded too: the ink measured in the old face was kept for the new.
 */
export function fontsKey(doc: Document): string {
  try {
    let key = '';
    for (const face of doc.fonts as unknown as Iterable<FontFace>) {
      let id = faceIds.get(face);
      if (id === undefined) faceIds.set(face, (id = nextFace++));
      key += `${id}${face.status === 'loaded' ? '+' : '-'}`;
    }
    return key;
  } catch {
    return '';
  }
}
