/**
 * A web-test-runner plugin for measuring the capture against the browser itself:
 *
 * - `screenshot` -> base64 PNG of the test page's viewport, Chromium's own picture of it, taken
 *   with the DevTools protocol's `Page.captureScreenshot` (as the capture bench does).
 * - `save-picture` (payload `{ name, png }`, base64) writes `test-results/fidelity/<name>.png` when
 *   the run has `UPSCOPE_FIDELITY_PICTURES=1`, for looking at a difference; otherwise does nothing.
 *   Answers whether pictures are kept (without a payload, only that).
 * - serves `/__fixtures__/icon-font.ttf`: a web font from a package already installed (the
 *   codicon icon font shipped inside playwright-core), so font tests need no network; and
 *   `/__fixtures__/icon-font-<name>.ttf`, the same font with `<name>` appended after its tables
 *   (which readers skip), a file of its own: distinct bytes, as each subset of a web font split by
 *   `unicode-range` is (a browser caches a font by its bytes' data: URL, and one already loaded
 *   would hide a face that loads late).
 * - serves `/__fixtures__/cors/<name>.css`: a style sheet declaring the family `<name>` from
 *   `icon-font-<name>.ttf` (a relative URL), both sent with `Access-Control-Allow-Origin: *`, as a
 *   font host (Google Fonts) sends them, for a page that links the sheet from another origin
 *   (127.0.0.1 against localhost) without `crossorigin`; the `css` query's rules follow.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { iconFont } from './icon-font.js';
import type { TestRunnerPlugin } from '@web/test-runner';
import type { PlaywrightLauncher } from '@web/test-runner-playwright';

const PICTURES = join(process.cwd(), 'test-results', 'fidelity');
/** What a font host answers any origin with. */
const CORS = { 'access-control-allow-origin': '*' };


export function screenshotPlugin(): TestRunnerPlugin {
  return {
    name: 'upscope-screenshot',
    serve(context) {
      if (context.path === '/__fixtures__/icon-font.ttf') return { body: iconFont() as unknown as string, type: 'font/ttf' };
      const named = /^\/__fixtures__\/icon-font-([\w-]+)\.ttf$/.exec(context.path);
      if (named) return { body: Buffer.concat([iconFont(), Buffer.from(named[1].padEnd(Math.ceil(named[1].length / 4) * 4))]) as unknown as string, type: 'font/ttf', headers: CORS };
      const sheet = /^\/__fixtures__\/cors\/([\w-]+)\.css$/.exec(context.path);
      if (sheet) return { body: `@font-face { font-family: "${sheet[1]}"; src: url(../icon-font-${sheet[1]}.ttf) format("truetype"); }\n${context.URL.searchParams.get('css') ?? ''}`, type: 'text/css', headers: CORS };
      return undefined;
    },
    async executeCommand({ command, payload, session }) {
      if (command === 'save-picture') {
        if (!process.env.UPSCOPE_FIDELITY_PICTURES) return false;
        if (!payload) return true;
        const { name, png } = payload as { name: string; png: string };
        if (!/^[\w-]+$/.test(name)) throw new Error(`save-picture: bad name ${name}`);
        mkdirSync(PICTURES, { recursive: true });
        writeFileSync(join(PICTURES, `${name}.png`), Buffer.from(png, 'base64'));
        return true;
      }
      if (command !== 'screenshot') return undefined;
      const launcher = session.browser as Partial<PlaywrightLauncher>;
      if (typeof launcher.getPage !== 'function') throw new Error('screenshot: needs the Playwright launcher');
      const page = launcher.getPage(session.id);
      const cdp = await page.context().newCDPSession(page);
      try {
        const { data } = await cdp.send('Page.captureScreenshot', { format: 'png' });
        return data;
      } finally {
        await cdp.detach();
      }
    },
  };
}
