/**
 * An open panel keeps clear of the page's fields and controls (upscope-widget.keep-clear.ts): it
 * moves to a corner that covers none when the page scrolls a field under it, or slides along a side
 * below a header whose controls are over both top corners, stays there while that covers none,
 * goes back to its own corner when folded, and a widget whose panel is closed listens to none of
 * the page's scrolling. Links in the page's flow (which scrolling takes from under it) and hidden
 * things do not count, and a slid panel never stays partly outside the window.
 */
import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import type { Upscope } from '../../src/visitor/upscope.js';
import type { UpscopeWidget } from '../../src/visitor/elements/upscope-widget/upscope-widget.js';
import { relayInfo, type AgentSocket } from '../support/agent-driver.js';
import { agentAsks, connectedWidget, newSdk, part, until } from './widget-helpers.js';

describe('<upscope-widget> keeps clear of the page', () => {
  let sdk: Upscope | null = null;
  const sockets: AgentSocket[] = [];
  const added: Element[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    for (const el of added.splice(0)) el.remove();
    window.scrollTo(0, 0);
    await sdk?.reset({ reconnect: false }).catch(() => undefined);
    sdk = null;
  });

  /** A tall page with one field at its bottom right, 2 000 px down: out of view until scrolled to. */
  function pageWithFarField(): HTMLInputElement {
    const spacer = document.createElement('div');
    spacer.style.height = '3000px';
    const field = document.createElement('input');
    field.setAttribute('aria-label', 'promo code');
    field.style.cssText = 'position: absolute; top: 2000px; right: 8px; width: 320px; height: 40px';
    document.body.append(spacer, field);
    added.push(spacer, field);
    return field;
  }

  /** A widget whose panel is open: an agent asked and the session is active (no consent asked). */
  async function activePanel(): Promise<UpscopeWidget> {
    const relay = await relayInfo();
    sdk = newSdk({ requireConsent: false });
    const el = await connectedWidget(sdk, relay);
    sockets.push(await agentAsks(relay, sdk));
    await until('the active view', () => el.view === 'active' && part(el, 'stop-button') !== null);
    return el;
  }

  /** Whether any part of `field` is under the widget's box. */
  function covered(el: UpscopeWidget, field: Element): boolean {
    const a = el.getBoundingClientRect();
    const b = field.getBoundingClientRect();
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  it('moves the open panel off a field the page scrolls under it, and folds back into its own corner', async () => {
    const field = pageWithFarField();
    const el = await activePanel();
    await el.updateComplete;
    expect(el.dataset.placed, 'nothing in the way: in its own corner').to.equal(undefined);
    // The field comes into view at the bottom right, where the panel is: no update of the widget
    // follows, only the page's scroll.
    const box = el.getBoundingClientRect();
    // The field's top 44 px above the panel's bottom edge.
    window.scrollTo(0, 2000 + 44 - box.bottom);
    expect(el.dataset.placed === undefined && covered(el, field), 'scrolled: the field is under the panel until it moves').to.equal(true);
    await until('the panel moved off the field', () => el.dataset.placed !== undefined);
    expect(el.dataset.placed).to.equal('top-right');
    expect(covered(el, field), 'the field is clear').to.equal(false);
    // Scrolled back to the top, it stays where it is while that covers nothing (no jumping about
    // as the page scrolls); folded, the small button is in the corner the site chose.
    window.scrollTo(0, 0);
    await new Promise((r) => setTimeout(r, 400));
    expect(el.dataset.placed).to.equal('top-right');
    part(el, 'minimise-button')!.click();
    await until('folded into its own corner', () => el.dataset.placed === undefined);
  });

  it("keeps off the page's controls too: with a header's link and button over both top corners and a field along the bottom, it slides below the header", async () => {
    // A header, fixed at the top, with a link at its left end and a button at its right end; a
    // field, fixed along the bottom: every corner covers something, the space below the header nothing.
    const header = document.createElement('div');
    header.style.cssText = 'position: fixed; top: 0; left: 0; right: 0; height: 56px; display: flex; justify-content: space-between; align-items: center; padding: 0 8px';
    header.innerHTML = '<a href="#">Home</a><button type="button" style="width: 160px">Cart · 3</button>';
    const field = document.createElement('input');
    field.setAttribute('aria-label', 'gift message');
    field.style.cssText = 'position: fixed; left: 0; right: 0; bottom: 0; width: 100%; height: 60px; box-sizing: border-box';
    document.body.append(header, field);
    added.push(header, field);
    const el = await activePanel();
    await until('the panel moved off the field', () => el.dataset.placed !== undefined);
    const [link, button] = header.children;
    expect(covered(el, field), 'the field is clear').to.equal(false);
    expect(covered(el, button), "the header's button is clear").to.equal(false);
    expect(covered(el, link), "the header's link is clear").to.equal(false);
    expect(el.dataset.placed?.startsWith('top'), `below the header, from a top corner (${el.dataset.placed})`).to.equal(true);
    expect(el.getBoundingClientRect().top, "below the header's controls").to.be.greaterThanOrEqual(Math.max(link.getBoundingClientRect().bottom, button.getBoundingClientRect().bottom));
  });

  it('listens to no scrolling while its panel is closed', async () => {
    const seen: string[] = [];
    const add = window.addEventListener;
    window.addEventListener = function (this: Window, type: string, ...rest: unknown[]) {
      seen.push(type);
      return (add as (...a: unknown[]) => void).call(this, type, ...rest);
    } as typeof window.addEventListener;
    try {
      const relay = await relayInfo();
      sdk = newSdk({ requireConsent: false });
      const el = await connectedWidget(sdk, relay);
      await el.updateComplete;
      expect(el.view).to.equal('idle');
      expect(seen.includes('scroll'), 'no scroll listener for a closed widget').to.equal(false);
    } finally {
      window.addEventListener = add;
    }
  });
  /** The open panel's place as `data-placed` and `--_shift` say, each time either changes. */
  function placements(el: UpscopeWidget): { seen: string[]; stop: () => void } {
    const now = () => `${el.dataset.placed ?? '-'} ${el.style.getPropertyValue('--_shift') || '0'}`;
    const seen = [now()];
    const mo = new MutationObserver(() => {
      if (now() !== seen[seen.length - 1]) seen.push(now());
    });
    mo.observe(el, { attributes: true, attributeFilter: ['data-placed', 'style'] });
    return { seen, stop: () => mo.disconnect() };
  }

  it("does not jump about on a page full of in-text links: a link in the page's flow can be scrolled from under the panel", async () => {
    // A 3 000 px page with an in-text link every 150 px, on the right for four lines, then on the
    // left for four: as the page scrolls, a corner that covers none comes and goes.
    const page = document.createElement('div');
    for (let y = 0; y < 3000; y += 150) {
      const line = document.createElement('p');
      const side = Math.floor(y / 600) % 2 ? 'left' : 'right';
      line.style.cssText = `height: 150px; margin: 0; box-sizing: border-box; padding: 60px 8px 0; text-align: ${side}`;
      const link = `<a href="#a${y}" style="display: inline-block; width: 30%">the guide, part ${y / 150}</a>`;
      line.innerHTML = side === 'left' ? `${link} first.` : `Read ${link}`;
      page.append(line);
    }
    document.body.append(page);
    added.push(page);
    const el = await activePanel();
    await el.updateComplete;
    const log = placements(el);
    try {
      for (let i = 1; i <= 10; i++) {
        window.scrollTo(0, i * 173);
        await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      log.stop();
    }
    expect(log.seen.length - 1, `placements while scrolling: ${log.seen.join(' → ')}`).to.be.at.most(1);
  });

  it('does not count hidden things: a 1 px skip link, an invisible menu, a transparent one', async () => {
    // Over the bottom right, where the panel opens: fixed, so they would count were they seen.
    const skip = document.createElement('a');
    skip.href = '#main';
    skip.textContent = 'Skip to content';
    skip.style.cssText = 'position: fixed; right: 40px; bottom: 40px; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap';
    const menus = ['visibility: hidden', 'opacity: 0'].map((hide) => {
      const menu = document.createElement('nav');
      menu.style.cssText = `position: fixed; right: 0; bottom: 0; width: 50%; height: 100px; ${hide}`;
      menu.innerHTML = '<button type="button" style="width: 100%; height: 100%">Menu item</button>';
      return menu;
    });
    document.body.append(skip, ...menus);
    added.push(skip, ...menus);
    const el = await activePanel();
    await el.updateComplete;
    window.dispatchEvent(new Event('scroll'));
    await new Promise((r) => setTimeout(r, 400));
    expect(el.dataset.placed, 'nothing seen in the way: in its own corner').to.equal(undefined);
    expect(covered(el, skip) && covered(el, menus[0]) && covered(el, menus[1]), 'all three are under the panel').to.equal(true);
  });

  it('never leaves a slid panel partly outside a window that got shorter', async () => {
    const el = await activePanel();
    await el.updateComplete;
    const h = el.getBoundingClientRect().height;
    // A fixed header whose controls are over both top corners, and a fixed bottom bar (a little
    // taller) whose buttons are over both bottom corners, with just room between for the panel:
    // it slides below the header (the shorter slide), its bottom 362 px down on a 600 px window.
    const room = h + 34;
    const head = Math.floor((innerHeight - room) / 2) - 5;
    const bar = innerHeight - room - head;
    const header = document.createElement('div');
    header.style.cssText = `position: fixed; top: 0; left: 0; right: 0; height: ${head}px; display: flex; justify-content: space-between`;
    header.innerHTML = '<a href="#" style="display: block; width: 160px; height: 100%">Home</a><button type="button" style="width: 160px; height: 100%">Cart · 3</button>';
    const footer = document.createElement('div');
    footer.style.cssText = `position: fixed; bottom: 0; left: 0; right: 0; height: ${bar}px; display: flex; justify-content: space-between`;
    footer.innerHTML = '<button type="button" style="width: 160px">Back</button><button type="button" style="width: 160px">Next</button>';
    document.body.append(header, footer);
    added.push(header, footer);
    window.dispatchEvent(new Event('scroll'));
    await until('slid below the header', () => !!el.dataset.placed?.startsWith('top') && el.style.getPropertyValue('--_shift') !== '').catch((e) => {
      throw new Error(`${e} (h ${h}, header ${head}, ${el.dataset.placed} ${el.style.getPropertyValue('--_shift')}, box ${JSON.stringify(el.getBoundingClientRect())})`);
    });
    expect(el.getBoundingClientRect().bottom, 'slid: whole in the window').to.be.at.most(innerHeight);
    try {
      // A window shorter than the slid panel's bottom edge.
      const short = Math.floor(el.getBoundingClientRect().bottom) - 20;
      await setViewport({ width: 800, height: short });
      await until('the window got shorter', () => innerHeight === short);
      await new Promise((r) => setTimeout(r, 400));
      const box = el.getBoundingClientRect();
      expect(box.bottom, `bottom within the window (${el.dataset.placed} ${el.style.getPropertyValue('--_shift')})`).to.be.at.most(innerHeight);
      expect(box.top, 'top within the window').to.be.at.least(0);
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });
});
