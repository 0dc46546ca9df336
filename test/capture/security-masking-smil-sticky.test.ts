/**
 * Covers the page draws where the copy would not: an SVG cover made opaque by SMIL (whose animated
 * values the copy's own timeline never reaches), and a sticky header of a flex or grid box whose
 * children the copy translates to show its scroll position. A whole frame, the first one, must show
 * the agent no more than the visitor sees.
 */
import { expect } from '@open-wc/testing';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { boxOf, scanForSecret, SECRET } from '../support/leaks.js';
import { agentPicture, firstFrame as firstFrameOf, onScreen, PLAIN_CSS as CSS, settle, start, stopRun, viewPixels } from '../support/covers.js';

/** See firstFrame in test/support/covers.ts. */
const firstFrame = (cover: string, css = '', setup?: (root: HTMLElement) => void | Promise<void>) => firstFrameOf('smil-sticky', cover, css, setup);

describe('security: SMIL and sticky covers the copy draws where the page does', () => {
  afterEach(() => {
    stopRun();
    unmountTestPage('smil-sticky');
  });

  it('an SVG cover made opaque by a SMIL <set> the page began (beginElement())', async () => {
    const pixels = await firstFrame('<svg width="340" height="60" style="position: absolute; left: 0; top: 5px"><rect width="340" height="60" fill="#fff" opacity="0"><set id="show" attributeName="opacity" to="1" begin="indefinite" fill="freeze"/></rect></svg>', '', async (root) => {
      (root.querySelector('#show') as SVGAnimationElement).beginElement();
      await new Promise((r) => setTimeout(r, 100));
    });
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('an SVG cover made opaque by a SMIL <set> 200 ms after load (begin at 0.2s)', async () => {
    const pixels = await firstFrame('<svg width="340" height="60" style="position: absolute; left: 0; top: 5px"><rect width="340" height="60" fill="#fff" opacity="0"><set attributeName="opacity" to="1" begin="0.2s" fill="freeze"/></rect></svg>', '', async () => {
      await new Promise((r) => setTimeout(r, 400));
    });
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('an SVG cover made opaque by SMIL <animate> of its points (a geometry attribute, not a property)', async () => {
    const pixels = await firstFrame('<svg width="800" height="60" style="position: absolute; left: 0; top: 5px"><polygon points="400,0 740,0 740,60 400,60" fill="#fff"><animate attributeName="points" to="0,0 340,0 340,60 0,60" dur="0.1s" fill="freeze"/></polygon></svg>', '', async () => {
      await new Promise((r) => setTimeout(r, 300));
    });
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('an SVG cover moved over the text by SMIL <animateTransform> in a group scaled by a viewBox', async () => {
    const pixels = await firstFrame('<svg width="680" height="60" viewBox="0 0 340 30" style="position: absolute; left: 0; top: 5px"><g transform="translate(10 0)"><rect x="190" width="170" height="30" fill="#fff"><animateTransform attributeName="transform" type="translate" to="-200 0" dur="0.1s" fill="freeze"/></rect></g></svg>', '', async () => {
      await new Promise((r) => setTimeout(r, 300));
    });
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('an SVG cover drawn by a <use> whose href a SMIL <set> changed: the copy, unable to write it, draws the SVG grey', async () => {
    const pixels = await firstFrame('<svg width="340" height="60" style="position: absolute; left: 0; top: 5px"><defs><rect id="cover" width="340" height="60" fill="#fff"/><rect id="none" width="0" height="0"/></defs><use href="#none"><set id="show" attributeName="href" to="#cover" begin="indefinite" fill="freeze"/></use></svg>', '', async (root) => {
      (root.querySelector('#show') as SVGAnimationElement).beginElement();
      await new Promise((r) => setTimeout(r, 100));
    });
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a patched frame after SMIL made an SVG cover opaque (beginElement(), no mutation) is cloned whole', async () => {
    const root = mountTestPage('smil-sticky', { css: CSS, html: `<p id="msg" style="margin: 20px; width: 300px; height: 30px; font: bold 24px monospace; color: ${SECRET}">4111 1111</p><p id="other" style="margin: 200px 20px">one</p><svg width="340" height="60" style="position: absolute; left: 0; top: 5px"><rect width="340" height="60" fill="#fff" opacity="0"><set id="show" attributeName="opacity" to="1" begin="indefinite" fill="freeze"/></rect></svg>` });
    const { host, errors } = start();
    await host.waitForFrames(1);
    await settle(host);
    const frames = host.completeFrames().length;
    (root.querySelector('#show') as SVGAnimationElement).beginElement();
    root.querySelector('#other')!.textContent = 'two';
    await host.waitForFrames(frames + 1);
    await settle(host);
    const msg = root.querySelector('#msg')!;
    const visible = await onScreen(boxOf(msg));
    expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    const picture = await agentPicture(host);
    expect({ visible, leaked: scanForSecret(picture.canvas!, boxOf(msg)).count }, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a SMIL <set> of visibility on masked SVG text, in a subtree a patch clones again: the mask stays blank (its drop shadow, outside its box, not drawn)', async () => {
    // The mask's text casts a shadow 150 px below, outside the mask's black box: the blanking alone
    // hides it in the copy. The <set> lives in a paragraph whose text then changes, so a patched
    // frame clones it again and writes its value into the target's kept (blanked) clone.
    const root = mountTestPage('smil-sticky', {
      css: CSS,
      html: `<svg width="400" height="260" style="position: absolute; left: 0; top: 0"><g data-upscope-masked><text id="pin" x="20" y="40" style="font: bold 30px monospace; fill: #000; filter: drop-shadow(0 150px 0 ${SECRET})">4111 1111</text></g></svg>` +
        '<p id="tick" style="position: absolute; left: 20px; top: 300px; margin: 0">one<svg width="10" height="10"><set href="#pin" attributeName="visibility" to="visible" begin="0s" fill="freeze"/></svg></p>',
    });
    const { host, errors, stats } = start();
    await host.waitForFrames(1);
    await settle(host);
    const frames = host.completeFrames().length;
    root.querySelector('#tick')!.firstChild!.textContent = 'two';
    await host.waitForFrames(frames + 1);
    await settle(host);
    const view = { x: 0, y: 0, width: innerWidth, height: innerHeight };
    expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    const kinds = stats.map((f) => ('whole' in f.clone ? f.clone.whole : 'patched'));
    expect(kinds.at(-1), 'the frame after the change').to.equal('patched');
    const visible = await onScreen(view);
    expect(visible, 'the visitor sees the shadow').to.be.greaterThan(0);
    expect(scanForSecret((await agentPicture(host)).canvas!, view).count, `secret pixels the agent sees (frames: ${JSON.stringify(kinds)})`).to.equal(0);
  });

  it('mask-all: a SMIL <set> of fill on SVG text (placed after it) does not draw the text mask-all hides (its drop shadow, outside its box, stays undrawn)', async () => {
    // Mask-all makes the text's fill transparent in the copy, so its shadow draws nothing, and boxes
    // its run; the <set>, cloned after the text, wrote the page's fill over it (red team rt4, G8).
    const pixels = await viewPixels(
      'smil-sticky',
      `<svg width="400" height="260" style="display: block"><text id="smil-t" x="20" y="40" style="font: bold 30px monospace; filter: drop-shadow(0 150px 0 ${SECRET})" fill="#000">4111 1111</text></svg>` +
        '<svg width="10" height="10"><set href="#smil-t" attributeName="fill" to="#000" begin="0s" fill="freeze"/></svg>',
      { maskAll: true },
    );
    expect(pixels, 'secret pixels (the visitor sees the shadow)').to.deep.equal({ visible: 1, leaked: 0 });
  });

  it('a SMIL <set> in another <svg> that hid a cover, removed as the text under the cover is written: the cover drawn', async () => {
    const root = mountTestPage('smil-sticky', { css: CSS, html: `<p id="msg" style="margin: 20px; width: 300px; height: 30px; font: bold 24px monospace; color: ${SECRET}"></p><svg width="340" height="60" style="position: absolute; left: 0; top: 5px"><rect id="smil-cover" width="340" height="60" fill="#fff"/></svg><p id="other" style="margin: 200px 20px">one</p><svg id="far" width="10" height="10"><set href="#smil-cover" attributeName="opacity" to="0" begin="0s" fill="freeze"/></svg>` });
    const { host, errors, stats } = start();
    await host.waitForFrames(1);
    await settle(host);
    const frames = host.completeFrames().length;
    root.querySelector('#far set')!.remove();
    const msg = root.querySelector('#msg')!;
    msg.textContent = '4111 1111';
    // A change the agent sees: under the cover nothing changes on the visitor's screen.
    root.querySelector('#other')!.textContent = 'two';
    await host.waitForFrames(frames + 1);
    await settle(host);
    const visible = await onScreen(boxOf(msg));
    expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    const picture = await agentPicture(host);
    const kinds = stats.map((f) => ('whole' in f.clone ? f.clone.whole : 'patched'));
    expect(kinds.at(-1), 'the frame after the removal').to.not.equal('patched');
    expect({ visible, leaked: scanForSecret(picture.canvas!, boxOf(msg)).count }, `secret pixels (frames: ${JSON.stringify(kinds)})`).to.deep.equal({ visible: 0, leaked: 0 });
  });

  /** Mounts `html` (a text #msg in the secret colour, covered on the page by what SMIL animates), makes `change` once the first frame settled, and returns the secret pixels on the visitor's screen and in the agent's picture, with how each frame was cloned. */
  async function afterChange(html: string, change: (root: HTMLElement) => void): Promise<{ visible: number; leaked: number; kinds: string[] }> {
    const root = mountTestPage('smil-sticky', { css: CSS, html });
    const { host, errors, stats } = start();
    await host.waitForFrames(1);
    await settle(host);
    const frames = host.completeFrames().length;
    change(root);
    await host.waitForFrames(frames + 1);
    await settle(host);
    const msg = root.querySelector('#msg')!;
    expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    const picture = await agentPicture(host);
    return { visible: await onScreen(boxOf(msg)), leaked: scanForSecret(picture.canvas!, boxOf(msg)).count, kinds: stats.map((f) => ('whole' in f.clone ? f.clone.whole : 'patched')) };
  }

  // A patch clones the box holding an <svg> again (a changed <svg> itself clones whole). A value
  // SMIL animates on a target in it must be written into the new clone, by an animation element
  // outside that box too. (A property, such as opacity or fill, is in the computed style the clone
  // copies anyway: a geometry attribute such as points is not.)
  it('an SVG cover moved over the text by a <set> of its points in another <svg> (href), the box holding the cover cloned again by a patch: still drawn', async () => {
    const { visible, leaked, kinds } = await afterChange(`<p id="msg" style="margin: 20px; width: 300px; height: 30px; font: bold 24px monospace; color: ${SECRET}">4111 1111</p><div id="wrap" style="position: absolute; left: 0; top: 5px; width: 800px; height: 60px"><svg width="800" height="60" style="display: block"><polygon id="smil-cover" points="400,0 740,0 740,60 400,60" fill="#fff"/></svg>one</div><svg width="10" height="10"><set href="#smil-cover" attributeName="points" to="0,0 340,0 340,60 0,60" begin="0s" fill="freeze"/></svg>`, (root) => void ((root.querySelector('#wrap')!.lastChild as Text).data = 'two'));
    expect(kinds.at(-1), 'the frame after the change').to.equal('patched');
    expect({ visible, leaked }, `secret pixels (frames: ${JSON.stringify(kinds)})`).to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('an SVG cover moved over the text by a <set> of its points in an <svg> far below (culled from the whole clone): drawn in the first frame', async () => {
    const pixels = await firstFrame('<svg width="800" height="60" style="position: absolute; left: 0; top: 5px"><polygon id="smil-cover" points="400,0 740,0 740,60 400,60" fill="#fff"/></svg><div style="height: 3000px"></div><svg width="10" height="10"><set href="#smil-cover" attributeName="points" to="0,0 340,0 340,60 0,60" begin="0s" fill="freeze"/></svg>');
    expect(pixels, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a sticky header of a flex column scrolled down covers the row scrolled under it', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => `<div style="flex-shrink: 0; height: 30px; font: bold 20px monospace; color: ${i === 3 ? SECRET : 'rgb(90, 90, 90)'}">${i === 3 ? '4111 1111 1111' : `row ${i}`}</div>`).join('');
    const root = mountTestPage('smil-sticky', { css: CSS, html: `<div id="pane" style="display: flex; flex-direction: column; overflow: auto; height: 150px; width: 300px; margin: 20px"><div style="position: sticky; top: 0; flex-shrink: 0; height: 60px; background: rgb(220, 220, 240)">Header</div>${rows}</div>` });
    const pane = root.querySelector<HTMLElement>('#pane')!;
    pane.scrollTop = 150;
    await new Promise((r) => setTimeout(r, 50));
    const box = boxOf(pane);
    const visible = await onScreen(box);
    const { host } = start();
    await host.waitForFrames(1);
    await settle(host);
    const picture = await agentPicture(host);
    expect({ visible, leaked: scanForSecret(picture.canvas!, box).count }, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });

  it('a frozen (sticky) first cell of rows in a flex column scrolled across covers the cell scrolled under it', async () => {
    const cell = (text: string, color: string) => `<div style="flex-shrink: 0; width: 150px; font: bold 20px monospace; color: ${color}">${text}</div>`;
    const rows = Array.from({ length: 4 }, (_, i) => `<div style="display: flex; width: max-content; height: 30px"><div style="position: sticky; left: 0; flex-shrink: 0; width: 120px; background: rgb(220, 220, 240)">Row ${i}</div>${cell(i === 1 ? '4111 1111' : 'cell', i === 1 ? SECRET : 'rgb(90, 90, 90)')}${cell('cell', 'rgb(90, 90, 90)')}${cell('cell', 'rgb(90, 90, 90)')}</div>`).join('');
    const root = mountTestPage('smil-sticky', { css: CSS, html: `<div id="pane" style="display: flex; flex-direction: column; overflow: auto; height: 150px; width: 300px; margin: 20px">${rows}</div>` });
    const pane = root.querySelector<HTMLElement>('#pane')!;
    pane.scrollLeft = 150;
    await new Promise((r) => setTimeout(r, 50));
    const box = boxOf(pane);
    const visible = await onScreen(box);
    const { host } = start();
    await host.waitForFrames(1);
    await settle(host);
    const picture = await agentPicture(host);
    expect({ visible, leaked: scanForSecret(picture.canvas!, box).count }, 'secret pixels').to.deep.equal({ visible: 0, leaked: 0 });
  });
});
