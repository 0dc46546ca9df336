import { expect } from '@open-wc/testing';
import { lazyCaptureLoop } from '../../src/capture/lazy-capture-loop.js';
import type { CaptureController, CaptureHost } from '../../src/capture/capture-host.js';

/** A capture loop that records its starts and stops. */
class RecordingLoop implements CaptureController {
  running = false;
  starts = 0;
  start() {
    this.running = true;
    this.starts++;
  }
  stop() {
    this.running = false;
  }
}

/** A loader whose load the test resolves or fails by hand, counting the loads asked for. */
function controlledLoader() {
  const loops: RecordingLoop[] = [];
  const pending: { ok: () => void; fail: (e: Error) => void }[] = [];
  let loads = 0;
  const load = () => {
    loads++;
    return new Promise<(host: CaptureHost) => CaptureController>((ok, fail) =>
      pending.push({ ok: () => ok(() => (loops.push(new RecordingLoop()), loops.at(-1)!)), fail }),
    );
  };
  return { load, loops, pending, loads: () => loads };
}

const host = {} as CaptureHost;
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('lazyCaptureLoop (the engine loads when a session first starts)', () => {
  it('loads nothing until a loop starts, then loads once for every loop', async () => {
    const l = controlledLoader();
    const factory = lazyCaptureLoop(l.load);
    const a = factory(host);
    const b = factory(host);
    await settle();
    expect(l.loads()).to.equal(0);

    a.start();
    b.start();
    expect(a.running).to.be.true;
    l.pending[0].ok();
    await settle();
    expect(l.loads()).to.equal(1);
    expect(l.loops).to.have.length(2);
    expect(l.loops.every((loop) => loop.running)).to.be.true;
  });

  it('does not start the engine when the SDK stopped the loop while it loaded, and starts it on the next start', async () => {
    const l = controlledLoader();
    const loop = lazyCaptureLoop(l.load)(host);
    loop.start();
    loop.stop();
    expect(loop.running).to.be.false;
    l.pending[0].ok();
    await settle();
    expect(l.loops[0]?.running ?? false, 'stopped before the engine arrived').to.be.false;

    loop.start();
    expect(l.loops[0].running).to.be.true;
    expect(l.loads()).to.equal(1);
  });

  it('reports a failed load as not running and tries again on the next start', async () => {
    const l = controlledLoader();
    const loop = lazyCaptureLoop(l.load)(host);
    const logged: unknown[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => logged.push(args[0]);
    try {
      loop.start();
      l.pending[0].fail(new Error('blocked by the page'));
      await settle();
    } finally {
      console.error = error;
    }
    expect(loop.running).to.be.false;
    expect(String(logged[0])).to.contain('could not be loaded');

    loop.start();
    expect(l.loads()).to.equal(2);
    l.pending[1].ok();
    await settle();
    expect(l.loops[0].running).to.be.true;
  });
});
