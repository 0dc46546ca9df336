/**
 * The prefixes of `:has()` selectors whose matches decide all that `:has()` restyles
 * (src/capture/relational-matches.ts): cut after the last compound that holds `:has(`, its
 * pseudo-element left off; nothing for a selector relative to another's (`&`).
 */
import { expect } from '@open-wc/testing';
import { addRelationalSubjects, relationalMatches, relationalSubject, sameRelationalMatches } from '../../src/capture/relational-matches.js';

describe('relational-matches', () => {
  it('cuts a :has() selector after its last compound with :has()', () => {
    const cases: Array<[string, string | null]> = [
      ['.card:has(input:checked)', '.card:has(input:checked)'],
      ['.card:has(.badge) h3', '.card:has(.badge)'],
      ['form:has(:invalid) .submit', 'form:has(:invalid)'],
      ['.card:not(:has(p))', '.card:not(:has(p))'],
      ['li:has(+ li:hover)', 'li:has(+ li:hover)'],
      ['.a:has(b)::before', '.a:has(b)'],
      ['.a:has(b):after', '.a:has(b)'],
      ['.a:has(b) > .c:has(d) ~ e', '.a:has(b) > .c:has(d)'],
      ['body:has(.x) .y:is(.z)::after', 'body:has(.x)'],
      ['.a:has([title="x y > z"]) p', '.a:has([title="x y > z"])'],
      ['& .x:has(y)', null],
    ];
    expect(cases.map(([s]) => relationalSubject(s))).to.deep.equal(cases.map(([, want]) => want));
  });

  it('takes the :has() selectors of a list, and refuses one the browser cannot match', () => {
    const into = new Set<string>();
    expect(addRelationalSubjects('.a, .b:has(c) d, .e', into, document)).to.equal(true);
    expect([...into]).to.deep.equal(['.b:has(c)']);
    expect(addRelationalSubjects('::slotted(.a:has(b))', new Set(), document)).to.equal(false);
  });

  it('tells a flipped match from an unchanged one', () => {
    const root = document.createElement('div');
    root.innerHTML = '<p class="m"><b></b></p><p class="m"></p>';
    document.body.append(root);
    try {
      const subjects = ['.m:has(b)'];
      const was = relationalMatches(document, subjects);
      expect(sameRelationalMatches(was, relationalMatches(document, subjects))).to.equal(true);
      root.lastElementChild!.append(document.createElement('b'));
      expect(sameRelationalMatches(was, relationalMatches(document, subjects))).to.equal(false);
    } finally {
      root.remove();
    }
  });
});
