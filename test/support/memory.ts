/**
 * The process's memory after a full garbage collection, for tests that check the relay stays
 * bounded under a flood. The relay runs in the test's process, so this includes it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** JS heap in use plus memory outside it (Buffers: what sockets queue), in bytes. */
export function memoryInUse(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** Only the JS heap in use, in bytes. */
export function heapInUse(): number {
  gc();
  return process.memoryUsage().heapUsed;
}
