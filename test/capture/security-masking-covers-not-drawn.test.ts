/**
 * Whatever covers content for the visitor covers it for the agent. Where the copy (an SVG
 * picture, which loads nothing outside its markup and has no worklets, plugins or GPU canvases)
 * cannot draw a cover, it draws an opaque grey box in its place: less, never more (rt9 N8-N15).
 * Each case lays a cover over the secret text of firstFrame (test/support/covers.ts); the guards
 * check that the covers the copy can draw are still drawn as they are.
 */
import { expect } from '@open-wc/testing';
import { trackSecretFields } from '../../src/capture/index.js';
import { firstFrame, PLAIN_CSS, stopRun, writeUnderCover } from '../support/covers.js';
import { unmountTestPage } from '../support/test-page.js';

const PAGE = 'covers-not-drawn';
/** A cover at the secret text's place (see firstFrame: the text is 20px in, 300 × 30). */
const over = (inner: string, style = '') => `<div style="position: absolute; left: 10px; top: 10px; width: 340px; height: 60px; ${style}">${inner}</div>`;
const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const CLEAN = { visible: 0, leaked: 0 };

afterEach(() => {
  stopRun();
  unmountTestPage(PAGE);
});

describe('a box with a backdrop-filter (the copy applies none) is drawn filtered on the canvas, or opaque', () => {
  const veil = (style: string) => `<div style="position: absolute; left: 0; top: 0; width: 400px; height: 90px; ${style}"></div>`;

  it('guard: an opaque box over the text', async () => {
    expect(await firstFrame(PAGE, veil('background: #fff'))).to.deep.equal(CLEAN);
  });

  for (const value of ['blur(16px)', 'blur(40px) brightness(3)', 'contrast(0)', 'invert(1) brightness(100)']) {
    it(`backdrop-filter: ${value} over the text`, async () => {
      expect(await firstFrame(PAGE, veil(`backdrop-filter: ${value}`))).to.deep.equal(CLEAN);
    });
  }

  it('text changed under a box with backdrop-filter: blur(16px) (a patched frame) is not drawn in clear', async () => {
    const { leaked, visible } = await writeUnderCover(PAGE, veil('backdrop-filter: blur(16px)'), PLAIN_CSS);
    expect({ visible, leaked }).to.deep.equal(CLEAN);
  });

  it('a ::before over the text with backdrop-filter: contrast(0)', async () => {
    expect(await firstFrame(PAGE, '<div class="veil"></div>', '.veil::before { content: ""; position: absolute; left: 0; top: 0; width: 400px; height: 90px; backdrop-filter: contrast(0) }')).to.deep.equal(CLEAN);
  });
});

describe('replaced content the copy cannot load is drawn from its picture, or grey', () => {
  const PATH = '/test/capture/fixtures/cover.svg';
  /** An SVG that fills whatever box it is drawn in. */
  const FILL = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1" preserveAspectRatio="none"><rect width="1" height="1" fill="#3a4a5a"/></svg>')}`;
  const loaded = async (url: string) => {
    const img = new Image();
    img.src = url;
    await img.decode();
  };
  const settled = () => wait(400);

  it('guard: a cover that is an <img> of the page\'s origin is drawn', async () => {
    await loaded(PATH);
    expect(await firstFrame(PAGE, over(`<img src="${PATH}" style="display: block; width: 100%; height: 100%">`), '', settled)).to.deep.equal(CLEAN);
  });

  it('a cover that is an <object> showing an SVG image', async () => {
    expect(await firstFrame(PAGE, over(`<object data="${FILL}" type="image/svg+xml" style="display: block; width: 100%; height: 100%"></object>`), '', settled)).to.deep.equal(CLEAN);
  });

  it('a cover that is an <embed> showing an SVG image', async () => {
    expect(await firstFrame(PAGE, over(`<embed src="${FILL}" type="image/svg+xml" style="display: block; width: 100%; height: 100%">`), '', settled)).to.deep.equal(CLEAN);
  });

  // An SVG shown as a document runs its scripts and loads what it links; drawn as an image it
  // does neither: a cover its script paints was drawn transparent (rt R6).
  const SCRIPTED = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1" preserveAspectRatio="none"><rect id="r" width="1" height="1" fill="none"/><script>document.getElementById("r").setAttribute("fill", "#3a4a5a")</script></svg>')}`;
  it('a cover that is an <object> showing an SVG document whose script paints it', async () => {
    expect(await firstFrame(PAGE, over(`<object data="${SCRIPTED}" type="image/svg+xml" style="display: block; width: 100%; height: 100%"></object>`), '', settled)).to.deep.equal(CLEAN);
  });

  it('a cover that is an <embed> (no type) showing an SVG document whose script paints it', async () => {
    expect(await firstFrame(PAGE, over(`<embed src="${SCRIPTED}" style="display: block; width: 100%; height: 100%">`), '', settled)).to.deep.equal(CLEAN);
  });

  it('a cover that is an <object> showing an HTML document', async () => {
    expect(await firstFrame(PAGE, over('<object data="data:text/html,<body style=\'margin:0;background:%233a4a5a\'></body>" type="text/html" style="display: block; width: 100%; height: 100%"></object>'), '', settled)).to.deep.equal(CLEAN);
  });

  it('a cover that is an <input type="image"> of the page\'s origin', async () => {
    await loaded(PATH);
    expect(await firstFrame(PAGE, over(`<input type="image" src="${PATH}" style="display: block; width: 100%; height: 100%; padding: 0; border: 0">`), '', settled)).to.deep.equal(CLEAN);
  });

  it('a cover that is an element whose content is an image (content: url() on the element)', async () => {
    await loaded(PATH);
    expect(await firstFrame(PAGE, over('', `content: url(${PATH}); z-index: 1`), '', settled)).to.deep.equal(CLEAN);
  });
});

