/**
 * One co-browsing session end to end on the Cloudflare host (the Worker and its Durable Objects in
 * wrangler's local mode, as `npm run start:cloudflare` runs them): the shared flow in
 * cobrowse-flow.ts, the same steps and assertions as cobrowse.test.ts on the Node host. Needs
 * `npm run build:cloudflare` first (`npm test` does).
 */
import { test } from 'node:test';
import { cobrowseFlow } from './cobrowse-flow.js';
import { relayAndBrowser } from './setup.js';

const CREDENTIAL = 'e2e-cloudflare-credential';
const e2e = relayAndBrowser(CREDENTIAL, 'upscope.js', 'cloudflare');

test('on the Cloudflare host: help request, consent, frames with the card number black, messages both ways, stop', () => cobrowseFlow(e2e, CREDENTIAL));
