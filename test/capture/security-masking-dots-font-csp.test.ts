/**
 * A PIN field in a dots font from a readable @font-face rule, on a page whose Content-Security-Policy
 * lets fonts load (font-src) but not fetch() (connect-src: only sockets, as a site that lists only
 * the relay's has it). The library embeds fonts with fetch() and fails silently: the copy must not
 * take the font for embedded and draw the PIN in a fallback font, in clear, where the visitor sees
 * dots. A file of its own: a policy, once set, holds for the rest of the page.
 * Fixture: text-security-disc.woff2 from the text-security package (SIL Open Font License 1.1).
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { findMasks } from '../../src/capture/index.js';
import { boxOf, maskCovers, scanForSecret } from '../support/leaks.js';
import { copyLayer, frame } from '../support/mask-layers.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const FONT = '/test/capture/fixtures/text-security-disc.woff2';
const PAGE = 'dotsfontcsp';

/** The page's policy from now on: sockets only for connect-src, so fetch() is refused (once set, it holds for the page). */
function refuseFetch(): void {
  if (document.querySelector('meta[http-equiv="Content-Security-Policy"]')) return;
  const meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = 'connect-src ws: wss:';
  document.head.append(meta);
}

describe('a dots font the page\'s policy lets load but not fetch', () => {
  afterEach(() => unmountTestPage(PAGE));

  it('a PIN field in it is masked, never drawn in a fallback font; a field in a readable font shows', async () => {
    refuseFetch();
    const root = mountTestPage(PAGE, {
      css: `@font-face { font-family: 'text-security-disc'; src: url('${FONT}') format('woff2'); }
        html, body { margin: 0; background: #fff; } #${PAGE}-root { padding: 20px; }
        .f { font: 32px/40px sans-serif; color: #ff00ff; -webkit-text-fill-color: #ff00ff; border: 1px solid #888; width: 300px; padding: 4px; display: block; margin: 8px 0; }
        .dots { font-family: text-security-disc; }`,
      html: '<input id="pin" class="f dots" type="tel" value="19731973"><input id="plain" class="f" type="tel" value="19731973">',
    });
    await document.fonts.load('32px text-security-disc');
    await document.fonts.ready;
    expect([...document.fonts].some((f) => f.family.replace(/"/g, '') === 'text-security-disc' && f.status === 'loaded'), 'the visitor has the dots font').to.equal(true);
    let blocked = false;
    await fetch(FONT).catch(() => (blocked = true));
    expect(blocked, 'fetch() is refused by the policy').to.equal(true);
    const [pin, plain] = ['#pin', '#plain'].map((s) => root.querySelector(s)!);
    const agent = (await frame()).canvas!;
    expect(scanForSecret(agent, boxOf(pin)).count, 'the PIN reaches the agent in a fallback font').to.equal(0);
    expect(scanForSecret(agent, boxOf(plain)).count, 'the plain field shows (so the check can fail)').to.be.greaterThan(20);
    expect(maskCovers(findMasks(document), pin), 'from then on the field is boxed').to.equal(true);
    expect((await copyLayer({}, boxOf(pin))).left, 'the copy alone draws the PIN').to.equal(0);
  });

  // The library names the families it embeds, or fails to, by splitting at every comma: a quoted
  // name holding one ("Csp Pin, Dots") was never recorded as not embedded, and counted as drawn.
  it('a PIN field in such a font whose quoted name holds a comma is masked too', async () => {
    refuseFetch();
    const root = mountTestPage(PAGE, {
      css: `@font-face { font-family: "Csp Pin, Dots"; src: url('${FONT}?comma') format('woff2'); }
        html, body { margin: 0; background: #fff; } #${PAGE}-root { padding: 20px; }
        .f { font: 32px/40px sans-serif; color: #ff00ff; -webkit-text-fill-color: #ff00ff; border: 1px solid #888; width: 300px; padding: 4px; display: block; margin: 8px 0; }
        .dots { font-family: "Csp Pin, Dots", sans-serif; }`,
      html: '<input id="pin" class="f dots" type="tel" value="19731973"><input id="plain" class="f" type="tel" value="19731973">',
    });
    await document.fonts.load('32px "Csp Pin, Dots"');
    await document.fonts.ready;
    expect([...document.fonts].some((f) => f.family.replace(/"/g, '') === 'Csp Pin, Dots' && f.status === 'loaded'), 'the visitor has the dots font').to.equal(true);
    const [pin, plain] = ['#pin', '#plain'].map((s) => root.querySelector(s)!);
    const agent = (await frame()).canvas!;
    expect(scanForSecret(agent, boxOf(pin)).count, 'the PIN reaches the agent in a fallback font').to.equal(0);
    expect(scanForSecret(agent, boxOf(plain)).count, 'the plain field shows (so the check can fail)').to.be.greaterThan(20);
  });
});
