/**
 * fid30's fidelity classes against Chromium's own screenshot (see capture-reference.test.ts): small
 * pages in the shapes of third-party sites (bench/redteam-fid30-pages.mjs holds the pages
 * measured), where the picture missed.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop, type CaptureController, type FrameStats } from '../../src/capture/index.js';
import { CollectingHost } from '../support/frames.js';
import { agentPicture, settle } from '../support/covers.js';
import { unmountTestPage } from '../support/test-page.js';
import { difference, expectWithin, filler, mountReference, screenshot } from './reference-helpers.js';

const mount = (html: string, css = '') => mountReference('fid30', 1.5, html, css);
const paras = (n: number) => Array.from({ length: n }, (_, i) => `<p>${filler(6 + (i % 3))}</p>`).join('');

// A chat widget: a fixed panel whose messages are a flex column, scrolled to the latest. The
// messages scrolled out above are off screen, so culling clones them empty (a run of them as one
// stand-in as tall): an empty flex item's automatic minimum height is its padding, and in a column
// whose items overflow it the stand-in shrank with the others, so every message on screen was
// drawn higher, by up to the whole of the run (1.29 % of the view off, the pane drawn empty).
describe('fid30: an emptied item of an overflowing flex box', () => {
  let loop: CaptureController | undefined;
  afterEach(() => {
    loop?.stop();
    loop = undefined;
    unmountTestPage('fid30');
  });

  const chat = (scroll: (pane: HTMLElement) => number, css = '') => {
    mount(`${paras(10)}<div class="panel"><header>Support</header><div class="msgs">${Array.from({ length: 24 }, (_, i) => `<div class="m${i % 2 ? ' me' : ''}">${i % 2 ? 'Thanks!' : filler(3 + (i % 4))} ${i}</div>`).join('')}</div><div class="composer">Write a message</div></div>`,
      `.panel { position: fixed; right: 24px; bottom: 24px; width: 360px; height: 480px; background: #fff; border-radius: 16px; box-shadow: 0 20px 60px rgb(0 0 0 / .2); display: flex; flex-direction: column; overflow: hidden; }
       header { background: rgb(37 99 235); color: #fff; padding: 16px; } .composer { border-top: 1px solid rgb(226 232 240); padding: 12px; }
       .msgs { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 8px; } .m { max-width: 75%; padding: 8px 12px; border-radius: 16px; background: rgb(241 245 249); }
       .m.me { align-self: flex-end; background: rgb(37 99 235); color: #fff; } ${css}`);
    const pane = document.querySelector<HTMLElement>('.msgs')!;
    pane.scrollTop = scroll(pane);
  };

  it('a chat pane scrolled to its latest message', async () => {
    chat((pane) => pane.scrollHeight);
    await expectWithin('fid30-chat-latest', 0.1);
  });

  it('a chat pane scrolled part way, its messages flex: 1 0 0', async () => {
    chat(() => 700, '.m { flex: 1 0 0; }');
    await expectWithin('fid30-chat-part-way', 0.1);
  });

  // The frame after a new message is drawn from the kept clone as a region around the change, the
  // messages away from it emptied for that drawing (draw-region.ts): held at their size as well.
  it('a message growing in a chat pane scrolled to its latest, drawn as a region', async () => {
    // The visitor's messages put right by a margin: an item aligned to the end is never emptied there.
    chat((pane) => pane.scrollHeight, '.m.me { align-self: auto; margin-left: auto; }');
    const host = new CollectingHost();
    const stats: FrameStats[] = [];
    const errors: Error[] = [];
    loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, maxFps: 30, onFrame: (s) => stats.push(s), onError: (e) => errors.push(e) });
    loop.start();
    await host.waitForFrames(1);
    await settle(host);
    const frames = host.completeFrames().length;
    const from = stats.length;
    const last = document.querySelector('.msgs')!.lastElementChild!;
    (last.firstChild as Text).appendData(' and a little more');
    await host.waitForFrames(frames + 1);
    await settle(host);
    expect(errors.map((e) => e.message), 'capture errors').to.deep.equal([]);
    expect(stats.slice(from).map((s) => ('whole' in s.clone ? s.clone.whole : 'patched')), 'cloned').to.include('patched');
    const off = difference(await agentPicture(host), await screenshot());
    console.log(`fidelity fid30-chat-region: ${off.pct.toFixed(2)}% of pixels off`);
    expect(off.pct, `pixels off from the page after the change (${off.differing})`).to.be.at.most(0.1);
  });

  // The same along a row: a bar of tabs scrolled across to the one open, a sidebar's links scrolled
  // down (bench/redteam-fid30-pages.mjs, tabs-scrolled: 2.06 % off before). Each tab shrinks to
  // its text on the page; emptied off screen, to its padding.
  it('a bar of tabs scrolled across and a sidebar of links scrolled down', async () => {
    mount(`${Array.from({ length: 3 }, (_, t) => `<div class="tabs">${Array.from({ length: 40 }, (_, i) => `<a class="${i === 30 ? 'on' : ''}">Tab label ${t}.${i}</a>`).join('')}</div>`).join('')}<nav class="side">${Array.from({ length: 80 }, (_, i) => `<a>Navigation entry ${i} with words</a>`).join('')}</nav>${paras(4)}`,
      `.tabs { display: flex; overflow-x: auto; border-bottom: 1px solid rgb(226 232 240); margin: 16px; } .tabs a { padding: 10px 16px; white-space: nowrap; border-bottom: 2px solid transparent; } .tabs a.on { border-color: rgb(99 102 241); color: rgb(79 70 229); }
       .side { display: flex; flex-direction: column; height: 400px; overflow-y: auto; width: 260px; border: 1px solid rgb(226 232 240); margin: 16px; float: left; } .side a { padding: 8px 12px; border-bottom: 1px solid rgb(241 245 249); }`);
    for (const el of document.querySelectorAll<HTMLElement>('.tabs')) el.scrollLeft = 3000;
    document.querySelector<HTMLElement>('.side')!.scrollTop = 1500;
    await expectWithin('fid30-tabs-side', 0.1);
  });
});
