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
  const markup = serializedMarkup;
  const sheetEnd = markup.indexOf('</style>');
  if (sheetEnd < 0 || markup.includes('<style', markup.indexOf('<style') + 1) || UNSCANNABLE.test(markup)) return markup;
  // One scan of the tags after the sheet: each style value with its lengths written exactly (once
  // per distinct value), counted with those of the tags before it (as written: not rewritten).
  const counts = new Map<string, number>();
  const count = (style: string) => counts.set(style, (counts.get(style) ?? 0) + 1);
  for (const match of markup.slice(0, sheetEnd).matchAll(START_TAG)) {
    const style = STYLE_ATTRIBUTE.exec(match[2])?.[1];
    if (style) count(style);
  }
  const exactOf = new Map<string, string>();
  /** The tags after the sheet with a style attribute: where each is, its parts, and its value written exactly. */
  const styled: Array<{ at: number; tag: string; name: string; attributes: string; end: string; style: RegExpExecArray; exact: string }> = [];
  const tags = new RegExp(START_TAG);
  tags.lastIndex = sheetEnd;
  for (let match = tags.exec(markup); match; match = tags.exec(markup)) {
    const style = STYLE_ATTRIBUTE.exec(match[2]);
    if (!style) continue;
    let exact = exactOf.get(style[1]);
    if (exact === undefined) exactOf.set(style[1], (exact = exactLengths(style[1])));
    if (exact) count(exact);
    styled.push({ at: match.index, tag: match[0], name: match[1], attributes: match[2], end: match[3], style, exact });
  }
  // A prefix the markup holds nowhere, so no name made from it is anywhere either; a few tries,
  // each one pass over the markup, and a markup that holds them all is left as it is. (Writing
  // lengths exactly rewrites only tokens of digits, a point and `px`, none in `_sN_`: the markup
  // holds one after that where it held one before.)
  let prefix = '';
  for (let i = 0; i < PREFIX_TRIES && !prefix; i++) if (!markup.includes(`_s${i}_`)) prefix = `_s${i}_`;
  const names = new Map<string, string>();
  const rules: string[] = [];
  if (prefix) {
    for (const [value, n] of counts) {
      if (n < 2 || !shareable(value)) continue;
      const name = `${prefix}${names.size}`;
      names.set(value, name);
      rules.push(`.${name} { ${value} }`);
    }
  }
  // The markup again, each styled tag with its value exact, or its shared class instead.
  const parts: string[] = [markup.slice(0, sheetEnd)];
  if (names.size > 0) parts.push(`</style><style xmlns="${XHTML_NS}">\n${rules.join('\n')}\n</style>`);
  let from = names.size > 0 ? sheetEnd + '</style>'.length : sheetEnd;
  for (const { at, tag, name, attributes, end, style, exact } of styled) {
    const shared = names.get(exact);
    if (!shared && exact === style[1] && style[0].startsWith(' ')) continue;
    parts.push(markup.slice(from, at));
    from = at + tag.length;
    if (!shared) {
      // Where the attribute is in the tag: after the name (which holds no space).
      const offset = 1 + name.length + style.index;
      parts.push(`${tag.slice(0, offset)} style="${exact}"${tag.slice(offset + style[0].length)}`);
      continue;
    }
    let rest = attributes.slice(0, style.index) + attributes.slice(style.index + style[0].length);
    const own = CLASS_ATTRIBUTE.exec(rest);
    if (own) rest = `${rest.slice(0, own.index)} class="${own[1]} ${shared}"${rest.slice(own.index + own[0].length)}`;
    else rest += ` class="${shared}"`;
    parts.push(`<${name}${rest}${end}>`);
  }
  parts.push(markup.slice(from));
  return parts.join('');
}
