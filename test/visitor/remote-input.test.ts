/**
 * The remote-input engine in real Chromium: an agent's click, wheel and keys arrive as the
 * visitor's own would (order, coordinates, focus, default actions, frameworks that guard their
 * values), and masked content never receives any of it.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement, html as litHtml } from 'lit';
import { live } from 'lit/directives/live.js';
import { applyRemoteInput, type RemoteInputOptions } from '../../src/visitor/remote-input.js';
import type { RemoteInput, RemoteInputResult } from '../../src/protocol/remote-input.js';
import { MAX_SHORT_TEXT } from '../../src/protocol/limits.js';
import { sendKeys } from '@web/test-runner-commands';
import { findMasks, type MaskRect } from '../../src/capture/index.js';

const ALL: RemoteInputOptions = { allowClick: true, allowType: true, allowScroll: true, maskAll: false };

function send(input: RemoteInput, options: Partial<RemoteInputOptions> = {}): RemoteInputResult {
  return applyRemoteInput(input, { ...ALL, ...options });
}

/** The middle of `el` in the top viewport (through the frame it is in, if any). */
function middle(el: Element): { x: number; y: number } {
  const r = el.getBoundingClientRect();
  let x = r.left + r.width / 2;
  let y = r.top + r.height / 2;
  const frame = el.ownerDocument.defaultView?.frameElement;
  if (frame) {
    const f = frame.getBoundingClientRect();
    const cs = getComputedStyle(frame);
    x += f.left + parseFloat(cs.borderLeftWidth) + parseFloat(cs.paddingLeft);
    y += f.top + parseFloat(cs.borderTopWidth) + parseFloat(cs.paddingTop);
  }
  return { x, y };
}

function clickOn(el: Element, options: Partial<RemoteInputOptions> = {}): RemoteInputResult {
  return send({ kind: 'click', ...middle(el) }, options);
}

function type(text: string, options: Partial<RemoteInputOptions> = {}): RemoteInputResult {
  return send({ kind: 'text', text }, options);
}

function press(key: string, mods: { shift?: boolean; ctrl?: boolean } = {}, options: Partial<RemoteInputOptions> = {}): RemoteInputResult {
  return send({ kind: 'key', key, ...mods }, options);
}

/** Records the types of `types` events reaching `el` (and whether they were trusted). */
function record(el: EventTarget, types: string[]): Event[] {
  const seen: Event[] = [];
  for (const t of types) el.addEventListener(t, (e) => seen.push(e), true);
  return seen;
}

function loadedFrame(frame: HTMLIFrameElement): Promise<Document> {
  return new Promise((ok) => {
    const done = () => (frame.contentDocument?.querySelector('button') ? ok(frame.contentDocument) : setTimeout(done, 10));
    done();
  });
}

/**
 * What has focus, as words (`input#two`), through shadow roots and frames: comparing elements
 * would make chai print the whole DOM on a failure, which takes minutes.
 */
function focused(): string {
  let el = document.activeElement;
  for (;;) {
    const inner = el?.shadowRoot?.activeElement ?? (el instanceof HTMLIFrameElement ? el.contentDocument?.activeElement : null);
    if (!inner) break;
    el = inner;
  }
  return el ? `${el.localName}${el.id ? `#${el.id}` : ''}` : 'nothing';
}

function expectRefused(result: RemoteInputResult, reason: string): string {
  expect(result.ok, JSON.stringify(result)).to.equal(false);
  if (result.ok) throw new Error('unreachable');
  expect(result.reason, result.message).to.equal(reason);
  expect(result.message).to.be.a('string').and.not.equal('');
  // The wire carries a refusal's message whole only up to MAX_SHORT_TEXT.
  expect(result.message.length, result.message).to.be.at.most(MAX_SHORT_TEXT);
  return result.message;
}

/**
 * A "controlled" input as React builds one: the element's own `value` property is wrapped (React's
 * value tracker), the state changes only through an `input` event whose value differs from what
 * the tracker last saw, and after every event the input is put back to the state. An engine that
 * assigns `el.value` is undone; one that uses the native setter and fires input is kept.
 */
function controlledInput(input: HTMLInputElement): { state: () => string } {
  const proto = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!;
  let tracked = proto.get!.call(input) as string;
  let state = tracked;
  Object.defineProperty(input, 'value', {
    configurable: true,
    get: () => proto.get!.call(input),
    set: (v: string) => {
      tracked = String(v);
      proto.set!.call(input, v);
    },
  });
  const restore = () => queueMicrotask(() => {
    if (proto.get!.call(input) !== state) {
      tracked = state;
      proto.set!.call(input, state);
    }
  });
  input.addEventListener('input', () => {
    const now = proto.get!.call(input) as string;
    if (now !== tracked) {
      tracked = now;
      state = now;
    }
    restore();
  });
  for (const t of ['keydown', 'keyup', 'focus', 'blur']) input.addEventListener(t, restore);
  return { state: () => state };
}

class ShoutingField extends LitElement {
  static override properties = { value: { type: String } };
  declare value: string;
  constructor() {
    super();
    this.value = '';
  }
  override render() {
    return litHtml`<input aria-label="shout" .value=${live(this.value)} @input=${(e: Event) => (this.value = (e.target as HTMLInputElement).value.toUpperCase())} />`;
  }
}
customElements.define('remote-input-shouting-field', ShoutingField);

/** An icon drawn in an open shadow root, as icon components draw theirs. */
class IconPart extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' }).innerHTML = '<span style="display:inline-block;width:40px;height:40px;background:#ccc">i</span>';
  }
}
customElements.define('remote-input-icon', IconPart);

const tick = () => new Promise((ok) => setTimeout(ok, 0));

/** Whether one of the capture's black boxes covers `el` whole. */
function boxed(masks: MaskRect[], el: Element): boolean {
  const r = el.getBoundingClientRect();
  return masks.some((m) => m.x <= r.x + 1 && m.y <= r.y + 1 && m.x + m.width >= r.right - 1 && m.y + m.height >= r.bottom - 1);
}

/** The visitor types `value` into the password field `pw` with the real keyboard (trusted events), and leaves it. */
async function visitorTypesPassword(pw: HTMLInputElement, value: string): Promise<void> {
  pw.focus();
  await sendKeys({ type: value });
  pw.blur();
  await tick();
}

