/**
 * A cover that is an animated image (red team rt10, R8): an SVG file fading its rect in, a GIF whose
 * first frame is transparent. The picture the copy draws loads each embedded image afresh, at the
 * start of its timeline, so the cover was drawn transparent while the visitor saw it opaque. Such
 * an image is not embedded: it is drawn grey (see animated-images.ts), in an `<img>`, a background
 * image, or a pseudo-element's rule, fetched or in a `data:` URL.
 */
import { expect } from '@open-wc/testing';
import { firstFrame, stopRun } from '../support/covers.js';
import { unmountTestPage } from '../support/test-page.js';
import { isAnimatedDataUrl, isAnimatedImage } from '../../src/capture/animated-images.js';

const PAGE = 'animated-images';
const svg = (animated: boolean) => `<svg xmlns="http://www.w3.org/2000/svg" width="340" height="60"><rect width="340" height="60" fill="rgb(60, 60, 60)"${animated ? ' opacity="0"><animate attributeName="opacity" from="0" to="1" dur="0.3s" fill="freeze"/></rect>' : '/>'}</svg>`;
const svgUrl = (animated: boolean) => URL.createObjectURL(new Blob([svg(animated)], { type: 'image/svg+xml' }));

/** A 1x1 GIF of `frames` images (played once): the first transparent for 0.1 s, the others dark grey. */
function gif(frames: number): Uint8Array<ArrayBuffer> {
  const bytes = [...'GIF89a'].map((c) => c.charCodeAt(0));
  bytes.push(1, 0, 1, 0, 0x80, 0, 0, 0xff, 0xff, 0xff, 60, 60, 60);
  for (let i = 0; i < frames; i++) {
    const first = i === 0 && frames > 1;
    bytes.push(0x21, 0xf9, 4, first ? 1 : 0, first ? 10 : 0, 0, 0, 0);
    bytes.push(0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0);
    // LZW, minimum code size 2: clear, the pixel (index 0 transparent white, or 1 dark), end.
    bytes.push(2, 2, first ? 0x44 : 0x4c, 1, 0);
  }
  bytes.push(0x3b);
  return new Uint8Array(bytes);
}
const gifDataUrl = (frames: number) => `data:image/gif;base64,${btoa(String.fromCharCode(...gif(frames)))}`;

/** A PNG signature and one chunk of `type` (its length and CRC zero: only the chunk order is read). */
const pngWith = (type: string) => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0, ...[...type].map((c) => c.charCodeAt(0)), 0, 0, 0, 0]);
/** A WebP file's header and its VP8X chunk with `flags`. */
const webp = (flags: number) => new Uint8Array([...'RIFF'].map((c) => c.charCodeAt(0)).concat([0, 0, 0, 0], [...'WEBPVP8X'].map((c) => c.charCodeAt(0)), [10, 0, 0, 0, flags, 0, 0, 0]));

describe('security: an animated image is not drawn at its first frame', () => {
  let urls: string[] = [];
  afterEach(() => {
    stopRun();
    unmountTestPage(PAGE);
    for (const url of urls) URL.revokeObjectURL(url);
    urls = [];
  });
  const wait = () => new Promise<void>((r) => setTimeout(r, 800));

  it('tells animated images from still ones by their bytes', () => {
    const text = (s: string) => new TextEncoder().encode(s);
    expect([gif(1), gif(2)].map((b) => isAnimatedImage(b)), 'a GIF of one image, of two').to.deep.equal([false, true]);
    expect([pngWith('IDAT'), pngWith('acTL')].map((b) => isAnimatedImage(b)), 'a PNG, an APNG').to.deep.equal([false, true]);
    expect([webp(0x10), webp(0x12)].map((b) => isAnimatedImage(b)), 'a WebP, an animated WebP').to.deep.equal([false, true]);
    expect([svg(false), svg(true), '<svg xmlns="http://www.w3.org/2000/svg"><style>@keyframes f { to { opacity: 1 } }</style></svg>'].map((s) => isAnimatedImage(text(s), 'image/svg+xml')), 'SVG files').to.deep.equal([false, true, true]);
    expect([gifDataUrl(1), gifDataUrl(2), `data:image/svg+xml,${encodeURIComponent(svg(true))}`, 'data:image/png;base64,!!'].map(isAnimatedDataUrl), 'data: URLs').to.deep.equal([false, true, true, false]);
  });

  it('a still cover image hides the amount', async () => {
    urls.push(svgUrl(false));
    expect(await firstFrame(PAGE, `<img src="${urls[0]}" style="position: absolute; left: 10px; top: 10px; width: 340px; height: 60px">`, '', wait)).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('an <img> of an SVG that fades its cover in (SMIL), captured after it did', async () => {
    urls.push(svgUrl(true));
    expect(await firstFrame(PAGE, `<img src="${urls[0]}" style="position: absolute; left: 10px; top: 10px; width: 340px; height: 60px">`, '', wait)).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a box whose background image is such an SVG', async () => {
    urls.push(svgUrl(true));
    expect(await firstFrame(PAGE, `<div style="position: absolute; left: 10px; top: 10px; width: 340px; height: 60px; background: url(${urls[0]}) 0 0 / 100% 100%"></div>`, '', wait)).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a ::before whose background image is such an SVG', async () => {
    urls.push(svgUrl(true));
    expect(await firstFrame(PAGE, '<div class="anim-cover"></div>', `.anim-cover::before { content: ''; position: absolute; left: 10px; top: 10px; width: 340px; height: 60px; background: url(${urls[0]}) 0 0 / 100% 100% }`, wait)).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('an <img> of a GIF in a data: URL whose first frame is transparent', async () => {
    expect(await firstFrame(PAGE, `<img src="${gifDataUrl(2)}" style="position: absolute; left: 10px; top: 10px; width: 340px; height: 60px">`, '', wait)).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('an <img> of a fetched GIF whose first frame is transparent', async () => {
    urls.push(URL.createObjectURL(new Blob([gif(2)], { type: 'image/gif' })));
    expect(await firstFrame(PAGE, `<img src="${urls[0]}" style="position: absolute; left: 10px; top: 10px; width: 340px; height: 60px">`, '', wait)).to.deep.equal({ visible: 0, leaked: 0 });
  });
});
