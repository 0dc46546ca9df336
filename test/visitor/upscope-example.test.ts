import { expect } from '@open-wc/testing';
import { Upscope } from '../../src/visitor/upscope.js';
import { askToWatch, cleanup, newSdk, openLobby, untilState } from './upscope-helpers.js';

type ExampleWindow = Window & { Upscope: typeof Upscope; confirm: (text?: string) => boolean };

/** Resolves once `el`'s text contains `text` (the page updates it from stream listeners). */
function textShows(el: Element, text: string): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (el.textContent!.includes(text) ? resolve() : setTimeout(check, 20));
    check();
  });
}

/**
 * examples/plain.html is the "done when" of the SDK: the seed's examples on a plain page with
 * one classic script (dist/upscope.iife.js, so `npm run build` must have run, as `npm test` does).
 */
describe('examples/plain.html (one script tag, window.Upscope)', () => {
  let frame: HTMLIFrameElement | null = null;
  afterEach(async () => {
    frame?.remove();
    frame = null;
    for (const key of Object.keys(localStorage)) if (key.startsWith('upscope:') || key.startsWith('upscope-example:')) localStorage.removeItem(key);
    await cleanup();
  });

  it('connects, asks for help, lets the agent in and exchanges messages', async () => {
    const bundle = await fetch('/dist/upscope.iife.js', { method: 'HEAD' });
    expect(bundle.ok, 'dist/upscope.iife.js is missing: run `npm run build` first').to.equal(true);
    const { relay } = await newSdk();
    const lobby = await openLobby(relay);

    frame = document.createElement('iframe');
    frame.src = `/examples/plain.html?host=${encodeURIComponent(relay.host)}`;
    const loaded = new Promise((resolve) => frame!.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    await loaded;
    const win = frame.contentWindow as ExampleWindow;
    const doc = frame.contentDocument!;
    const sdk = win.Upscope.instance;
    await untilState(sdk.connectionState, 'connected');
    expect(doc.getElementById('connection-state')!.textContent).to.equal('connected');
    await textShows(doc.getElementById('watch-link')!, `http://${relay.host}/w/${sdk.shortId.value}`);

    doc.getElementById('request-agent')!.click();
    const waiting = await lobby.next('visitorUpdated', (m) => m.visitor.shortId === sdk.shortId.value && m.visitor.sessionState === 'pendingRequest');
    expect(waiting.visitor.callName).to.equal('Ada Lovelace');
    expect(waiting.visitor.metadata).to.deep.equal({ plan: 'Pro', cart: '3 items' });

    win.confirm = () => true;
    const watch = await askToWatch(relay, sdk.shortId.value!);
    await watch.next('watchState', (m) => m.watching);
    await untilState(sdk.observerCount, 1);
    expect(doc.getElementById('session-state')!.textContent).to.equal('active');
    expect(doc.getElementById('observer-count')!.textContent).to.equal('1');

    watch.send({ type: 'customMessage', message: '<b>hello</b> from the agent' });
    const log = doc.getElementById('log')!;
    await textShows(log, 'from the agent');
    expect(log.textContent).to.contain(`${relay.agentName} says: <b>hello</b> from the agent`);
    expect(log.querySelector('b')).to.equal(null);

    (doc.getElementById('message') as HTMLInputElement).value = 'thanks!';
    doc.getElementById('message-form')!.querySelector('button')!.click();
    expect((await watch.next('customMessageReceived')).message).to.equal('thanks!');
  });

  it('never takes over or renames the real visitor of the same site', async () => {
    const { relay } = await newSdk();
    const lobby = await openLobby(relay);
    // The site's own visitor, stored under the default prefix in the same localStorage.
    const real = new Upscope({ host: relay.host });
    try {
      await real.updateConnection({ callName: 'Grace Hopper' });
      await real.connect();
      const realShortId = real.shortId.value!;
      frame = document.createElement('iframe');
      frame.src = `/examples/plain.html?host=${encodeURIComponent(relay.host)}`;
      const loaded = new Promise((resolve) => frame!.addEventListener('load', resolve, { once: true }));
      document.body.append(frame);
      await loaded;
      const example = (frame.contentWindow as ExampleWindow).Upscope.instance;
      await untilState(example.connectionState, 'connected');
      const seen = await lobby.next('visitorUpdated', (m) => m.visitor.shortId === example.shortId.value && m.visitor.callName === 'Ada Lovelace');
      expect(seen.visitor.shortId, 'the example is a visitor of its own').to.not.equal(realShortId);
      expect(real.connectionState.value, 'the real visitor kept its connection').to.equal('connected');
      expect(lobby.messages.some((m) => m.type === 'visitorUpdated' && m.visitor.shortId === realShortId && m.visitor.callName === 'Ada Lovelace')).to.equal(false);
    } finally {
      await real.reset({ reconnect: false });
    }
  });
});
