/**
 * The README's quick start walks a new user through the console: every button or field it names
 * in quotes must exist with that label, and it must not ask the agent to do what the watch page
 * does by itself (asking the visitor to watch).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

const read = (path: string) => readFile(new URL(`../../${path}`, import.meta.url), 'utf8');

test('README quick start: the labels it quotes are the ones on screen, and the steps match the console', async () => {
  const readme = await read('README.md');
  const start = readme.indexOf('## Quick start');
  const quickStart = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const sources = (
    await Promise.all(
      [
        'demo/index.html',
        'src/agent/elements/upscope-agent-login/upscope-agent-login.ts',
        'src/agent/elements/upscope-agent-lobby/upscope-agent-lobby.ts',
        'src/agent/elements/upscope-agent-watch/upscope-agent-watch.ts',
        'src/visitor/elements/upscope-widget/upscope-widget.launcher-strings.ts',
        'src/agent/elements/upscope-viewer/upscope-viewer.ts',
        'src/visitor/elements/upscope-widget/upscope-widget.strings.ts',
      ].map(read),
    )
  ).join('\n');
  // A label the README's lines wrap is read as one line.
  const quoted = [...quickStart.matchAll(/"([^"]+)"/g)].map((m) => m[1].replace(/\s+/g, ' '));
  assert.ok(quoted.length >= 5, `the steps name the controls: ${quoted.join(', ')}`);
  for (const label of quoted) {
    // "Waiting for … to allow you to watch": the part before the name is the console's own words.
    const words = label.split('…')[0].trim();
    assert.ok(sources.includes(words), `the quick start quotes "${label}", which the UI does not show`);
  }
  assert.doesNotMatch(quickStart, /\bask to watch\b/i, 'the watch page asks the visitor by itself');
});
