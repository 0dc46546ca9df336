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
 * Three invisible characters are part of how some text is spelled, and stay where they do that
 * and nowhere else ({@link joinsOrDrops}): one zero-width non-joiner or joiner between two letters
 * of a script spelled with them (Persian, Urdu, Indic and Sinhala names need them: "مهرانه‌ها" reads differently without it),
 * one zero-width joiner (after an optional emoji presentation selector) between two emoji (a
 * family, a profession, a rainbow flag), and one emoji presentation selector after an emoji (❤️).
 * None of them moves or hides other text, and a run of more than one is still dropped whole.
 */

/** Most combining marks (\p{M}) a character keeps. */
export const MAX_TEXT_MARKS = 2;
const MARKS_PAST_LIMIT = new RegExp(`(\\p{M}{${MAX_TEXT_MARKS}})\\p{M}+`, 'gu');

const INVISIBLE_RUN = /[\p{Cf}\p{Cs}\p{Default_Ignorable_Code_Point}\u2800]+/gu;
// The scripts whose spelling uses the joiners (Arabic, Syriac, N'Ko, Thaana, Mandaic, the Indic
// scripts, Sinhala, Tibetan, Myanmar, Khmer, Mongolian): elsewhere a joiner between letters only
// makes an invisible look-alike (`pl\u200Dan` beside `plan`; review of rt25r).
const JOINING = ['Arabic', 'Syriac', 'Nko', 'Thaana', 'Mandaic', 'Devanagari', 'Bengali', 'Gurmukhi', 'Gujarati', 'Oriya', 'Tamil', 'Telugu', 'Kannada', 'Malayalam', 'Sinhala', 'Tibetan', 'Myanmar', 'Khmer', 'Mongolian']
  .map((name) => `\\p{Script_Extensions=${name}}`).join('');
const LETTER_BEFORE = new RegExp(`[${JOINING}][\\p{M}]*$`, 'u');
const LETTER_AFTER = new RegExp(`^[${JOINING}]`, 'u');
const EMOJI_BEFORE = /[\p{Extended_Pictographic}\p{Emoji_Modifier}]$/u;
const EMOJI_AFTER = /^\p{Extended_Pictographic}/u;

/** A run of invisible characters in `whole` at `at`: kept when it spells (see the module's comment), else dropped. */
function joinsOrDrops(run: string, at: number, whole: string): string {
  const before = whole.slice(Math.max(0, at - 2), at);
  const after = whole.slice(at + run.length, at + run.length + 2);
  if ((run === '\u200C' || run === '\u200D') && LETTER_BEFORE.test(before) && LETTER_AFTER.test(after)) return run;
  if (EMOJI_BEFORE.test(before)) {
    if ((run === '\u200D' || run === '\uFE0F\u200D') && EMOJI_AFTER.test(after)) return run;
    if (run === '\uFE0F') return run;
  }
  return '';
}

export function screenText(text: string, max: number): string {
  const screened = text
    // Anything past 8 UTF-16 units a character can only be cut off: it is not read at all.
    .slice(0, max * 8)
    .normalize('NFC')
    .replace(INVISIBLE_RUN, joinsOrDrops)
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
