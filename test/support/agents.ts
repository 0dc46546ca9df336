/**
 * Built-in agents for tests, made through the real code paths: the account is created as
 * `npm run agents -- add` does, its one-time link is spent and a session started by the same
 * Accounts calls `POST /api/set-password` makes (identity/accounts.ts; not over HTTP, so it does
 * not spend the address's sign-in attempts), and the session cookie is returned, for fetch
 * (`cookie` header) or a browser context (`addCookies`).
 */
import type { RunningServer } from '../../src/server/node.js';
import type { TestAccounts } from './relay-host.js';
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

export async function createAgent(server: { accounts(): Promise<TestAccounts> }, name: string, options: { admin?: boolean; capabilities?: Capability[]; password?: string } = {}): Promise<TestAgent> {
  const accounts = await server.accounts();
  const { account, link } = await accounts.add(name, options);
  const password = options.password ?? `pw-${crypto.randomUUID()}`;
  await accounts.redeemLink(link, password);
  const { secret } = await accounts.startSession(account.id);
  return { id: account.id, name: account.name, password, cookie: `upscope_agent=${secret}`, session: secret };
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
