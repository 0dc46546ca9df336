/**
 * Masks in long lists: the clone leaves out the far-off rows of a long table (find-offscreen.ts),
 * but the mask search never does, because what it skips can still matter. Two red-team cases,
 * each a leak on a mask search that skipped far-off rows:
 * - a field drawing dots while its row was far off, revealed and then scrolled to, must stay
 *   masked (a field that ever hid its text is masked for life; the search is what sees it);
 * - a fixed masked box inside a far-off row is drawn wherever the clone reads that row (a
 *   collapsed row makes the clone read the whole table), and must be boxed black there.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop, findMasks, trackSecretFields } from '../../src/capture/index.js';
import { isSecretField } from '../../src/capture/secret-fields.js';
import { scanForSecret, boxOf, maskCovers } from '../support/leaks.js';
import { CollectingHost, FrameCanvas, isBlack } from '../support/frames.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { WatchedPage } from '../agent/watched-page.js';

const STYLE = `
  html, body { margin: 0; padding: 0; background: #fff; font: 14px/1.3 sans-serif; }
  table { width: 100%; border-collapse: collapse; } td { padding: 2px 8px; height: 24px; border-bottom: 1px solid #ccc; }
  .s { color: #ff00ff; -webkit-text-fill-color: #ff00ff; font: 18px monospace; width: 260px; border: 0; }
  #t.hide input.code { -webkit-text-security: disc; }
`;
const tick = () => new Promise((r) => setTimeout(r, 0));
const box = boxOf;
const covered = maskCovers;

trackSecretFields(document);

describe('masks in the far-off rows of long lists', function () {
  this.timeout(120000);
  afterEach(async () => {
    await WatchedPage.stop();
    unmountTestPage('long-lists');
  });

  it('a field that drew dots while its row was far off stays masked once revealed and scrolled to (the agent sees no pixel of it)', async () => {
    const row = (i: number) =>
      i === 2 || i === 250
        ? `<tr><td>${i}</td><td><input id="f${i}" class="s code" value="RECOVERY-${i}-7731"></td></tr>`
        : `<tr><td>${i}</td><td>Item ${i}</td></tr>`;
    const root = mountTestPage('long-lists', { css: STYLE, html: `<table id="t"><tbody>${Array.from({ length: 300 }, (_, i) => row(i)).join('')}</tbody></table>` });
    await tick();
    // The page hides its codes with a class on the table (not on the field: no field watcher sees it).
    root.querySelector('#t')!.classList.add('hide');
    await tick();
    const far = root.querySelector<HTMLInputElement>('#f250')!;
    expect(getComputedStyle(far).getPropertyValue('-webkit-text-security')).to.equal('disc');
    const page = await WatchedPage.start();
    await page.settled();
    await page.settled();
    // The visitor presses "show codes", then scrolls to the far one.
    root.querySelector('#t')!.classList.remove('hide');
    await tick();
    expect(isSecretField(far), 'the far field was seen drawing dots').to.equal(true);
    far.scrollIntoView({ block: 'center' });
    await tick();
    expect(covered(findMasks(document), far), 'boxed').to.equal(true);
    const picture = await page.settled();
    expect(scanForSecret(picture.canvas!, box(far)).count, 'pixels of the code in the agent\'s picture').to.equal(0);
  });

  it('a fixed masked box inside a far-off row, in a table the clone reads whole (a collapsed row), is boxed black in the frame', async () => {
    const rows = Array.from({ length: 300 }, (_, i) =>
      i === 23 ? `<tr style="visibility: collapse"><td>${i}</td><td>x</td></tr>`
      : i === 250 ? `<tr><td>${i}</td><td>Item <span id="sec" class="no-upscope" style="position: fixed; top: 100px; left: 300px; width: 120px; height: 40px; background: #ff00ff; color: #ff00ff">SECRET</span></td></tr>`
      : `<tr><td>${i}</td><td>Item ${i}</td></tr>`).join('');
    const root = mountTestPage('long-lists', { css: STYLE, html: `<table><tbody>${rows}</tbody></table>` });
    const sec = root.querySelector('#sec')!;
    expect(covered(findMasks(document), sec), 'boxed by the search').to.equal(true);
    const host = new CollectingHost();
    const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0 });
    loop.start();
    const [frame] = await host.waitForFrames(1, 60000);
    loop.stop();
    const picture = new FrameCanvas();
    await picture.draw(frame);
    const r = box(sec);
    expect(isBlack(picture.pixel(r.x + r.width / 2, r.y + r.height / 2)), 'the masked box is black').to.equal(true);
    expect(scanForSecret(picture.canvas!, r).count, 'pixels of the box').to.equal(0);
  });
});

/**
 * The search finds masks by one query per kind (each mask selector, the fields, the `<use>`s and
 * the frames) and shadow hosts by a tree walker, instead of testing every element of the page
 * (issue 16: a 5 000-row table's search took 30 ms in one task). It must still find every kind,
 * wherever it is in a long list: each is put in the first rows and far down a 3 000-row table.
 */
