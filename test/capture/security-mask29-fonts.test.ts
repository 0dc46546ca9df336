/**
 * Red team mask29: a dots face swapped in for a readable rule's, the counts of faces kept.
 *
 * concealing-fonts.ts trusts a family the copy can embed when the document has no more faces of
 * it than its `@font-face` rules from a file. A rule read twice (a constructed sheet adopted
 * twice, a `<style>` repeated) was counted twice, yet the browser makes one face of it: a
 * FontFace API dots face of the family then kept the counts equal, and the copy drew its text in
 * the rule's readable face, in clear. Secrets are magenta (leaks.ts); the check is the agent's frame.
 */
import '../../src/visitor/define.js';
import { expectNoClearText } from '../support/mask-layers.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const FONT = '/test/capture/fixtures/text-security-disc.woff2';
const RULE = `@font-face { font-family: 'text-security-disc'; src: url('${FONT}') format('woff2'); unicode-range: U+41; }`;
const STYLE = `html, body { margin: 0; background: #fff; } #mask29f-root { padding: 20px; }
  .f { font: 32px/40px text-security-disc, sans-serif; color: #ff00ff; -webkit-text-fill-color: #ff00ff; border: 1px solid #888; width: 300px; padding: 4px; display: block; margin: 8px 0; }`;

describe('mask29: a rule read twice, a dots face in the place of its second face', () => {
  let face: FontFace | null = null;
  const sheets: CSSStyleSheet[] = [];
  const styles: HTMLStyleElement[] = [];
  beforeEach(async () => {
    face = new FontFace('text-security-disc', await (await fetch(FONT)).arrayBuffer());
    document.fonts.add(await face.load());
  });
  afterEach(() => {
    unmountTestPage('mask29f');
    if (face) document.fonts.delete(face);
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => !sheets.includes(s));
    for (const s of styles.splice(0)) s.remove();
  });

  it('a constructed sheet with the rule adopted twice (1 415 pixels of the digits in clear before)', async () => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(RULE);
    sheets.push(sheet);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet, sheet];
    const root = mountTestPage('mask29f', { css: STYLE, html: '<div id="ssn" class="f">123-45-6789</div><input id="pin" class="f" value="19731973">' });
    await document.fonts.ready;
    await expectNoClearText(root.querySelector('#ssn')!, 'SSN text');
    await expectNoClearText(root.querySelector('#pin')!, 'PIN field');
  });

  it('the same `<style>` twice', async () => {
    for (let i = 0; i < 2; i++) {
      const style = document.createElement('style');
      style.textContent = RULE;
      document.head.append(style);
      styles.push(style);
    }
    const root = mountTestPage('mask29f', { css: STYLE, html: '<div id="ssn" class="f">123-45-6789</div>' });
    await document.fonts.ready;
    await expectNoClearText(root.querySelector('#ssn')!, 'SSN text');
  });
});
