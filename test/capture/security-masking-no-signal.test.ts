/**
 * Patched frames after a style change no mutation announces (see kept-clone.ts, style-edits.ts):
 * a cover the page shows over an amount by editing its style sheets through the CSSOM, by the
 * pointer hovering, or by the URL's fragment (`:target`), then the amount's text changes. A patch
 * that trusted the kept clone of the cover (not an ancestor of the amount, so the ancestor check
 * does not see it) would draw the new text over the stale copy of a cover the visitor sees: the
 * agent would read what the visitor's screen does not show. Every test drives the real capture
 * loop and reads the agent's picture, built from every frame it was sent.
 */
import { expect } from '@open-wc/testing';
import { emulateMedia, sendMouse } from '@web/test-runner-commands';
import { createCaptureLoop, type CaptureController, type FrameStats } from '../../src/capture/index.js';
import { CollectingHost, FrameCanvas } from '../support/frames.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { boxOf, scanForSecret, SECRET } from '../support/leaks.js';

const AMOUNT = '4111 1111 1111 1111';
const CSS = `
  html, body { margin: 0; padding: 0; background: #fff; font: 24px/30px sans-serif; }
  .wrap { position: relative; width: 600px; margin: 40px 0; }
  .wallet { color: ${SECRET}; padding: 8px; }
  .cover { position: absolute; inset: 0; background: rgb(255, 255, 255); }
`;
/** The amount, and a cover laid over it as a sibling of its box (no ancestor of the amount). */
const HTML = '<p id="tick">0</p><div class="wrap"><div class="wallet">Amount: <span id="amt"></span></div><div class="cover" id="cover"></div></div>';

interface Run {
  loop: CaptureController;
  host: CollectingHost;
  stats: FrameStats[];
  errors: Error[];
}

let run: Run | null = null;

function start(doc: Document = document): Run {
  const host = new CollectingHost();
  const stats: FrameStats[] = [];
  const errors: Error[] = [];
  const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, maxFps: 30, onFrame: (s) => stats.push(s), onError: (e) => errors.push(e) }, doc);
  loop.start();
  return (run = { loop, host, stats, errors });
}

