/**
 * review27: what the rules select on (the `:has()` prefixes followed, see relational-matches.ts) is
 * read again when a sheet is replaced by one of as many rules (a `<style>`'s text rewritten) or a
 * rule's selector is edited in place. Read only on rule counts, the old prefix was followed, a flip
 * of the new one was patched, and 30 351 pixels differed from a whole clone.
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop, type CaptureController, type FrameStats } from '../../src/capture/index.js';
import { CollectingHost } from '../support/frames.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { capture, difference } from './reference-helpers.js';
import { agentPicture, settle } from '../support/covers.js';

const CSS = `
  html, body { margin: 0; padding: 0; background: #fff; font: 16px/1.4 sans-serif; }
  .shell { display: flex; gap: 12px; padding: 12px; }
  .side { width: 160px; background: rgb(230, 236, 250); padding: 8px; }
  .main { flex: 1; }
  .card { border: 2px solid rgb(0, 0, 200); padding: 8px; margin: 0 0 12px; }
`;
const HTML = `<div class="shell"><nav class="side"><ul><li>one</li><li>two</li></ul></nav>
  <main class="main"><div class="card" id="first"><p id="text">Some text.</p></div><div class="card"><p>Other.</p></div></main></div>`;

interface Run { loop: CaptureController; host: CollectingHost; stats: FrameStats[]; errors: Error[] }
let run: Run | null = null;
function start(): Run {
  const host = new CollectingHost();
  const stats: FrameStats[] = [];
  const errors: Error[] = [];
  const loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, maxFps: 30, onFrame: (s) => stats.push(s), onError: (e) => errors.push(e) });
  loop.start();
  return (run = { loop, host, stats, errors });
}
async function after(r: Run, change: () => void): Promise<string[]> {
  const from = r.stats.length;
  const frames = r.host.completeFrames().length;
  change();
  await r.host.waitForFrames(frames + 1);
  await settle(r.host);
  expect(r.errors.map((e) => e.message)).to.deep.equal([]);
  return r.stats.slice(from).map((s) => ('whole' in s.clone ? s.clone.whole : 'patched'));
}
async function pixelsOff(r: Run): Promise<number> {
  const patched = await agentPicture(r.host);
  const fresh = (await capture()).canvas!;
  return difference(patched, fresh.getContext('2d')!.getImageData(0, 0, fresh.width, fresh.height)).differing;
}

describe('review27: :has() subjects after a sheet changes with its rule count kept', () => {
  let extra: HTMLStyleElement | null = null;
  afterEach(() => {
    run?.loop.stop();
    run = null;
    extra?.remove();
    unmountTestPage('rv27has');
  });

  for (const how of ['textContent', 'selectorText'] as const) {
    it(`a <style>'s :has() rule rewritten by ${how} (same rule count), then a badge added: the side panel restyled`, async () => {
      const root = mountTestPage('rv27has', { css: CSS, html: HTML });
      extra = document.createElement('style');
      extra.textContent = '.shell:has(.nope) .side { background: rgb(255, 0, 0); }';
      document.head.append(extra);
      const r = start();
      await r.host.waitForFrames(1);
      await settle(r.host);
      if (how === 'textContent') extra!.textContent = '.shell:has(.badge) .side { background: rgb(255, 0, 0); }';
      else (extra!.sheet!.cssRules[0] as CSSStyleRule).selectorText = '.shell:has(.badge) .side';
      // The picture is the same as before (nothing matches either rule): no frame is sent, only made.
      await new Promise((res) => setTimeout(res, 500));
      await settle(r.host);
      const clones = await after(r, () => { const t = root.querySelector('#text')!; t.classList.add('badge'); (t.firstChild as Text).appendData('!'); });
      expect(clones).to.include("what the page's :has() rules match changed");
      expect(getComputedStyle(root.querySelector('.side')!).backgroundColor).to.equal('rgb(255, 0, 0)');
      expect(await pixelsOff(r), 'pixels off from a whole clone').to.equal(0);
    });
  }
});
