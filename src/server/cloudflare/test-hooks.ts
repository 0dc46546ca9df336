/**
 * Test hooks of the local Cloudflare host, on only when UPSCOPE_TEST_HOOKS is "1" (the test host,
 * test/support/relay-host.ts, sets it; wrangler.jsonc never does). `POST /__test/configure`
 * sets, for the whole (single, local) isolate:
 * - `options`: relay options, as the Node host takes them per server;
 * - `now`: a clock the tests set, as the Node host takes `now`;
 * - `generation`: put in front of every Durable Object's name, so each test gets fresh objects
 *   from one running workerd (starting it takes seconds).
 */
import type { Env } from './env.js';

interface TestState {
  generation: string;
  options: Record<string, unknown>;
  now: number | null;
}

let state: TestState | null = null;

export function testHooksEnabled(env: Env): boolean {
  return env.UPSCOPE_TEST_HOOKS === '1';
}

export function configureTests(next: TestState): void {
  state = { generation: String(next.generation), options: next.options ?? {}, now: typeof next.now === 'number' ? next.now : null };
}

/** The clock: the tests' while they set one, else the real one. */
export function clock(env: Env): number {
  return testHooksEnabled(env) && state?.now != null ? state.now : Date.now();
}

/** The relay options in force: wrangler.jsonc's UPSCOPE_OPTIONS, or the tests'. */
export function relayOptions(env: Env): Record<string, number> {
  const given = testHooksEnabled(env) && state ? state.options : (env.UPSCOPE_OPTIONS ?? {});
  return Object.fromEntries(Object.entries(given).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
}

/** A Durable Object's name: `name`, or under the tests' current generation. */
export function objectName(env: Env, name: string): string {
  return testHooksEnabled(env) && state ? `${state.generation}:${name}` : name;
}

export function testGeneration(env: Env): string | null {
  return testHooksEnabled(env) && state ? state.generation : null;
}
