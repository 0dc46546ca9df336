/**
 * Agents' names in the widget's sentences ("Priya would like to see this page…", "Ann and Bob are
 * viewing this page"). A name is an agent's own text: the relay screens it (agentNameOf: no bidi
 * controls, no invisible characters), but it may be in any script, so where it is shown each name is
 * in its own <bdi>, and a right-to-left name cannot pull the words and punctuation around it into its
 * own direction (fix25r). The live region's sentences are plain text (`nameList`).
 */
import { html, type TemplateResult } from 'lit';

/** "Ann, Bob and Cy" in the widget's language. */
export function nameList(language: string, names: readonly string[]): string {
  return new Intl.ListFormat(language, { type: 'conjunction' }).format(names);
}

/** Where a sentence puts the names while it is split: a character no sentence of the widget holds. */
const NAME_SLOT = '\uFFFC';

/** `sentence` with `names` in it (listed as {@link nameList} does), each name in a <bdi>. */
export function named(language: string, sentence: (agents: string) => string, names: readonly string[]): TemplateResult {
  const [before, after, ...rest] = sentence(NAME_SLOT).split(NAME_SLOT);
  // Every sentence of the widget holds its names once; were one not to, it is shown as plain text.
  if (after === undefined || rest.length) return html`${sentence(nameList(language, names))}`;
  const parts = new Intl.ListFormat(language, { type: 'conjunction' }).formatToParts(names);
  return html`${before}${parts.map((p) => (p.type === 'element' ? html`<bdi>${p.value}</bdi>` : p.value))}${after}`;
}
