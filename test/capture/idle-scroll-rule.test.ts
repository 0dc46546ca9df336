/**
 * The picture drawn leaves out the clone sheet's `:has()` rule for scrolled boxes' pseudo-elements
 * (scroll-position.ts, SCROLL_RULES) when no element of it is a scroll wrapper: the style engine
 * tests a `:has()` with nothing before it on every element, for a rule that then selects nothing.
 * With a wrapper in the picture the rule stays, and it still keeps the scrolled box's own
 * `::before` undrawn (its wrapper draws it, scrolled). The kept markup is never changed.
 */
import { expect } from '@open-wc/testing';
import { Rasterizer } from '../../src/capture/index.js';
import { mountTestPage, RASTER_OPTIONS, unmountTestPage } from '../support/test-page.js';

const RULE = ':has(&gt; [data-up-scroll])::before';

/** The `src` of every picture the rasterizer loads while `run` runs. */
async function picturesLoaded(run: () => Promise<unknown>): Promise<string[]> {
  const proto = HTMLImageElement.prototype;
  const descriptor = Object.getOwnPropertyDescriptor(proto, 'src')!;
  const urls: string[] = [];
  Object.defineProperty(proto, 'src', {
    ...descriptor,
    set(this: HTMLImageElement, value: string) {
      urls.push(value);
      descriptor.set!.call(this, value);
    },
  });
  try {
    await run();
  } finally {
    Object.defineProperty(proto, 'src', descriptor);
  }
  return urls;
}

/** Red pixels of a bitmap: where a `::before` drawn red shows. */
function redPixels(bitmap: ImageBitmap): number {
  const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] > 200 && data[i + 1] < 60 && data[i + 2] < 60) n++;
  return n;
}

describe('the scroll wrappers\' :has() rule in the picture drawn', () => {
  afterEach(() => unmountTestPage('idle-scroll-rule'));

  it('is left out of a picture with no scroll wrapper, and kept in the clone\'s markup', async () => {
    mountTestPage('idle-scroll-rule', { css: 'body { margin: 0 } .b::before { content: "x"; color: rgb(255, 0, 0) }', html: '<div class="b">plain box</div>' });
    const rasterizer = new Rasterizer(RASTER_OPTIONS);
    const snapshot = await rasterizer.snapshot({});
    expect(snapshot.markup, 'kept markup').to.include(RULE);
    const urls = await picturesLoaded(async () => (await rasterizer.draw(snapshot)).close());
    const picture = urls.find((u) => u.includes('plain box'));
    expect(picture, 'the picture drawn').to.be.a('string');
    expect(picture).to.not.include(RULE);
    rasterizer.dispose();
  });

  it('is kept in a picture with a scroll wrapper, where the scrolled box\'s own ::before stays undrawn', async () => {
    const root = mountTestPage('idle-scroll-rule', {
      css: 'body { margin: 0 } #s { overflow: auto; width: 200px; height: 60px; background: #fff } #s::before { content: ""; display: block; height: 40px; background: rgb(255, 0, 0) } #s p { margin: 0; height: 400px }',
      html: '<div id="s"><p>scrolled content</p></div>',
    });
    const s = root.querySelector<HTMLElement>('#s')!;
    s.scrollTop = 200;
    const rasterizer = new Rasterizer(RASTER_OPTIONS);
    const snapshot = await rasterizer.snapshot({});
    expect(snapshot.markup, 'a wrapper').to.include(' data-up-scroll="');
    let bitmap: ImageBitmap | null = null;
    const urls = await picturesLoaded(async () => (bitmap = await rasterizer.draw(snapshot)));
    expect(urls.find((u) => u.includes('scrolled content'))).to.include(RULE);
    // The ::before scrolled away with the content: the visitor sees no red, nor may the agent.
    expect(redPixels(bitmap!), 'red pixels of the ::before scrolled away').to.equal(0);
    bitmap!.close();
    rasterizer.dispose();
  });
});
