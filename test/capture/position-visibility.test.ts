/**
 * What judging boxes by `position-visibility` costs a frame: the popovers' invokers (their implicit
 * anchors) are read once per frame, not once per box placed out of the flow (see
 * position-visibility.ts, beginPositionFrame). What each box's verdict is, is checked by the
 * security tests (security-masking-not-shown-yet, security-masking-anchored-covers).
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { Rasterizer, resolveCaptureOptions } from '../../src/capture/index.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const PAGE = 'position-frame';

/** A popover taking no pointer events (judged by its invokers), open, anchored to its invoker. */
const tip = (i: number) => `<button popovertarget="pv-tip${i}">open ${i}</button>
  <div id="pv-tip${i}" popover="manual" style="margin: 0; inset: auto; position-anchor: auto; top: anchor(bottom); left: anchor(left); pointer-events: none; border: 0; padding: 0">tip ${i}</div>`;

describe('position-visibility.ts', () => {
  afterEach(() => unmountTestPage(PAGE));

  it('reads the popovers\' invokers once per frame, however many popovers are placed by them', async () => {
    const root = mountTestPage(PAGE, { css: '', html: [1, 2, 3, 4].map(tip).join('') });
    for (const button of root.querySelectorAll('button')) button.click();
    const query = Document.prototype.querySelectorAll;
    let reads = 0;
    Document.prototype.querySelectorAll = function (this: Document, selectors: string) {
      if (selectors.includes('popovertarget')) reads++;
      return query.call(this, selectors);
    } as typeof query;
    const rasterizer = new Rasterizer(resolveCaptureOptions({}));
    try {
      await rasterizer.snapshot();
      expect(reads, 'invoker queries in one frame of 4 open popovers').to.equal(1);
      await rasterizer.snapshot();
      expect(reads, 'invoker queries after a second frame').to.equal(2);
    } finally {
      Document.prototype.querySelectorAll = query;
      rasterizer.dispose();
      for (const el of root.querySelectorAll<HTMLElement>(':popover-open')) el.hidePopover();
    }
  });
});
