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
import type { ExternalKeySettings } from '../identity/tokens.js';

interface TestState {
  generation: string;
  /** The test relay's signing key (HS256, what the tests sign their tokens with). */
  signingKey?: string;
  /** External key settings, as the Node host's `agentKeys`. */
  agentKeys?: ExternalKeySettings;
  options: Record<string, unknown>;
  now: number | null;
}

let state: TestState | null = null;

export function testHooksEnabled(env: Env): boolean {
  return env.UPSCOPE_TEST_HOOKS === '1';
}

/** The test hooks a Durable Object answers itself (the worker routes them to it: worker.ts `testHook`). */
export type ObjectHook = 'hibernate' | 'attachments' | 'close' | 'store';

/**
 * The test hook a request to a Durable Object asks for (`/__test/hibernate`, `/__test/attachments`,
 * `/__test/close`), or null: always null unless test hooks are on, so no object answers one in
 * production, whatever reaches it. The objects read their hooks only through this.
 */
export function objectTestHook(env: Pick<Env, 'UPSCOPE_TEST_HOOKS'>, request: Request): ObjectHook | null {
  if (env.UPSCOPE_TEST_HOOKS !== '1') return null;
  const path = new URL(request.url).pathname;
  return path === '/__test/hibernate' || path === '/__test/attachments' || path === '/__test/close' || path === '/__test/store' ? (path.slice('/__test/'.length) as ObjectHook) : null;
}

export function configureTests(next: TestState): void {
  holdAdmissions(false);
  limitsDown = false;
  connectFailing = false;
  d1Down = false;
  state = { generation: String(next.generation), signingKey: typeof next.signingKey === 'string' ? next.signingKey : undefined, agentKeys: next.agentKeys ?? {}, options: next.options ?? {}, now: typeof next.now === 'number' ? next.now : null };
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

/** Each live object's stats, by generation (tests only: the local host runs every object in one isolate). */
const registry = new Map<string, Map<string, () => Record<string, number>>>();

export function registerStats(env: Env, name: string, stats: (() => Record<string, number>) | null): void {
  const generation = testGeneration(env);
  if (generation === null) return;
  const prefix = name.split(':')[0];
  let objects = registry.get(prefix);
  if (!objects) registry.set(prefix, (objects = new Map()));
  if (stats) objects.set(name, stats);
  else objects.delete(name);
}

/** The stats of a generation's objects, added up. */
export function statsOf(generation: string): Record<string, number> {
  const sum: Record<string, number> = { visitors: 0, knownVisitors: 0, connections: 0, lobby: 0, codes: 0, queuedBytes: 0, heldBack: 0 };
  for (const stats of registry.get(generation)?.values() ?? []) {
    for (const [k, v] of Object.entries(stats())) sum[k] = (sum[k] ?? 0) + v;
  }
  return sum;
}

/** The tests' token keys while they set them (a signing key, external settings), else null. */
export function testKeys(env: Env): { signingKey?: string; agentKeys: ExternalKeySettings; generation: string } | null {
  return testHooksEnabled(env) && state ? { signingKey: state.signingKey, agentKeys: state.agentKeys ?? {}, generation: state.generation } : null;
}

/** The tests' extra agent origins (`agentOrigins` in their options, as the Node host takes it), else null. */
export function testOrigins(env: Env): string[] | null {
  const given = testHooksEnabled(env) && state ? state.options.agentOrigins : undefined;
  return Array.isArray(given) ? given.filter((o): o is string => typeof o === 'string') : null;
}

/**
 * While the tests hold admissions (`/__test/hold`), admitted sockets wait before reaching their
 * objects until `/__test/release`. Each waits by polling (a promise resolved by another request
 * cannot wake a Worker's request), and counts itself while it waits (`/__test/held`).
 */
let holding = false;
let waiting = 0;

/** `/__test/hold` (true), `/__test/release` (false). */
export function holdAdmissions(on: boolean): void {
  holding = on;
}

/** How many admitted sockets wait (`/__test/held`). */
export function heldAdmissions(): number {
  return waiting;
}

/** For admission: resolves at once, or once the tests release admissions they hold. */
export async function admissionGate(env: Env): Promise<void> {
  if (!testHooksEnabled(env) || !holding) return;
  waiting++;
  try {
    while (holding) await new Promise((ok) => setTimeout(ok, 10));
  } finally {
    waiting--;
  }
}

/**
 * While the tests say so (`/__test/limits-down`, until `/__test/limits-up` or the next configure),
 * every call to a limits object fails, as a call to one that cannot be reached does: how the
 * tests prove each budget fails closed.
 */
let limitsDown = false;

export function setLimitsDown(down: boolean): void {
  limitsDown = down;
}

/** For limits-object.ts: whether its objects are to fail (tests only). */
export function limitsUnreachable(env: Env): boolean {
  return testHooksEnabled(env) && limitsDown;
}

/**
 * While the tests say so (`/__test/d1-down`, until `/__test/d1-up` or the next configure), every
 * D1 query fails, as one to a D1 that is down does: how the tests prove a down D1 is not asked to
 * migrate on every request.
 */
let d1Down = false;

export function setD1Down(down: boolean): void {
  d1Down = down;
}

/** For d1-sql.ts: whether D1 is to fail (tests only). */
export function d1Unreachable(env: Env): boolean {
  return testHooksEnabled(env) && d1Down;
}

/**
 * While the tests say so (`/__test/connect-fails`, until `/__test/connect-works`), a room's or the
 * lobby's onConnect throws (an error whose stack names a file), as one that hits a fault does: how
 * the tests prove such a socket's client hears no stack and its address slot is freed (rt20r C1).
 */
let connectFailing = false;

export function setConnectFails(fails: boolean): void {
  connectFailing = fails;
}

/** For the objects' onConnect: throws while the tests say so (tests only). */
export function connectFault(env: Env): void {
  if (testHooksEnabled(env) && connectFailing) throw new Error('test: onConnect failed (see /srv/relay/secret-path.js:12)');
}