describe('every kind of mask, near the top and far down a long list', function () {
  this.timeout(120000);
  const FIELD = 'class="f" style="width: 200px"';
  /** Each kind of mask as a table cell's content; `#sec-…` is what must never show. */
  const KINDS: Array<(id: string) => string> = [
    (id) => `<upscope-masked><span id="${id}" class="s">SECRET</span></upscope-masked>`,
    (id) => `<span id="${id}" data-upscope-masked class="s">SECRET</span>`,
    (id) => `<span id="${id}" class="no-upscope s">SECRET</span>`,
    (id) => `<span id="${id}" class="rr-block s">SECRET</span>`,
    (id) => `<span id="${id}" class="rr-mask s">SECRET</span>`,
    (id) => `<span id="${id}" data-openreplay-masked class="s">SECRET</span>`,
    (id) => `<span id="${id}" class="glance_masked s">SECRET</span>`,
    // One element matching three selectors: boxed once.
    (id) => `<span id="${id}" class="no-upscope rr-mask s" data-upscope-masked>SECRET</span>`,
    (id) => `<input id="${id}" type="password" ${FIELD} value="hunter2-secret">`,
    ...['cc-number', 'cc-csc', 'cc-exp', 'cc-exp-month', 'cc-exp-year', 'current-password', 'new-password', 'one-time-code'].map(
      (token) => (id: string) => `<input id="${id}" autocomplete="section-pay ${token.toUpperCase()}" ${FIELD} value="4111 1111 1111">`),
    (id) => `<input id="${id}" class="f dots" style="width: 200px" value="123-45-6789">`,
    (id) => `<textarea id="${id}" class="f dots" rows="1" style="width: 200px">123-45-6789</textarea>`,
    (id) => `<svg width="120" height="20"><use id="${id}" href="#lk-secret"/></svg>`,
    (id) => `<span class="lk-host" data-id="${id}"></span>`,
    (id) => `<iframe id="${id}" style="border: 0; width: 220px; height: 24px" srcdoc="<body style='margin: 0'><span class='no-upscope' style='color: #ff00ff; font: 18px monospace'>FRAME SECRET</span></body>"></iframe>`,
  ];
  const NEAR = 3;
  const FAR = 2700;
  const ROWS = 3000;
  const CSS = `${STYLE} .f { color: #ff00ff; -webkit-text-fill-color: #ff00ff; font: 16px monospace; border: 0; } .dots { -webkit-text-security: disc; }`;

  /** Where an element is in the top window's viewport (a frame's content moved by its frame's box). */
  const pageBox = (el: Element) => {
    const r = el.getBoundingClientRect();
    const frame = el.ownerDocument.defaultView!.frameElement;
    const f = frame ? frame.getBoundingClientRect() : { left: 0, top: 0 };
    return { x: r.left + f.left, y: r.top + f.top, width: r.width, height: r.height };
  };
  const coveredAt = (masks: readonly { x: number; y: number; width: number; height: number }[], b: { x: number; y: number; width: number; height: number }) =>
    masks.some((m) => b.x + b.width / 2 >= m.x && b.x + b.width / 2 <= m.x + m.width && b.y + b.height / 2 >= m.y && b.y + b.height / 2 <= m.y + m.height);

  let root: HTMLElement;
  /** Every secret, by id: the element itself (in a shadow root or a frame for those kinds). */
  const secrets = new Map<string, Element>();

  beforeEach(async () => {
    secrets.clear();
    const cell = (i: number) => {
      const k = i >= FAR ? i - FAR : i - NEAR;
      if (k >= 0 && k < KINDS.length && (i < NEAR + KINDS.length || i >= FAR)) return KINDS[k](`sec-${i}`);
      if (i === FAR + KINDS.length) return '<span id="canary" class="s">NOT A SECRET</span>';
      return `Item ${i}`;
    };
    const rows = Array.from({ length: ROWS }, (_, i) => `<tr><td>${i}</td><td>${cell(i)}</td></tr>`).join('');
    root = mountTestPage('long-lists', {
      css: CSS,
      html: `<svg width="0" height="0" style="position: absolute"><symbol id="lk-secret" viewBox="0 0 120 20"><text class="no-upscope" x="0" y="16" fill="#ff00ff">SECRET</text></symbol></svg>
        <table><tbody>${rows}</tbody></table>`,
    });
    for (const host of root.querySelectorAll<HTMLElement>('.lk-host')) {
      // A custom element's shadow root inside a span's: the search must go two roots down.
      const outer = host.attachShadow({ mode: 'open' });
      outer.innerHTML = '<lk-box></lk-box>';
      outer.querySelector('lk-box')!.attachShadow({ mode: 'open' }).innerHTML = `<span id="${host.dataset.id}" class="no-upscope" style="color: #ff00ff">SHADOW SECRET</span>`;
      secrets.set(host.dataset.id!, outer.querySelector('lk-box')!.shadowRoot!.querySelector('span')!);
    }
    const frames = [...root.querySelectorAll('iframe')];
    await Promise.all(frames.map((f) => (f.contentDocument?.readyState === 'complete' && f.contentDocument.body?.childElementCount ? null : new Promise((ok) => f.addEventListener('load', ok, { once: true })))));
    for (const f of frames) secrets.set(f.id, f.contentDocument!.querySelector('.no-upscope')!);
    for (const el of root.querySelectorAll('[id^="sec-"]')) if (!secrets.has(el.id)) secrets.set(el.id, el);
    expect(secrets.size, 'every kind, near and far').to.equal(2 * KINDS.length);
  });

  it('the search boxes every one of them while the list is scrolled half-way (none on screen), each mask once', async () => {
    window.scrollTo(0, root.querySelector('tbody')!.getBoundingClientRect().height / 2);
    const masks = findMasks(document);
    const missed = [...secrets].filter(([, el]) => !coveredAt(masks, pageBox(el))).map(([id, el]) => `${id} ${el.outerHTML.slice(0, 80)}`);
    expect(missed, 'secrets the search did not box').to.deep.equal([]);
    // A span matching three mask selectors gets the rectangles of one matching a single selector (its box and its text's).
    const boxes = (id: string) => {
      const b = pageBox(secrets.get(id)!);
      return masks.filter((m) => m.x === b.x && m.y === b.y && m.width === b.width && m.height === b.height).length;
    };
    for (const at of [NEAR, FAR]) {
      expect(boxes(`sec-${at + 2}`), `sec-${at + 2}, one selector`).to.be.above(0);
      expect(boxes(`sec-${at + 7}`), `sec-${at + 7}, three selectors`).to.equal(boxes(`sec-${at + 2}`));
    }
    expect(coveredAt(masks, pageBox(root.querySelector('#canary')!)), 'an unmarked element is not boxed').to.equal(false);
  });

  it('what is marked after a search is boxed by the next one, and what is unmarked is not (the search reads the browser\'s kept lists of names, which must follow the page)', async () => {
    const canary = root.querySelector('#canary')!;
    canary.scrollIntoView({ block: 'center' });
    expect(coveredAt(findMasks(document), pageBox(canary)), 'unmarked').to.equal(false);
    // By class, and off again.
    canary.classList.add('no-upscope');
    expect(coveredAt(findMasks(document), pageBox(canary)), 'class added').to.equal(true);
    canary.classList.remove('no-upscope');
    expect(coveredAt(findMasks(document), pageBox(canary)), 'class removed').to.equal(false);
    // New elements of each kind found by name: a mask element, a field, an SVG resource in a mask (where it is used is boxed).
    const cell = canary.parentElement!;
    cell.insertAdjacentHTML('beforeend', `<upscope-masked><span id="late-tag" class="s">LATE</span></upscope-masked>
      <textarea id="late-field" class="f dots" rows="1" style="width: 120px">123-45-6789</textarea>
      <svg width="0" height="0"><defs data-upscope-masked><linearGradient id="late-g"><stop offset="0" stop-color="#ff00ff"/></linearGradient></defs></svg>
      <svg id="late-user" width="40" height="16"><rect width="40" height="16" fill="url(#late-g)"/></svg>`);
    // <upscope-masked> renders its slot (and so draws what it holds) a microtask after it is connected.
    await tick();
    const masks = findMasks(document);
    for (const id of ['late-tag', 'late-field', 'late-user']) expect(coveredAt(masks, pageBox(root.querySelector(`#${id}`)!)), id).to.equal(true);
    expect(coveredAt(masks, pageBox(canary)), 'the canary still unmarked').to.equal(false);
  });

  it('scrolled to the far ones, then back to the first ones, the agent sees no pixel of any (real capture loop)', async () => {
    const page = await WatchedPage.start();
    await page.settled();
    // Ten rows at a time fit on screen: the far ones first, then back up to the first ones.
    const groups = [FAR, NEAR].flatMap((at) => Array.from({ length: Math.ceil(KINDS.length / 10) }, (_, g) => [at + 10 * g, Math.min(at + 10 * g + 9, at + KINDS.length - 1)]));
    for (const [first, last] of groups) {
      root.querySelector(`tbody tr:nth-child(${first + 1})`)!.scrollIntoView({ block: 'start' });
      expect(root.querySelector(`tbody tr:nth-child(${last + 1})`)!.getBoundingClientRect().bottom, 'the group is on screen').to.be.below(innerHeight);
      await tick();
      const picture = await page.settled();
      for (const [id, el] of secrets) {
        const n = Number(id.replace(/\D/g, ''));
        if (n < first || n > last) continue;
        expect(scanForSecret(picture.canvas!, pageBox(el)).count, `pixels of ${id} in the agent's picture`).to.equal(0);
      }
    }
    // The scan sees magenta where nothing masks it: the canary row, just below the far ones.
    root.querySelector('#canary')!.scrollIntoView({ block: 'center' });
    await tick();
    expect(scanForSecret((await page.settled()).canvas!, pageBox(root.querySelector('#canary')!)).count, 'the unmarked canary shows').to.be.above(0);
  });
});
