/**
 * Inline styles written once for all the clones that carry them: the picture's markup with each
 * `style` value that several elements carry moved into one class rule.
 *
 * Every clone carries its styles inline, and on a page of repeated content most of them carry the
 * same ones (a table's cells of one column: same width, padding, border, font), so the markup is
 * mostly style attributes (a 25-row table: 70 of its 80 KB). The browser parses each attribute
 * again for every picture it loads and computes each element's style apart, as no two inline
 * declarations are the same object; one rule per value is parsed once, and elements that match the
 * same rules and carry no inline style share the computed values. A 25-row table's picture loses
 * about 70 % of its markup and a quarter of its load time.
 *
 * Only the markup drawn is rewritten: the kept clone, the snapshot's markup and its key are the
 * clone's own (other steps read the clone's inline styles back, see ancestor-styles.ts).
 *
 * A class rule draws as the attribute did only where nothing else in the picture reaches the same
 * elements and properties otherwise. The picture's own style sheet holds, for elements, the rules
 * of masked clones (`!important`, which beat any normal declaration, inline or not) and the
 * library's one class rule for `background-clip: text` (as specific as the shared rules, which
 * come after it in a sheet of their own, so they win, as inline values did). So:
 * - a value with `!important` stays inline (a blanked mask's, which nothing may override);
 * - markup with another `<style>` (an inline SVG's, cloned from the page, whose rules may be more
 *   specific) or anything a scan of tags could misread (comments, CDATA sections, processing
 *   instructions) is left as it is;
 * - a value is moved only when it reads the same as a rule's body: no braces, backslashes,
 *   comments, single quotes or raw line breaks, strings and brackets closed;
 * - the class names are ones the markup does not hold anywhere, so no page class is one of them.
 *
 * Every style attribute's lengths are also written exactly (see exact-lengths.ts): the markup is
 * the only place they can be, as the clone's CSSOM serializes what it is given to six digits again.
 */

import { exactLengths } from './exact-lengths.js';

/** A start tag of the serialized markup: name, attributes (values always in double quotes, no `"` or `<` inside), end. */
const START_TAG = /<([A-Za-z][^\s/>]*)((?:\s+[^\s=/>]+="[^"]*")*)(\s*\/?)>/g;
const STYLE_ATTRIBUTE = /\sstyle="([^"]*)"/;
const CLASS_ATTRIBUTE = /\sclass="([^"]*)"/;
/** What a scan of start tags could misread, or another style sheet. */
const UNSCANNABLE = /<!--|<!\[CDATA\[|<\?/;
const QUOTE = '&quot;';
/** Prefixes of the classes tried (`_s0_` to `_s7_`) before the markup is left whole. */
const PREFIX_TRIES = 8;
const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/** Whether a style attribute's value (as serialized: `"` as `&quot;`) reads the same as the body of a rule. */
export function shareable(value: string): boolean {
  if (/[{}\\'!\t\n\r]|\/\*/.test(value)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < value.length; i++) {
    if (value.startsWith(QUOTE, i)) {
      inString = !inString;
      i += QUOTE.length - 1;
    } else if (inString) {
      continue;
    } else if (value[i] === '(') {
      depth++;
    } else if (value[i] === ')' && --depth < 0) {
      return false;
    }
  }
  return !inString && depth === 0;
}

/**
 * `markup` (a serialized SVG picture whose first element with content is its style sheet) with
 * every shareable style value that two or more start tags carry written once, as a class rule in a
 * style sheet after the first, and given to those elements as a class (see the module's comment).
 */
export function shareStyles(serializedMarkup: string): string {
  let markup = serializedMarkup;
  const sheetEnd = markup.indexOf('</style>');
  if (sheetEnd < 0 || markup.includes('<style', markup.indexOf('<style') + 1) || UNSCANNABLE.test(markup)) return markup;
  const exact = markup.slice(sheetEnd).replace(START_TAG, (tag: string) => tag.replace(STYLE_ATTRIBUTE, (_, value: string) => ` style="${exactLengths(value)}"`));
  markup = markup.slice(0, sheetEnd) + exact;
  const counts = new Map<string, number>();
  for (const match of markup.matchAll(START_TAG)) {
    const style = STYLE_ATTRIBUTE.exec(match[2])?.[1];
    if (style) counts.set(style, (counts.get(style) ?? 0) + 1);
  }
  // A prefix the markup holds nowhere, so no name made from it is anywhere either; a few tries,
  // each one pass over the markup, and a markup that holds them all is left as it is.
  let prefix = '';
  for (let i = 0; i < PREFIX_TRIES && !prefix; i++) if (!markup.includes(`_s${i}_`)) prefix = `_s${i}_`;
  if (!prefix) return markup;
  const names = new Map<string, string>();
  const rules: string[] = [];
  for (const [value, count] of counts) {
    if (count < 2 || !shareable(value)) continue;
    const name = `${prefix}${names.size}`;
    names.set(value, name);
    rules.push(`.${name} { ${value} }`);
  }
  if (names.size === 0) return markup;
  const tags = markup.slice(sheetEnd).replace(START_TAG, (tag, name: string, attributes: string, end: string) => {
    const style = STYLE_ATTRIBUTE.exec(attributes);
    const shared = style && names.get(style[1]);
    if (!shared) return tag;
    let rest = attributes.slice(0, style.index) + attributes.slice(style.index + style[0].length);
    const own = CLASS_ATTRIBUTE.exec(rest);
    if (own) rest = `${rest.slice(0, own.index)} class="${own[1]} ${shared}"${rest.slice(own.index + own[0].length)}`;
    else rest += ` class="${shared}"`;
    return `<${name}${rest}${end}>`;
  });
  const sheet = `<style xmlns="${XHTML_NS}">\n${rules.join('\n')}\n</style>`;
  return `${markup.slice(0, sheetEnd)}</style>${sheet}${tags.slice('</style>'.length)}`;
}
