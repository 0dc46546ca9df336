import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * A real web font from a package already installed, so font tests need no network: the codicon
 * icon font shipped inside playwright-core (its file name carries a content hash).
 */
export function iconFont(): Buffer {
  const dir = join(dirname(createRequire(import.meta.url).resolve('playwright-core/package.json')), 'lib', 'vite', 'recorder', 'assets');
  const file = readdirSync(dir).find((f) => /^codicon.*\.ttf$/.test(f));
  if (!file) throw new Error(`no codicon*.ttf in ${dir}`);
  return readFileSync(join(dir, file));
}
