/**
 * The History page's CSV export (RFC 4180: comma-separated, CRLF rows, every field quoted, so a
 * spreadsheet set to split on `;` (German, French locales) still sees one cell per field). A
 * cell a spreadsheet would read as a formula (it starts, after any blanks, with `=`, `+`, `-`,
 * `@`, a tab or a carriage return) gets a leading `'`, so a visitor who calls themselves
 * `=HYPERLINK(...)` cannot run anything in the export's reader.
 */
import type { SessionRow } from './store.js';

const FORMULA_START = /^[\s\u00a0\u3000]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/** One cell, neutralised and quoted. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export const CSV_COLUMNS = ['session', 'started', 'ended', 'duration_s', 'end_reason', 'visitor_short_id', 'visitor_unique_id', 'visitor_call_name', 'agents_allowed', 'agents_declined', 'agents_asked', 'capabilities', 'messages'];

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

/** The sessions as CSV text, a header row first. */
export function sessionsCsv(sessions: readonly SessionRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const s of sessions) {
    const names = (outcome: string) => s.agents.filter((a) => a.outcome === outcome).map((a) => `${a.agentName} (${a.agentId})`).join('; ');
    const capabilities = [...new Set(s.agents.flatMap((a) => a.capabilities))].join(' ');
    lines.push(
      [
        s.id,
        iso(s.startedAt),
        iso(s.endedAt),
        s.durationMs === null ? '' : Math.round(s.durationMs / 1000),
        s.endReason,
        s.visitor.shortId,
        s.visitor.uniqueId,
        s.visitor.callName,
        names('allowed'),
        names('declined'),
        names('asked'),
        capabilities,
        s.messageCount,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
