/**
 * SMIL animation inside a shadow root: the copy writes what it animates now into the clone, as
 * for the document's own (smil.ts), also where the animation element is not cloned with its
 * target (culled off screen): an SVG cover it moves must cover in the agent's picture too.
 */
import { expect } from '@open-wc/testing';
import { unmountTestPage } from '../support/test-page.js';
import { firstFrame, stopRun } from '../support/covers.js';

const PAGE = 'smil-shadow';

/** A host whose open shadow root holds `html`. */
function shadowHost(root: HTMLElement, html: string): ShadowRoot {
  const host = root.querySelector('#host')!;
  const shadow = host.attachShadow({ mode: 'open' });
  shadow.innerHTML = html;
  return shadow;
}

describe('security: SMIL inside shadow roots', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage(PAGE);
  });

  it('an SVG cover in a shadow root moved over the text by a <set> in an <svg> far below it (culled from the whole clone): drawn in the first frame', async () => {
    const pixels = await firstFrame(PAGE, '<div id="host"></div>', '', async (root) => {
      shadowHost(root, '<svg width="800" height="60" style="position: absolute; left: 0; top: 5px"><polygon id="smil-cover" points="400,0 740,0 740,60 400,60" fill="#fff"/></svg><div style="height: 3000px"></div><svg width="10" height="10"><set href="#smil-cover" attributeName="points" to="0,0 340,0 340,60 0,60" begin="0s" fill="freeze"/></svg>');
      await new Promise((r) => setTimeout(r, 100));
    });
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });
});
