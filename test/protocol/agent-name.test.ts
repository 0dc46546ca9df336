// agentNameOf (src/protocol/login.ts): what a visitor is shown of an agent's name. Review fix25r:
// invisible characters that are not format characters (Hangul fillers, braille blank, the combining
// grapheme joiner, variation selectors) went through, so a name of them alone showed as nothing, and
// combining marks stacked without bound (Z + 100 × U+0358 kept 79: a tall glyph painting over the
// consent sentence). The end-to-end cases on both hosts are in test/server/security-rt24r.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentNameOf, DEFAULT_AGENT_NAME } from '../../src/protocol/index.js';

test('agentNameOf drops invisible characters that are not format characters; a name of nothing else is Agent', () => {
  const invisible = ['\u3164', '\u115F', '\u1160', '\uFFA0', '\u2800', '\u034F', '\uFE00', '\uFE0F', '\u{E0100}', '\u{E01EF}', '\u180B', '\u180C', '\u180D', '\u180E', '\u180F'];
  for (const ch of invisible) {
    const code = `U+${ch.codePointAt(0)!.toString(16).toUpperCase()}`;
    assert.equal(agentNameOf(ch), DEFAULT_AGENT_NAME, `${code} alone`);
    assert.equal(agentNameOf(`${ch}${ch} ${ch}`), DEFAULT_AGENT_NAME, `${code} repeated, with a space`);
    assert.equal(agentNameOf(`An${ch}n`), 'Ann', `${code} inside a name`);
  }
  assert.equal(agentNameOf('\u3164\u2800\uFE0F\u034F'), DEFAULT_AGENT_NAME, 'a mix of them');
  // Combining marks with no base to sit on show nothing of a name either.
  assert.equal(agentNameOf('\u0301\u0308'), DEFAULT_AGENT_NAME, 'marks alone');
  assert.equal(agentNameOf(' \u0301 '), DEFAULT_AGENT_NAME, 'a mark on a space');
});

test('agentNameOf keeps at most 2 combining marks on a character', () => {
  assert.equal(agentNameOf(`Z${'\u0358'.repeat(100)}`), 'Z\u0358\u0358');
  assert.equal(agentNameOf(`Za${'\u0300\u0301\u0302\u0303'.repeat(20)}lgo${'\u0316'.repeat(30)}`), 'Z\u00E0\u0301\u0302lgo\u0316\u0316', 'counted after NFC: a precomposed letter (à) is one character, then 2 marks');
  // A dropped invisible character between marks does not reset the count.
  assert.equal(agentNameOf('Z\u0358\u034F\u0358\u0358'), 'Z\u0358\u0358');
  // Names that need marks keep them: composed Latin, Devanagari, Vietnamese, Thai.
  for (const name of ['Zoë Łukasz', 'प्रिया', 'Nguyễn Thị Ánh', 'สมชาย', 'Đặng', 'Zoe\u0308\u0301']) {
    const expected = name.normalize('NFC');
    assert.equal(agentNameOf(name), expected, name);
  }
});

test('agentNameOf keeps the joiners that spell a name or an emoji, one at a time, and no others', () => {
  // Persian (a non-joiner between letters), Malayalam (a joiner between letters), emoji sequences.
  for (const name of ['مهرانه\u200Cها', 'ക്\u200Dക', '👨\u200D👩\u200D👧', '🏳\uFE0F\u200D🌈', '❤\uFE0F', '👍🏽\u200D🔥']) {
    assert.equal(agentNameOf(name), name, JSON.stringify(name));
  }
  // Anywhere else, or two in a row, or on their own, they are dropped as before.
  assert.equal(agentNameOf('vip\u200D'), 'vip');
  assert.equal(agentNameOf('\u200Dvip'), 'vip');
  assert.equal(agentNameOf('a\u200D\u200Db'), 'ab');
  assert.equal(agentNameOf('a\u200C\u200Eb'), 'ab');
  assert.equal(agentNameOf('A\uFE0F'), 'A');
  assert.equal(agentNameOf('Z\u0358\u200D\u0358\u0358'), 'Z\u0358\u0358');
  assert.equal(agentNameOf('\u200C\u200D\u200C'), DEFAULT_AGENT_NAME);
  assert.equal(agentNameOf('a 1\u200D2'), 'a 12', 'between digits');
  // Between letters of a script not spelled with joiners (Latin, Cyrillic, Han): an invisible look-alike (review of rt25r).
  assert.equal(agentNameOf('pl\u200Dan'), 'plan');
  assert.equal(agentNameOf('Ad\u200Cmin'), 'Admin');
  assert.equal(agentNameOf('Ива\u200Dн'), 'Иван');
  assert.equal(agentNameOf('王\u200D明'), '王明');
});
