/**
 * What every end-to-end test file needs: the real relay on a free port with a known token signing
 * key (agents are made with test/support/agents.ts; on the Cloudflare host, which has no built-in
 * accounts, the key is its legacy shared credential), and the machine's Chromium through playwright-core, started before the file's tests
 * and stopped after them. The relay is the Node host (`npm start`'s), or with `host: 'cloudflare'`
 * the Worker and its Durable Objects in wrangler's local mode (`npm run start:cloudflare`'s).
 * Needs `npm run build` first (and `npm run build:cloudflare` for that host; `npm test` does both).
 */
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server/node.js';
import { startCloudflare, type RunningCloudflare } from '../../src/server/cloudflare-local.js';

// Imported through a variable: scripts/*.mjs has no type declarations for tsc to find.
const chromiumModule = '../../scripts/chromium.mjs';
const { findChromium, CHROMIUM_ARGS } = (await import(chromiumModule)) as { findChromium: () => Promise<string>; CHROMIUM_ARGS: readonly string[] };

export type E2EHost = 'node' | 'cloudflare';

export interface E2E {
  readonly host: E2EHost;
  /** `http://127.0.0.1:port` of the relay, on either host. */
  readonly url: string;
  /** The Node relay itself (Node host only). */
  readonly server: RunningServer;
  readonly browser: Browser;
}

/** Registers the file's before/after hooks; read `url`, `server` and `browser` inside tests. */
export function relayAndBrowser(key: string, bundle: 'upscope.js' | 'upscope-agent.js', host: E2EHost = 'node'): E2E {
  const env: { server?: RunningServer; cloudflare?: RunningCloudflare; browser?: Browser; persist?: string } = {};
  before(async () => {
    assert.ok(existsSync(new URL(`../../dist/${bundle}`, import.meta.url)), `dist/${bundle} is missing: run \`npm run build\` first`);
    if (host === 'cloudflare') {
      assert.ok(existsSync(new URL('../../build/cloudflare-assets/versions.json', import.meta.url)), 'build/cloudflare-assets is missing: run `npm run build:cloudflare` first');
      const persist = (env.persist = mkdtempSync(join(tmpdir(), 'upscope-cf-e2e-')));
      env.cloudflare = await startCloudflare({ port: 0, legacyCredential: key, persistTo: join(persist, 'state'), workDir: join(persist, 'work'), logLevel: 'error' });
    } else {
      env.server = await startServer({ port: 0, agentSigningKey: key, agentKeys: {} });
    }
    env.browser = await chromium.launch({ executablePath: await findChromium(), args: [...CHROMIUM_ARGS], headless: true });
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
    await env.cloudflare?.close();
    if (env.persist) rmSync(env.persist, { recursive: true, force: true });
  });
  return {
    host,
    get url() {
      return (env.server ?? env.cloudflare)!.url;
    },
    get server() {
      if (!env.server) throw new Error('the Node relay is not running here (host: cloudflare)');
      return env.server;
    },
    get browser() {
      return env.browser!;
    },
  };
}
