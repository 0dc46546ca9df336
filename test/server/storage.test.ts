/**
 * The `Storage` seam's contract, run against every implementation (in memory, PGlite on disk in a
 * temp directory, and a real Postgres server through DATABASE_URL's driver), the migrations on a
 * shared server, then what only the disk one promises: values survive a close and reopen
 * (in a new PGlite instance and in another process), a process killed mid-write leaves a database
 * that opens with every committed write, one relay at a time per directory, and records of rooms
 * nobody came back to are purged.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Storage } from '../../src/server/relay/seams.js';
import { memoryStorages } from '../../src/server/relay/memory-storage.js';
import { DataDirError, MIGRATIONS, openDatabase, openPostgres, type Database } from '../../src/server/node/database.js';
import { PgliteStorage, RoomRecords } from '../../src/server/node/pglite-storage.js';
import { freshDataDir } from '../support/data-dir.js';
import { BACKENDS, freshDatabaseUrl } from '../support/databases.js';

/** A fresh, migrated database of `backend`. */
async function openFresh(backend: (typeof BACKENDS)[number]): Promise<Database> {
  const o = await backend.fresh();
  return o.databaseUrl ? openPostgres(o.databaseUrl) : openDatabase(o.dataDir!);
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = join(ROOT, 'test/support/storage-child.ts');
const temp = () => mkdtempSync(join(tmpdir(), 'upscope-storage-'));
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const newDir = () => {
  const d = temp();
  dirs.push(d);
  return d;
};

/** Runs the storage child process; resolves with its exit code and output. */
function child(args: string[], onLine?: (line: string, kill: () => void) => void): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let buffered = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d;
      buffered += d;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) onLine?.(line, () => p.kill('SIGKILL'));
    });
    p.stderr.on('data', (d: Buffer) => (out += d));
    p.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

const VALUES: Array<[string, unknown]> = [
  ['a string', 'hello'],
  ['an empty string', ''],
  ['NUL and other control characters (a visitor identity may hold them)', 'a\u0000b\u0001c\n\t"\\'],
  ['non-ASCII text', 'Zoë 😀 日本語'],
  ['numbers', [0, -1, 1.5, 1e300, -2.5e-300, Number.MAX_SAFE_INTEGER]],
  ['booleans and null', [true, false, null]],
  ['a nested record', { visitorId: 'v', identity: { callName: 'Z', tags: ['a', 'b'], metadata: { k: 'v' } }, agents: [{ agentId: 'a1', agentName: 'Alice' }], code: null }],
  ['an empty object and array', { o: {}, a: [] }],
  ['keys in a non-sorted order', { z: 1, a: 2, m: { y: 1, b: 2 } }],
];

interface Impl {
  name: string;
  /** A storage for `scope`; every call shares one backing store. */
  storage(scope: string): Storage;
}

function contract(impl: () => Impl) {
  test('get of a missing key is undefined; put then get returns the value', async () => {
    const s = impl().storage('contract-basic');
    assert.equal(await s.get('missing'), undefined);
    await s.put('room', { state: 'active' });
    assert.deepEqual(await s.get('room'), { state: 'active' });
  });

  for (const [what, value] of VALUES) {
    test(`JSON round trip: ${what}`, async () => {
      const s = impl().storage('contract-values');
      await s.put('v', value);
      const back = await s.get('v');
      assert.deepStrictEqual(back, value);
      assert.equal(JSON.stringify(back), JSON.stringify(value), 'exactly as written (key order too)');
    });
  }

  test('a value is copied on put: changing the object afterwards changes nothing stored', async () => {
    const s = impl().storage('contract-copy');
    const value = { n: 1, list: [1] };
    await s.put('k', value);
    value.n = 2;
    value.list.push(2);
    assert.deepEqual(await s.get('k'), { n: 1, list: [1] });
  });

  test('what JSON turns into null or drops, storage does too; undefined itself is refused', async () => {
    const s = impl().storage('contract-json');
    await s.put('k', { a: undefined, b: NaN, c: [undefined], d: new Date(0) });
    assert.deepEqual(await s.get('k'), { b: null, c: [null], d: '1970-01-01T00:00:00.000Z' });
    await assert.rejects(s.put('u', undefined), TypeError);
    assert.equal(await s.get('u'), undefined);
  });

  test('put replaces; delete says whether there was a value', async () => {
    const s = impl().storage('contract-replace');
    await s.put('k', 1);
    await s.put('k', { two: 2 });
    assert.deepEqual(await s.get('k'), { two: 2 });
    assert.equal(await s.delete('k'), true);
    assert.equal(await s.get('k'), undefined);
    assert.equal(await s.delete('k'), false);
  });

  test('list returns the entries under a prefix, in key order; an empty prefix lists all', async () => {
    const s = impl().storage('contract-list');
    for (const k of ['msg:2', 'msg:10', 'room', 'msg:1', 'msh', 'm%g', 'm_g']) await s.put(k, { k });
    assert.deepEqual([...(await s.list('msg:')).keys()], ['msg:1', 'msg:10', 'msg:2']);
    assert.deepEqual((await s.list<{ k: string }>('msg:1')).get('msg:10'), { k: 'msg:10' });
    assert.deepEqual([...(await s.list('m%')).keys()], ['m%g'], 'prefixes are literal, not patterns');
    assert.deepEqual([...(await s.list('m_')).keys()], ['m_g']);
    assert.equal((await s.list('')).size, 7);
    assert.equal((await s.list('nothing')).size, 0);
  });

  test('scopes are separate: the same key in two rooms holds two values', async () => {
    const i = impl();
    const a = i.storage('contract-scope-a');
    const b = i.storage('contract-scope-b');
    await a.put('room', 'a');
    await b.put('room', 'b');
    assert.equal(await a.get('room'), 'a');
    assert.equal(await b.get('room'), 'b');
    await a.delete('room');
    assert.equal(await b.get('room'), 'b');
    assert.deepEqual([...(await b.list('')).keys()], ['room']);
  });

  test('concurrent writes to many rooms all land', async () => {
    const i = impl();
    await Promise.all(Array.from({ length: 50 }, (_, n) => i.storage(`contract-many-${n}`).put('room', { n })));
    const back = await Promise.all(Array.from({ length: 50 }, (_, n) => i.storage(`contract-many-${n}`).get<{ n: number }>('room')));
    assert.deepEqual(back.map((r) => r?.n), Array.from({ length: 50 }, (_, n) => n));
  });
}

