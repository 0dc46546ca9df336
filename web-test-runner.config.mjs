// Browser tests: real Chromium (found by scripts/chromium.mjs), real relay (test/support/relay-plugin.ts).
// Run through `npm run test:browser`, which loads tsx so this config can import the TypeScript relay.
import { playwrightLauncher } from '@web/test-runner-playwright';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { slimReconnectingSocket } from './scripts/slim-partysocket.mjs';
import { findChromium, CHROMIUM_ARGS } from './scripts/chromium.mjs';
import { relayPlugin } from './test/support/relay-plugin.ts';
import { screenshotPlugin } from './test/support/screenshot-plugin.ts';
import { scriptedRelayPlugin } from './test/support/scripted-relay.ts';

const executablePath = await findChromium();

export default {
  files: process.env.WTR_FILES ?? 'test/{visitor,agent,capture,relay-client}/**/*.test.ts',
  nodeResolve: true,
  // Two cores: one browser page at a time keeps timings of the capture tests honest.
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 10 * 60 * 1000,
  browsers: [playwrightLauncher({ product: 'chromium', launchOptions: { executablePath, args: [...CHROMIUM_ARGS], headless: true } })],
  // partysocket as the visitor bundles carry it (slimmed: scripts/slim-partysocket.mjs).
  plugins: [slimPartysocket(), esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' }), relayPlugin(), scriptedRelayPlugin(), screenshotPlugin()],
};

/** Serves partysocket's ws.js through the visitor bundles' slimming (scripts/slim-partysocket.mjs). */
function slimPartysocket() {
  const slim = slimReconnectingSocket();
  return {
    name: 'slim-partysocket',
    transform(context) {
      if (typeof context.body !== 'string') return undefined;
      const out = slim.transform(context.body, context.path);
      return out ? { body: out.code } : undefined;
    },
  };
}
