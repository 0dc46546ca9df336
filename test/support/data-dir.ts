/**
 * Fresh data directories for tests that run a relay on disk. Creating a PGlite database runs
 * Postgres's initdb (seconds, more on a busy machine), so it is done once per schema, kept in the
 * system's temp directory as a template, and each test gets a copy. Copies are deleted at exit.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS, openDatabase } from '../../src/server/node/database.js';

const pgliteVersion = (JSON.parse(readFileSync(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8')) as { version: string }).version;
const key = createHash('sha256').update(JSON.stringify([pgliteVersion, MIGRATIONS])).digest('hex').slice(0, 12);
const TEMPLATE = join(tmpdir(), `upscope-test-data-template-${key}`);

let template: Promise<string> | null = null;
const made: string[] = [];
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function ensureTemplate(): Promise<string> {
  return (template ??= (async () => {
    if (existsSync(TEMPLATE)) return TEMPLATE;
    const building = mkdtempSync(join(tmpdir(), 'upscope-test-data-building-'));
    const db = await openDatabase(building);
    await db.close();
    try {
      renameSync(building, TEMPLATE);
    } catch {
      // Another test process made it first.
      rmSync(building, { recursive: true, force: true });
    }
    return TEMPLATE;
  })());
}

/** A new, empty, migrated data directory of its own. */
export async function freshDataDir(): Promise<string> {
  const from = await ensureTemplate();
  const dir = mkdtempSync(join(tmpdir(), 'upscope-test-data-'));
  made.push(dir);
  cpSync(from, dir, { recursive: true });
  return dir;
}

/** A path for a data directory that does not exist yet (the relay creates it). */
export function newDataDirPath(): string {
  const parent = mkdtempSync(join(tmpdir(), 'upscope-test-data-'));
  made.push(parent);
  return join(parent, 'data');
}

/**
 * Like {@link freshDataDir}, synchronously, for code that cannot wait (a child's environment):
 * call `await freshDataDir()` once first, so the template exists.
 */
export function freshDataDirSync(): string {
  if (!existsSync(TEMPLATE)) throw new Error('await freshDataDir() once before freshDataDirSync()');
  const dir = mkdtempSync(join(tmpdir(), 'upscope-test-data-'));
  made.push(dir);
  cpSync(TEMPLATE, dir, { recursive: true });
  return dir;
}
