/**
 * A room that empties is dropped at once, but its last record write (the delete) may take a
 * while (a remote or loaded Postgres): a socket for a room of the same name waits for that write
 * before the new room takes it (LocalRelay `settling`). Shown with a storage whose writes take
 * 300 ms, so the waits are long enough to act in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testRelay, TestClient } from '../support/node-client.js';
import { nodeOnly } from '../support/relay-host.js';
import { MemoryStorage } from '../../src/server/relay/memory-storage.js';

class SlowStorage extends MemoryStorage {
  override async put<T>(key: string, value: T): Promise<void> {
    await new Promise((r) => setTimeout(r, 300));
    return super.put(key, value);
  }
  override async delete(key: string): Promise<boolean> {
    await new Promise((r) => setTimeout(r, 300));
    return super.delete(key);
  }
}

test('a visitor socket that closes while its room waits for the last record write of the room before leaves no ghost visitor', { skip: nodeOnly('LocalRelay: rooms of one process'), timeout: 30_000 }, async () => {
  const stores = new Map<string, SlowStorage>();
  const relay = await testRelay({ storageFor: (name) => stores.get(name) ?? (stores.set(name, new SlowStorage()), stores.get(name)!) });
  try {
    const agent = await relay.lobby(relay.token('Agent'));
    await agent.next('lobby');
    const visitorId = `ghost-${process.pid}-abcdefgh`;
    const v = await relay.visitor(visitorId);
    const { shortId } = await v.next('welcome');
    await new Promise((r) => setTimeout(r, 800)); // its record is written
    v.send({ type: 'forget' });
    await v.waitClose(5000);
    // At once (the delete of its record is under way), the same visitor connects again and its socket dies right after the upgrade.
    const again = await TestClient.open(`${relay.server.url.replace('http', 'ws')}/parties/visitor/${visitorId}`);
    again.ws.terminate();
    await new Promise((r) => setTimeout(r, 1500));
    const stats = relay.server.node!.relay.stats();
    const last = agent.messages.filter((m) => (m.type === 'visitorUpdated' && m.visitor.shortId === shortId) || (m.type === 'visitorRemoved' && m.shortId === shortId)).at(-1);
    assert.ok(!(last?.type === 'visitorUpdated' && last.visitor.connected), `every socket of the visitor is closed, yet the lobby's last word on it is: ${JSON.stringify(last)}`);
    assert.equal(stats.visitors, 0, 'no room holds a visitor');
    assert.equal(stats.connections, 1, 'only the agent\'s lobby socket is open');
  } finally {
    await relay.close();
  }
});
