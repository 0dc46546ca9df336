/**
 * Built-in agents for tests, made through the real code paths: the account is created as
 * `npm run agents -- add` does (identity/accounts.ts), its one-time link is spent at
 * `POST /api/set-password` as the console does, and the session cookie the relay answers with is
 * returned, for fetch (`cookie` header) or a browser context (`addCookies`).
 */
import type { RunningServer } from '../../src/server/node.js';
import type { Capability } from '../../src/protocol/capabilities.js';

export interface TestAgent {
  id: string;
  name: string;
  password: string;
  /** `upscope_agent=...`, for a `cookie` header. */
  cookie: string;
  /** The cookie's value alone. */
  session: string;
}

export async function createAgent(server: RunningServer, name: string, options: { admin?: boolean; capabilities?: Capability[]; password?: string } = {}): Promise<TestAgent> {
  const { account, link } = await (await server.accounts()).add(name, options);
  const password = options.password ?? `pw-${crypto.randomUUID()}`;
  const res = await fetch(`${server.url}/api/set-password`, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.url }, body: JSON.stringify({ link, password }) });
  if (res.status !== 200) throw new Error(`set-password answered ${res.status}: ${await res.text()}`);
  const cookie = sessionCookieOf(res);
  return { id: account.id, name: account.name, password, cookie, session: cookie.slice(cookie.indexOf('=') + 1) };
}

/** `name=value` of the session cookie a response sets. */
export function sessionCookieOf(res: Response): string {
  const set = res.headers.get('set-cookie') ?? '';
  const m = /^(upscope_agent=[^;]*)/.exec(set);
  if (!m) throw new Error(`no session cookie in ${JSON.stringify(set)}`);
  return m[1];
}

/** A browser cookie for `server`, as playwright's addCookies takes it. */
export function browserCookie(server: RunningServer, agent: TestAgent) {
  return { name: 'upscope_agent', value: agent.session, url: server.url, httpOnly: true, sameSite: 'Strict' as const };
}
