/**
 * Fields whose secret outlives their type: "show password" toggles, PIN fields that stop drawing
 * dots, password, one-time-code and card fields known by their `autocomplete`, and card fields whose
 * page turns that `autocomplete` off. Each secret is
 * magenta on a page the agent watches through the real relay; not one magenta pixel may reach
 * the agent's canvas, while an unmarked field beside them shows (so the check can fail).
 */
import { expect } from '@open-wc/testing';
import '../../src/visitor/define.js';
import { createCaptureLoop, findMasks, Rasterizer, resolveCaptureOptions, trackSecretFields, type CaptureController } from '../../src/capture/index.js';
import { CollectingHost, FrameCanvas, isBlack } from '../support/frames.js';
import { scanForSecret, boxOf, maskCovers, SECRET } from '../support/leaks.js';
import { mountTestPage, unmountTestPage } from '../support/test-page.js';
import { WatchedPage } from '../agent/watched-page.js';
import { sendKeys } from '@web/test-runner-commands';

const STYLE = `
  html, body { margin: 0; padding: 0; background: #fff; }
  .s { color: #ff00ff; -webkit-text-fill-color: #ff00ff; font: 20px monospace; width: 260px; border: 0; display: block; margin: 4px; }
  .pin { -webkit-text-security: disc; }
`;
const mount = (inner: string) => mountTestPage('fields', { css: STYLE, html: inner });
const $ = <T extends Element = HTMLInputElement>(sel: string) => document.querySelector<T>(`#fields-root ${sel}`)!;
const box = boxOf;
const covered = maskCovers;
/** Everything magenta outside `el` (the unmarked field each test shows so its check can fail). */
const leakedBesides = (canvas: Parameters<typeof scanForSecret>[0], el: Element) => scanForSecret(canvas).count - scanForSecret(canvas, box(el)).count;
/** A visitor picking an option: the value changes and input and change events fire, as the browser does. */
function pick(el: HTMLSelectElement, value: string): void {
  el.focus();
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}
/** A visitor typing: the value changes and an input event fires, as the browser does. */
function type(el: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  el.focus();
  el.value = text;
  el.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, data: text }));
}

// As the bundles do when they load (src/visitor/install-capture.ts): from the page's first moments.
trackSecretFields(document);

