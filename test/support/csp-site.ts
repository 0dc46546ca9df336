/**
 * A site with a Content-Security-Policy, for the end-to-end tests: a small checkout page served
 * on 127.0.0.1 with the policy as a real `Content-Security-Policy` response header, embedding the
 * widget the way the README says (the bundle from the relay's `/dist/`, the widget's `host` the
 * relay), so the page, the bundles and the socket are on the origins a real site has.
 */
import { createServer } from 'node:http';
import { iconFont } from './icon-font.js';
import type { AddressInfo } from 'node:net';

/**
 * The policy the README documents, for a page whose widget comes from `relay` (`http://host:port`):
 * the bundles from the relay (`script-src`), the socket to it (`connect-src`), the snapshot image
 * (`img-src data:`), the encoder's worker (`worker-src blob:`), and nothing inline anywhere.
 * With `trustedTypes`, Trusted Types are enforced and only the `upscope` policy is allowed.
 */
export function documentedPolicy(relay: string, o: { trustedTypes?: boolean; imgSrc?: string; scriptSrc?: string } = {}): string {
  const socket = relay.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    `script-src ${o.scriptSrc ?? `'self' ${relay}`}`,
    `connect-src 'self' ${socket}`,
    `img-src ${o.imgSrc ?? "'self' data:"}`,
    'worker-src blob:',
    "style-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    ...(o.trustedTypes ? ["require-trusted-types-for 'script'", 'trusted-types upscope'] : []),
  ].join('; ');
}

/** Where things are on the page (CSS px from the top left; the page does not scroll). */
export const LAYOUT = {
  /** A red block, to find in the agent's picture. */
  block: { x: 40, y: 80, width: 200, height: 120 },
  /** The card number field, yellow for the visitor, black for the agent. */
  card: { x: 40, y: 260, width: 240, height: 40 },
} as const;

const CSS = `
body { margin: 0; background: #fff; font: 16px sans-serif; }
#block { position: absolute; left: ${LAYOUT.block.x}px; top: ${LAYOUT.block.y}px; width: ${LAYOUT.block.width}px; height: ${LAYOUT.block.height}px; background: rgb(220, 30, 30); }
#card { position: absolute; left: ${LAYOUT.card.x}px; top: ${LAYOUT.card.y}px; width: ${LAYOUT.card.width}px; height: ${LAYOUT.card.height}px; box-sizing: border-box; border: 0; background: rgb(255, 235, 59); }
`;

/** A web font for the page's heading (served from a package, no network). */
const FONT_CSS = `@font-face { font-family: SiteIcons; src: url(/site-font.ttf) format('truetype'); }\nh1 { font-family: SiteIcons, sans-serif; }\n`;

const page = (relay: string, bundle: string, metaPolicy: string | null, webFont: boolean) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  ${metaPolicy === null ? '' : `<meta http-equiv="Content-Security-Policy" content="${metaPolicy.replaceAll('"', '&quot;')}">`}
  <title>Checkout</title>
  <link rel="stylesheet" href="/site.css">${webFont ? '\n  <link rel="stylesheet" href="/site-font.css">' : ''}
  <script ${bundle.endsWith('.iife.js') ? '' : 'type="module" '}src="${relay}/dist/${bundle}"></script>
</head>
<body>
  <h1>Pay</h1>
  <div id="block"></div>
  <upscope-masked><input id="card" autocomplete="cc-number" value="4111 1111 1111 1111" aria-label="Card number"></upscope-masked>
  <upscope-widget host="${new URL(relay).host}"></upscope-widget>
</body>
</html>`;

export interface CspSite {
  /** The checkout page served with `policy` as its Content-Security-Policy header (or, with `meta`, in a `<meta http-equiv>` instead). */
  pageUrl(policy: string, o?: { bundle?: 'upscope.js' | 'upscope.iife.js'; meta?: boolean; webFont?: boolean }): string;
  close(): Promise<void>;
}

/** Serves the checkout on a free port of 127.0.0.1; the relay at `relay` serves the bundles. */
export async function startCspSite(relay: string): Promise<CspSite> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://site');
    if (url.pathname === '/site.css') {
      res.writeHead(200, { 'content-type': 'text/css; charset=utf-8' });
      return res.end(CSS);
    }
    if (url.pathname === '/site-font.css') {
      res.writeHead(200, { 'content-type': 'text/css; charset=utf-8' });
      return res.end(FONT_CSS);
    }
    if (url.pathname === '/site-font.ttf') {
      res.writeHead(200, { 'content-type': 'font/ttf' });
      return res.end(iconFont());
    }
    if (url.pathname === '/checkout') {
      const policy = url.searchParams.get('csp') ?? '';
      const meta = url.searchParams.get('meta') === '1';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...(meta ? {} : { 'content-security-policy': policy }), 'cache-control': 'no-store' });
      return res.end(page(relay, url.searchParams.get('bundle') ?? 'upscope.js', meta ? policy : null, url.searchParams.get('font') === '1'));
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    pageUrl: (policy, { bundle = 'upscope.js', meta = false, webFont = false } = {}) =>
      `${base}/checkout?${new URLSearchParams({ csp: policy, bundle, meta: meta ? '1' : '0', font: webFont ? '1' : '0' })}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
