/**
 * The small checks the visitor's side writes by hand instead of valibot's (see visitor-inbox.ts for
 * why): each takes a value and where it was found, and returns what to keep or throws an Issue.
 * Shared by the first script's inbox (visitor-inbox.ts) and the assist engine's
 * (visitor-inbox-assist.ts).
 */
import { ErrorCode } from './messages.js';
import type { ParseResult } from './parse-message.js';

/** A field that failed its check: where (`observer.agentName`) and why. */
export class Issue {
  constructor(
    readonly path: string,
    readonly message: string,
  ) {}
}

/** Checks `value` found at `path`, returning what to keep (objects lose unknown keys) or throwing an Issue. */
export type Check = (value: unknown, path: string) => unknown;

export const fail = (path: string, message: string): never => {
  throw new Issue(path, message);
};
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export const string =
  (max = Infinity, pattern?: RegExp): Check =>
  (value, path) =>
    typeof value !== 'string'
      ? fail(path, 'expected a string')
      : value.length > max
        ? fail(path, `at most ${max} characters`)
        : pattern && !pattern.test(value)
          ? fail(path, 'invalid format')
          : value;
export const number: Check = (value, path) => (typeof value === 'number' && Number.isFinite(value) ? value : fail(path, 'expected a finite number'));

export const oneOf =
  (options: Record<string, string> | string[]): Check =>
  (value, path) =>
    Object.values(options).includes(value as string) ? value : fail(path, 'not an allowed value');
export const nullable =
  (check: Check): Check =>
  (value, path) =>
    value === null ? null : check(value, path);
export const optional =
  (check: Check): Check =>
  (value, path) =>
    value === undefined ? undefined : check(value, path);
export const nullish = (check: Check): Check => optional(nullable(check));
export const array =
  (check: Check, max = Infinity): Check =>
  (value, path) =>
    !Array.isArray(value) ? fail(path, 'expected an array') : value.length > max ? fail(path, `at most ${max} items`) : value.map((item, i) => check(item, `${path}.${i}`));
export const object =
  (entries: Record<string, Check>): Check =>
  (value, path) => {
    if (!isRecord(value)) fail(path, 'expected an object');
    const out: Record<string, unknown> = {};
    for (const key in entries) {
      const kept = entries[key]((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (key in (value as object)) out[key] = kept;
    }
    return out;
  };

/** A message of `type` checked with `check`: as parseMessage says it (same code, same wording), or where and why it is wrong. */
export function checkMessage(check: Check, raw: unknown, type: string): ParseResult {
  try {
    return { ok: true, message: check(raw, '') as never };
  } catch (err) {
    if (!(err instanceof Issue)) throw err;
    return { ok: false, error: { code: ErrorCode.invalidMessage, message: `invalid "${type}" message${err.path ? ` at ${err.path}` : ''}: ${err.message}` } };
  }
}
