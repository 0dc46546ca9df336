/**
 * The one rule for text a person types about themselves and another person is shown: an agent's
 * name (the visitor's prompt, agentNameOf in login.ts) and a visitor's identity (the agents'
 * lobby, watch page and history, screenIdentity in visitor-identity.ts). Such text is rendered as
 * text already (never markup); this keeps it from reordering or hiding the text around it:
 *
 * - NFC;
 * - line breaks, tabs and other control characters become one space;
 * - invisible characters are dropped: formatting ones (bidi overrides and isolates, zero-width
 *   characters, soft hyphens), every other default-ignorable one (Hangul fillers, variation
 *   selectors, the combining grapheme joiner, Mongolian free variation selectors), the braille
 *   blank, and lone surrogates;
 * - at most MAX_TEXT_MARKS combining marks stay on a character (after NFC, so a precomposed letter
 *   keeps its own): a stack of them paints a glyph over the lines around it;
 * - trimmed and cut to `max` characters (code points: never half a surrogate pair).
 *
 * A zero-width joiner is one of the dropped characters, so an emoji sequence joined by it (a
 * family, a profession) shows as its separate emoji: the price of one rule with no exceptions to
 * get wrong.
 */

/** Most combining marks (\p{M}) a character keeps. */
export const MAX_TEXT_MARKS = 2;
const MARKS_PAST_LIMIT = new RegExp(`(\\p{M}{${MAX_TEXT_MARKS}})\\p{M}+`, 'gu');

export function screenText(text: string, max: number): string {
  const screened = text
    // Anything past 8 UTF-16 units a character can only be cut off: it is not read at all.
    .slice(0, max * 8)
    .normalize('NFC')
    .replace(/[\p{Cf}\p{Cs}\p{Default_Ignorable_Code_Point}\u2800]/gu, '')
    .replace(/[\p{Cc}\p{Zl}\p{Zp}\s]+/gu, ' ')
    .replace(MARKS_PAST_LIMIT, '$1')
    .trim();
  const chars = [...screened];
  return chars.length <= max ? screened : chars.slice(0, max).join('').trim();
}

/** Whether screened text shows anything: a character that is not a mark or a space. */
export function showsText(text: string): boolean {
  return /[^\p{M}\p{Z}\s]/u.test(text);
}