describe('Storage contract: in memory', () => {
  const storages = memoryStorages();
  contract(() => ({ name: 'memory', storage: storages }));
});

describe('Storage contract: PGlite on disk', () => {
  let db: Database;
  before(async () => {
    db = await openDatabase(newDir());
  });
  after(() => db.close());
  contract(() => ({ name: 'pglite', storage: (scope) => new PgliteStorage(db, scope) }));
});

describe('Storage contract: a Postgres server (DATABASE_URL)', () => {
  let db: Database;
  before(async () => {
    db = await openPostgres(await freshDatabaseUrl());
  });
  after(() => db.close());
  contract(() => ({ name: 'postgres', storage: (scope) => new PgliteStorage(db, scope) }));
});

describe('Postgres server (DATABASE_URL)', () => {
  test('two relays starting together on one server migrate once (the advisory lock), and a third finds the schema current', async () => {
    const url = await freshDatabaseUrl();
    const [a, b] = await Promise.all([openPostgres(url), openPostgres(url)]);
    try {
      const versions = (await a.sql.query<{ version: number }>('SELECT version FROM schema_version ORDER BY version')).rows.map((r) => r.version);
      assert.deepEqual(versions, MIGRATIONS.map((_, i) => i + 1), 'each step applied exactly once');
      const c = await openPostgres(url);
      assert.equal(c.schemaVersion, MIGRATIONS.length);
      await c.close();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('a server that cannot be reached is one clear sentence, with the password hidden', async () => {
    await assert.rejects(openPostgres('postgres://someone:secret@127.0.0.1:1/nothing'), (e: Error) => e.name === 'DatabaseUrlError' && /^cannot use the database at postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nothing: /.test(e.message) && !e.message.includes('secret'));
    await assert.rejects(openPostgres('mysql://x'), /DATABASE_URL must start with postgres:\/\//);
  });
});

describe('PGlite storage on disk', () => {
  test('values survive closing and reopening the database (a new PGlite instance), and the schema is migrated once', async () => {
    const dir = await freshDataDir();
    let db = await openDatabase(dir);
    assert.equal(db.schemaVersion, MIGRATIONS.length);
    await new PgliteStorage(db, 'room:A').put('room', { shortId: 'A', state: 'active', agents: [{ agentId: 'x', agentName: 'Ann' }] });
    await new PgliteStorage(db, 'room:B').put('room', { shortId: 'B' });
    await new PgliteStorage(db, 'room:B').delete('room');
    await db.close();
    await db.close(); // twice is harmless

    db = await openDatabase(dir);
    try {
      assert.deepEqual(await new PgliteStorage(db, 'room:A').get('room'), { shortId: 'A', state: 'active', agents: [{ agentId: 'x', agentName: 'Ann' }] });
      assert.equal(await new PgliteStorage(db, 'room:B').get('room'), undefined);
      const versions = (await db.sql.query<{ version: number }>('SELECT version FROM schema_version ORDER BY version')).rows.map((r) => r.version);
      assert.deepEqual(versions, MIGRATIONS.map((_, i) => i + 1), 'each step applied exactly once');
    } finally {
      await db.close();
    }
  });

  test('a value written by another process is read back here', async () => {
    const dir = await freshDataDir();
    const wrote = await child([dir, 'put', 'room:P', 'room', JSON.stringify({ from: 'child', text: 'ü\u0000' })]);
    assert.equal(wrote.code, 0, wrote.out);
    const db = await openDatabase(dir);
    try {
      assert.deepEqual(await new PgliteStorage(db, 'room:P').get('room'), { from: 'child', text: 'ü\u0000' });
    } finally {
      await db.close();
    }
  });

  test('a process killed in the middle of writing leaves a database that opens, with every committed write', async () => {
    const dir = await freshDataDir();
    let last = -1;
    const run = await child([dir, 'spin', 'room:crash'], (line, kill) => {
      last = Number(line);
      if (last >= 30) kill();
    });
    assert.equal(run.signal, 'SIGKILL', run.out);
    const db = await openDatabase(dir);
    try {
      const s = new PgliteStorage(db, 'room:crash');
      const n = await s.get<number>('n');
      assert.ok(typeof n === 'number' && n >= last, `the last committed counter (${last}) is there: ${n}`);
      const all = await s.list<{ n: number; pad: string }>('k');
      for (let i = 0; i <= n; i++) assert.equal(all.get(`k${i}`)?.pad.length, 20_000, `write ${i} is whole`);
      await s.put('after', 'the database takes writes again');
      assert.equal(await s.get('after'), 'the database takes writes again');
    } finally {
      await db.close();
    }
  });

  test('one relay per data directory: a second opener, here or in another process, gets a clear error; a dead holder’s lock is taken over', async () => {
    const dir = await freshDataDir();
    const db = await openDatabase(dir);
    try {
      await assert.rejects(openDatabase(dir), (e: Error) => e instanceof DataDirError && /already in use by another relay in this process/.test(e.message));
    } finally {
      await db.close();
    }
    // Another process holds it.
    let kill: () => void = () => undefined;
    let opened!: () => void;
    const isOpen = new Promise<void>((r) => (opened = r));
    const holder = child([dir, 'hold'], (line, k) => {
      kill = k;
      if (line === 'open') opened();
    });
    await isOpen;
    try {
      await assert.rejects(openDatabase(dir), (e: Error) => e instanceof DataDirError && /is in use by another relay \(process \d+\); stop it, or set UPSCOPE_DATA_DIR/.test(e.message));
    } finally {
      kill();
    }
    assert.equal((await holder).signal, 'SIGKILL');
    // Killed, so its lock file is still there: the next relay takes it over.
    const next = await openDatabase(dir);
    await next.close();
  });

  test('a data directory that cannot be one: a file, or under a file', async () => {
    const dir = newDir();
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'not a directory');
    await assert.rejects(openDatabase(file), (e: Error) => e instanceof DataDirError && e.message === `the data directory ${file} is a file, not a directory`);
    await assert.rejects(openDatabase(join(file, 'data')), (e: Error) => e instanceof DataDirError && e.message === `cannot create the data directory ${join(file, 'data')}: a parent of it is a file`);
  });

  test('the data directory is private to the relay\'s user (it holds the signing key): made 0700, an open one tightened', async () => {
    const made = join(newDir(), 'fresh', 'data');
    let db = await openDatabase(made);
    await db.close();
    assert.equal(statSync(made).mode & 0o777, 0o700, 'a new directory is 0700');
    const open = newDir();
    chmodSync(open, 0o755);
    db = await openDatabase(open);
    await db.close();
    assert.equal(statSync(open).mode & 0o777, 0o700, 'an existing world-readable directory is tightened to 0700');
  });
});

for (const backend of BACKENDS) describe(`room records stay bounded (${backend.name})`, () => {
  test('records of rooms no run has had for the retention period are purged; the ones this run holds, and recent ones, stay', async () => {
    const db = await openFresh(backend);
    try {
      let t = 1_000_000;
      const now = () => t;
      // The run before the restart: three rooms with records, one of which ended (deleted its record).
      const before = new RoomRecords(db, now);
      for (const name of ['gone', 'returns', 'ended']) await before.storageFor(name).put('room', { name });
      assert.equal(before.holding, 3);
      await before.storageFor('ended').delete('room');
      assert.equal(before.holding, 2, 'a deleted record is no longer held');
      await before.touch();
      t += 60_000;

      // The restart: "returns" comes back (its room loads its record), a new visitor arrives.
      const run = new RoomRecords(db, now);
      assert.equal(await run.purge(90_000), 0, 'nothing is older than the retention yet');
      assert.deepEqual(await run.storageFor('returns').get('room'), { name: 'returns' });
      await run.storageFor('new').put('room', { name: 'new' });
      assert.equal(await run.count(), 3);
      t += 60_000;
      // 120 s since "gone" was last seen: purged. "returns" was written just as long ago, but this run has it.
      assert.equal(await run.purge(90_000), 1);
      assert.equal(await run.storageFor('gone').get('room'), undefined);
      assert.deepEqual(await run.storageFor('returns').get('room'), { name: 'returns' });
      assert.equal(await run.count(), 2);

      // The next restart, long after a clean stop (touch): what that run held is kept for the retention, then purged.
      await run.touch();
      t += 60_000;
      const later = new RoomRecords(db, now);
      assert.equal(await later.purge(90_000), 0);
      t += 60_000;
      assert.equal(await later.purge(90_000), 2);
      assert.equal(await later.count(), 0);
    } finally {
      await db.close();
    }
  });
});
