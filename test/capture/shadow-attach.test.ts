/**
 * One `attachShadow` wrapper per window, shared by everything that must hear a shadow root the
 * moment it is attached (src/capture/shadow-attach.ts): secret-fields.ts for fields, the visitor's
 * Escape watch for frames. Each subscriber hears each root; one that leaves hears no more while the
 * others still do, and the page's own `attachShadow` is wrapped once, whoever subscribes.
 */
import { expect } from '@open-wc/testing';
import { trackCanvasContexts } from '../../src/capture/canvas-contexts.js';
import { onShadowAttach } from '../../src/capture/shadow-attach.js';

describe('onShadowAttach', () => {
  it('wraps attachShadow once and calls each subscriber until it leaves', () => {
    const heardA: ShadowRoot[] = [];
    const heardB: ShadowRoot[] = [];
    const stopA = onShadowAttach(window, (root) => heardA.push(root));
    const wrapper = Element.prototype.attachShadow;
    const stopB = onShadowAttach(window, (root) => heardB.push(root));
    try {
      expect(Element.prototype.attachShadow, 'a second subscriber adds no wrapper').to.equal(wrapper);
      const first = document.createElement('div').attachShadow({ mode: 'open' });
      const closed = document.createElement('span').attachShadow({ mode: 'closed' });
      stopA();
      const last = document.createElement('div').attachShadow({ mode: 'open' });
      expect({ a: heardA, b: heardB }).to.deep.equal({ a: [first, closed], b: [first, closed, last] });
      // The page's call still throws what it throws (an element that takes no shadow root).
      expect(() => document.createElement('input').attachShadow({ mode: 'open' })).to.throw();
      expect(heardB.length).to.equal(3);
    } finally {
      stopA();
      stopB();
    }
  });

  it('a subscriber that throws neither reaches the page nor keeps the others from hearing; the page\'s arguments are passed as given', () => {
    const heard: ShadowRoot[] = [];
    const stopBad = onShadowAttach(window, () => {
      throw new Error('a subscriber failed');
    });
    const stopGood = onShadowAttach(window, (root) => heard.push(root));
    try {
      const root = document.createElement('div').attachShadow({ mode: 'open' });
      expect(heard).to.deep.equal([root]);
      // No argument is not `undefined` passed on: the browser's own TypeError, as unwrapped.
      expect(() => (document.createElement('div').attachShadow as () => ShadowRoot)()).to.throw(TypeError);
      trackCanvasContexts(window);
      expect(() => (document.createElement('canvas').getContext as () => unknown)()).to.throw(TypeError);
    } finally {
      stopBad();
      stopGood();
    }
  });
});
