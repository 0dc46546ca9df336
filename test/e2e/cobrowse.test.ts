/**
 * Co-browsing end to end on the Node host (`npm start`'s relay): the shared flow in
 * cobrowse-flow.ts (help request, consent, frames with the card number black, messages both
 * ways, stop). cloudflare.test.ts runs the same flow on the Cloudflare host.
 *
 * Set SCREENSHOTS=docs/screenshots to also write the README's screenshots of both sides.
 */
import { test } from 'node:test';
import { cobrowseFlow } from './cobrowse-flow.js';
import { relayAndBrowser } from './setup.js';

const SIGNING_KEY = 'e2e-cobrowse-signing-key';
const e2e = relayAndBrowser(SIGNING_KEY, 'upscope.js');

test('a visitor asks for help, an agent watches with the card number black, they chat, the agent stops', () => cobrowseFlow(e2e, SIGNING_KEY));