/** Waits until the loop has stopped capturing: no look at the page for 300 ms. */
async function settle(host: CollectingHost): Promise<void> {
  let reads = -1;
  while (reads !== host.bufferedReads) {
    reads = host.bufferedReads;
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function agentPicture(host: CollectingHost): Promise<FrameCanvas> {
  const picture = new FrameCanvas();
  for (const frame of host.completeFrames()) await picture.draw(frame);
  return picture;
}

/** Mounts the page (the cover hidden by `css`), starts a loop and waits for its first frame to settle. */
async function ready(css: string, html = HTML): Promise<{ root: HTMLElement; run: Run }> {
  const root = mountTestPage('nosignal', { css: CSS + css, html });
  const r = start();
  await r.host.waitForFrames(1);
  await settle(r.host);
  return { root, run: r };
}

/** Makes `change`, waits for the frames it causes, and returns how they were cloned. */
async function after(r: Run, change: () => void | Promise<void>): Promise<string[]> {
  const from = r.stats.length;
  const frames = r.host.completeFrames().length;
  await change();
  await r.host.waitForFrames(frames + 1);
  await settle(r.host);
  expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
  return r.stats.slice(from).map((s) => ('whole' in s.clone ? s.clone.whole : 'patched'));
}

/** The cover is drawn over the amount on the page, and none of the amount is in the agent's picture. */
async function expectCovered(r: Run, root: HTMLElement): Promise<void> {
  const amt = root.querySelector('#amt')!;
  const cover = root.querySelector('#cover')!;
  const box = boxOf(amt);
  expect(document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === cover, 'the visitor sees the cover').to.equal(true);
  expect(getComputedStyle(cover).opacity, 'the cover is opaque').to.equal('1');
  expect(scanForSecret((await agentPicture(r.host)).canvas!, boxOf(amt.parentElement!)).count, 'pixels of the covered amount').to.equal(0);
}

/** Shows the cover with `edit` (no DOM mutation), then writes the amount under it in the same task. */
async function coverThenType(r: Run, root: HTMLElement, edit: () => void): Promise<string[]> {
  return after(r, () => {
    edit();
    root.querySelector('#amt')!.textContent = AMOUNT;
  });
}

const sheetOf = () => (document.getElementById('nosignal-style') as HTMLStyleElement).sheet!;
/** The last rule of the test's sheet with `selector`: the one that hides the cover (the first `.cover` places it). */
const ruleOf = (selector: string) => [...sheetOf().cssRules].findLast((x) => (x as CSSStyleRule).selectorText === selector) as CSSStyleRule;

describe('a cover shown over an amount with no mutation, then the amount changes', () => {
  afterEach(() => {
    run?.loop.stop();
    run = null;
    unmountTestPage('nosignal');
    document.adoptedStyleSheets = [];
  });

  it('a rule\'s declaration edited in place (rule.style.opacity = \'1\')', async () => {
    const { root, run: r } = await ready('.cover { opacity: 0; }');
    await coverThenType(r, root, () => {
      ruleOf('.cover').style.opacity = '1';
    });
    await expectCovered(r, root);
  });

  it('a nesting block\'s own declarations edited in place (CSSNestedDeclarations, a rule not named …Rule)', async () => {
    const { root, run: r } = await ready('.cover { & .never { color: red; } opacity: 0; }');
    const nested = ruleOf('.cover').cssRules[1] as CSSRule & { style: CSSStyleDeclaration };
    expect(nested.constructor.name, 'declarations after a nested rule are a rule of their own').to.equal('CSSNestedDeclarations');
    await coverThenType(r, root, () => {
      nested.style.opacity = '1';
    });
    await expectCovered(r, root);
  });

  it('a cover shown by a sibling rule on the amount\'s :empty (#amt:empty + .cover), as the amount is written', async () => {
    const { root, run: r } = await ready('#amt { display: inline-block; vertical-align: top; width: 400px; height: 30px; } #amt:empty + .cover { opacity: 0; }', '<p id="tick">0</p><div class="wrap"><div class="wallet">Amount: <span id="amt"></span><div class="cover" id="cover"></div></div></div>');
    await coverThenType(r, root, () => {});
    await expectCovered(r, root);
  });

  it('a cover shown by :empty when the amount\'s one text node, empty, is written (characterData)', async () => {
    const { root, run: r } = await ready('#amt { display: inline-block; vertical-align: top; width: 400px; height: 30px; } #amt:empty ~ .cover { opacity: 0; }', '<p id="tick">0</p><div class="wrap"><div class="wallet">Amount: <span id="amt"></span><div class="cover" id="cover"></div></div></div>');
    const text = root.querySelector('#amt')!.appendChild(document.createTextNode(''));
    await after(r, () => {
      root.querySelector<HTMLElement>('#tick')!.textContent = '1';
    });
    await after(r, () => {
      text.data = AMOUNT;
    });
    await expectCovered(r, root);
  });

  it('a cover shown by :empty when, in one task, the amount\'s empty text is written and another text added after it (two records)', async () => {
    const { root, run: r } = await ready('#amt { display: inline-block; vertical-align: top; width: 400px; height: 30px; } #amt:empty ~ .cover { opacity: 0; }', '<p id="tick">0</p><div class="wrap"><div class="wallet">Amount: <span id="amt"></span><div class="cover" id="cover"></div></div></div>');
    const amt = root.querySelector('#amt')!;
    const text = amt.appendChild(document.createTextNode(''));
    await after(r, () => {
      root.querySelector<HTMLElement>('#tick')!.textContent = '1';
    });
    await after(r, () => {
      text.data = AMOUNT.slice(0, 9);
      amt.append(document.createTextNode(' EUR'));
    });
    await expectCovered(r, root);
  });

  it('a cover shown by :dir(rtl), which a dir="auto" ancestor takes from the amount written in Hebrew', async () => {
    const { root, run: r } = await ready('.wrap { direction: ltr; } .cover { opacity: 0; } .wrap:dir(rtl) .cover { opacity: 1; } #amt { display: inline-block; vertical-align: top; width: 400px; height: 30px; }', '<p id="tick">0</p><div class="wrap" dir="auto"><div class="wallet"><span dir="ltr">Amount:</span> <span id="amt"></span></div><div class="cover" id="cover"></div></div>');
    await after(r, () => {
      root.querySelector('#amt')!.textContent = 'כרטיס ' + AMOUNT;
    });
    await expectCovered(r, root);
  });

  it('a cover sized by a positioned ancestor (inset: 0) from inside a sibling box that held, as the amount grows by two lines', async () => {
    const { root, run: r } = await ready('', '<div><p id="tick">0</p></div><div class="wrap"><div class="wallet">Amount: <span id="amt">4111</span></div><div class="layer"><div class="cover" id="cover"></div></div></div>');
    await after(r, () => {
      root.querySelector('#amt')!.textContent = `${AMOUNT} ${AMOUNT} ${AMOUNT} ${AMOUNT}`;
      // Something the agent sees change (the covered amount draws no pixel of its own), in a box of
      // its own: as a sibling of the grown box it would clone that box again.
      root.querySelector('#tick')!.textContent = '1';
    });
    await expectCovered(r, root);
  });

  it('a cover anchored to the amount (anchor positioning) elsewhere in the page, as the amount grows by two lines', async () => {
    const { root, run: r } = await ready('#amt { display: block; anchor-name: --amt; } #cover { position: absolute; inset: auto; position-anchor: --amt; top: anchor(top); left: anchor(left); right: anchor(right); bottom: anchor(bottom); }', '<div><p id="tick">0</p></div><div class="wallet" style="width: 600px; margin: 40px 0"><span id="amt">4111</span></div><div style="height: 200px"></div><div><div class="cover" id="cover"></div></div>');
    await after(r, () => {
      root.querySelector('#amt')!.textContent = `${AMOUNT} ${AMOUNT} ${AMOUNT} ${AMOUNT}`;
      // Something the agent sees change (the covered amount draws no pixel of its own), in a box of
      // its own: as a sibling of the grown box it would clone that box again.
      root.querySelector('#tick')!.textContent = '1';
    });
    await expectCovered(r, root);
  });

  it('a scratch card: the canvas over the amount painted opaque again (no mutation) as a new amount is written under it', async () => {
    const { root, run: r } = await ready('#cover { background: transparent; }', '<p id="tick">0</p><div class="wrap"><div class="wallet">Amount: <span id="amt"></span></div><canvas class="cover" id="cover" width="600" height="46"></canvas></div>');
    await after(r, () => {
      const ctx = root.querySelector<HTMLCanvasElement>('#cover')!.getContext('2d')!;
      ctx.fillStyle = 'rgb(200, 200, 200)';
      ctx.fillRect(0, 0, 600, 46);
      root.querySelector('#amt')!.textContent = AMOUNT;
    });
    await expectCovered(r, root);
  });

  it('a cover shown by form:invalid as a button in the form turns invalid (setCustomValidity)', async () => {
    const { root, run: r } = await ready('.cover { opacity: 0; } form:invalid .cover { opacity: 1; }', '<p id="tick">0</p><form class="wrap"><button id="send">Send</button><div class="wallet">Amount: <span id="amt"></span></div><div class="cover" id="cover"></div></form>');
    await coverThenType(r, root, () => {
      root.querySelector<HTMLButtonElement>('#send')!.setCustomValidity('confirm the amount first');
    });
    await expectCovered(r, root);
  });

  it('a cover shown by form:invalid as a form-associated custom element turns invalid (ElementInternals.setValidity)', async () => {
    if (!customElements.get('nosignal-field')) {
      customElements.define('nosignal-field', class extends HTMLElement {
        static formAssociated = true;
        internals = this.attachInternals();
      });
    }
    const { root, run: r } = await ready('.cover { opacity: 0; } form:invalid .cover { opacity: 1; }', '<p id="tick">0</p><form class="wrap"><nosignal-field id="field"></nosignal-field><div class="wallet">Amount: <span id="amt"></span></div><div class="cover" id="cover"></div></form>');
    const field = root.querySelector('#field') as HTMLElement & { internals: ElementInternals };
    await coverThenType(r, root, () => {
      field.internals.setValidity({ customError: true }, 'confirm the amount first');
    });
    await expectCovered(r, root);
  });

  it('a "show more" bar shown by a scroll-state(scrollable) container query as rows added under it make the pane scrollable', async () => {
    const css = `#pane { position: relative; container-type: scroll-state; overflow: auto; height: 90px; width: 600px; margin: 40px 0; }
      #pane .cover { position: sticky; inset: auto; bottom: 0; height: 60px; margin-top: -60px; opacity: 0; }
      @container scroll-state(scrollable: bottom) { #pane .cover { opacity: 1; } }
      #rows div { height: 30px; }`;
    const { root, run: r } = await ready(css, '<p id="tick">0</p><div id="pane"><div id="rows"><div>Statement</div><div class="wallet" style="padding: 0">Amount: <span id="amt"></span></div></div><div class="cover" id="cover"></div></div>');
    await after(r, () => {
      root.querySelector('#amt')!.textContent = AMOUNT;
      const more = document.createElement('div');
      more.textContent = 'more';
      root.querySelector('#rows')!.append(more, document.createElement('div'));
    });
    await expectCovered(r, root);
  });

  it('a rule\'s declaration edited in place (setProperty, display: none to block)', async () => {
    const { root, run: r } = await ready('.cover.off { display: none; }', HTML.replace('class="cover"', 'class="cover off"'));
    await coverThenType(r, root, () => {
      ruleOf('.cover.off').style.setProperty('display', 'block');
    });
    await expectCovered(r, root);
  });

  it('a rule deleted and another inserted in its place (the sheet keeps its rule count)', async () => {
    const { root, run: r } = await ready('.cover { opacity: 0; }');
    await coverThenType(r, root, () => {
      const sheet = sheetOf();
      const at = [...sheet.cssRules].indexOf(ruleOf('.cover'));
      sheet.deleteRule(at);
      sheet.insertRule('.cover { opacity: 1; }', at);
    });
    await expectCovered(r, root);
  });

  it('a rule\'s selector changed (selectorText)', async () => {
    const { root, run: r } = await ready('.cover.off { display: none; }', HTML.replace('class="cover"', 'class="cover off"'));
    await coverThenType(r, root, () => {
      ruleOf('.cover.off').selectorText = '.never';
    });
    await expectCovered(r, root);
  });

  it('the media of an @media rule changed (its MediaList)', async () => {
    const { root, run: r } = await ready('@media (min-width: 1px) { .cover { display: none; } }');
    await coverThenType(r, root, () => {
      const media = [...sheetOf().cssRules].find((x) => x instanceof CSSMediaRule) as CSSMediaRule;
      media.media.mediaText = '(max-width: 1px)';
    });
    await expectCovered(r, root);
  });

  it('an adopted sheet of the document replaced in place (replaceSync, same rule count)', async () => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('.cover { opacity: 0; }');
    document.adoptedStyleSheets = [sheet];
    const { root, run: r } = await ready('');
    await coverThenType(r, root, () => sheet.replaceSync('.cover { opacity: 1; }'));
    await expectCovered(r, root);
  });

  it('the document\'s adopted sheets swapped for others with as many rules (adoptedStyleSheets =)', async () => {
    const hide = new CSSStyleSheet();
    hide.replaceSync('.cover { opacity: 0; }');
    const show = new CSSStyleSheet();
    show.replaceSync('.cover { opacity: 1; }');
    document.adoptedStyleSheets = [hide];
    const { root, run: r } = await ready('');
    await coverThenType(r, root, () => {
      document.adoptedStyleSheets = [show];
    });
    await expectCovered(r, root);
  });

  it('the sheet that hid the cover disabled (styleEl.disabled)', async () => {
    const { root, run: r } = await ready('');
    const hider = document.createElement('style');
    hider.textContent = '.cover { opacity: 0; }';
    root.append(hider);
    await settle(r.host);
    await coverThenType(r, root, () => {
      hider.disabled = true;
    });
    await expectCovered(r, root);
  });

  it('a cover inside a shadow root whose adopted sheets change in place (adoptedStyleSheets.push of a later rule)', async () => {
    const root = mountTestPage('nosignal', { css: CSS, html: '<div class="wrap"><div class="wallet">Amount: <span id="amt"></span></div><div id="host" style="position: absolute; inset: 0"></div></div>' });
    const shadow = root.querySelector('#host')!.attachShadow({ mode: 'open' });
    const base = new CSSStyleSheet();
    base.replaceSync('.cover { position: absolute; inset: 0; background: rgb(255, 255, 255); opacity: 0; }');
    shadow.adoptedStyleSheets = [base];
    shadow.innerHTML = '<div class="cover"></div>';
    const r = start();
    await r.host.waitForFrames(1);
    await settle(r.host);
    const show = new CSSStyleSheet();
    show.replaceSync('.cover { opacity: 1; }');
    await after(r, () => {
      shadow.adoptedStyleSheets.push(show);
      root.querySelector('#amt')!.textContent = AMOUNT;
    });
    const amt = root.querySelector('#amt')!;
    expect(getComputedStyle(shadow.querySelector('.cover')!).opacity, 'the cover is opaque').to.equal('1');
    expect(scanForSecret((await agentPicture(r.host)).canvas!, boxOf(amt.parentElement!)).count, 'pixels of the covered amount').to.equal(0);
  });

  it('a cover in a same-origin frame laid over the amount, shown by a rule the frame edits in place', async () => {
    const root = mountTestPage('nosignal', {
      css: CSS,
      html: '<p id="tick">0</p><div class="wrap"><div class="wallet">Amount: <span id="amt"></span></div><iframe id="frame" style="position: absolute; inset: 0; width: 100%; height: 100%; border: 0; background: transparent"></iframe></div>',
    });
    const frame = root.querySelector<HTMLIFrameElement>('#frame')!;
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    frame.srcdoc = '<style>html, body { margin: 0; background: transparent; } .cover { position: absolute; inset: 0; background: rgb(255, 255, 255); opacity: 0; }</style><div class="cover"></div>';
    await loaded;
    const r = start();
    await r.host.waitForFrames(1);
    await settle(r.host);
    const inner = frame.contentDocument!;
    await after(r, () => {
      (inner.styleSheets[0].cssRules[1] as CSSStyleRule).style.opacity = '1';
      root.querySelector('#amt')!.textContent = AMOUNT;
    });
    expect(getComputedStyle(inner.querySelector('.cover')!).opacity, 'the cover is opaque').to.equal('1');
    expect(scanForSecret((await agentPicture(r.host)).canvas!, boxOf(root.querySelector('.wallet')!)).count, 'pixels of the covered amount').to.equal(0);
  });

  it('the pointer hovering a zone that shows the cover (.zone:hover ~ .wrap .cover)', async () => {
    const html = `<div class="zone" id="zone" style="height: 40px; background: rgb(230, 236, 250)">hover here</div>${HTML}`;
    const { root, run: r } = await ready('.cover { opacity: 0; } .zone:hover ~ .wrap .cover { opacity: 1; }', html);
    await sendMouse({ type: 'move', position: [500, 500] });
    await settle(r.host);
    const zone = boxOf(root.querySelector('#zone')!);
    await sendMouse({ type: 'move', position: [Math.round(zone.x + 20), Math.round(zone.y + 20)] });
    expect(root.querySelector('#zone')!.matches(':hover'), 'hovered').to.equal(true);
    await after(r, () => {
      root.querySelector('#amt')!.textContent = AMOUNT;
    });
    await expectCovered(r, root);
    await sendMouse({ type: 'move', position: [500, 500] });
  });

  it('the dark-mode preference turned on, by which a media query shows the cover', async () => {
    const { root, run: r } = await ready('.cover { opacity: 0; } @media (prefers-color-scheme: dark) { .cover { opacity: 1; } }');
    try {
      await after(r, async () => {
        await emulateMedia({ colorScheme: 'dark' });
        root.querySelector('#amt')!.textContent = AMOUNT;
      });
      await expectCovered(r, root);
    } finally {
      await emulateMedia({ colorScheme: 'light' });
    }
  });

  it('a Web Animation with a delay that ends with the cover opaque (fill: forwards), no event the log hears', async () => {
    const { root, run: r } = await ready('.cover { opacity: 0; }');
    const animation = root.querySelector('#cover')!.animate([{ opacity: 0 }, { opacity: 1 }], { duration: 100, delay: 100, fill: 'forwards' });
    await animation.finished;
    await after(r, () => {
      root.querySelector('#amt')!.textContent = AMOUNT;
    });
    await expectCovered(r, root);
  });

  it('the URL\'s fragment pointing at the cover (.cover:target)', async () => {
    const { root, run: r } = await ready('.cover { opacity: 0; } .cover:target { opacity: 1; }');
    const before = location.href;
    try {
      const changed = new Promise((resolve) => window.addEventListener('hashchange', resolve, { once: true }));
      location.hash = '#cover';
      await changed;
      await after(r, () => {
        root.querySelector('#amt')!.textContent = AMOUNT;
      });
      await expectCovered(r, root);
    } finally {
      history.replaceState(null, '', before);
    }
  });

  it('CSS.registerProperty gives a custom property the cover reads an initial value (opacity: var(--cover-o, 0))', async () => {
    const { root, run: r } = await ready('.cover { opacity: var(--cover-o, 0); }');
    expect(getComputedStyle(root.querySelector('#cover')!).opacity).to.equal('0');
    await coverThenType(r, root, () => {
      window.CSS.registerProperty({ name: '--cover-o', syntax: '<number>', inherits: false, initialValue: '1' });
    });
    await expectCovered(r, root);
  });

  it('a paused Web Animation of the cover sought to its end (animation.currentTime =: playState stays paused)', async () => {
    const { root, run: r } = await ready('.cover { opacity: 0; }');
    const animation = root.querySelector('#cover')!.animate([{ opacity: 0 }, { opacity: 1 }], { duration: 1000, fill: 'both' });
    animation.pause();
    animation.currentTime = 0;
    // A mutation: the frame after it clones whole (the animation is new) and keeps the animation as paused.
    await after(r, () => {
      root.querySelector('#tick')!.textContent = '1';
    });
    await after(r, () => {
      root.querySelector('#tick')!.textContent = '2';
    });
    await coverThenType(r, root, () => {
      animation.currentTime = 1000;
    });
    expect(animation.playState).to.equal('paused');
    await expectCovered(r, root);
  });

  it('a finished Web Animation of the cover given new keyframes (effect.setKeyframes: playState stays finished)', async () => {
    const { root, run: r } = await ready('.cover { opacity: 0; }');
    const animation = root.querySelector('#cover')!.animate([{ opacity: 0 }, { opacity: 0 }], { duration: 10, fill: 'forwards' });
    await animation.finished;
    await after(r, () => {
      root.querySelector('#tick')!.textContent = '1';
    });
    await after(r, () => {
      root.querySelector('#tick')!.textContent = '2';
    });
    await coverThenType(r, root, () => {
      (animation.effect as KeyframeEffect).setKeyframes([{ opacity: 1 }, { opacity: 1 }]);
    });
    expect(animation.playState).to.equal('finished');
    await expectCovered(r, root);
  });

  it('a paused Web Animation of the cover re-timed to end where it stands (effect.updateTiming: playState stays paused)', async () => {
    const { root, run: r } = await ready('.cover { opacity: 0; }');
    const animation = root.querySelector('#cover')!.animate([{ opacity: 0 }, { opacity: 1 }], { duration: 1000, fill: 'both' });
    animation.pause();
    animation.currentTime = 500;
    await after(r, () => {
      root.querySelector('#tick')!.textContent = '1';
    });
    await after(r, () => {
      root.querySelector('#tick')!.textContent = '2';
    });
    await coverThenType(r, root, () => {
      animation.effect!.updateTiming({ duration: 500 });
    });
    expect(animation.playState).to.equal('paused');
    await expectCovered(r, root);
  });

  it('a Web Animation that hid the cover while a frame was cloned, then ended (fill: none: gone from getAnimations)', async () => {
    // The cover is where the amount goes from the start; the animation takes it away for a while.
    const { root, run: r } = await ready('.cover { opacity: 1; }');
    const animation = root.querySelector('#cover')!.animate([{ opacity: 0 }, { opacity: 0 }], { duration: 1500 });
    await after(r, () => {
      root.querySelector('#tick')!.textContent = '1';
    });
    await animation.finished;
    expect(document.getAnimations()).to.deep.equal([]);
    await coverThenType(r, root, () => {});
    await expectCovered(r, root);
  });

  it('a paused and a finished Web Animation left as they were: the amount written is patched, not cloned whole', async () => {
    const { root, run: r } = await ready('.cover { opacity: 0; }');
    const paused = root.querySelector('#tick')!.animate([{ opacity: 1 }, { opacity: 0.5 }], { duration: 1000, fill: 'both' });
    paused.pause();
    paused.currentTime = 500;
    const finished = root.querySelector('#cover')!.animate([{ opacity: 0 }, { opacity: 0 }], { duration: 10, fill: 'forwards' });
    await finished.finished;
    await after(r, () => {
      root.querySelector('#tick')!.textContent = '1';
    });
    const kinds = await after(r, () => {
      root.querySelector('#amt')!.textContent = AMOUNT;
    });
    expect(kinds).to.deep.equal(['patched']);
  });
});
