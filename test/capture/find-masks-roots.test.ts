/**
 * The mask search hands over the open shadow roots it went through (searchedRoots in
 * src/capture/find-masks.ts), so the SMIL read (smil.ts) need not walk every tree again. What it
 * hands over must be every open root of the document as it is when asked, or nothing (the reader
 * then walks): a root attached since to a host already in the page or in a root (no mutation
 * record), a host holding a root moved into a root, a root's host removed.
 */
import { expect } from '@open-wc/testing';
import { findMasks, searchedRoots } from '../../src/capture/find-masks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const PAGE = 'searched-roots';

/** Every open shadow root of the document, nested ones too, found by walking every tree. */
function everyRoot(): Set<ShadowRoot> {
  const out = new Set<ShadowRoot>();
  const visit = (root: Document | ShadowRoot) => {
    for (const el of root.querySelectorAll('*')) {
      if (!el.shadowRoot) continue;
      out.add(el.shadowRoot);
      visit(el.shadowRoot);
    }
  };
  visit(document);
  return out;
}

/** What the search handed over: null, or the same roots as a walk finds now. */
function handedOver(): 'walk' | 'same' | string {
  const roots = searchedRoots(document);
  if (!roots) return 'walk';
  const all = everyRoot();
  const missed = [...all].filter((r) => !roots.includes(r)).map((r) => r.host.id);
  const extra = roots.filter((r) => !all.has(r)).map((r) => r.host.id);
  return missed.length || extra.length ? `missed ${missed.join(',')} extra ${extra.join(',')}` : 'same';
}

describe('the shadow roots the mask search hands over', () => {
  afterEach(() => unmountTestPage(PAGE));

  it('are every open root, or none, after each change that adds or removes one', () => {
    const root = mountTestPage(PAGE, { css: '', html: '<div id="outer"></div><div id="plain"></div><div id="gone"></div>' });
    const outer = root.querySelector('#outer')!.attachShadow({ mode: 'open' });
    outer.innerHTML = '<span id="inner-host"></span><p id="later">text</p>';
    outer.querySelector('#inner-host')!.attachShadow({ mode: 'open' }).innerHTML = '<b>nested</b>';
    root.querySelector('#gone')!.attachShadow({ mode: 'open' });
    const results: Record<string, string> = {};
    findMasks(document);
    results.searched = handedOver();
    findMasks(document);
    root.querySelector('#plain')!.attachShadow({ mode: 'open' });
    results['attached to a host in the page'] = handedOver();
    findMasks(document);
    outer.querySelector('#later')!.attachShadow({ mode: 'open' });
    results['attached to a host in a root'] = handedOver();
    findMasks(document);
    const moved = document.createElement('my-card');
    moved.id = 'moved';
    moved.attachShadow({ mode: 'open' });
    findMasks(document);
    outer.append(moved);
    results['a host with a root moved into a root'] = handedOver();
    findMasks(document);
    root.querySelector('#gone')!.remove();
    results['a host removed'] = handedOver();
    expect(results).to.deep.equal({
      searched: 'same',
      'attached to a host in the page': 'walk',
      'attached to a host in a root': 'walk',
      'a host with a root moved into a root': 'walk',
      'a host removed': 'same',
    });
  });
});