describe('a <picture> is drawn from the source the browser chose', () => {
  const PATH = '/test/capture/fixtures/cover.svg';
  const CLEAR = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

  it('guard: a cover that is a plain <img> of the same file is drawn', async () => {
    expect(await firstFrame(PAGE, over(`<img src="${PATH}" style="display: block; width: 340px; height: 60px">`), '', () => wait(400))).to.deep.equal(CLEAN);
  });

  it('a cover that is a <picture> whose <source> the browser shows (its <img> src a clear pixel)', async () => {
    expect(await firstFrame(PAGE, over(`<picture><source srcset="${PATH}"><img src="${CLEAR}" style="display: block; width: 340px; height: 60px"></picture>`), '', () => wait(400))).to.deep.equal(CLEAN);
  });
});

describe('the host of a closed shadow root (its tree cannot be read) is drawn grey', () => {
  const banner = (mode: ShadowRootMode) => (root: HTMLElement) => {
    const shadow = root.querySelector('#host')!.attachShadow({ mode });
    shadow.innerHTML = '<style>:host { position: fixed; left: 0; top: 0; width: 400px; height: 90px; }</style><div style="height: 100%; background: #3a4a5a">We use cookies</div>';
  };

  it('guard: the same cover in an open shadow root is drawn as it is', async () => {
    expect(await firstFrame(PAGE, '<x-banner id="host"></x-banner>', '', banner('open'))).to.deep.equal(CLEAN);
  });

  it('a fixed banner whose cover is in a closed shadow root', async () => {
    expect(await firstFrame(PAGE, '<x-banner id="host"></x-banner>', '', banner('closed'))).to.deep.equal(CLEAN);
  });
});

describe('a canvas the copy reads blank (WebGL, WebGPU, transferred) is drawn grey', () => {
  const canvas = '<canvas id="cv" width="340" height="60" style="display: block"></canvas>';
  const paintGl = (attributes: WebGLContextAttributes) => async (root: HTMLElement) => {
    // As the SDK does when it loads, before the page makes its contexts.
    trackSecretFields(document);
    const gl = root.querySelector<HTMLCanvasElement>('#cv')!.getContext('webgl', attributes)!;
    gl.clearColor(0.2, 0.3, 0.4, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    await wait(200);
  };

  it('guard: a 2D canvas filled opaque covers the text in the copy too', async () => {
    expect(await firstFrame(PAGE, over(canvas), '', (root) => {
      trackSecretFields(document);
      const ctx = root.querySelector<HTMLCanvasElement>('#cv')!.getContext('2d')!;
      ctx.fillStyle = '#3a4a5a';
      ctx.fillRect(0, 0, 340, 60);
    })).to.deep.equal(CLEAN);
  });

  it('guard: a WebGL canvas that keeps its drawing buffer (preserveDrawingBuffer) is read', async () => {
    expect(await firstFrame(PAGE, over(canvas), '', paintGl({ preserveDrawingBuffer: true }))).to.deep.equal(CLEAN);
  });

  it('a WebGL canvas cleared to an opaque colour (preserveDrawingBuffer left false) over the text', async () => {
    expect(await firstFrame(PAGE, over(canvas), '', paintGl({}))).to.deep.equal(CLEAN);
  });
});

describe('an image painted by a CSS paint worklet (paint(), no worklet in the copy) is drawn grey', () => {
  before(async () => {
    const code = "registerPaint('coverfill', class { paint(ctx, size) { ctx.fillStyle = '#3a4a5a'; ctx.fillRect(0, 0, size.width, size.height); } });";
    await (CSS as unknown as { paintWorklet: { addModule(u: string): Promise<void> } }).paintWorklet.addModule(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
  });

  it('guard: a cover painted by a plain background colour', async () => {
    expect(await firstFrame(PAGE, over('', 'background: #3a4a5a'))).to.deep.equal(CLEAN);
  });

  it('a cover painted by a worklet (background-image: paint())', async () => {
    expect(await firstFrame(PAGE, over('', 'background-image: paint(coverfill)'), '', () => wait(300))).to.deep.equal(CLEAN);
  });

  it('a ::before cover painted by a worklet (border-image: paint() with fill)', async () => {
    expect(await firstFrame(PAGE, '<div class="wk"></div>', '.wk::before { content: ""; position: absolute; left: 10px; top: 10px; width: 300px; height: 40px; border: 10px solid; border-image: paint(coverfill) 10 fill }', () => wait(300))).to.deep.equal(CLEAN);
  });
});

describe('an SVG filter\'s <feImage> of a file is embedded, or grey', () => {
  const filtered = (href: string) => over(`<svg width="340" height="60" style="display: block"><filter id="covfi" x="0" y="0" width="1" height="1"><feImage href="${href}" preserveAspectRatio="none"/></filter><rect width="340" height="60" fill="none" filter="url(#covfi)"/></svg>`);

  it('a cover drawn by an <feImage> of a file of the page\'s origin', async () => {
    expect(await firstFrame(PAGE, filtered('/test/capture/fixtures/cover.svg'), '', () => wait(400))).to.deep.equal(CLEAN);
  });
});
