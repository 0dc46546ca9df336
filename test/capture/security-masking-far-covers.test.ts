/**
 * Covers that paint from far away over what a patched frame draws. A text field typed in is drawn
 * alone (field-region.ts), a changed text as a region (draw-region.ts), over the last frame's
 * pixels; both leave out (or empty) what lies further than INK_MARGIN (64 px) from it. Each case
 * covers the field or text on the visitor's screen with something whose paint reaches far from
 * its box, or whose box is placed far from where its parent is (red team rt1, F1). The visitor
 * sees no secret pixel; the agent's picture must show none either.
 */
import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../src/visitor/define.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { scanForSecret, SECRET } from '../support/leaks.js';
import { agentPicture, CSS, type Drawn, drawnDuring, onScreen, settle, start, stopRun, typeUnderCover, worstPicture, writeUnderCover as writeTextUnder } from '../support/covers.js';

/** Text written under a cover (see writeUnderCover in test/support/covers.ts). */
const writeUnderCover = (cover: string) => writeTextUnder('far-cover', cover);

describe('a typed field covered from far away', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage('far-cover');
  });

  const field = `<div class="row"><label>Name<input id="typed" value="Grace" style="color: ${SECRET}"></label></div>`;

  it('a border image with a 200 px outset (fill) from 100 px below covers the field', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', `${field}
      <div style="margin-top: 100px; margin-left: 100px"><span style="display: inline-block; width: 10px; height: 10px; border: 1px solid transparent; border-image: linear-gradient(#fff, #fff) 1 fill / 1px / 200px"></span></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('a thick underline placed 150 px above its text covers the field', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', `${field}
      <div style="margin-top: 100px; padding-left: 16px; font-size: 10px"><span style="color: #fff; text-decoration: underline 80px #fff; text-underline-offset: -170px; text-decoration-skip-ink: none">MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM</span></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('a cover placed over the field by position: relative (top: -200px) from a box 150 px below', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', `${field}
      <div style="margin-top: 150px; height: 40px"><div style="position: relative; top: -200px; height: 70px; width: 320px; background: #fff"></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('a cover pulled up over the field by a negative margin out of a box 150 px below', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', `${field}
      <div style="margin-top: 150px; height: 40px; padding-top: 1px"><div style="margin-top: -201px; height: 70px; width: 320px; background: #fff; position: relative; z-index: 1"></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  // A <video> has no clone of its own (a stand-in is put in its place): drawnAlone finds no clone
  // for it, and so counts it as not drawn (field-region.ts, paintsOver and the placed look).
  it('a video placed over the field (a floating video-call bubble, position: fixed)', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', `${field}
      <div style="margin-top: 300px"><video style="position: fixed; left: 10px; top: 30px; width: 320px; height: 60px; background: rgb(40, 40, 60)"></video></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  // Beside the field in its row, further than the margin: what it holds is moved left over the field.
  const beside = (html: string) => `<div class="row"><label>Name<input id="typed" value="Grace" style="color: ${SECRET}"></label>${html}</div>`;

  it('a text stroke 400 px wide round letters 100 px below covers the field', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', `${field}
      <div style="margin-top: 100px; padding-left: 60px; font: 20px sans-serif"><span style="color: #fff; -webkit-text-stroke: 400px #fff">MMMMMM</span></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('a cover centred on a short flex box 150 px below overflows it up over the field (align-items: center)', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', `${field}
      <div style="margin-top: 150px; height: 20px; display: flex; align-items: center"><div style="flex-shrink: 0; width: 320px; height: 460px; background: #fff"></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('a cover aligned to the end of a short flex box 150 px below overflows it up over the field (align-self: flex-end)', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', `${field}
      <div style="margin-top: 150px; height: 20px; display: flex"><div style="flex-shrink: 0; align-self: flex-end; width: 320px; height: 260px; background: #fff"></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('a cover laid out from the end of a narrow flex box 250 px to the right overflows it left over the field (justify-content: flex-end)', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', beside(`<div style="margin-left: 250px; width: 60px; height: 60px; display: flex; justify-content: flex-end"><div style="flex-shrink: 0; width: 700px; height: 60px; background: #fff"></div></div>`));
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('a cover packed to the end of a short legacy flex box 150 px below overflows it up over the field (display: -webkit-box, -webkit-box-pack: end)', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', `${field}
      <div style="margin-top: 150px; height: 20px; display: -webkit-box; -webkit-box-orient: vertical; -webkit-box-pack: end"><div style="width: 320px; height: 260px; background: #fff"></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('a cover laid out from the end of a narrow legacy flex box 250 px to the right overflows it left over the field (-webkit-box-direction: reverse)', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', beside(`<div style="margin-left: 250px; width: 60px; height: 60px; display: -webkit-box; -webkit-box-direction: reverse"><div style="width: 700px; height: 60px; background: #fff"></div></div>`));
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('a cover aligned to the end of a short legacy flex row 150 px below overflows it up over the field (-webkit-box-align: end)', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', `${field}
      <div style="margin-top: 150px; height: 20px; display: -webkit-box; -webkit-box-align: end"><div style="width: 320px; height: 260px; background: #fff"></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('a cover moved left over the field by a negative text indent from a box 250 px to the right', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', beside(`<div style="margin-left: 250px; width: 100px; height: 60px; white-space: nowrap; text-indent: -560px"><span style="display: inline-block; width: 330px; height: 60px; background: #fff"></span></div>`));
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  // Not a cover: what hides the field from above, which its own style does not show (red team rt4, G7).
  for (const [what, html] of [
    ['a field in a closed <details> (a collapsed section of a form)', `<details class="row"><summary>Card</summary><input id="typed" value="" style="color: ${SECRET}"></details>`],
    ['a field under content-visibility: hidden', `<div class="row" style="content-visibility: hidden; contain-intrinsic-size: 300px 60px; background: #ddd"><input id="typed" value="" style="color: ${SECRET}"></div>`],
    ['a field under hidden="until-found"', `<div class="row"><div hidden="until-found"><input id="typed" value="" style="color: ${SECRET}"></div></div>`],
  ]) {
    it(`${what}, filled in by script: drawn nowhere`, async () => {
      const root = mountTestPage('far-cover', { css: CSS, html });
      const r = start();
      await r.host.waitForFrames(1);
      await settle(r.host);
      const view = { x: 0, y: 0, width: innerWidth, height: innerHeight };
      expect(scanForSecret((await agentPicture(r.host)).canvas!, view).count, 'secret pixels in the first (whole) frame').to.equal(0);
      const drawn = await drawnDuring(r.host, () => {
        const field = root.querySelector<HTMLInputElement>('#typed')!;
        field.value = '4111 1111';
        field.dispatchEvent(new Event('input', { bubbles: true }));
      });
      expect(r.errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
      expect(drawn.length, 'a frame drawn after the change').to.be.greaterThan(0);
      expect(await onScreen(view), 'secret pixels on the visitor\'s screen').to.equal(0);
      expect(await worstPicture(r.host, view), `secret pixels in the agent's pictures (frames: ${JSON.stringify(drawn)})`).to.equal(0);
    });
  }

  // Not a cover: the field alone has no ancestors, and fields inherit -webkit-text-fill-color (the
  // browser's sheet resets their font and colour, not it). Red team rt4, G4.
  // Boxes whose rules generated-content.ts writes, placed anywhere by their own position (rt7 L1, L2).
  it('a scroll container\'s ::scroll-button() placed (position: absolute) over the field from 200 px below', async () => {
    const css = `.sc { overflow: auto; height: 40px; width: 300px; scroll-marker-group: none }
      .sc::scroll-button(down) { content: ''; position: absolute; left: 0; top: 0; width: 340px; height: 90px; background: #fff; }
      .wrap { position: relative; }`;
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', `<div class="wrap">${field}
      <div style="margin-top: 200px"><div class="sc"><div style="height: 200px">rows</div></div></div></div>`, CSS + css);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('an open <details> 200 px below whose ::details-content is placed (position: absolute) over the field', async () => {
    const css = `.d::details-content { position: absolute; left: 0; top: 0; width: 360px; height: 90px; background: #fff; }
      .wrap { position: relative; }`;
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', `<div class="wrap">${field}
      <div style="margin-top: 200px"><details class="d" open><summary>More</summary>body</details></div></div>`, CSS + css);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('a field beside an open <details> and a scroll container with static buttons is still drawn alone as typed', async () => {
    const css = `.sc { overflow: auto; height: 40px; width: 300px } .sc::scroll-button(down) { content: 'v'; }
      .d::details-content { background: #eee; }`;
    const root = mountTestPage('far-cover', { css: CSS + css, html: `${field.replace(`style="color: ${SECRET}"`, '')}
      <div style="margin-top: 200px"><details class="d" open><summary>More</summary>body</details><div class="sc"><div style="height: 200px">rows</div></div></div>` });
    const r = start();
    await r.host.waitForFrames(1);
    await settle(r.host);
    root.querySelector<HTMLInputElement>('#typed')!.focus();
    await settle(r.host);
    // A keystroke a second or more after the first patched frame is cloned whole (a loaded machine): typed again.
    let patched: Drawn[] = [];
    for (let i = 0; i < 3 && patched.length === 0; i++) patched = (await drawnDuring(r.host, () => sendKeys({ type: 'W' }))).filter((d) => 'patched' in d.clone);
    expect(patched.length, 'patched frames').to.be.greaterThan(0);
    // The field drawn alone is the inside of its padding box (about 30 px tall); a region adds 64 px of ink round it.
    expect(patched.every((d) => d.region && d.height! < 40), `the typed field drawn alone (frames: ${JSON.stringify(patched)})`).to.equal(true);
  });

  it('a cover overflowing up out of a short block 150 px below (align-content: unsafe end on a block box) over the field', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', `${field}
      <div style="margin-top: 150px; height: 20px; align-content: unsafe end"><div style="width: 360px; height: 300px; background: #fff; opacity: 0.99"></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('a grid item aligned to the end of a short row 150 px below (align-self: unsafe end) overflows it up over the field', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', `${field}
      <div style="margin-top: 150px; display: grid; grid-template-rows: 20px"><div style="align-self: unsafe end; width: 360px; height: 300px; background: #fff; opacity: 0.99"></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('the background of an inline box 150 px below, drawn 300 px up by its vertical padding (which takes no room), over the field', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', `${field}
      <div style="margin-top: 150px; padding-left: 10px"><span style="padding: 300px 180px 0 180px; background: #fff">x</span></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered field in the agent's picture (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });

  it('a field whose text an ancestor makes transparent (-webkit-text-fill-color, inherited) stays unreadable when typed in and drawn alone', async () => {
    const { leaked, visible, drawn } = await typeUnderCover('far-cover', `<div class="row" style="-webkit-text-fill-color: transparent"><label>PIN<input id="typed" value="Grace" style="color: ${SECRET}; caret-color: #000"></label></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(drawn.some((d) => d.region), `a frame drawn as a region (frames: ${JSON.stringify(drawn)})`).to.equal(true);
    expect(leaked, `secret pixels in the agent's pictures (frames: ${JSON.stringify(drawn)})`).to.equal(0);
  });
});

describe('text changed under a cover from far away (a region, not a field alone)', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage('far-cover');
  });

  it('text written under a cover overflowing up out of a short block 150 px below (align-content: unsafe end)', async () => {
    const { leaked, visible, regions } = await writeUnderCover(`<div style="margin-top: 150px; height: 20px; align-content: unsafe end"><div style="width: 360px; height: 300px; background: #fff; opacity: 0.99"></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
  });

  it('text written under a grid item aligned to the end of a short row 150 px below (align-self: unsafe end)', async () => {
    const { leaked, visible, regions } = await writeUnderCover(`<div style="margin-top: 150px; display: grid; grid-template-rows: 20px"><div style="align-self: unsafe end; width: 360px; height: 300px; background: #fff; opacity: 0.99"></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
  });

  it('text written under the background of an inline box 150 px below, drawn up by its vertical padding', async () => {
    const { leaked, visible, regions } = await writeUnderCover(`<div style="margin-top: 150px; padding-left: 10px"><span style="padding: 300px 180px 0 180px; background: #fff">x</span></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
  });

  it('text written under a cover placed by position: relative from a box 150 px below', async () => {
    const { leaked, visible, regions } = await writeUnderCover(`<div style="margin-top: 150px; height: 40px; display: flow-root"><div style="position: relative; top: -200px; height: 70px; width: 400px; background: #fff"></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered text in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
  });

  it('text written under a cover laid out from the end of a short flex box 150 px below (column-reverse)', async () => {
    const { leaked, visible, regions } = await writeUnderCover(`<div style="margin-top: 150px; height: 40px; display: flex; flex-direction: column-reverse"><div style="flex-shrink: 0; height: 240px; width: 400px; background: #fff"></div></div>`);
    expect(visible, 'secret pixels on the visitor\'s screen').to.equal(0);
    expect(leaked, `secret pixels of the covered text in the agent's picture (regions: ${JSON.stringify(regions)})`).to.equal(0);
  });
});
