// The heartbeat's job: a socket can look open long after the network under it died, so a
// connection that hears nothing for two heartbeats is replaced. A relay that accepts the socket
// and then says nothing (not even pong) plays that dead network.
import { expect } from '@open-wc/testing';
import { Upscope } from '../../src/visitor/upscope.js';
import { LobbyClient } from '../../src/agent/lobby-client.js';
import { scriptedRelay, type ScriptedRelay } from '../support/scripted-relay-client.js';
import { until } from '../support/until.js';
import { uniquePrefix } from '../visitor/upscope-helpers.js';

describe('the heartbeat', () => {
  let relay: ScriptedRelay | null = null;
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await relay?.stop();
    relay = null;
  });

  it('replaces a visitor socket that has gone silent', async () => {
    relay = await scriptedRelay();
    const sdk = new Upscope({ host: relay.host, storageKeyPrefix: uniquePrefix(), minReconnectionDelay: 50, maxReconnectionDelay: 200, heartbeatInterval: 100 });
    closers.push(() => sdk.disconnect());
    void sdk.connect().catch(() => undefined);
    await until('the silent socket to be replaced twice', async () => (await relay!.attempts()).length >= 3);
    expect(sdk.connectionState.value).to.not.equal('error');
  });

  it('replaces an agent socket that has gone silent', async () => {
    relay = await scriptedRelay();
    const lobby = new LobbyClient({ host: relay.host, token: 'any', heartbeatInterval: 100 });
    closers.push(() => lobby.close());
    lobby.connect();
    await until('the silent socket to be replaced', async () => (await relay!.attempts()).length >= 2, 15_000);
  });
});
