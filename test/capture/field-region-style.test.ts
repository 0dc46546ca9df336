/**
 * A field drawn alone (field-region.ts) leaves the kept clone's style out of its picture only when
 * nothing of it can draw the field's copy: the rules that keep masked and mask-all text undrawn
 * stay whenever the copy carries their markers, and web fonts (at-rules) always.
 */
import { expect } from '@open-wc/testing';
import { CLONE_RULES } from '../../src/capture/blank-masked-clone.js';
import { styleReaches } from '../../src/capture/field-region.js';

const XHTML = 'http://www.w3.org/1999/xhtml';

function styleOf(text: string): Element {
  const style = document.createElementNS(XHTML, 'style');
  style.textContent = text;
  return style;
}

function field(attributes: Record<string, string> = {}): Element {
  const input = document.createElementNS(XHTML, 'input');
  input.setAttribute('value', 'grace@example.com');
  input.setAttribute('style', 'display: block; width: 340px; color: rgb(31, 41, 51)');
  for (const [name, value] of Object.entries(attributes)) input.setAttribute(name, value);
  return input;
}

describe('field-region styleReaches', () => {
  it('leaves out the masking rules for a plain field, and the copy as it was', () => {
    const copy = field();
    expect(styleReaches(styleOf(CLONE_RULES), copy)).to.equal(false);
    expect(copy.parentNode).to.equal(null);
  });

  it('keeps them for a field whose text mask-all hides, or one blanked', () => {
    expect(styleReaches(styleOf(CLONE_RULES), field({ 'data-up-textless': '' }))).to.equal(true);
    expect(styleReaches(styleOf(CLONE_RULES), field({ 'data-up-blank': '' }))).to.equal(true);
  });

  it('keeps a style with web fonts, a rule for the picture around the copy, or any it cannot judge', () => {
    expect(styleReaches(styleOf(`${CLONE_RULES}\n@font-face { font-family: "Dots"; src: url(data:font/woff2;base64,AAAA); }`), field())).to.equal(true);
    expect(styleReaches(styleOf(`${CLONE_RULES}\nforeignObject > input { color: red }`), field())).to.equal(true);
    expect(styleReaches(styleOf(`${CLONE_RULES}\nsvg { color: red }`), field())).to.equal(true);
    expect(styleReaches(styleOf(`${CLONE_RULES}\n:root input::placeholder { color: red }`), field())).to.equal(true);
    expect(styleReaches(styleOf(`${CLONE_RULES}\n.x { & input { color: red } }`), field())).to.equal(true);
    expect(styleReaches(styleOf(`${CLONE_RULES}\n.__up3::before { content: "x" }`), field({ class: '__up3' }))).to.equal(true);
  });

  it('has nothing to leave out of an empty style', () => {
    expect(styleReaches(styleOf(''), field())).to.equal(false);
  });
});
