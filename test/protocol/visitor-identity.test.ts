// screenIdentity (src/protocol/visitor-identity.ts): review fix26r. Keys of `identities` or
// `metadata` that became the same once screened were merged by Object.fromEntries, the last one
// winning: `{"email":"a@x","em\u200Bail":"evil@x"}` showed agents `{email:"evil@x"}`. Such a
// collision is refused by name, as a key that screens to nothing is. The end-to-end case on both
// hosts is in test/server/security-rt25r.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenIdentity } from '../../src/protocol/index.js';

test('screenIdentity refuses keys of identities or metadata that become the same once screened, naming the field; distinct keys are kept', () => {
  const cases: [string, Record<string, string>][] = [
    ['identities', { email: 'a@x', 'em\u200Bail': 'evil@x' }],
    ['identities', { 'em\u200Bail': 'evil@x', email: 'a@x' }],
    ['metadata', { 'a\tb': '1', 'a b': '2' }],
    ['metadata', { 'plan\u202E': 'gold', 'pl\u2060an': 'free' }],
  ];
  for (const [field, record] of cases) {
    const out = screenIdentity({ [field]: record });
    assert.ok('error' in out, `${JSON.stringify(record)} refused`);
    assert.match(out.error, new RegExp(`^${field}: two keys are both "`));
  }
  assert.deepEqual(screenIdentity({ identities: { email: 'a@x', Email: 'b@x' }, metadata: { 'a b': '1', ab: '2' } }), {
    identity: { identities: { email: 'a@x', Email: 'b@x' }, metadata: { 'a b': '1', ab: '2' } },
  });
});
