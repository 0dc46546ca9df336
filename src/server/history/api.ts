/**
 * `GET /api/history` (JSON), `GET /api/history.csv` (or `?format=csv`) and
 * `GET /api/history/sign-ins`, host-free: the Node host and the Cloudflare worker decide who asks
 * (their one `historyViewer` function) and hand the URL here.
 *
 * Query parameters: `agent` (an agent id or part of a name), `visitor` (part of a shortId,
 * uniqueId or call name), `from` and `to` (a date `2026-12-01`, an ISO time, or epoch ms; `to` is
 * exclusive, and a bare date means the whole day), `limit` (1 to 500, default 50), `offset`,
 * `messages=1` (the text, when the relay keeps it).
 */
import { RATE_LIMITS } from '../../protocol/index.js';
import { sessionsCsv } from './csv.js';
import { MAX_PAGE, type HistoryQuery, type HistoryStore, type Viewer } from './store.js';

export interface ApiAnswer {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

/** Most rows in one CSV export. */
export const MAX_CSV_ROWS = 50_000;
const DAY_MS = 86_400_000;

const json = (status: number, body: unknown): ApiAnswer => ({ status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) });

/** What answering `url` takes from its agent's history budget (RATE_LIMITS.historyBurst): an export costs more. */
export function historyCost(url: URL): number {
  return url.pathname === '/api/history.csv' || url.searchParams.get('format') === 'csv' ? RATE_LIMITS.historyExportCost : 1;
}

/** The answer to a history request over its agent's budget. */
export const HISTORY_BUSY = { status: 429, error: 'too many history requests from this agent; wait a few seconds', retryAfterSeconds: 10 } as const;

/** Whether `path` is one of the history endpoints. */
export function isHistoryPath(path: string): boolean {
  return path === '/api/history' || path === '/api/history.csv' || path === '/api/history/sign-ins';
}

/** Whether `day` of `month` (1-12) is in the calendar of `year`. */
function isRealDay(year: number, month: number, day: number): boolean {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** Epoch ms of a `from`/`to` parameter; `end`: a bare date means the end of that day. Throws on nonsense. */
function timeOf(name: string, text: string, end: boolean): number {
  if (/^\d{1,15}$/.test(text)) return Number(text);
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(date ? `${text}T00:00:00Z` : text);
  // Only ISO forms: V8 also reads `2026/02/30`, `Feb 30 2026` or `+002026-…`, in the server's zone,
  // rolling a day past its month's end over (2026-02-31 is March 3). A day its month lacks is
  // refused, not moved (relay31; the other forms, review31a).
  const ymd = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/i.exec(text);
  const real = !!ymd && isRealDay(+ymd[1], +ymd[2], +ymd[3]);
  if (!Number.isFinite(ms) || !real) throw new RangeError(`${name} must be a date (2026-12-01), an ISO time or epoch milliseconds, not "${text.slice(0, 40)}"`);
  return date && end ? ms + DAY_MS : ms;
}

function intOf(name: string, text: string | null, min: number, max: number): number | undefined {
  if (text === null || text === '') return undefined;
  if (!/^\d{1,9}$/.test(text) || +text < min || +text > max) throw new RangeError(`${name} must be a whole number from ${min} to ${max}`);
  return +text;
}

/** The filters in `url`'s query; a RangeError says which one is wrong. */
export function historyQueryOf(url: URL): HistoryQuery {
  const s = url.searchParams;
  const text = (name: string) => {
    const v = s.get(name)?.trim();
    if (v && v.length > 200) throw new RangeError(`${name} is at most 200 characters`);
    return v || undefined;
  };
  const from = text('from');
  const to = text('to');
  return {
    agent: text('agent'),
    visitor: text('visitor'),
    from: from === undefined ? undefined : timeOf('from', from, false),
    to: to === undefined ? undefined : timeOf('to', to, true),
    limit: intOf('limit', s.get('limit'), 1, MAX_PAGE),
    offset: intOf('offset', s.get('offset'), 0, 1e9),
    withMessages: s.get('messages') === '1',
  };
}

/** Answers a history request from `viewer` (already authenticated). */
export async function historyAnswer(store: HistoryStore, viewer: Viewer, url: URL): Promise<ApiAnswer> {
  let q: HistoryQuery;
  try {
    q = historyQueryOf(url);
  } catch (e) {
    return json(400, { error: (e as Error).message });
  }
  if (url.pathname === '/api/history/sign-ins') return json(200, { signIns: await store.signIns(viewer, q) });
  if (url.pathname === '/api/history.csv' || url.searchParams.get('format') === 'csv') {
    const all = [];
    for (let offset = 0; offset < MAX_CSV_ROWS; offset += MAX_PAGE) {
      const page = await store.sessions(viewer, { ...q, limit: MAX_PAGE, offset, withMessages: false });
      all.push(...page.sessions);
      if (page.sessions.length < MAX_PAGE) break;
    }
    return {
      status: 200,
      contentType: 'text/csv; charset=utf-8',
      body: sessionsCsv(all),
      headers: { 'content-disposition': `attachment; filename="upscope-history-${new Date().toISOString().slice(0, 10)}.csv"` },
    };
  }
  const page = await store.sessions(viewer, q);
  const offset = q.offset ?? 0;
  const next = offset + page.sessions.length;
  return json(200, { sessions: page.sessions, total: page.total, offset, nextOffset: next < page.total ? next : null, admin: viewer.admin, storesMessages: store.storesMessages });
}