describe('remote input', () => {
  afterEach(() => (document.activeElement as HTMLElement | null)?.blur());

  describe('clicks', () => {
    it('fire pointerdown, mousedown, focus, pointerup, mouseup, click in order, untrusted, at the point', async () => {
      const el = await fixture<HTMLButtonElement>(html`<button style="margin:20px;width:120px;height:40px">Press</button>`);
      const seen = record(el, ['pointerdown', 'mousedown', 'focus', 'pointerup', 'mouseup', 'click']);
      const at = middle(el);
      expect(send({ kind: 'click', ...at })).to.deep.equal({ ok: true });
      expect(seen.map((e) => e.type)).to.deep.equal(['pointerdown', 'mousedown', 'focus', 'pointerup', 'mouseup', 'click']);
      const down = seen[0] as PointerEvent;
      expect([down.clientX, down.clientY]).to.deep.equal([at.x, at.y]);
      expect([down.buttons, down.button, down.pointerType, down.isPrimary, down.bubbles, down.composed]).to.deep.equal([1, 0, 'mouse', true, true, true]);
      expect((seen[5] as MouseEvent).detail).to.equal(1);
      expect((seen[4] as MouseEvent).buttons).to.equal(0);
      expect(seen.filter((e) => e.type !== 'focus').every((e) => !e.isTrusted)).to.equal(true);
      expect(focused()).to.equal('button');
    });

    it('do not focus when the page cancels mousedown, as a browser would not', async () => {
      const el = await fixture<HTMLButtonElement>(html`<button @mousedown=${(e: Event) => e.preventDefault()}>No focus</button>`);
      const clicks = record(el, ['click']);
      clickOn(el);
      expect(focused()).to.equal('body');
      expect(clicks).to.have.length(1);
    });

    it('reach a button inside an open shadow root', async () => {
      const host = await fixture<HTMLDivElement>(html`<div></div>`);
      const root = host.attachShadow({ mode: 'open' });
      root.innerHTML = '<span><button style="width:100px;height:30px">Inner</button></span>';
      const button = root.querySelector('button')!;
      const seen = record(button, ['click']);
      expect(clickOn(button)).to.deep.equal({ ok: true });
      expect(seen).to.have.length(1);
      expect(focused()).to.equal('button');
    });

    it('reach a button inside a same-origin frame, with coordinates in the frame', async () => {
      const frame = await fixture<HTMLIFrameElement>(
        html`<iframe style="border:7px solid;padding:5px;width:300px;height:120px" srcdoc="<body style='margin:0'><button style='margin:30px 0 0 40px;width:80px;height:30px'>In frame</button></body>"></iframe>`,
      );
      const doc = await loadedFrame(frame);
      const button = doc.querySelector('button')!;
      const seen = record(button, ['click']);
      expect(clickOn(button)).to.deep.equal({ ok: true });
      expect(seen).to.have.length(1);
      const click = seen[0] as MouseEvent;
      expect(click.clientX).to.be.closeTo(80, 1);
      expect(click.clientY).to.be.closeTo(45, 1);
      expect(click.view === doc.defaultView, 'the event belongs to the frame’s window').to.equal(true);
    });

    it('refuse a frame from another origin', async () => {
      const frame = await fixture<HTMLIFrameElement>(html`<iframe sandbox srcdoc="<button>Other</button>" style="width:200px;height:80px"></iframe>`);
      await new Promise((ok) => setTimeout(ok, 50));
      expect(expectRefused(clickOn(frame), 'noTarget')).to.match(/another origin/);
    });

    it('toggle a checkbox and check a radio by the click’s default action', async () => {
      const form = await fixture<HTMLFormElement>(html`<form>
        <label><input type="checkbox" id="box" /> <span id="box-label">Box</span></label>
        <input type="radio" name="r" value="a" checked /><input type="radio" name="r" value="b" id="b" />
      </form>`);
      const box = form.querySelector<HTMLInputElement>('#box')!;
      const changes = record(box, ['input', 'change']);
      clickOn(box);
      expect(box.checked).to.equal(true);
      expect(changes.map((e) => e.type)).to.deep.equal(['input', 'change']);
      clickOn(form.querySelector('#box-label')!);
      expect(box.checked).to.equal(false);
      clickOn(form.querySelector('#b')!);
      expect(new FormData(form).get('r')).to.equal('b');
    });

    it('follow a link as the visitor’s click would, unless the page prevents it', async () => {
      const box = await fixture<HTMLDivElement>(html`<div><a id="go" href="#remote-link-followed">Go</a> <a id="stay" href="#remote-link-prevented" @click=${(e: Event) => e.preventDefault()}>Stay</a></div>`);
      clickOn(box.querySelector('#stay')!);
      expect(location.hash).to.not.equal('#remote-link-prevented');
      clickOn(box.querySelector('#go')!);
      expect(location.hash).to.equal('#remote-link-followed');
      history.replaceState(null, '', location.pathname + location.search);
    });

    it('look through the widget to the page under it, and never reach the widget', async () => {
      const box = await fixture<HTMLDivElement>(html`<div style="position:relative">
        <button id="under" style="width:200px;height:60px">Under</button>
        <upscope-widget style="position:absolute;left:0;top:0;width:200px;height:60px;display:block;background:#ccc"></upscope-widget>
      </div>`);
      const widget = box.querySelector('upscope-widget')!;
      const under = box.querySelector('#under')!;
      const onWidget = record(widget, ['pointerdown', 'mousedown', 'click']);
      const onButton = record(under, ['click']);
      expect(clickOn(under)).to.deep.equal({ ok: true });
      expect(onWidget).to.have.length(0);
      expect(onButton).to.have.length(1);
    });

    it('on the text of a contenteditable focus its editing host, as the visitor’s click does', async () => {
      const ed = await fixture<HTMLDivElement>(html`<div contenteditable="true" id="ed" style="min-height:30px"><span id="head">Note: </span>more</div>`);
      expect(clickOn(ed.querySelector('#head')!)).to.deep.equal({ ok: true });
      expect(focused()).to.equal('div#ed');
      // The caret goes where focus() puts it, not under the point (see docs/remote-control.md).
      expect(type('!')).to.deep.equal({ ok: true });
      expect(ed.textContent!.replace('!', '')).to.equal('Note: more');
    });

    it('a click off the page has no target', () => {
      expectRefused(send({ kind: 'click', x: -5000, y: 10 }), 'noTarget');
    });
  });

  describe('typing', () => {
    it('fires keydown, keypress, beforeinput, input, keyup per character and respects the caret', async () => {
      const input = await fixture<HTMLInputElement>(html`<input value="ad" />`);
      clickOn(input);
      input.setSelectionRange(1, 1);
      const seen = record(input, ['keydown', 'keypress', 'beforeinput', 'input', 'keyup']);
      expect(type('bc')).to.deep.equal({ ok: true });
      expect(input.value).to.equal('abcd');
      expect(input.selectionStart).to.equal(3);
      expect(seen.map((e) => e.type)).to.deep.equal([...['keydown', 'keypress', 'beforeinput', 'input', 'keyup'], ...['keydown', 'keypress', 'beforeinput', 'input', 'keyup']]);
      expect((seen[0] as KeyboardEvent).key).to.equal('b');
      expect((seen[2] as InputEvent).inputType).to.equal('insertText');
      expect((seen[3] as InputEvent).data).to.equal('b');
    });

    it('fills a controlled input (React-style value tracker) that resets unless an input event came', async () => {
      const input = await fixture<HTMLInputElement>(html`<input aria-label="name" />`);
      const controlled = controlledInput(input);
      clickOn(input);
      expect(type('Priya')).to.deep.equal({ ok: true });
      await tick();
      expect(controlled.state()).to.equal('Priya');
      expect(input.value).to.equal('Priya');
      // The guard is real: a plain assignment is put back.
      input.value = 'forged';
      input.dispatchEvent(new Event('keyup'));
      await tick();
      expect(input.value).to.equal('Priya');
    });

    it('fills a lit element’s input through its own binding', async () => {
      const el = await fixture<ShoutingField>(html`<remote-input-shouting-field></remote-input-shouting-field>`);
      const input = el.shadowRoot!.querySelector('input')!;
      clickOn(input);
      expect(type('hola')).to.deep.equal({ ok: true });
      await el.updateComplete;
      expect(el.value).to.equal('HOLA');
      expect(input.value).to.equal('HOLA');
    });

    it('honours maxlength, readonly and a cancelled beforeinput', async () => {
      const box = await fixture<HTMLDivElement>(html`<div>
        <input id="max" maxlength="3" /><input id="ro" readonly value="fixed" />
        <input id="veto" @beforeinput=${(e: InputEvent) => e.data === 'x' && e.preventDefault()} />
      </div>`);
      clickOn(box.querySelector('#max')!);
      type('abcdef');
      expect(box.querySelector<HTMLInputElement>('#max')!.value).to.equal('abc');
      clickOn(box.querySelector('#ro')!);
      type('zz');
      expect(box.querySelector<HTMLInputElement>('#ro')!.value).to.equal('fixed');
      clickOn(box.querySelector('#veto')!);
      type('axb');
      expect(box.querySelector<HTMLInputElement>('#veto')!.value).to.equal('ab');
    });

    it('edits with Backspace, Delete, arrows, Home and End, and selects with Shift', async () => {
      const input = await fixture<HTMLInputElement>(html`<input />`);
      clickOn(input);
      type('hello');
      press('Backspace');
      expect(input.value).to.equal('hell');
      press('Home');
      press('Delete');
      expect(input.value).to.equal('ell');
      press('End');
      press('ArrowLeft', { shift: true });
      press('ArrowLeft', { shift: true });
      type('X');
      expect(input.value).to.equal('eX');
      press('a', { ctrl: true });
      press('Backspace');
      expect(input.value).to.equal('');
    });

    it('fires change when the edited field loses focus, as the visitor’s typing does', async () => {
      const box = await fixture<HTMLDivElement>(html`<div><input id="one" /><input id="two" /></div>`);
      const one = box.querySelector<HTMLInputElement>('#one')!;
      const changes = record(one, ['change']);
      clickOn(one);
      type('abc');
      expect(changes).to.have.length(0);
      press('Tab');
      expect(changes).to.have.length(1);
      expect(focused()).to.equal('input#two');
    });

    it('Tab and Shift+Tab follow the focus order, skipping disabled fields and the widget', async () => {
      const box = await fixture<HTMLDivElement>(html`<div>
        <input id="a" /><input id="off" disabled /><upscope-widget><button>In widget</button></upscope-widget><button id="b">B</button>
      </div>`);
      clickOn(box.querySelector('#a')!);
      press('Tab');
      expect(focused()).to.equal('button#b');
      press('Tab', { shift: true });
      expect(focused()).to.equal('input#a');
    });

    it('Enter submits a form through its default button; in a textarea it is a new line', async () => {
      let submits = 0;
      const form = await fixture<HTMLFormElement>(html`<form @submit=${(e: Event) => (e.preventDefault(), submits++)}>
        <input name="q" /><textarea name="t"></textarea><button>Send</button>
      </form>`);
      const clicks = record(form.querySelector('button')!, ['click']);
      clickOn(form.querySelector('textarea')!);
      type('one');
      press('Enter');
      type('two');
      expect(form.querySelector('textarea')!.value).to.equal('one\ntwo');
      expect(submits).to.equal(0);
      clickOn(form.querySelector('input')!);
      type('ok');
      press('Enter');
      expect(clicks).to.have.length(1);
      expect(submits).to.equal(1);
    });

    it('Enter in the only field of a form with no button submits it; with two such fields it does not', async () => {
      let submits = 0;
      const box = await fixture<HTMLDivElement>(html`<div @submit=${(e: Event) => (e.preventDefault(), submits++)}>
        <form id="one"><input /></form><form id="two"><input /><input /></form>
      </div>`);
      clickOn(box.querySelector('#one input')!);
      press('Enter');
      expect(submits).to.equal(1);
      clickOn(box.querySelector('#two input')!);
      press('Enter');
      expect(submits).to.equal(1);
    });

    it('types into a contenteditable at the selection, and deletes and breaks lines there', async () => {
      const el = await fixture<HTMLDivElement>(html`<div contenteditable="true" style="width:200px;min-height:40px">ac</div>`);
      const inputs = record(el, ['beforeinput', 'input']);
      clickOn(el);
      const text = el.firstChild as Text;
      getSelection()!.setBaseAndExtent(text, 1, text, 1);
      expect(type('b')).to.deep.equal({ ok: true });
      expect(el.textContent).to.equal('abc');
      press('End');
      press('Backspace');
      expect(el.textContent).to.equal('ab');
      press('Enter');
      type('x');
      expect(el.innerText.trim().replace(/\n+/g, '|')).to.equal('ab|x');
      expect(inputs.map((e) => e.type).slice(0, 2)).to.deep.equal(['beforeinput', 'input']);
    });

    it('space presses a focused button and toggles a focused checkbox', async () => {
      const box = await fixture<HTMLDivElement>(html`<div><button id="b">B</button><input type="checkbox" id="c" /></div>`);
      const clicks = record(box.querySelector('#b')!, ['click']);
      clickOn(box.querySelector('#b')!);
      clicks.length = 0;
      press(' ');
      expect(clicks).to.have.length(1);
      (box.querySelector('#c') as HTMLElement).focus();
      press(' ');
      expect(box.querySelector<HTMLInputElement>('#c')!.checked).to.equal(true);
      // The viewer sends a space the agent types as text: on a checkbox it is still the Space key.
      type(' ');
      expect(box.querySelector<HTMLInputElement>('#c')!.checked).to.equal(false);
    });

    it('picks a <select> option with the arrows and by typing, firing input and change', async () => {
      const select = await fixture<HTMLSelectElement>(html`<select>
        <option>Austria</option><option disabled>Belgium</option><option>Chile</option><option>Denmark</option>
      </select>`);
      const seen = record(select, ['input', 'change']);
      clickOn(select);
      expect(focused()).to.equal('select');
      press('ArrowDown');
      expect(select.value).to.equal('Chile');
      expect(seen.map((e) => e.type)).to.deep.equal(['input', 'change']);
      type('d');
      expect(select.value).to.equal('Denmark');
      press('Home');
      expect(select.value).to.equal('Austria');
    });

    it('moves through a radio group with the arrows', async () => {
      const form = await fixture<HTMLFormElement>(html`<form><input type="radio" name="s" value="1" checked /><input type="radio" name="s" value="2" /></form>`);
      clickOn(form.querySelector('input')!);
      press('ArrowDown');
      expect(new FormData(form).get('s')).to.equal('2');
    });

    it('a page that moves focus mid-typing cannot lead it into a password field', async () => {
      const box = await fixture<HTMLDivElement>(html`<div><input id="code" /><input id="pin" type="password" /></div>`);
      const code = box.querySelector<HTMLInputElement>('#code')!;
      const pin = box.querySelector<HTMLInputElement>('#pin')!;
      code.addEventListener('input', () => code.value.length === 2 && pin.focus());
      clickOn(code);
      const message = expectRefused(type('12345'), 'masked');
      expect(message).to.match(/typed 2 of 5/).and.match(/password/);
      expect(code.value).to.equal('12');
      expect(pin.value).to.equal('');
    });

    it('a keydown handler that moves focus to a password field stops the character there', async () => {
      const box = await fixture<HTMLDivElement>(html`<div><input id="code" /><input id="pin" type="password" /></div>`);
      const code = box.querySelector<HTMLInputElement>('#code')!;
      const pin = box.querySelector<HTMLInputElement>('#pin')!;
      code.addEventListener('keydown', () => code.value.length === 2 && pin.focus());
      clickOn(code);
      expect(expectRefused(type('12345'), 'masked')).to.match(/typed 2 of 5/);
      expect(code.value).to.equal('12');
      expect(pin.value).to.equal('');
    });

    it('text with nothing focused has no target; Escape closes a modal dialog', async () => {
      expectRefused(type('lost'), 'noTarget');
      const dialog = await fixture<HTMLDialogElement>(html`<dialog><button>In dialog</button></dialog>`);
      dialog.showModal();
      expect(press('Escape')).to.deep.equal({ ok: true });
      expect(dialog.open).to.equal(false);
    });
  });

  describe('the wheel', () => {
    it('scrolls the scroll box under the pointer, not the page, after a wheel event', async () => {
      const box = await fixture<HTMLDivElement>(html`<div style="height:100px;width:200px;overflow:auto"><div style="height:1000px">tall <input type="password" style="margin-top:5px" /></div></div>`);
      const wheels = record(box, ['wheel']);
      const pageY = scrollY;
      expect(send({ kind: 'wheel', ...middle(box), deltaX: 0, deltaY: 120 })).to.deep.equal({ ok: true });
      expect(box.scrollTop).to.equal(120);
      expect(scrollY).to.equal(pageY);
      expect((wheels[0] as WheelEvent).deltaY).to.equal(120);
    });

    it('does not scroll when the page cancels the wheel event', async () => {
      const box = await fixture<HTMLDivElement>(html`<div style="height:100px;overflow:auto" @wheel=${(e: Event) => e.preventDefault()}><div style="height:1000px"></div></div>`);
      send({ kind: 'wheel', ...middle(box), deltaX: 0, deltaY: 120 });
      expect(box.scrollTop).to.equal(0);
    });

    it('over masked content scrolls its container without giving the masked element the wheel event', async () => {
      const box = await fixture<HTMLDivElement>(html`<div style="height:100px;overflow:auto"><div data-upscope-masked style="height:1000px">secret</div></div>`);
      const masked = box.firstElementChild!;
      const onMasked = record(masked, ['wheel']);
      send({ kind: 'wheel', ...middle(box), deltaX: 0, deltaY: 50 });
      expect(box.scrollTop).to.equal(50);
      expect(onMasked).to.have.length(0);
    });
  });

  describe('masked content never receives remote input', () => {
    it('refuses a click on a password field, a card field, a marked field and one inside <upscope-masked>, and on their labels', async () => {
      const form = await fixture<HTMLFormElement>(html`<form style="display:grid;justify-items:start">
        <input id="pw" type="password" />
        <input id="card" autocomplete="cc-number" />
        <input id="marked" data-upscope-masked />
        <upscope-masked><span><input id="inside" /></span></upscope-masked>
        <label id="label" for="card">Card number</label>
      </form>`);
      const seen = record(form, ['pointerdown', 'mousedown', 'click', 'focus']);
      const messages = ['#pw', '#card', '#marked', '#inside', '#label'].map((id) => expectRefused(clickOn(form.querySelector(id)!), 'masked'));
      expect(messages[0]).to.match(/password/);
      expect(messages[1]).to.match(/card/);
      expect(messages[3]).to.match(/upscope-masked/);
      expect(messages[4]).to.match(/card/);
      expect(seen).to.have.length(0);
      expect(focused()).to.equal('body');
    });

    it('refuses a click inside a mask that takes no pointer events (a keypad\'s digits over plain buttons, rt19): hit testing finds the button, the agent sees the digit black', async () => {
      const pad = await fixture<HTMLElement>(html`<div style="display:grid;grid-template-columns:repeat(3,60px)">
        ${[1, 2, 3].map((d) => html`<button id=${`k${d}`} style="width:60px;height:60px;padding:0"><span class="no-upscope" style="pointer-events:none;display:block;font-size:40px;line-height:60px">${d}</span></button>`)}
        <button id="plain" style="width:60px;height:60px">ok</button>
      </div>`);
      const seen = record(pad, ['pointerdown', 'mousedown', 'click', 'focus']);
      for (const d of [1, 2, 3]) expect(expectRefused(clickOn(pad.querySelector(`#k${d} span`)!), 'masked')).to.match(/masked area the agent sees black/);
      expect(seen, 'events the keypad received').to.have.length(0);
      // A plain button beside them still takes the agent's click.
      expect(clickOn(pad.querySelector('#plain')!).ok).to.equal(true);
      expect(seen.map((e) => e.type)).to.include('click');
    });

    it('refuses a click on a part of a <label> drawn in a shadow root when the label’s control is masked', async () => {
      const box = await fixture<HTMLDivElement>(html`<div>
        <label for="consent"><remote-input-icon id="icon"></remote-input-icon> I agree</label>
        <input type="checkbox" id="consent" data-upscope-masked />
      </div>`);
      const checkbox = box.querySelector<HTMLInputElement>('#consent')!;
      const seen = record(checkbox, ['click']);
      expect(expectRefused(clickOn(box.querySelector('#icon')!.shadowRoot!.querySelector('span')!), 'masked')).to.match(/labels/);
      expect({ checked: checkbox.checked, clicks: seen.length }).to.deep.equal({ checked: false, clicks: 0 });
    });

    it('refuses a field drawn in a dots font the copy cannot embed, which frames show black', async () => {
      const face = new FontFace('remote-input-dots', await (await fetch('/test/capture/fixtures/text-security-disc.woff2')).arrayBuffer());
      document.fonts.add(await face.load());
      try {
        const input = await fixture<HTMLInputElement>(html`<input type="tel" style="font: 24px remote-input-dots; width: 200px" value="1973" />`);
        expect(boxed(findMasks(document), input), 'black in frames').to.equal(true);
        expectRefused(clickOn(input), 'masked');
        input.focus();
        expectRefused(type('0000'), 'masked');
        expect(input.value).to.equal('1973');
      } finally {
        document.fonts.delete(face);
      }
    });

    it('keys in a contenteditable never change masked text inside it: Backspace beside it, a caret in it, a selection holding it', async () => {
      const ed = await fixture<HTMLDivElement>(html`<div contenteditable="true" style="min-height:30px"><span>Note: </span><span data-upscope-masked id="m">4111 1111 1111 1111</span></div>`);
      const masked = ed.querySelector('#m')!;
      ed.focus();
      press('End');
      expectRefused(press('Backspace'), 'masked');
      // The visitor's own caret, or selection, in it.
      getSelection()!.setBaseAndExtent(masked.firstChild!, 4, masked.firstChild!, 4);
      expectRefused(type('x'), 'masked');
      expectRefused(press('Enter'), 'masked');
      getSelection()!.selectAllChildren(ed);
      expectRefused(type('x'), 'masked');
      expectRefused(press('Delete'), 'masked');
      expect(masked.isConnected && masked.textContent).to.equal('4111 1111 1111 1111');
      // Outside it, editing goes on.
      getSelection()!.setBaseAndExtent(ed.firstChild!.firstChild!, 4, ed.firstChild!.firstChild!, 4);
      expect(type('s')).to.deep.equal({ ok: true });
      expect(ed.textContent).to.equal('Notes: 4111 1111 1111 1111');
    });

    it('refuses a click on text a ::highlight() or ::selection hides, which frames show black, and an edit of such text in a contenteditable', async () => {
      const style = document.createElement('style');
      style.textContent = '::highlight(remote-hidden) { color: transparent; } #sel::selection { color: transparent; background: transparent; }';
      document.head.append(style);
      try {
        const box = await fixture<HTMLDivElement>(html`<div style="font: 20px sans-serif">
          <p>Card: <span id="hl">4111 1111 1111 1111</span></p>
          <p>PIN: <span id="sel">1973</span></p>
          <div id="ed" contenteditable="true">Note: <span id="edhl">4242 4242</span> end</div>
        </div>`);
        const hl = box.querySelector('#hl')!;
        const sel = box.querySelector('#sel')!;
        const secret = box.querySelector('#edhl')!.firstChild as Text;
        const ranges = [hl.firstChild!, secret].map((text) => {
          const range = new Range();
          range.selectNodeContents(text);
          return range;
        });
        CSS.highlights.set('remote-hidden', new Highlight(...ranges));
        const seen = record(box, ['pointerdown', 'mousedown', 'click']);
        expect(boxed(findMasks(document), hl), 'highlighted: black in frames').to.equal(true);
        expect(expectRefused(clickOn(hl), 'masked')).to.match(/hides/);
        getSelection()!.selectAllChildren(sel);
        expect(boxed(findMasks(document), sel), 'selected: black in frames').to.equal(true);
        expectRefused(clickOn(sel), 'masked');
        expect(seen.map((e) => e.type), 'events').to.deep.equal([]);
        // In a contenteditable: a caret inside the hidden text, Backspace just after it.
        const ed = box.querySelector<HTMLElement>('#ed')!;
        ed.focus();
        getSelection()!.setBaseAndExtent(secret, 2, secret, 2);
        expectRefused(type('x'), 'masked');
        const after = ed.lastChild as Text;
        getSelection()!.setBaseAndExtent(after, 0, after, 0);
        expectRefused(press('Backspace'), 'masked');
        expect(secret.data).to.equal('4242 4242');
        // Beside it, editing goes on.
        getSelection()!.setBaseAndExtent(after, 4, after, 4);
        expect(type('!')).to.deep.equal({ ok: true });
        expect(ed.textContent).to.equal('Note: 4242 4242 end!');
      } finally {
        style.remove();
        CSS.highlights.delete('remote-hidden');
        getSelection()!.removeAllRanges();
      }
    });

    it('the agent’s caret in a contenteditable steps over masked text as over one character, never rests in it, and no selection of the agent’s holds it', async () => {
      const style = document.createElement('style');
      style.textContent = '::highlight(remote-caret) { color: transparent; }';
      document.head.append(style);
      try {
        const ed = await fixture<HTMLDivElement>(html`<div contenteditable="true" style="font: 16px monospace; width: 600px"><span data-upscope-masked id="m">4111 1111</span>ab<span id="h">5555</span>cd</div>`);
        const masked = ed.querySelector('#m')!;
        const ab = masked.nextSibling as Text;
        const hiddenText = ed.querySelector('#h')!.firstChild as Text;
        const range = new Range();
        range.selectNodeContents(hiddenText);
        CSS.highlights.set('remote-caret', new Highlight(range));
        /** Where the caret is against `within` (the masked text, or the hidden range): before, in or after; in the masked element counts as in (typing there goes into it). */
        const caret = (within: Range): string => {
          const s = getSelection()!;
          if (masked.contains(s.focusNode)) return 'in';
          const at = document.createRange();
          at.setStart(s.focusNode!, s.focusOffset);
          if (at.compareBoundaryPoints(Range.START_TO_START, within) <= 0) return 'before';
          return at.compareBoundaryPoints(Range.END_TO_START, within) >= 0 ? 'after' : 'in';
        };
        const maskedRange = new Range();
        maskedRange.selectNodeContents(masked.firstChild!);
        // A click on the editor focuses it; its caret is not left in the masked text it begins with.
        expect(clickOn(ed)).to.deep.equal({ ok: true });
        expect(caret(maskedRange), 'after the click').to.equal('before');
        // One ArrowRight crosses the mask, one ArrowLeft comes back, Home and End do not stop in it.
        expect(press('ArrowRight')).to.deep.equal({ ok: true });
        expect(caret(maskedRange), 'ArrowRight').to.equal('after');
        // Beside it, Shift selects as ever.
        expect(press('ArrowRight', { shift: true }), 'Shift+ArrowRight beside it').to.deep.equal({ ok: true });
        expect(getSelection()!.toString()).to.equal('a');
        getSelection()!.setBaseAndExtent(ed, 1, ed, 1);
        press('ArrowLeft');
        expect(caret(maskedRange), 'ArrowLeft').to.equal('before');
        press('End');
        press('Home');
        expect(caret(maskedRange), 'Home').to.equal('before');
        // Shift+ArrowRight and Ctrl+A would select it: refused, the caret left where it was.
        expectRefused(press('ArrowRight', { shift: true }), 'masked');
        expectRefused(press('a', { ctrl: true }), 'masked');
        expect({ collapsed: getSelection()!.isCollapsed, at: caret(maskedRange) }).to.deep.equal({ collapsed: true, at: 'before' });
        // Text a highlight hides is crossed the same way, and typing goes in past it.
        getSelection()!.setBaseAndExtent(ab, 2, ab, 2);
        press('ArrowRight');
        expect(caret(range), 'ArrowRight over the hidden text').to.equal('after');
        expect(type('!')).to.deep.equal({ ok: true });
        expect({ hidden: range.toString(), all: ed.textContent }).to.deep.equal({ hidden: '5555', all: '4111 1111ab5555!cd' });
      } finally {
        style.remove();
        CSS.highlights.delete('remote-caret');
        getSelection()!.removeAllRanges();
      }
    });

    it('Enter in a plain field does not press a masked default button', async () => {
      const form = await fixture<HTMLFormElement>(html`<form @submit=${(e: Event) => e.preventDefault()}><input id="q" /><button id="pay" type="submit" data-upscope-masked>Pay</button></form>`);
      const seen = record(form.querySelector('#pay')!, ['click']);
      clickOn(form.querySelector('#q')!);
      expect(expectRefused(press('Enter'), 'masked')).to.match(/default button/);
      expect(seen).to.have.length(0);
    });

    it('the arrows in a radio group do not check (or click) a masked radio of the group; Tab passes over masked fields', async () => {
      const form = await fixture<HTMLFormElement>(html`<form>
        <input type="radio" name="plan" id="basic" value="basic" checked />
        <input type="radio" name="plan" id="secret" value="secret" data-upscope-masked />
        <input id="after" /><input id="pw" type="password" /><input id="last" />
      </form>`);
      const secret = form.querySelector<HTMLInputElement>('#secret')!;
      const seen = record(secret, ['click', 'focus']);
      clickOn(form.querySelector('#basic')!);
      expectRefused(press('ArrowDown'), 'masked');
      expect({ checked: secret.checked, events: seen.length }).to.deep.equal({ checked: false, events: 0 });
      clickOn(form.querySelector('#after')!);
      press('Tab');
      expect(focused()).to.equal('input#last');
      press('Tab', { shift: true });
      expect(focused()).to.equal('input#after');
    });

    it('a press whose target the page takes away is not released onto masked content the page put under the pointer', async () => {
      const box = await fixture<HTMLDivElement>(html`<div style="position:relative;height:40px">
        <input id="secret" data-upscope-masked style="position:absolute;left:0;top:0;width:100px;height:30px" />
        <button id="go" style="position:absolute;left:0;top:0;width:100px;height:30px">Go</button>
      </div>`);
      const go = box.querySelector('#go')!;
      go.addEventListener('mousedown', () => go.remove());
      const seen = record(box.querySelector('#secret')!, ['pointerup', 'mouseup', 'click']);
      expectRefused(clickOn(go), 'masked');
      expect(seen).to.have.length(0);
    });

    it('Escape does not close a masked popover', async () => {
      const popover = await fixture<HTMLDivElement>(html`<div popover data-upscope-masked>PIN 1234</div>`);
      popover.showPopover();
      expectRefused(press('Escape'), 'masked');
      expect(popover.matches(':popover-open')).to.equal(true);
      popover.hidePopover();
    });

    it('Escape does not close a masked popover open above an unmasked one: opened from a button in it (earlier in the document), or in an open shadow root inside it', async () => {
      // Hiding the menu would hide every popover above it in the stack: the masked one too.
      const box = await fixture<HTMLDivElement>(html`<div>
        <div id="otp" popover data-upscope-masked>PIN 1234</div>
        <div id="menu" popover><button popovertarget="otp">Code</button><div id="host"></div></div>
      </div>`);
      const menu = box.querySelector<HTMLElement>('#menu')!;
      const otp = box.querySelector<HTMLElement>('#otp')!;
      const shadow = box.querySelector('#host')!.attachShadow({ mode: 'open' });
      shadow.innerHTML = '<button popovertarget="pin">PIN</button><div id="pin" popover data-upscope-masked>PIN 5678</div>';
      const pin = shadow.querySelector<HTMLElement>('#pin')!;
      const rows = [
        ['invoker in the menu', box.querySelector('button')!, otp],
        ['shadow root in the menu', shadow.querySelector('button')!, pin],
      ].map(([way, button, masked]) => {
        menu.showPopover();
        (button as HTMLElement).click();
        const result = press('Escape');
        const row = `${way as string}: ${result.ok ? 'ok' : result.reason}, ${(masked as HTMLElement).matches(':popover-open') && menu.matches(':popover-open') ? 'kept' : 'CLOSED'}`;
        menu.hidePopover();
        return row;
      });
      expect(rows).to.deep.equal(['invoker in the menu: masked, kept', 'shadow root in the menu: masked, kept']);
    });

    it('Escape does not close a masked <dialog popover> opened from an unmasked popover, and closes an unmasked one on top as a popover', async () => {
      // A dialog shown as a popover is in the popover stack: hiding the menu below it hides it too.
      const box = await fixture<HTMLDivElement>(html`<div>
        <dialog id="panel" popover data-upscope-masked>PIN 1234</dialog><dialog id="help" popover>Help</dialog>
        <div id="menu" popover><button id="to-panel" popovertarget="panel">Code</button><button id="to-help" popovertarget="help">Help</button></div>
      </div>`);
      const menu = box.querySelector<HTMLElement>('#menu')!;
      const panel = box.querySelector<HTMLDialogElement>('#panel')!;
      const help = box.querySelector<HTMLDialogElement>('#help')!;
      menu.showPopover();
      box.querySelector<HTMLElement>('#to-panel')!.click();
      expectRefused(press('Escape'), 'masked');
      expect({ panel: panel.matches(':popover-open'), menu: menu.matches(':popover-open') }).to.deep.equal({ panel: true, menu: true });
      panel.hidePopover();
      box.querySelector<HTMLElement>('#to-help')!.click();
      expect(press('Escape')).to.deep.equal({ ok: true });
      expect({ help: help.matches(':popover-open'), menu: menu.matches(':popover-open') }).to.deep.equal({ help: false, menu: true });
      menu.hidePopover();
    });

    it('Escape closes what is on top: a popover opened over a masked modal dialog, not the dialog; a masked dialog in an open shadow root (modal, or closedby) is refused unless a popover is open over it', async () => {
      const box = await fixture<HTMLDivElement>(html`<div>
        <dialog id="card" data-upscope-masked>4111 1111 1111 1111</dialog><div id="tip" popover>Help</div><div id="host"></div>
      </div>`);
      const card = box.querySelector<HTMLDialogElement>('#card')!;
      const tip = box.querySelector<HTMLElement>('#tip')!;
      card.showModal();
      tip.showPopover();
      // Keys with focus in the masked dialog are refused as such: the visitor clicked its background.
      (document.activeElement as HTMLElement).blur();
      const result = press('Escape');
      expect({ result, tip: tip.matches(':popover-open'), card: card.open }).to.deep.equal({ result: { ok: true }, tip: false, card: true });
      card.close();
      const shadow = box.querySelector('#host')!.attachShadow({ mode: 'open' });
      shadow.innerHTML = '<dialog data-upscope-masked>Code 123456</dialog>';
      const code = shadow.querySelector('dialog')!;
      code.showModal();
      expectRefused(press('Escape'), 'masked');
      expect(code.open).to.equal(true);
      code.close();
      // A non-modal dialog that closedby lets Escape close is on top as well.
      code.setAttribute('closedby', 'any');
      code.show();
      expectRefused(press('Escape'), 'masked');
      expect(code.open).to.equal(true);
      code.close();
      // A popover opened over it is on top, since showing the dialog would have closed the popover.
      const help = document.createElement('div');
      help.popover = 'auto';
      box.append(help);
      code.show();
      help.showPopover();
      (document.activeElement as HTMLElement).blur();
      expect(press('Escape')).to.deep.equal({ ok: true });
      expect({ help: help.matches(':popover-open'), code: code.open }).to.deep.equal({ help: false, code: true });
      code.close();
    });

    it('a click outside a masked auto or hint popover, or a masked closedby=any dialog, does not light-dismiss it', async () => {
      // Chromium light-dismisses on the visitor's own (trusted) pointer only. Should that change,
      // such a click must be refused as Escape is (remote-input-escape.ts).
      const box = await fixture<HTMLDivElement>(html`<div>
        <button id="out" style="position: fixed; left: 5px; top: 5px">Out</button>
        <div id="auto" popover data-upscope-masked style="top: 300px">PIN 1234</div>
        <div id="hint" popover="hint" data-upscope-masked style="top: 300px">PIN 5678</div>
        <dialog id="dlg" closedby="any" data-upscope-masked style="top: 300px">Code 123456</dialog>
      </div>`);
      const out = box.querySelector('#out')!;
      const kept = (['auto', 'hint', 'dlg'] as const).map((id) => {
        const el = box.querySelector<HTMLElement>(`#${id}`)!;
        if (id === 'dlg') (el as HTMLDialogElement).show();
        else el.showPopover();
        const result = clickOn(out);
        const open = id === 'dlg' ? (el as HTMLDialogElement).open : el.matches(':popover-open');
        if (id === 'dlg') (el as HTMLDialogElement).close();
        else if (open) el.hidePopover();
        return `${id}: ${result.ok ? 'ok' : result.reason}, ${open ? 'kept' : 'CLOSED'}`;
      });
      expect(kept).to.deep.equal(['auto: ok, kept', 'hint: ok, kept', 'dlg: ok, kept']);
    });

    it('a refused click takes focus off the field the agent was in, so its next keys land nowhere', async () => {
      const box = await fixture<HTMLDivElement>(html`<div><input id="before" /><input id="card" autocomplete="cc-number" /></div>`);
      clickOn(box.querySelector('#before')!);
      expectRefused(clickOn(box.querySelector('#card')!), 'masked');
      expectRefused(type('4242'), 'noTarget');
      expect(box.querySelector<HTMLInputElement>('#before')!.value).to.equal('');
    });

    it('refuses typing and keys into a focused password or card field (the visitor focused it)', async () => {
      const box = await fixture<HTMLDivElement>(html`<div><input id="pw" type="password" value="s3cret" /><input id="card" autocomplete="cc-number" /></div>`);
      const pw = box.querySelector<HTMLInputElement>('#pw')!;
      pw.focus();
      const seen = record(pw, ['keydown', 'beforeinput', 'input']);
      expect(expectRefused(type('x'), 'masked')).to.match(/password/);
      expectRefused(press('Backspace'), 'masked');
      expect(pw.value).to.equal('s3cret');
      expect(seen).to.have.length(0);
      box.querySelector<HTMLInputElement>('#card')!.focus();
      expectRefused(type('4242'), 'masked');
      expect(box.querySelector<HTMLInputElement>('#card')!.value).to.equal('');
    });

    it('refuses a field that was a password field once ("show password")', async () => {
      const input = await fixture<HTMLInputElement>(html`<input type="password" />`);
      expectRefused(clickOn(input), 'masked');
      input.type = 'text';
      await tick(); // the page's own task ends before the agent's next input arrives
      input.focus();
      expectRefused(type('abc'), 'masked');
      expect(input.value).to.equal('');
    });

    it('typing guesses into a plain field tells the agent nothing of the visitor’s password: a right and a wrong guess get the same answer, and neither masks the field', async () => {
      const box = await fixture<HTMLDivElement>(html`<div><input id="pw" type="password" /><input id="search" /></div>`);
      await visitorTypesPassword(box.querySelector<HTMLInputElement>('#pw')!, '2468');
      const search = box.querySelector<HTMLInputElement>('#search')!;
      findMasks(document);
      // One more character after the guess: the engine judges the focused field before each one.
      const guess = (value: string) => {
        clickOn(search);
        press('a', { ctrl: true });
        press('Backspace');
        const answer = type(`${value}x`);
        press('Backspace');
        return { answer, black: boxed(findMasks(document), search) };
      };
      const wrong = guess('1357');
      const right = guess('2468');
      expect(right).to.deep.equal(wrong);
      expect(right).to.deep.equal({ answer: { ok: true }, black: false });
      expect(search.value).to.equal('2468');
    });

    it('a plain field the agent typed into is masked once the visitor types their password into it, even the value the agent typed', async () => {
      const box = await fixture<HTMLDivElement>(html`<div><input id="pw" type="password" /><input id="plain" /></div>`);
      await visitorTypesPassword(box.querySelector<HTMLInputElement>('#pw')!, '9753');
      const plain = box.querySelector<HTMLInputElement>('#plain')!;
      clickOn(plain);
      expect(type('9753')).to.deep.equal({ ok: true });
      plain.blur();
      // The visitor pastes their password over it (by mistake): from then on it is the visitor's.
      plain.focus();
      plain.select();
      await sendKeys({ type: '9753' });
      plain.blur();
      expect(boxed(findMasks(document), plain), 'black in frames').to.equal(true);
      expect(expectRefused(clickOn(plain), 'masked')).to.match(/password/);
    });

    it('in mask-all mode refuses fields outside [data-upscope-unmasked] and types inside it', async () => {
      const box = await fixture<HTMLDivElement>(html`<div><input id="out" /><div data-upscope-unmasked><input id="in" /><input id="pw" type="password" /></div></div>`);
      const maskAll = { maskAll: true };
      expect(expectRefused(clickOn(box.querySelector('#out')!, maskAll), 'masked')).to.match(/mask-all/);
      (box.querySelector('#out') as HTMLElement).focus();
      expectRefused(type('x', maskAll), 'masked');
      expect(clickOn(box.querySelector('#in')!, maskAll)).to.deep.equal({ ok: true });
      expect(type('ok', maskAll)).to.deep.equal({ ok: true });
      expect(box.querySelector<HTMLInputElement>('#in')!.value).to.equal('ok');
      expectRefused(clickOn(box.querySelector('#pw')!, maskAll), 'masked');
    });

    it('refuses a click on a reset button, or Enter and Space on it, whose form holds masked fields: the visitor\'s password and card stay', async () => {
      const form = await fixture<HTMLFormElement>(html`<form><input id="pw" type="password" /><input id="card" autocomplete="cc-number" /><button id="reset" type="reset"><span id="icon">Start over</span></button></form>`);
      const pw = form.querySelector<HTMLInputElement>('#pw')!;
      const card = form.querySelector<HTMLInputElement>('#card')!;
      pw.value = 's3cret';
      card.value = '4242424242424242';
      expect(expectRefused(clickOn(form.querySelector('#icon')!), 'masked')).to.match(/resets/);
      (form.querySelector('#reset') as HTMLElement).focus();
      expectRefused(press('Enter'), 'masked');
      expectRefused(press(' '), 'masked');
      const label = await fixture<HTMLLabelElement>(html`<label for="reset">Start over</label>`);
      expect(expectRefused(clickOn(label), 'masked'), 'through a <label for> of the reset button').to.match(/resets/);
      expect({ pw: pw.value, card: card.value }).to.deep.equal({ pw: 's3cret', card: '4242424242424242' });
      const plain = await fixture<HTMLFormElement>(html`<form><input id="q" /><button type="reset">Clear</button></form>`);
      plain.querySelector<HTMLInputElement>('#q')!.value = 'typed';
      expect(clickOn(plain.querySelector('button')!), 'a form with no masked field resets').to.deep.equal({ ok: true });
      expect(plain.querySelector<HTMLInputElement>('#q')!.value).to.equal('');
    });

    it('in mask-all mode refuses a click on an option of a list box (the select is the masked field): nothing reaches it', async () => {
      const select = await fixture<HTMLSelectElement>(html`<select size="4" style="font: 16px monospace; width: 200px"><option>alpha</option><option>bravo</option><optgroup label="more"><option>charlie</option></optgroup></select>`);
      const events = record(select, ['mousedown', 'click', 'input', 'change']);
      expect(expectRefused(clickOn(select.options[1]!, { maskAll: true }), 'masked')).to.match(/mask-all/);
      expectRefused(clickOn(select.options[2]!, { maskAll: true }), 'masked');
      expect({ selected: select.selectedIndex, events: events.map((e) => e.type) }).to.deep.equal({ selected: -1, events: [] });
    });

    it('in mask-all mode refuses typing into a contenteditable outside [data-upscope-unmasked]', async () => {
      const el = await fixture<HTMLDivElement>(html`<div contenteditable="true" style="min-height:30px">hidden text</div>`);
      el.focus();
      expectRefused(type('x', { maskAll: true }), 'masked');
      expect(el.textContent).to.equal('hidden text');
    });
  });

  describe('what the site allows and what is malformed', () => {
    it('refuses each kind the site does not allow', async () => {
      const input = await fixture<HTMLInputElement>(html`<input />`);
      input.focus();
      expect(expectRefused(clickOn(input, { allowClick: false }), 'notAllowed')).to.match(/allowRemoteClick/);
      expect(expectRefused(type('a', { allowType: false }), 'notAllowed')).to.match(/allowRemoteType/);
      expectRefused(press('Enter', {}, { allowType: false }), 'notAllowed');
      expect(expectRefused(send({ kind: 'wheel', x: 10, y: 10, deltaX: 0, deltaY: 10 }, { allowScroll: false }), 'notAllowed')).to.match(/allowRemoteScroll/);
      expect(input.value).to.equal('');
    });

    it('refuses malformed input as invalid and never throws', () => {
      const bad: unknown[] = [
        null,
        'click',
        { kind: 'click', x: Number.NaN, y: 10 },
        { kind: 'click', x: 10, y: Number.POSITIVE_INFINITY },
        { kind: 'click', x: '10', y: 10 },
        { kind: 'click', x: 10, y: 10, button: 7 },
        { kind: 'wheel', x: 10, y: 10, deltaX: 0, deltaY: 1e12 },
        { kind: 'text', text: 'x'.repeat(100_000) },
        { kind: 'text', text: '' },
        { kind: 'text', text: 42 },
        { kind: 'text', text: 'bell\u0007' },
        { kind: 'text', text: 'half \uD83D' },
        { kind: 'key', key: 'F13' },
        { kind: 'key', key: 'Enter', shift: 'yes' },
        { kind: 'drag', x: 1, y: 1 },
      ];
      for (const input of bad) expectRefused(applyRemoteInput(input as RemoteInput, ALL), 'invalid');
    });
  });
});
