/**
 * Remote input in real Chromium never changes masked content through a control that acts on it by
 * reference (security.md: masked content never receives remote input, "nor a default action that
 * would"): invoker buttons (`popovertarget`, `commandfor`) and the summary of an exclusive
 * `<details name>`, pressed by a click, Enter or Space, or through a `<label>`. rt7 L11.
 */
import { expect, fixture, html } from '@open-wc/testing';
import { applyRemoteInput, type RemoteInputOptions } from '../../src/visitor/remote-input.js';
import type { RemoteInput, RemoteInputResult } from '../../src/protocol/remote-input.js';

const ALL: RemoteInputOptions = { allowClick: true, allowType: true, allowScroll: true, maskAll: false };

function send(input: RemoteInput): RemoteInputResult {
  return applyRemoteInput(input, ALL);
}

function clickOn(el: Element): RemoteInputResult {
  const r = el.getBoundingClientRect();
  return send({ kind: 'click', x: r.left + r.width / 2, y: r.top + r.height / 2 });
}

/** Enter or Space with `el` focused (the visitor's focus, or the agent's earlier click). */
function pressOn(el: Element, key: 'Enter' | ' '): RemoteInputResult {
  (el as HTMLElement).focus();
  return send({ kind: 'key', key });
}

/** The answer in words and whether the masked element is as it was: one row per way in. */
function row(way: string, result: RemoteInputResult, kept: boolean): string {
  return `${way}: ${result.ok ? 'ok' : `${result.reason} (${result.message})`}, ${kept ? 'kept' : 'CHANGED'}`;
}

/** A row for a way in refused as the masked target it reaches (not as a masked element under the point). */
function refusedRow(way: string, said: RegExp): string {
  return `${way}: masked (${said.source}), kept`;
}

function expectRows(rows: string[], ways: string[], said: RegExp): void {
  const seen = rows.map((r) => r.replace(/\((.*)\)/, (all, message: string) => (said.test(message) ? `(${said.source})` : all)));
  expect(seen).to.deep.equal(ways.map((w) => refusedRow(w, said)));
}

