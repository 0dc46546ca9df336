/**
 * A patch clones its changed subtrees in slices of `sliceMs` across them, not a fresh slice for
 * each: every canvas is cloned again on every patch (drawing fires no mutation), each in under
 * a slice, and six of them made one 30-59 ms task of `toDataURL` reads (rt26 canvas-chart). The
 * patch yields between them, and draws what a whole clone draws.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { Rasterizer, resolveCaptureOptions } from '../../src/capture/index.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const READ_MS = 4;

function mountCharts(): HTMLCanvasElement[] {
  const root = mountTestPage('patch-slices', {
    css: 'html, body { margin: 0; background: #fff; font: 14px/1.3 sans-serif; } canvas { display: inline-block; margin: 4px; border: 1px solid #ccc; }',
    html: '<p id="t">Tick 0</p><div id="c"></div>',
  });
  const canvases: HTMLCanvasElement[] = [];
  for (let i = 0; i < 16; i++) {
    const c = document.createElement('canvas');
    c.width = 140;
    c.height = 90;
    const x = c.getContext('2d')!;
    x.fillStyle = `hsl(${i * 23} 70% 50%)`;
    x.fillRect(10, 10 + i, 100, 60);
    root.querySelector('#c')!.append(c);
    canvases.push(c);
  }
  return canvases;
}

/** Pixels of `bitmap`. */
function pixels(bitmap: ImageBitmap): Uint8ClampedArray {
  const c = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = c.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  return ctx.getImageData(0, 0, c.width, c.height).data;
}

describe('patch slices: a patch of many subtrees yields between them', function () {
  this.timeout(120000);
  afterEach(() => unmountTestPage('patch-slices'));

  it('sixteen canvases read again in a patch are read over several tasks, and drawn as a whole clone draws them', async () => {
    const canvases = mountCharts();
    const rasterizer = new Rasterizer(resolveCaptureOptions({}));
    const original = HTMLCanvasElement.prototype.toDataURL;
    // The capture yields to the page with scheduler.yield (yieldToPage): each yield closes a group
    // of reads, counted, so the test needs no clock of its own.
    const scheduler = (globalThis as unknown as { scheduler: { yield: () => Promise<void> } }).scheduler;
    const yieldOriginal = scheduler.yield;
    const groups: number[] = [0];
    let counting = false;
    try {
      await rasterizer.snapshot();
      // Each read of the page's canvases takes READ_MS: sixteen in one task would make a long one.
      const mine = new Set<HTMLCanvasElement>(canvases);
      let reads = 0;
      HTMLCanvasElement.prototype.toDataURL = function (this: HTMLCanvasElement, ...args: [string?, number?]) {
        if (mine.has(this)) {
          reads++;
          if (counting) groups[groups.length - 1]++;
          const until = performance.now() + READ_MS;
          while (performance.now() < until) { /* a slow read */ }
        }
        return original.apply(this, args);
      };
      canvases[3].getContext('2d')!.fillRect(0, 0, 20, 20);
      document.getElementById('t')!.textContent = 'Tick 1';
      await new Promise((r) => setTimeout(r, 50));
      scheduler.yield = function () {
        if (groups[groups.length - 1] > 0) groups.push(0);
        return yieldOriginal.call(scheduler);
      };
      counting = true;
      const patched = await rasterizer.snapshot({}, { full: null, changed: new Set([document.getElementById('t')!]) });
      counting = false;
      scheduler.yield = yieldOriginal;
      HTMLCanvasElement.prototype.toDataURL = original;
      expect(patched.clone, 'the second snapshot patches the kept clone').to.have.property('patched');
      expect(reads, 'canvases read again').to.equal(canvases.length);
      // Each read takes at least READ_MS, so a slice of 8 ms holds at most two before the patch
      // yields (three allowed: the slice is checked after each clone). Before: all 16 in one task.
      expect(Math.max(...groups), `most reads between two yields (groups: ${groups.join(' ')})`).to.be.at.most(3);
      const drawn = pixels(await rasterizer.draw(patched));
      const fresh = new Rasterizer(resolveCaptureOptions({}));
      try {
        const whole = pixels(await fresh.draw(await fresh.snapshot()));
        let differ = 0;
        for (let i = 0; i < whole.length; i++) if (whole[i] !== drawn[i]) differ++;
        expect(differ, 'channels unlike a whole clone\'s picture').to.equal(0);
      } finally {
        fresh.dispose();
      }
    } finally {
      HTMLCanvasElement.prototype.toDataURL = original;
      scheduler.yield = yieldOriginal;
      rasterizer.dispose();
    }
  });
});
