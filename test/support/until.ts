/**
 * Waiting in browser tests, defined once: `until(what, check)` re-checks `check` until it holds,
 * and fails naming `what` after `timeout` ms.
 */
import { waitUntil } from '@open-wc/testing';

export const until = (what: string, check: () => boolean | Promise<boolean>, timeout = 8000): Promise<void> => waitUntil(check, what, { timeout, interval: 20 });
