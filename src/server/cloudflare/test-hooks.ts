/**
 * Test hooks of the local Cloudflare host, on only when UPSCOPE_TEST_HOOKS is "1" (the test
 * host, test/support/relay-host.ts, sets it; wrangler.jsonc never does): a clock the tests set, as
 * the Node host takes `now` as an option.
 */
import type { Env } from './env.js';

/** Set by `POST /__test/clock`; null: the real clock. One per isolate (the local host runs one). */
let fixedNow: number | null = null;

export function testHooksEnabled(env: Env): boolean {
  return env.UPSCOPE_TEST_HOOKS === '1';
}

export function testClock(env: Env): number {
  return fixedNow !== null && testHooksEnabled(env) ? fixedNow : Date.now();
}

export function setTestClock(now: number | null): void {
  fixedNow = now;
}
