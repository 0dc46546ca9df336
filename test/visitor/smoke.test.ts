import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';

describe('relay plugin', () => {
  it('runs a relay the browser reaches over a real WebSocket', async () => {
    const info = await executeServerCommand<{ host: string }, undefined>('relay-info');
    const ws = new WebSocket(`ws://${info.host}/parties/visitor/smoke-visitor-0001`);
    const first = await new Promise<string>((ok, fail) => {
      ws.onmessage = (e) => ok(String(e.data));
      ws.onerror = () => fail(new Error('socket error'));
    });
    ws.close();
    expect(JSON.parse(first)).to.include({ type: 'welcome', sessionState: 'inactive' });
  });
});
