/**
 * Which font families the clone draws text in, for modern-screenshot's web-font embedding: it
 * embeds an `@font-face` rule only when its family is in the context's `fontFamilies`, and it fills
 * that from the `font-family` written on a clone that has text of its own. The capture writes an
 * inherited property only where it changes (see clone-styles.ts), so with the usual
 * `body { font-family: ... }` the family is written on the body, which has no text, and on nothing
 * below it: no font was embedded and the agent saw a fallback font (issue 16, class 3). Here every
 * element with text, and every pseudo-element with content, adds the family it is drawn in.
 */

/** modern-screenshot's splitFontFamily: names unquoted and lower-cased, as it looks them up. */
function splitFamilies(value: string): string[] {
  return value.split(',').map((v) => v.trim().replace(/"|'/g, '').toLowerCase()).filter(Boolean);
}

export class TextFonts {
  /** Last font-family value split, and the last element looked at (its text nodes come one after another). */
  private lastValue = '';
  private lastFamilies: string[] = [];
  private lastElement: Element | null = null;

  /** `families` is the library context's map, family -> characters drawn in it (used only to subset fonts, which the capture does not). */
  constructor(private readonly families: Map<string, Set<string>>) {}

  /** A text node of `parent` is being cloned. */
  noteText(parent: Element | undefined, text: Text, win: Window): void {
    if (!parent || parent === this.lastElement || !/\S/.test(text.data)) return;
    this.lastElement = parent;
    const value = win.getComputedStyle(parent).fontFamily;
    if (value !== this.lastValue) {
      this.lastValue = value;
      this.lastFamilies = splitFamilies(value);
    }
    for (const family of this.lastFamilies) if (!this.families.has(family)) this.families.set(family, new Set());
  }

  /**
   * The library read a pseudo-element's style: with content, its family is drawn too. An icon
   * font set on `.icon::before` only is written in the pseudo-element's rule, where the library
   * does not look for families.
   */
  notePseudo(style: CSSStyleDeclaration): void {
    const content = style.getPropertyValue('content');
    if (!content || content === 'none' || content === 'normal') return;
    for (const family of splitFamilies(style.getPropertyValue('font-family'))) if (!this.families.has(family)) this.families.set(family, new Set());
  }

  /** Forgets the last element (a new clone begins). */
  reset(): void {
    this.lastElement = null;
  }
}
