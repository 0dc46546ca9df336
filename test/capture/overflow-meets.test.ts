/**
 * overflowMeets (find-offscreen.ts) is the verdict of "does the box with its overflow, grown by a
 * margin, meet this rectangle" that a typed field drawn alone asks of every box beside it, reading
 * a box's scroll sizes and style only when its border box alone does not decide. It must give the
 * same answer as overflowExtent read whole, for boxes that overflow or not, clip or not, to either
 * side (right-to-left), for rectangles around them and margins from 0 to 24 px.
 */
import { expect } from '@open-wc/testing';
import { overflowExtent, overflowMeets } from '../../src/capture/find-offscreen.js';

type Box = { left: number; top: number; right: number; bottom: number };

const meets = (b: Box, rect: Box, margin: number) =>
  b.right + margin > rect.left && b.left - margin < rect.right && b.bottom + margin > rect.top && b.top - margin < rect.bottom;

describe('overflowMeets', () => {
  it('gives the verdict of overflowExtent for every box, rectangle and margin', () => {
    const host = document.createElement('div');
    host.style.cssText = 'position: absolute; left: 200px; top: 200px; width: 600px; height: 400px';
    host.innerHTML = `
      <div id="plain" style="position: absolute; left: 0; top: 0; width: 100px; height: 40px"></div>
      <div id="spills" style="position: absolute; left: 150px; top: 0; width: 100px; height: 40px"><div style="width: 260px; height: 120px"></div></div>
      <div id="clips" style="position: absolute; left: 300px; top: 0; width: 100px; height: 40px; overflow: hidden"><div style="width: 260px; height: 120px"></div></div>
      <div id="rtl" dir="rtl" style="position: absolute; left: 300px; top: 200px; width: 100px; height: 40px"><div style="width: 260px; height: 30px"></div></div>
      <div id="clip-margin" style="position: absolute; left: 0; top: 200px; width: 100px; height: 40px; overflow: clip; overflow-clip-margin: 10px"><div style="width: 200px; height: 90px"></div></div>`;
    document.body.append(host);
    try {
      const rects: Box[] = [];
      for (let x = 0; x <= 900; x += 45) for (let y = 100; y <= 700; y += 50) rects.push({ left: x, top: y, right: x + 30, bottom: y + 20 });
      let checked = 0;
      let meeting = 0;
      for (const el of Array.from(host.children)) {
        const extent = overflowExtent(el, window);
        for (const rect of rects) {
          const reaches = overflowMeets(el, window, rect);
          for (const margin of [0, 3, 8, 24]) {
            const expected = meets(extent, rect, margin);
            expect(reaches(margin), `${el.id} against ${JSON.stringify(rect)} with margin ${margin}`).to.equal(expected);
            checked++;
            if (expected) meeting++;
          }
        }
      }
      // Both verdicts occur many times, so the comparison is not of a constant.
      expect(checked).to.be.greaterThan(1000);
      expect(meeting).to.be.greaterThan(50);
      expect(checked - meeting).to.be.greaterThan(50);
    } finally {
      host.remove();
    }
  });
});
