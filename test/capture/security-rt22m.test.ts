/**
 * Red team rt22m: masked content that reaches the agent in clear.
 *
 * Secrets are magenta (leaks.ts). Each test fails while its leak is there: the agent's frame
 * holds the secret the visitor cannot read (digits a dots font hides, text under a mask).
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { trackSecretFields } from '../../src/capture/index.js';
import { scanForSecret, SECRET } from '../support/leaks.js';
import { agentPicture, expectNoClearText, screen } from '../support/mask-layers.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';

const FONT = '/test/capture/fixtures/text-security-disc.woff2';
const PAGE = 'rt22';

describe('rt22m: a dots font the copy cannot draw, in a family it can embed a face of', () => {
  const added: FontFace[] = [];
  afterEach(() => {
    unmountTestPage(PAGE);
    for (const face of added.splice(0)) document.fonts.delete(face);
  });

  async function addFontFace(descriptors?: FontFaceDescriptors): Promise<void> {
    const face = new FontFace('text-security-disc', await (await fetch(FONT)).arrayBuffer(), descriptors);
    document.fonts.add(await face.load());
    added.push(face);
  }

  const STYLE = `html, body { margin: 0; background: #fff; }
    #rt22-root { padding: 20px; }
    .f { font: 32px/40px text-security-disc, sans-serif; color: #ff00ff; -webkit-text-fill-color: #ff00ff; border: 1px solid #888; width: 300px; padding: 4px; display: block; margin: 8px 0; }`;

  // concealing-fonts.ts judges by family: a family the page declares with an @font-face rule from
  // a file counts as embeddable, so its text is not masked. A face of that family added with the
  // FontFace API (no rule: never embedded) draws the digits the rule's face does not: on the
  // visitor's screen as dots, in the picture in the fallback font, in clear.
  it('an @font-face rule of the family for one letter (unicode-range), the dots for every character added with the FontFace API', async () => {
    await addFontFace();
    const root = mountTestPage(PAGE, {
      css: `@font-face { font-family: 'text-security-disc'; src: url('${FONT}') format('woff2'); unicode-range: U+41; } ${STYLE}`,
      html: '<input id="pin" class="f" type="tel" value="19731973"><div id="ssn" class="f">123-45-6789</div>',
    });
    await document.fonts.ready;
    await expectNoClearText(root.querySelector('#pin')!, 'PIN field');
    await expectNoClearText(root.querySelector('#ssn')!, 'SSN text');
  });
});

describe('rt22m: a dots font whose family name holds a comma', () => {
  let face: FontFace | null = null;
  afterEach(() => {
    unmountTestPage(PAGE);
    if (face) document.fonts.delete(face);
    face = null;
  });

  // An element's font-family list was split at every comma, a quoted name's too: text in
  // "Pin, Dots" was looked for as in "pin" and "dots", never in the concealing family.
  it('a PIN field in a FontFace API dots face named "rt22 pin, dots"', async () => {
    face = new FontFace('rt22 pin, dots', await (await fetch(FONT)).arrayBuffer());
    document.fonts.add(await face.load());
    const root = mountTestPage(PAGE, {
      css: `html, body { margin: 0; background: #fff; } #rt22-root { padding: 20px; }
        .f { font: 32px/40px "rt22 pin, dots", sans-serif; color: #ff00ff; -webkit-text-fill-color: #ff00ff; border: 1px solid #888; width: 300px; padding: 4px; display: block; margin: 8px 0; }`,
      html: '<input id="pin" class="f" type="tel" value="19731973"><div id="ssn" class="f">123-45-6789</div>',
    });
    await document.fonts.ready;
    await expectNoClearText(root.querySelector('#pin')!, 'PIN field');
    await expectNoClearText(root.querySelector('#ssn')!, 'SSN text');
  });
});

describe('rt22m: a dots face judged while another face of its family drew its characters', () => {
  const added: FontFace[] = [];
  afterEach(() => {
    unmountTestPage(PAGE);
    for (const face of added.splice(0)) document.fonts.delete(face);
  });

  // A face is judged by drawing its family (the canvas cannot ask for one face), once, and the
  // verdict was kept for the face's life: judged while a readable face of the family, added after
  // it, drew the same characters (a "show PIN" that lays a readable face over the dots), it was
  // readable for good. Once that face is taken away the visitor sees dots, and what they type next
  // was drawn in clear, the dots face being one the copy cannot embed.
  it('a FontFace API dots face, judged while a readable face laid over it, then shown alone', async () => {
    const dots = new FontFace('rt22-pin', await (await fetch(FONT)).arrayBuffer());
    const readable = new FontFace('rt22-pin', 'local("DejaVu Sans"), local("Liberation Sans")');
    for (const face of [dots, readable]) {
      document.fonts.add(await face.load());
      added.push(face);
    }
    const root = mountTestPage(PAGE, {
      css: `html, body { margin: 0; background: #fff; } #rt22-root { padding: 20px; }
        .f { font: 32px/40px rt22-pin, sans-serif; color: #ff00ff; -webkit-text-fill-color: #ff00ff; border: 1px solid #888; width: 300px; padding: 4px; display: block; margin: 8px 0; }`,
      html: '<input id="pin" class="f" type="tel" value="1973">',
    });
    await agentPicture();
    document.fonts.delete(readable);
    const pin = root.querySelector<HTMLInputElement>('#pin')!;
    pin.value = '19731973';
    await expectNoClearText(pin, 'PIN field, the readable face taken away');
  });
});

describe('rt22m: a dots face chosen by its width (font-stretch)', () => {
  const added: FontFace[] = [];
  afterEach(() => {
    unmountTestPage(PAGE);
    for (const face of added.splice(0)) document.fonts.delete(face);
  });

  // A face is judged by drawing its family at its slant and weight, not its width: a condensed
  // dots face beside a readable face of normal width was judged by the readable one.
  it('a condensed FontFace API dots face beside a readable face of normal width, a field in the condensed one', async () => {
    const dots = new FontFace('rt22-cond', await (await fetch(FONT)).arrayBuffer(), { stretch: 'condensed' });
    const readable = new FontFace('rt22-cond', 'local("DejaVu Sans"), local("Liberation Sans")');
    for (const face of [readable, dots]) {
      document.fonts.add(await face.load());
      added.push(face);
    }
    const root = mountTestPage(PAGE, {
      css: `html, body { margin: 0; background: #fff; } #rt22-root { padding: 20px; }
        .f { font: condensed 32px/40px rt22-cond, sans-serif; color: #ff00ff; -webkit-text-fill-color: #ff00ff; border: 1px solid #888; width: 300px; padding: 4px; display: block; margin: 8px 0; }`,
      html: '<input id="pin" class="f" type="tel" value="19731973">',
    });
    await expectNoClearText(root.querySelector('#pin')!, 'PIN field');
  });
});

describe('rt22m: a same-origin frame\'s dots font, of a family the page declares too', () => {
  afterEach(() => unmountTestPage(PAGE));

  // The picture has one style sheet: the frames' faces first, the page's last (frame-fonts.ts).
  // A family both declare is drawn as the page's, the frame's text too: a frame's PIN in its
  // own dots face was drawn in the page's readable face of that family (here a machine font
  // named first in the page's rule, which both the page and the picture draw).
  for (const [what, src] of [
    ['draws a machine font (local() before its url())', `local('DejaVu Sans'), local('Liberation Sans'), url('${FONT}') format('woff2')`],
    ['is a machine font (local() only)', `local('DejaVu Sans'), local('Liberation Sans')`],
  ]) it(`the page's face of the family ${what}`, async () => {
    const root = mountTestPage(PAGE, {
      css: `@font-face { font-family: 'text-security-disc'; src: ${src}; }
        html, body { margin: 0; background: #fff; } #rt22-root { padding: 20px; } iframe { border: 0; display: block; }`,
      html: '<p style="font: 20px text-security-disc, sans-serif">Page text in the brand font</p><iframe width="500" height="120"></iframe>',
    });
    const frame = root.querySelector('iframe')!;
    const doc = frame.contentDocument!;
    doc.head.innerHTML = `<style>@font-face { font-family: 'text-security-disc'; src: url('${new URL(FONT, location.href).href}') format('woff2'); } body { margin: 0; background: #fff; }</style>`;
    doc.body.innerHTML = '<div id="ssn" style="font: 32px/40px text-security-disc, sans-serif; color: #ff00ff; padding: 10px; width: 400px">123-45-6789</div>';
    await doc.fonts.load('32px text-security-disc');
    await doc.fonts.ready;
    await document.fonts.load('20px text-security-disc');
    await new Promise((r) => setTimeout(r, 300));
    const r = frame.getBoundingClientRect();
    const ssn = doc.getElementById('ssn')!.getBoundingClientRect();
    const box = { x: r.x + ssn.x, y: r.y + ssn.y, width: ssn.width, height: ssn.height };
    await expectNoClearText(box, 'SSN in the frame');
  });
});

describe('rt22m: a same-origin frame that rewrites its style sheet', () => {
  afterEach(() => unmountTestPage(PAGE));

  // A frame's faces are given to the library as one sheet, built again when the frame's sheets'
  // rule counts, the CSSOM edits heard or its registered faces change (frame-fonts.ts): a <style>
  // whose text the frame replaced, as many rules as before, is a new sheet that changed none of
  // them. Its new dots face was left out of the picture, which drew the PIN in the old face.
  it('a <style> whose face of the family becomes the dots font (the same number of rules)', async () => {
    const root = mountTestPage(PAGE, {
      css: 'html, body { margin: 0; background: #fff; } #rt22-root { padding: 20px; } iframe { border: 0; display: block; }',
      html: '<iframe width="500" height="120"></iframe>',
    });
    const frame = root.querySelector('iframe')!;
    const doc = frame.contentDocument!;
    const url = new URL(FONT, location.href).href;
    doc.head.innerHTML = `<style id="faces">@font-face { font-family: 'rt22-frame'; src: local('DejaVu Sans'), local('Liberation Sans'), url('${url}') format('woff2'); }</style><style>body { margin: 0; background: #fff; }</style>`;
    doc.body.innerHTML = '<div id="ssn" style="font: 32px/40px rt22-frame, sans-serif; color: #ff00ff; padding: 10px; width: 400px">Reference 42</div>';
    await doc.fonts.ready;
    await new Promise((r) => setTimeout(r, 200));
    await agentPicture();
    doc.getElementById('faces')!.textContent = `@font-face { font-family: 'rt22-frame'; src: url('${url}') format('woff2'); }`;
    doc.getElementById('ssn')!.textContent = '123-45-6789';
    await doc.fonts.load('32px rt22-frame');
    await doc.fonts.ready;
    await new Promise((r) => setTimeout(r, 300));
    const r = frame.getBoundingClientRect();
    const ssn = doc.getElementById('ssn')!.getBoundingClientRect();
    const box = { x: r.x + ssn.x, y: r.y + ssn.y, width: ssn.width, height: ssn.height };
    await expectNoClearText(box, 'SSN in the frame');
  });
});

describe('rt22m: a field of a same-origin frame that showed dots when the page added it', () => {
  afterEach(() => unmountTestPage(PAGE));

  // A field the page adds is judged as the records arrive (scan in secret-fields.ts), the field
  // itself when it is the node added: told by `instanceof Element`, which a same-origin frame's
  // elements fail. A PIN field drawn as dots, added to a frame and shown later ("show PIN"), before
  // any frame or keystroke, was not known to have hidden its text: its value reached the agent
  // (a field added the same way to the page stays masked).
  it('a PIN field (-webkit-text-security) added to a frame\'s body, then shown as text', async () => {
    trackSecretFields(document);
    const root = mountTestPage(PAGE, {
      css: 'html, body { margin: 0; background: #fff; } #rt22-root { padding: 20px; } iframe { border: 0; display: block; }',
      html: '<iframe width="400" height="80"></iframe>',
    });
    const frame = root.querySelector('iframe')!;
    const doc = frame.contentDocument!;
    await new Promise((r) => setTimeout(r, 0));
    doc.head.innerHTML = `<style>body { margin: 0; } input { color: ${SECRET}; -webkit-text-fill-color: ${SECRET}; font: 24px monospace; width: 300px; border: 0; } .pin { -webkit-text-security: disc; }</style>`;
    const pin = doc.createElement('input');
    pin.className = 'pin';
    pin.value = '19731973';
    doc.body.append(pin);
    await new Promise((r) => setTimeout(r, 0));
    pin.className = '';
    await new Promise((r) => setTimeout(r, 50));
    const r = frame.getBoundingClientRect();
    const agent = await agentPicture();
    expect(scanForSecret(await screen(), r).count, 'the visitor sees the PIN, shown (the check can fail)').to.be.greaterThan(50);
    expect(scanForSecret(agent, r).count, 'secret pixels of the PIN field in the agent\'s frame').to.equal(0);
  });
});
