/**
 * The rule declarations the page is handed are noted and looked at once per frame (see
 * style-edits.ts): at most MAX_DECLARATIONS of them, so a page that reads every rule's `style`
 * of a large sheet does not make every frame slower for its life. One noted past that puts the
 * longest-noted out and counts as an edit (the change log clones the next frame whole on it), so
 * no edit made up to then is missed.
 */
import { expect } from '@open-wc/testing';
import { declarationEdits, MAX_DECLARATIONS, wrapStyleEdits } from '../../src/capture/style-edits.js';

let style: HTMLStyleElement | null = null;

/** A sheet of `n` rules the capture has not seen: `.r0 { opacity: 0.1 }`, `.r1 …`. */
function sheetOf(n: number): CSSStyleRule[] {
  style = document.createElement('style');
  style.textContent = Array.from({ length: n }, (_, i) => `.style-edits-r${i} { opacity: 0.1; }`).join('\n');
  document.head.append(style);
  return [...style.sheet!.cssRules] as CSSStyleRule[];
}

describe('style-edits: the declarations noted', () => {
  before(() => wrapStyleEdits(window));
  afterEach(() => {
    style?.remove();
    style = null;
  });

  it('are at most MAX_DECLARATIONS: each one handed out past that counts as an edit', () => {
    const rules = sheetOf(3 * MAX_DECLARATIONS);
    const before = declarationEdits();
    for (const rule of rules) void rule.style;
    // Each of the last 2 × MAX put out one noted before it (the first ones, or any the page had).
    expect(declarationEdits() - before).to.equal(2 * MAX_DECLARATIONS);
    // Nothing changed since: the count holds.
    expect(declarationEdits()).to.equal(before + 2 * MAX_DECLARATIONS);
  });

  it('an edit by name to a declaration about to be put out is counted (the next frame is whole)', () => {
    const rules = sheetOf(MAX_DECLARATIONS + 1);
    const kept = rules[0].style;
    const before = declarationEdits();
    kept.opacity = '1';
    for (const rule of rules.slice(1)) void rule.style;
    expect(declarationEdits()).to.be.greaterThan(before);
  });

  it('a declaration put out, then handed out again, is watched again: its edit by name is seen', () => {
    const rules = sheetOf(2 * MAX_DECLARATIONS);
    for (const rule of rules) void rule.style;
    const settled = declarationEdits();
    expect(declarationEdits()).to.equal(settled);
    rules[0].style.opacity = '1';
    // Noting it again put out the longest-noted (one edit), and its own edit is another.
    expect(declarationEdits()).to.equal(settled + 2);
    // The last noted of the first round is still watched.
    rules.at(-1)!.style.opacity = '1';
    expect(declarationEdits()).to.equal(settled + 3);
  });
});