describe('fields that hid their text stay masked, whatever they become', () => {
  afterEach(async () => {
    await WatchedPage.stop();
    unmountTestPage('fields');
  });

  it('a password field switched to text, then to email, by a show-password eye stays black', async () => {
    mount(`
      <input id="pw" type="password" class="s">
      <input id="plain" class="s" value="not a secret">
    `);
    const page = await WatchedPage.start();
    type($('#pw'), 'hunter2hunter2');
    let picture = await page.settled();
    expect(scanForSecret(picture.canvas!, box($('#plain'))).count, 'an unmarked field shows (the check can fail)').to.be.greaterThan(50);
    $('#pw').type = 'text';
    picture = await page.settled();
    expect(scanForSecret(picture.canvas!, box($('#pw'))).count, 'switched to text').to.equal(0);
    expect(isBlack(picture.pixel(box($('#pw')).x + 20, box($('#pw')).y + 10))).to.equal(true);
    $('#pw').setAttribute('type', 'email');
    picture = await page.settled();
    expect(scanForSecret(picture.canvas!, box($('#pw'))).count, 'then to email').to.equal(0);
  });

  it('a field revealed before any agent watched, in light DOM and in a shadow root, stays masked', async () => {
    const root = mount(`<input id="pw" type="password" class="s" value="hunter2"><div id="host"></div>`);
    const shadow = root.querySelector('#host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = `<style>${STYLE}</style><input id="inner" type="password" class="s">`;
    const inner = shadow.querySelector('input')!;
    // The page loaded and the visitor already typed and pressed the eye; only then an agent comes.
    await new Promise((r) => setTimeout(r, 0));
    type(inner, 'correct horse');
    $('#pw').type = 'text';
    inner.type = 'text';
    await new Promise((r) => setTimeout(r, 0));
    const page = await WatchedPage.start();
    const picture = await page.settled();
    expect(scanForSecret(picture.canvas!).count).to.equal(0);
  });

  it('a password field in a same-origin iframe, revealed before any agent watched, stays masked', async () => {
    const root = mount(`<iframe id="frame" style="width: 400px; height: 80px; border: 0"></iframe>`);
    const frame = root.querySelector('iframe')!;
    await new Promise((r) => {
      frame.addEventListener('load', r, { once: true });
      frame.srcdoc = `<style>${STYLE}</style><input id="pw" type="password" class="s">`;
    });
    const inner = frame.contentDocument!.querySelector('input')!;
    await new Promise((r) => setTimeout(r, 0));
    // A value no other test typed: values of hiding fields are remembered (see the two-field toggle).
    type(inner, 'framed-secret-77');
    inner.type = 'text';
    await new Promise((r) => setTimeout(r, 0));
    const page = await WatchedPage.start();
    expect(scanForSecret((await page.settled()).canvas!).count).to.equal(0);
  });

  it('a PIN field that stops drawing dots (a class change) stays masked', async () => {
    mount(`<input id="pin" class="s pin"><textarea id="note" class="s pin" rows="1"></textarea><input id="plain" class="s" value="shown">`);
    const page = await WatchedPage.start();
    type($('#pin'), '4321');
    type($<HTMLTextAreaElement>('#note'), 'recovery words');
    await page.settled();
    $('#pin').classList.remove('pin');
    $('#note').classList.remove('pin');
    const picture = await page.settled();
    expect(scanForSecret(picture.canvas!, box($('#plain'))).count, 'the check can fail').to.be.greaterThan(20);
    expect(scanForSecret(picture.canvas!, box($('#pin'))).count, 'the PIN').to.equal(0);
    expect(scanForSecret(picture.canvas!, box($('#note'))).count, 'the textarea').to.equal(0);
  });

  it('a password field swapped for a plain one with its value (a two-field toggle) stays masked as the visitor types on', async () => {
    mount(`<input id="pw" type="password" class="s"><input id="shown" class="s" style="display: none"><input id="plain" class="s" value="not a secret">`);
    const page = await WatchedPage.start();
    type($('#pw'), 'hunter2hunter2');
    await page.settled();
    $('#pw').style.display = 'none';
    $('#shown').style.display = 'block';
    $('#shown').value = $('#pw').value;
    let picture = await page.settled();
    expect(scanForSecret(picture.canvas!, box($('#plain'))).count, 'the check can fail').to.be.greaterThan(50);
    expect(scanForSecret(picture.canvas!, box($('#shown'))).count, 'the same value, shown').to.equal(0);
    type($('#shown'), 'hunter2hunter2 and more');
    picture = await page.settled();
    expect(scanForSecret(picture.canvas!, box($('#shown'))).count, 'typed on').to.equal(0);
  });

  it('a password set by script, then swapped for a plain field holding it, stays masked', async () => {
    const root = mount(`<input id="pw" type="password" class="s">`);
    await new Promise((r) => setTimeout(r, 0));
    // A "generate password" button: the value comes from script, with no event and no typing.
    $('#pw').value = 'generated-Secret-93';
    await new Promise((r) => setTimeout(r, 0));
    // A framework's show-password toggle renders a new, plain field in the old one's place.
    $('#pw').replaceWith(Object.assign(document.createElement('input'), { id: 'shown', className: 's', value: 'generated-Secret-93' }));
    await new Promise((r) => setTimeout(r, 0));
    expect(covered(findMasks(document), root.querySelector('#shown')!)).to.equal(true);
    // What is remembered is a salted fingerprint: the page-global record holds no password in clear.
    const record = (globalThis as unknown as Record<symbol, { values: string[] }>)[Symbol.for('upscope.secretFields')];
    expect(record.values.length).to.be.greaterThan(0);
    expect(record.values.join(' ')).not.to.contain('generated-Secret-93');
  });

  it('password and one-time-code fields are masked by their autocomplete, whatever their type', async () => {
    mount(`
      <input id="a" class="s" autocomplete="current-password" value="hunter2">
      <input id="b" class="s" type="email" autocomplete="NEW-PASSWORD" value="pass word">
      <input id="c" class="s" type="tel" autocomplete="one-time-code" value="123456">
      <input id="d" class="s" autocomplete="section-login current-password webauthn" value="s3cret">
      <input id="e" class="s" autocomplete="shipping new-password" value="another">
      <input id="plain" class="s" autocomplete="username" value="ada@example.com">
    `);
    const masks = findMasks(document);
    for (const id of 'abcde') expect(covered(masks, $(`#${id}`)), id).to.equal(true);
    expect(covered(masks, $('#plain')), 'a username is not a secret').to.equal(false);
    const page = await WatchedPage.start();
    const picture = await page.settled();
    expect(scanForSecret(picture.canvas!, box($('#plain'))).count, 'the check can fail').to.be.greaterThan(50);
    expect(scanForSecret(picture.canvas!).count - scanForSecret(picture.canvas!, box($('#plain'))).count).to.equal(0);
  });

  it('mask-all: a revealed password inside data-upscope-unmasked stays black', async () => {
    mount(`<div data-upscope-unmasked><input id="pw" type="password" class="s"><input id="plain" class="s" value="shown"></div>`);
    const page = await WatchedPage.start({ maskAll: true });
    type($('#pw'), 'hunter2');
    await page.settled();
    $('#pw').type = 'text';
    const picture = await page.settled();
    expect(scanForSecret(picture.canvas!, box($('#plain'))).count, 'the check can fail').to.be.greaterThan(20);
    expect(scanForSecret(picture.canvas!, box($('#pw'))).count).to.equal(0);
  });

  // Red team: a field masked only by its autocomplete token was drawn once a payment script set
  // autocomplete="off" (or removed or changed it) after the visitor typed the card number.
  for (const [to, card] of [
    ['off', '4242 4242 4242 4242'],
    ['cc-number-x', '4000 0025 0000 3155'],
    [null, '5200 8282 8282 8210'],
  ] as const) {
    it(`a card number typed into an autocomplete="cc-number" field stays black when the page sets autocomplete ${to === null ? 'away' : `to "${to}"`}, and when the visitor types another`, async () => {
      mount(`<input id="card" class="s" autocomplete="cc-number"><input id="plain" class="s" value="not a secret">`);
      const page = await WatchedPage.start();
      type($('#card'), card);
      let picture = await page.settled();
      expect(leakedBesides(picture.canvas!, $('#plain')), 'masked while typed').to.equal(0);
      if (to === null) $('#card').removeAttribute('autocomplete');
      else $('#card').setAttribute('autocomplete', to);
      picture = await page.settled();
      expect(scanForSecret(picture.canvas!, box($('#plain'))).count, 'the check can fail').to.be.greaterThan(50);
      expect(leakedBesides(picture.canvas!, $('#plain')), 'after the token went').to.equal(0);
      // Cleared and typed again: no longer the value seen while masked, still the card field.
      type($('#card'), '');
      type($('#card'), '3714 496353 98431');
      picture = await page.settled();
      expect(leakedBesides(picture.canvas!, $('#plain')), 'another number typed').to.equal(0);
    });
  }

  it('a card field re-rendered without its token, holding the typed number, stays masked', async () => {
    mount(`<input id="card" class="s" autocomplete="cc-number"><input id="plain" class="s" value="not a secret">`);
    const page = await WatchedPage.start();
    type($('#card'), '6011 1111 1111 1117');
    await page.settled();
    // A framework renders a new field in the old one's place, autofill off, keeping the value.
    $('#card').replaceWith(Object.assign(document.createElement('input'), { id: 'shown', className: 's', autocomplete: 'off', value: '6011 1111 1111 1117' }));
    const picture = await page.settled();
    expect(scanForSecret(picture.canvas!, box($('#plain'))).count, 'the check can fail').to.be.greaterThan(50);
    expect(leakedBesides(picture.canvas!, $('#plain'))).to.equal(0);
  });

  it('a <select autocomplete="cc-exp-month"> stays masked once the page sets autocomplete to "off"', async () => {
    mount(`
      <select id="month" class="s" autocomplete="cc-exp-month"><option value="">Month</option><option value="07">07 July</option></select>
      <select id="plain" class="s"><option>not a secret</option></select>
    `);
    const page = await WatchedPage.start();
    pick($<HTMLSelectElement>('#month'), '07');
    await page.settled();
    $('#month').setAttribute('autocomplete', 'off');
    await new Promise((r) => setTimeout(r, 0));
    expect(covered(findMasks(document), $('#month')), 'boxed').to.equal(true);
    const picture = await page.settled();
    expect(scanForSecret(picture.canvas!, box($('#plain'))).count, 'the check can fail').to.be.greaterThan(20);
    expect(leakedBesides(picture.canvas!, $('#plain'))).to.equal(0);
  });

  // Decided: what counts is that the SDK saw the token, not that a frame masked the field. A
  // payment script that turns autofill off as it renders its card field (the token gone before
  // any frame, in the very task that added the field) still named it a card field: masked for good.
  // A field that never held a secret token while the SDK watched (cc-name, off) is not masked.
  it('a card field whose token is removed before any frame stays masked; fields that never held a secret token show', async () => {
    mount(`<div id="form"></div><input id="name" class="s" autocomplete="cc-name"><input id="off" class="s" autocomplete="off">`);
    const card = Object.assign(document.createElement('input'), { id: 'card', className: 's' });
    card.setAttribute('autocomplete', 'cc-number');
    $('#form').append(card);
    card.setAttribute('autocomplete', 'off');
    $('#name').setAttribute('autocomplete', 'off');
    await new Promise((r) => setTimeout(r, 0));
    const page = await WatchedPage.start();
    type(card, '3530 1113 3330 0000');
    type($('#name'), 'Ada Lovelace');
    type($('#off'), 'a promo code');
    const masks = findMasks(document);
    expect(covered(masks, card), 'the card field').to.equal(true);
    expect(covered(masks, $('#name')), 'never a secret token').to.equal(false);
    expect(covered(masks, $('#off')), 'never any token').to.equal(false);
    const picture = await page.settled();
    expect(scanForSecret(picture.canvas!, box($('#name'))).count, 'the cardholder name shows').to.be.greaterThan(50);
    expect(scanForSecret(picture.canvas!, box($('#off'))).count, 'the plain field shows').to.be.greaterThan(50);
    expect(scanForSecret(picture.canvas!, box(card)).count, 'the card number').to.equal(0);
  });
});

/**
 * A component's card or password field lives in its shadow root, and attaching one leaves no
 * record: the tracker observes each open root from the moment it is attached (see
 * secret-fields.ts), so a token removed, or a password field shown as text, in the very task that
 * rendered the field still names it a secret, wherever and whenever the root was attached.
 */
describe('fields in shadow roots are seen from the moment their root is attached', () => {
  afterEach(async () => {
    await WatchedPage.stop();
    unmountTestPage('fields');
  });
  const task = () => new Promise((r) => setTimeout(r, 0));
  /** A login component's render: its saved password filled in, shown as text in the same task (a remembered "show password"). */
  function renderLogin(host: Element, saved: string): void {
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = `<style>${STYLE}</style><input id="pw" type="password" class="s">`;
    const pw = shadow.querySelector('input')!;
    pw.value = saved;
    pw.type = 'text';
  }
  const field = (host: Element | null) => host!.shadowRoot!.querySelector('input')!;

  it('a password field shown as text in the task that rendered it: a late upgrade, an upgrade on insertion, a component made by script', async () => {
    // Defined after its element is in the page: upgraded late, rendering in its constructor.
    const root = mount(`<sf-login-late></sf-login-late><div id="later"></div>`);
    await task();
    customElements.define('sf-login-late', class extends HTMLElement {
      constructor() {
        super();
        renderLogin(this, 'late-upgrade-pw-1');
      }
    });
    // Defined first: upgraded as the page inserts it.
    customElements.define('sf-login-inserted', class extends HTMLElement {
      constructor() {
        super();
        renderLogin(this, 'on-insert-pw-2');
      }
    });
    root.querySelector('#later')!.innerHTML = '<sf-login-inserted></sf-login-inserted>';
    // Made by script: its root is attached, and the field shown, before it is in the page.
    const made = document.createElement('div');
    renderLogin(made, 'made-by-script-pw-3');
    root.append(made);
    await task();
    const masks = findMasks(document);
    expect(covered(masks, field(root.querySelector('sf-login-late'))), 'upgraded late').to.equal(true);
    expect(covered(masks, field(root.querySelector('sf-login-inserted'))), 'upgraded on insertion').to.equal(true);
    expect(covered(masks, field(made)), 'made by script').to.equal(true);
  });

  for (const pattern of ['a shadow root attached to an element already in the page', 'a component made by script, rendering in its connectedCallback'] as const) {
    it(`a card field rendered with autocomplete="cc-number" and turned "off" in the same task (${pattern}) stays black as the visitor types its number`, async () => {
      const root = mount(`<p id="pay"></p><input id="plain" class="s" value="not a secret">`);
      const page = await WatchedPage.start();
      // As payment scripts do: the card field named, then autofill turned off, in one task.
      const render = (host: Element) => {
        const shadow = host.attachShadow({ mode: 'open' });
        shadow.innerHTML = `<style>${STYLE}</style><label>Card number <input id="cc" class="s" autocomplete="cc-number"></label>`;
        shadow.querySelector('input')!.setAttribute('autocomplete', 'off');
      };
      let host: Element;
      if (pattern.startsWith('a shadow root')) render((host = root.querySelector('#pay')!));
      else {
        customElements.define('sf-pay-connected', class extends HTMLElement {
          connectedCallback() {
            if (!this.shadowRoot) render(this);
          }
        });
        root.querySelector('#pay')!.append((host = document.createElement('sf-pay-connected')));
      }
      const cc = field(host);
      cc.focus();
      // Real key presses, as the visitor types.
      const card = pattern.startsWith('a shadow root') ? '4000056655665556' : '5555555555554444';
      await sendKeys({ type: card });
      expect(cc.value).to.equal(card);
      const picture = await page.settled();
      expect(scanForSecret(picture.canvas!, box($('#plain'))).count, 'an unmarked field shows (the check can fail)').to.be.greaterThan(50);
      expect(box(cc).width).to.be.greaterThan(0);
      expect(scanForSecret(picture.canvas!, box(cc)).count, 'the card number').to.equal(0);
      // The copy holds alone too: blanked, not only boxed.
      const r = new Rasterizer({ ...resolveCaptureOptions({}), sliceMs: 0 });
      try {
        const bitmap = await r.draw(await r.snapshot());
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
        expect(scanForSecret(canvas, box(cc)).count, 'the card number in the copy, no box painted').to.equal(0);
      } finally {
        r.dispose();
      }
    });
  }

  it('a field stripped of its token before the trackers heard of it counts in the very next search', () => {
    // The search runs where a capture resumes after a pause, the records of a page microtask not yet delivered.
    const root = mount(`<div id="host"></div>`);
    const card = Object.assign(document.createElement('input'), { className: 's', value: '3056 9309 0259 04' });
    card.setAttribute('autocomplete', 'cc-number');
    root.append(card);
    card.setAttribute('autocomplete', 'off');
    const shadow = root.querySelector('#host')!.attachShadow({ mode: 'open' });
    shadow.innerHTML = `<input class="s" type="password" value="pending-pw-4">`;
    shadow.querySelector('input')!.type = 'text';
    const masks = findMasks(document);
    expect(covered(masks, card), 'in light DOM').to.equal(true);
    expect(covered(masks, field(root.querySelector('#host'))), 'in a shadow root').to.equal(true);
  });
});

/**
 * A drop-down `<select>` paints its selected option's label in its own box, and a closed
 * drop-down's options have no boxes: a masked option or optgroup is drawn by its unmarked select,
 * which is therefore masked whole, in the boxes and in the copy.
 */
describe('masked options, drawn by their select', () => {
  const CSS = `html, body { margin: 0; padding: 0; background: #fff; } select { font: 20px monospace; color: ${SECRET}; }`;
  let loop: CaptureController | null = null;
  afterEach(() => {
    loop?.stop();
    loop = null;
    unmountTestPage('select');
  });

  /** Mounts `html` and returns the magenta pixels of the first frame a capture loop sends. */
  async function leakOf(html: string): Promise<number> {
    mountTestPage('select', { css: CSS, html });
    const host = new CollectingHost();
    const errors: Error[] = [];
    loop = createCaptureLoop(host, { type: 'image/png', idleCheckMs: 0, maxFps: 30, onError: (e) => errors.push(e) });
    loop.start();
    const [frame] = await host.waitForFrames(1);
    expect(errors.map((e) => e.message)).to.deep.equal([]);
    const picture = new FrameCanvas();
    await picture.draw(frame);
    return scanForSecret(picture.canvas!).count;
  }

  /** The copy alone, no mask boxes painted: its magenta pixels. */
  async function copyLeak(r: Rasterizer, snapshot: Awaited<ReturnType<Rasterizer['snapshot']>>): Promise<number> {
    const bitmap = await r.draw(snapshot);
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
    return scanForSecret(canvas).count;
  }

  it('an unmarked option shows (the check can fail)', async () => {
    expect(await leakOf(`<select><option>4242 4242 4242 4242</option></select>`)).to.be.greaterThan(50);
  });

  it('a masked selected option (.no-upscope) in a drop-down', async () => {
    expect(await leakOf(`<select id="s"><option>Pick</option><option selected class="no-upscope">4242 4242 4242 4242</option></select>`)).to.equal(0);
    expect(maskCovers(findMasks(document), document.querySelector('#s')!), 'the select is boxed').to.equal(true);
  });

  it('a masked option (data-upscope-masked) in a list box', async () => {
    expect(await leakOf(`<select size="3"><option style="color: #000">Pick</option><option data-upscope-masked>4242 4242 4242 4242</option></select>`)).to.equal(0);
  });

  it('the selected option of a masked <optgroup>', async () => {
    expect(await leakOf(`<select><optgroup label="Cards" class="no-upscope"><option selected>4242 4242 4242 4242</option></optgroup></select>`)).to.equal(0);
  });

  it('mask-all: a masked option in a select inside data-upscope-unmasked is boxed', async () => {
    mountTestPage('select', { css: CSS, html: `<div data-upscope-unmasked><select id="s"><option class="no-upscope">4242 4242 4242 4242</option></select></div>` });
    expect(maskCovers(findMasks(document, { maskAll: true }), document.querySelector('#s')!)).to.equal(true);
  });

  it('an option in an optgroup masked after a frame: the patched copy blanks the whole select', async () => {
    mountTestPage('select', { css: CSS, html: `<select><optgroup label="Cards"><option selected id="o">4242 4242 4242 4242</option></optgroup></select>` });
    const r = new Rasterizer({ ...resolveCaptureOptions({}), sliceMs: 0 });
    try {
      expect(await copyLeak(r, await r.snapshot()), 'the option shows before it is masked').to.be.greaterThan(50);
      const option = document.querySelector('#o')!;
      option.classList.add('no-upscope');
      // What the change log names for an attribute change: the changed element's parent.
      const patched = await r.snapshot({}, { full: null, changed: new Set([option.parentElement!]) });
      expect(patched.clone, 'patched').to.have.property('patched');
      expect(await copyLeak(r, patched)).to.equal(0);
    } finally {
      r.dispose();
    }
  });
});
