/**
 * What the panels bundle (dist/upscope-panels.js) has as 'lit' (see rollup.config.mjs): the
 * template tags and markers, without a renderer. The visitor bundle's own lit renders the results,
 * so the panels carry no second copy of lit (and no second Trusted Types policy).
 *
 * A template result is a plain `{_$litType$, strings, values}` object and `nothing`/`noChange` are
 * `Symbol.for` symbols: the shape lit keeps stable so that copies of lit can render each other's
 * templates. `css` gives the sheet's text; the widget adopts it with its own lit (`unsafeCSS`).
 */
type Tag = (strings: TemplateStringsArray, ...values: unknown[]) => { strings: TemplateStringsArray; values: unknown[] };
const tag =
  (type: 1 | 2): Tag =>
  (strings, ...values) => ({ ['_$litType$']: type, strings, values });

export const html = tag(1);
export const svg = tag(2);
export const nothing = Symbol.for('lit-nothing');
export const noChange = Symbol.for('lit-noChange');
export const css = (strings: TemplateStringsArray, ...values: unknown[]): string =>
  strings.reduce((text, s, i) => text + s + (i < values.length ? String(values[i]) : ''), '');
