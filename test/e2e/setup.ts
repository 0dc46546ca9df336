/**
 * What every end-to-end test file needs: the real relay on a free port with a known token signing
 * key (agents are made with test/support/agents.ts), and the machine's Chromium through playwright-core, started before the file's tests
 * and stopped after them. Needs `npm run build` first (`npm test` does).
 */
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/node.js';

// Imported through a variable: scripts/*.mjs has no type declarations for tsc to find.
const chromiumModule = '../../scripts/chromium.mjs';
const { findChromium, CHROMIUM_ARGS } = (await import(chromiumModule)) as { findChromium: () => Promise<string>; CHROMIUM_ARGS: readonly string[] };

export interface E2E {
  readonly server: RunningServer;
  readonly browser: Browser;
}

/** Registers the file's before/after hooks; read `server` and `browser` inside tests. */
export function relayAndBrowser(signingKey: string, bundle: 'upscope.js' | 'upscope-agent.js'): E2E {
  const env: { server?: RunningServer; browser?: Browser } = {};
  before(async () => {
    assert.ok(existsSync(new URL(`../../dist/${bundle}`, import.meta.url)), `dist/${bundle} is missing: run \`npm run build\` first`);
    env.server = await startServer({ port: 0, agentSigningKey: signingKey, agentKeys: {} });
    env.browser = await chromium.launch({ executablePath: await findChromium(), args: [...CHROMIUM_ARGS], headless: true });
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return {
    get server() {
      return env.server!;
    },
    get browser() {
      return env.browser!;
    },
  };
}
