/**
 * A same-origin frame whose document is not a page (rt18: an SVG document, whose root is `<svg>`)
 * is drawn since rt18; before, no frame was sent at all. What is masked in it stays masked: an
 * SVG element marked `data-upscope-masked`, and (mask-all) its text.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { layers } from '../support/mask-layers.js';
import { SECRET } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const CSS = 'html, body { margin: 0; padding: 0; background: #fff; } iframe { border: 0; }';

async function frameOf(svg: string): Promise<() => void> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  const root = mountTestPage('fd', { css: CSS, html: '<iframe width="400" height="200"></iframe>' });
  const frame = root.querySelector('iframe')!;
  await new Promise((ok) => {
    frame.addEventListener('load', ok, { once: true });
    frame.src = url;
  });
  await new Promise((r) => setTimeout(r, 300));
  return () => URL.revokeObjectURL(url);
}

describe('a same-origin frame showing an SVG document', () => {
  afterEach(() => unmountTestPage('fd'));

  it('its masked shape is black in the agent\'s frame, and neither layer draws it', async () => {
    const done = await frameOf(`<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"><rect width="400" height="200" fill="rgb(255, 243, 205)"/><rect data-upscope-masked="" x="40" y="40" width="200" height="80" fill="${SECRET}"/></svg>`);
    try {
      const r = await layers('masked rect in an SVG document frame');
      expect(r.visitorSees, 'the visitor sees the secret (the check can fail)').to.be.greaterThan(10_000);
      expect(r.agent, 'secret pixels in the agent\'s frame').to.equal(0);
      expect(r.copyLeft, 'secret pixels the copy draws').to.equal(0);
      expect(r.boxesLeft, 'secret pixels outside the black boxes').to.equal(0);
      // The rest of the document is drawn (it is not a grey box or black).
      const ctx = r.picture.canvas!.getContext('2d') as OffscreenCanvasRenderingContext2D;
      const px = [...ctx.getImageData(300, 150, 1, 1).data.slice(0, 3)];
      expect(px.every((c, i) => Math.abs(c - [255, 243, 205][i]) < 24), `the unmasked part is drawn (${px.join(', ')})`).to.equal(true);
    } finally {
      done();
    }
  });

  it('mask-all: its text is drawn by neither layer', async () => {
    const done = await frameOf(`<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"><text x="20" y="120" font-family="sans-serif" font-size="90" fill="${SECRET}">4921</text></svg>`);
    try {
      const r = await layers('SVG document text, mask-all', { maskAll: true });
      expect(r.visitorSees, 'the visitor sees the secret (the check can fail)').to.be.greaterThan(1000);
      expect(r.agent, 'secret pixels in the agent\'s frame').to.equal(0);
      expect(r.copyLeft, 'secret pixels the copy draws').to.equal(0);
    } finally {
      done();
    }
  });
});
