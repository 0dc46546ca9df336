/**
 * A dots font limited to some characters by `unicode-range` (a PIN font for digits only, red team
 * rt3 F14): the concealing-font check (concealing-fonts.ts) drew letters outside the range in the
 * fallback font, found them unlike the digits, and took the face for readable, so the PIN was
 * drawn in clear. Fixture: text-security-disc.woff2 (see security-masking-dots-font.test.ts).
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { createCaptureLoop } from '../../src/capture/index.js';
import { CollectingHost, type FrameCanvas } from '../support/frames.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { boxOf, scanForSecret } from '../support/leaks.js';

const FONT = '/test/capture/fixtures/text-security-disc.woff2';
const PAGE = 'dots-range';
const STYLE = `html, body { margin: 0; background: #fff; }
  #dots-range-root { padding: 20px; }
  .f { font: 32px/40px sans-serif; color: #ff00ff; -webkit-text-fill-color: #ff00ff; border: 1px solid #888; width: 300px; padding: 4px; display: block; margin: 8px 0; }
  .digits { font-family: pin-digits, sans-serif; }`;

async function screen(): Promise<OffscreenCanvas> {
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const png = await executeServerCommand<string, undefined>('screenshot');
  const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(png!), (c) => c.charCodeAt(0))], { type: 'image/png' }));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas;
}

async function agentPicture(): Promise<OffscreenCanvas> {
  const host = new CollectingHost();
  const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0 });
  loop.start();
  try {
    const picture: FrameCanvas = await host.firstPicture();
    return picture.canvas! as unknown as OffscreenCanvas;
  } finally {
    loop.stop();
  }
}

function differing(a: OffscreenCanvas, b: OffscreenCanvas, el: Element): number {
  const r = el.getBoundingClientRect();
  const get = (c: OffscreenCanvas) => c.getContext('2d')!.getImageData(Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)).data;
  const [da, db] = [get(a), get(b)];
  let n = 0;
  for (let i = 0; i < da.length; i += 4) if (Math.abs(da[i] - db[i]) + Math.abs(da[i + 1] - db[i + 1]) + Math.abs(da[i + 2] - db[i + 2]) > 150) n++;
  return n;
}

describe('a dots font limited by unicode-range', () => {
  let face: FontFace | null = null;
  afterEach(() => {
    unmountTestPage(PAGE);
    if (face) document.fonts.delete(face);
    face = null;
  });

  it('a dots face for digits only (FontFace API, unicodeRange U+0030-0039): the PIN is drawn in clear in a fallback font', async () => {
    face = new FontFace('pin-digits', await (await fetch(FONT)).arrayBuffer(), { unicodeRange: 'U+0030-0039' });
    document.fonts.add(await face.load());
    const root = mountTestPage(PAGE, { css: STYLE, html: '<input id="pin" class="f digits" type="tel" value="19731973">' });
    await document.fonts.ready;
    const pin = root.querySelector('#pin')!;
    const box = boxOf(pin);
    const visitor = await screen();
    const agent = await agentPicture();
    const magenta = scanForSecret(agent, box).count;
    const diff = differing(agent, visitor, pin);
    expect(scanForSecret(visitor, box).count, 'the visitor sees dots').to.be.greaterThan(20);
    expect(magenta === 0 || diff < 50, `the agent gets neither a black box nor the dots (${diff} px differ from the visitor's, ${magenta} magenta px): the digits in clear`).to.equal(true);
  });
});
