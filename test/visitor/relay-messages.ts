/** Relay messages as the visitor receives them, for the tests that feed the session's modules directly. */
import type { MessageOf } from '../../src/protocol/index.js';

/** A welcome to visitor `short-1` from relay run `run-1`, with no session; `patch` changes any field. */
export const welcome = (patch: Partial<MessageOf<'welcome'>> = {}): MessageOf<'welcome'> => ({
  type: 'welcome',
  shortId: 'short-1',
  sessionState: 'inactive',
  agentName: null,
  observers: [],
  lookupCode: null,
  relayRun: 'run-1',
  ...patch,
});
