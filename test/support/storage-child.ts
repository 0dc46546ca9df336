/**
 * A separate process that uses a data directory, for the storage tests:
 *   node --import tsx test/support/storage-child.ts DIR put SCOPE KEY JSON   writes one value, closes, exits
 *   node --import tsx test/support/storage-child.ts DIR hold                  opens, prints "open", waits to be killed
 *   node --import tsx test/support/storage-child.ts DIR spin SCOPE            writes n = 0, 1, 2... under key "n"
 *     and key "k{n}", printing each n once committed, until killed
 */
import { openDatabase } from '../../src/server/node/database.js';
import { PgliteStorage } from '../../src/server/node/pglite-storage.js';

const [dir, action, scope, key, json] = process.argv.slice(2);
const db = await openDatabase(dir!);
if (action === 'put') {
  await new PgliteStorage(db, scope!).put(key!, JSON.parse(json!));
  await db.close();
} else if (action === 'hold') {
  console.log('open');
  setInterval(() => undefined, 60_000);
} else if (action === 'spin') {
  const s = new PgliteStorage(db, scope!);
  for (let n = 0; ; n++) {
    // A value large enough that a kill often lands inside a write.
    await s.put(`k${n}`, { n, pad: 'x'.repeat(20_000) });
    await s.put('n', n);
    console.log(n);
  }
}
