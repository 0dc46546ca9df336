// A red team's page (24 px text, 60/100 px padding, white) and its check that each masking layer
// holds (see mask-layers.ts), shared by the security-mask27 and -mask28 tests.
import { findMasks, type MaskOptions } from '../../src/capture/index.js';
import { expectLayersHold } from './mask-layers.js';
import { mountTestPage, unmountTestPage } from './test-page.js';

/** The page's base style; `name`'s root (`#<name>-root`) holds the case. */
export const pageStyle = (name: string) => `html, body { margin: 0; padding: 0; background: #fff; } #${name}-root { font: 24px/30px sans-serif; padding: 60px 100px; }`;
export const settle = () => new Promise((r) => setTimeout(r, 300));
export const ALL: MaskOptions = { maskAll: true };

/** Mounts a case on `name`'s page and expects the agent's frame and each masking layer alone to hold none of its secret. */
export async function expectHeld(name: string, what: string, css: string, html: string, masking: MaskOptions = {}): Promise<void> {
  mountTestPage(name, { css: pageStyle(name) + css, html });
  await settle();
  await expectLayersHold(what, masking);
}

export const unmountHeld = (name: string) => unmountTestPage(name);

/** The share of the viewport the black boxes cover. */
export function blackShare(masking: MaskOptions): number {
  const canvas = new OffscreenCanvas(innerWidth, innerHeight);
  const ctx = canvas.getContext('2d')!;
  for (const m of findMasks(document, masking)) ctx.fillRect(m.x, m.y, m.width, m.height);
  const data = ctx.getImageData(0, 0, innerWidth, innerHeight).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
  return n / (innerWidth * innerHeight);
}