describe('remote input: controls that act on masked content by reference', () => {
  it('a popovertarget button (hide) does not close a masked popover: by a click, Enter, Space, its <label>, nor an <input type=button>', async () => {
    const box = await fixture<HTMLDivElement>(html`<div>
      <button id="b" popovertarget="ref-pop" popovertargetaction="hide">Hide</button>
      <label for="b">Hide it</label>
      <input id="i" type="button" popovertarget="ref-pop" popovertargetaction="hide" value="Hide too" />
      <div id="ref-pop" popover="manual" data-upscope-masked style="top: 200px">PIN 1234</div>
    </div>`);
    const pop = box.querySelector<HTMLElement>('#ref-pop')!;
    const b = box.querySelector('#b')!;
    const ways: Array<[string, () => RemoteInputResult]> = [
      ['click', () => clickOn(b)],
      ['Enter', () => pressOn(b, 'Enter')],
      ['Space', () => pressOn(b, ' ')],
      ['label', () => clickOn(box.querySelector('label')!)],
      ['input', () => clickOn(box.querySelector('#i')!)],
    ];
    const rows = ways.map(([way, go]) => {
      if (!pop.matches(':popover-open')) pop.showPopover();
      return row(way, go(), pop.matches(':popover-open'));
    });
    expectRows(rows, ways.map(([w]) => w), /acts on <div>, which is/);
  });

  it('a commandfor button (close, request-close) does not close a masked dialog: by a click, Enter or Space', async () => {
    const box = await fixture<HTMLDivElement>(html`<div>
      <button id="close" commandfor="ref-dlg" command="close">Close</button>
      <button id="request" commandfor="ref-dlg" command="request-close">Request close</button>
      <dialog id="ref-dlg" data-upscope-masked style="margin-top: 200px">One-time code 123456</dialog>
    </div>`);
    const dlg = box.querySelector<HTMLDialogElement>('#ref-dlg')!;
    const close = box.querySelector('#close')!;
    const ways: Array<[string, () => RemoteInputResult]> = [
      ['click', () => clickOn(close)],
      ['Enter', () => pressOn(close, 'Enter')],
      ['Space', () => pressOn(close, ' ')],
      ['request-close', () => clickOn(box.querySelector('#request')!)],
    ];
    const rows = ways.map(([way, go]) => {
      if (!dlg.open) dlg.show();
      return row(way, go(), dlg.open);
    });
    expectRows(rows, ways.map(([w]) => w), /acts on <dialog>, which is/);
  });

  it('an invoker does not open masked UI: show-modal on a masked dialog (click, Enter, Space), toggle-popover and show-popover on a masked popover, a popovertarget <input>', async () => {
    const box = await fixture<HTMLDivElement>(html`<div>
      <button id="modal" commandfor="ref-card" command="show-modal">Card</button>
      <button id="toggle" commandfor="ref-panel" command="toggle-popover">Panel</button>
      <button id="show" commandfor="ref-panel" command="show-popover">Panel</button>
      <input id="input" type="button" popovertarget="ref-panel" value="Panel" />
      <dialog id="ref-card" data-upscope-masked>4111 1111 1111 1111</dialog>
      <div id="ref-panel" popover data-upscope-masked>Card 4111</div>
    </div>`);
    const card = box.querySelector<HTMLDialogElement>('#ref-card')!;
    const panel = box.querySelector<HTMLElement>('#ref-panel')!;
    const closed = () => !card.open && !panel.matches(':popover-open');
    const modal = box.querySelector('#modal')!;
    const ways: Array<[string, () => RemoteInputResult]> = [
      ['show-modal', () => clickOn(modal)],
      ['show-modal Enter', () => pressOn(modal, 'Enter')],
      ['show-modal Space', () => pressOn(modal, ' ')],
      ['toggle-popover', () => clickOn(box.querySelector('#toggle')!)],
      ['show-popover', () => clickOn(box.querySelector('#show')!)],
      ['popovertarget input', () => clickOn(box.querySelector('#input')!)],
    ];
    const rows = ways.map(([way, go]) => {
      if (card.open) card.close();
      if (panel.matches(':popover-open')) panel.hidePopover();
      return row(way, go(), closed());
    });
    expectRows(rows, ways.map(([w]) => w), /acts on <(dialog|div)>, which is/);
  });

  it('showing a popover or a modal dialog does not close a masked open popover of the stack (in a shadow root too); with it closed, both open as usual', async () => {
    const box = await fixture<HTMLDivElement>(html`<div>
      <button id="pop" popovertarget="ref-help">Help</button>
      <button id="modal" commandfor="ref-confirm" command="show-modal">Confirm</button>
      <div id="ref-help" popover style="top: 300px">Help</div>
      <dialog id="ref-confirm">Sure?</dialog>
      <div id="ref-code" popover data-upscope-masked style="top: 200px">Code 123456</div>
      <div id="host"></div>
    </div>`);
    const code = box.querySelector<HTMLElement>('#ref-code')!;
    const help = box.querySelector<HTMLElement>('#ref-help')!;
    const confirm = box.querySelector<HTMLDialogElement>('#ref-confirm')!;
    const ways: Array<[string, () => RemoteInputResult]> = [
      ['popover', () => clickOn(box.querySelector('#pop')!)],
      ['show-modal', () => clickOn(box.querySelector('#modal')!)],
    ];
    const rows = ways.map(([way, go]) => {
      if (!code.matches(':popover-open')) code.showPopover();
      return row(way, go(), code.matches(':popover-open'));
    });
    // A masked popover in a shadow root is in the same stack.
    const host = box.querySelector('#host')!;
    const shadow = host.attachShadow({ mode: 'open' });
    shadow.innerHTML = '<div popover data-upscope-masked style="top: 250px">Code 654321</div>';
    const inShadow = shadow.querySelector<HTMLElement>('[popover]')!;
    code.hidePopover();
    inShadow.showPopover();
    rows.push(row('popover, shadow root', clickOn(box.querySelector('#pop')!), inShadow.matches(':popover-open')));
    expectRows(rows, [...ways.map(([w]) => w), 'popover, shadow root'], /would close a popover, which is/);
    inShadow.hidePopover();
    expect(clickOn(box.querySelector('#pop')!), 'no masked popover open').to.deep.equal({ ok: true });
    expect(help.matches(':popover-open')).to.equal(true);
    help.hidePopover();
    expect(clickOn(box.querySelector('#modal')!)).to.deep.equal({ ok: true });
    expect(confirm.open).to.equal(true);
    confirm.close();
  });

  it('a submit does not close a masked dialog through its method=dialog form: a button outside it (form=), by a click, Enter or Space; formmethod=dialog; an <input type=submit>; Enter in a field outside it; an unmasked one closes', async () => {
    const box = await fixture<HTMLDivElement>(html`<div>
      <dialog id="otp" data-upscope-masked>
        <form id="f" method="dialog"><input value="123456" /></form>
        <form id="g"><input value="654321" /></form>
        <form id="h" method="dialog"></form>
      </dialog>
      <button id="b" form="f" value="done">Done</button>
      <button id="m" form="g" formmethod="dialog">Done too</button>
      <input id="i" type="submit" form="f" value="Submit" />
      <input id="field" form="f" />
      <input id="lone" form="h" />
    </div>`);
    const otp = box.querySelector<HTMLDialogElement>('#otp')!;
    const b = box.querySelector('#b')!;
    const ways: Array<[string, () => RemoteInputResult]> = [
      ['click', () => clickOn(b)],
      ['Enter', () => pressOn(b, 'Enter')],
      ['Space', () => pressOn(b, ' ')],
      ['formmethod', () => clickOn(box.querySelector('#m')!)],
      ['input', () => clickOn(box.querySelector('#i')!)],
      ['Enter in a field', () => pressOn(box.querySelector('#field')!, 'Enter')],
      ['Enter, no button', () => pressOn(box.querySelector('#lone')!, 'Enter')],
    ];
    const rows = ways.map(([way, go]) => {
      if (!otp.open) otp.show();
      return row(way, go(), otp.open);
    });
    expectRows(rows, ways.map(([w]) => w), /closes <dialog>, which is/);
    otp.removeAttribute('data-upscope-masked');
    expect(clickOn(b)).to.deep.equal({ ok: true });
    expect({ open: otp.open, returnValue: otp.returnValue }).to.deep.equal({ open: false, returnValue: 'done' });
  });

  it('opening a <details> of an exclusive group (name) does not close a masked open one of the group: by a click on its summary, Enter or Space; a group with none masked works as usual', async () => {
    const box = await fixture<HTMLDivElement>(html`<div>
      <details name="ref-g"><summary id="s">Shipping</summary>Address</details>
      <details name="ref-g" open data-upscope-masked><summary>Card</summary>4111 1111</details>
      <details name="ref-plain"><summary id="p">Plain</summary>One</details>
      <details name="ref-plain" open><summary>Other</summary>Two</details>
    </div>`);
    const [shipping, card, plain, other] = Array.from(box.querySelectorAll('details'));
    const summary = box.querySelector('#s')!;
    const ways: Array<[string, () => RemoteInputResult]> = [
      ['click', () => clickOn(summary)],
      ['Enter', () => pressOn(summary, 'Enter')],
      ['Space', () => pressOn(summary, ' ')],
    ];
    const rows = ways.map(([way, go]) => {
      shipping!.open = false;
      card!.open = true;
      const result = go();
      return row(way, result, card!.open && !shipping!.open);
    });
    expectRows(rows, ways.map(([w]) => w), /close a <details> of its group, which is/);
    expect(clickOn(box.querySelector('#p')!)).to.deep.equal({ ok: true });
    expect({ plain: plain!.open, other: other!.open }).to.deep.equal({ plain: true, other: false });
  });
});
