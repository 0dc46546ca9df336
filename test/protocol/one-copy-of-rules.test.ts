// Every rule both ends share lives once, in src/protocol/ (STYLE.md 11): no other source file
// spells a close code or a rate-limit number. Reads the sources as text, like a reviewer would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { CloseCode, RATE_LIMITS } from '../../src/protocol/index.js';

const ROOT = new URL('../../', import.meta.url).pathname;

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(path)));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** `file:line: text` for each line of src/ outside src/protocol/ that `bad` flags. */
async function offenders(bad: (line: string) => boolean): Promise<string[]> {
  const found: string[] = [];
  for (const file of await sourceFiles(join(ROOT, 'src'))) {
    const name = relative(ROOT, file);
    if (name.startsWith('src/protocol/')) continue;
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines.forEach((line, i) => bad(line) && found.push(`${name}:${i + 1}: ${line.trim()}`));
  }
  return found;
}

const closeCodes = Object.values(CloseCode).map(String);
const closeCodeLiteral = new RegExp(`\\b(${closeCodes.join('|')})\\b`);

test('no close code is spelled as a number outside src/protocol/', async () => {
  // A close code is a number on a line that speaks of closing or of a code.
  const found = await offenders((line) => closeCodeLiteral.test(line) && /close|code/i.test(line));
  assert.deepEqual(found, []);
});

test('no rate-limit number is spelled outside src/protocol/', async () => {
  // A rate limit is a number of two digits or more on a line that sets up a bucket or a pace
  // (60 and 1000 convert minutes and milliseconds).
  const limitLine = /burst|persecond|perminute|ratelimiter\(|tokenbucket\(|pacedsender\(/i;
  const found = await offenders((line) => limitLine.test(line) && /\b(?!60\b|1000\b)\d{2,}\b/.test(line.replace(/\/\/.*|\/\*.*|^\s*\*.*/, '')));
  assert.deepEqual(found, []);
});

test('the table is what the checks look for: every limit and code is a number', () => {
  for (const value of [...Object.values(CloseCode), ...Object.values(RATE_LIMITS)]) assert.equal(typeof value, 'number');
});
