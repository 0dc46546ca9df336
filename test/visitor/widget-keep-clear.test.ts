/**
 * An open panel keeps clear of the page's fields (upscope-widget.keep-clear.ts): it moves to a
 * corner that covers none when the page scrolls a field under it, stays there while that covers
 * none, goes back to its own corner when folded, and a widget whose panel is closed listens to none of the page's scrolling.
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
