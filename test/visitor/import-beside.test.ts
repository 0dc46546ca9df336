/**
 * importBeside (src/visitor/import-beside.ts), in real Chromium: a module beside the given script
 * loads; one that is missing fails with an error naming the file and no policy to blame; one the
 * page's Content-Security-Policy refuses fails with what the policy needs, on every attempt.
 */
import { expect } from '@open-wc/testing';
import { BesideImportError, importBeside } from '../../src/visitor/import-beside.js';

/** The error `promise` fails with (the test fails if it does not). */
async function failure(promise: Promise<unknown>): Promise<BesideImportError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'the import failed').to.be.instanceOf(BesideImportError);
  // Consoles print the name before the message: a minified class name there garbled the sentence (rt20n).
  expect((err as Error).name).to.equal('BesideImportError');
  return err as BesideImportError;
}

describe('importBeside', () => {
  it('imports a module from the folder of the given script', async () => {
    const mod = await importBeside<typeof import('../../src/visitor/assist-settings.js')>(new URL('../../src/visitor/bundle.ts', import.meta.url).href, 'assist-settings.ts');
    expect(mod.EMPTY_ASSIST_STATUS).to.deep.equal({ pointing: [], drawing: [], controlling: null });
  });

  it('a file that is not there: the error names it and blames no policy', async () => {
    const err = await failure(importBeside(new URL('/no-such-folder/upscope.js', location.href).href, 'upscope-panels.js'));
    expect(err.needs).to.equal(null);
    expect(err.message).to.equal('upscope-panels.js could not be loaded');
    expect(err.cause).to.be.instanceOf(Error);
  });

  // Last: the policy stays on this page for good.
  it("a file the page's policy refuses: the error says what script-src needs, again on a second attempt", async () => {
    const meta = document.createElement('meta');
    meta.httpEquiv = 'Content-Security-Policy';
    meta.content = "script-src 'self' 'unsafe-inline' 'unsafe-eval'";
    document.head.append(meta);
    // The same server under its other name: another origin, which 'self' does not allow.
    const other = location.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
    const bundle = `${location.protocol}//${other}:${location.port}/dist/upscope.js`;
    const needs = `script-src ${location.protocol}//${other}:${location.port}/dist/`;
    for (const attempt of ['first', 'second']) {
      const err = await failure(importBeside(bundle, 'upscope-capture.js'));
      expect(err.needs, `${attempt} attempt`).to.equal(needs);
      expect(err.message).to.equal(`this page's Content-Security-Policy blocks upscope-capture.js: it needs ${needs}`);
    }
  });
});
