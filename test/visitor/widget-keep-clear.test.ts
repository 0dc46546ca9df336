/**
 * An open panel keeps clear of the page's fields and controls (upscope-widget.keep-clear.ts): it
 * moves to a corner that covers none when the page scrolls a field under it, or slides along a side
 * below a header whose controls are over both top corners, stays there while that covers none,
 * goes back to its own corner when folded, and a widget whose panel is closed listens to none of
 * the page's scrolling.
 */
import { expect } from '@open-wc/testing';
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

  /** Whether any part of `field` is under the widget's box. */
  function covered(el: UpscopeWidget, field: Element): boolean {
    const a = el.getBoundingClientRect();
    const b = field.getBoundingClientRect();
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  it('moves the open panel off a field the page scrolls under it, and folds back into its own corner', async () => {
    const field = pageWithFarField();
    const relay = await relayInfo();
    sdk = newSdk({ requireConsent: false });
    const el = await connectedWidget(sdk, relay);
    const watch = await agentAsks(relay, sdk);
    sockets.push(watch);
    await until('the active view', () => el.view === 'active' && part(el, 'stop-button') !== null);
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
    const relay = await relayInfo();
    sdk = newSdk({ requireConsent: false });
    const el = await connectedWidget(sdk, relay);
    const watch = await agentAsks(relay, sdk);
    sockets.push(watch);
    await until('the active view', () => el.view === 'active' && part(el, 'stop-button') !== null);
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
});
