import { expect } from '@open-wc/testing';
import { trustedHTML, trustedScriptURL } from '../../src/visitor/trusted-types.js';

/** The browser's Trusted Types factory (TypeScript's DOM typings do not describe it). */
const factory = (globalThis as unknown as { trustedTypes: { isHTML(v: unknown): boolean; isScriptURL(v: unknown): boolean } }).trustedTypes;

describe('the upscope Trusted Types policy', () => {
  it('makes TrustedHTML, and TrustedScriptURLs only for blob: URLs of this page', () => {
    expect(factory.isHTML(trustedHTML('<!DOCTYPE html><body></body>'))).to.equal(true);

    const own = URL.createObjectURL(new Blob(['self.onmessage = () => {};'], { type: 'text/javascript' }));
    expect(factory.isScriptURL(trustedScriptURL(own))).to.equal(true);
    for (const url of ['https://cdn.example/evil.js', `${location.origin}/x.js`, 'blob:https://other.example/0b0e5a1c', 'data:text/javascript,1', 'javascript:alert(1)']) {
      expect(() => trustedScriptURL(url), url).to.throw(TypeError, /only creates blob: URLs of this page/);
    }
    URL.revokeObjectURL(own);
  });
});
