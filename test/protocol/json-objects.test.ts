// An array is never taken where the protocol expects an object: valibot's object and record
// schemas accept arrays (typeof [] is 'object'), so an all-optional object (an identity) or a
// record would pass as an empty one. Walks every message schema and the sign-in schemas, so an
// object or record schema added later without jsonObject (src/protocol/json-object.ts) fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { LoginRefusalSchema, LoginRequestSchema, LoginResponseSchema, MessageSchema, SetPasswordRequestSchema } from '../../src/protocol/index.js';

type Node = v.GenericSchema & {
  kind: string;
  type: string;
  entries?: Record<string, Node>;
  options?: Node[];
  wrapped?: Node;
  item?: Node;
  key?: Node;
  value?: Node;
  pipe?: Node[];
};

const OBJECT_TYPES = new Set(['object', 'loose_object', 'strict_object', 'object_with_rest', 'record']);
const KNOWN = new Set([...OBJECT_TYPES, 'custom', 'variant', 'union', 'optional', 'nullable', 'nullish', 'array', 'string', 'number', 'boolean', 'literal', 'picklist']);

/** Whether `node` validates an object or record (itself, or as a schema of its pipe). */
const holdsObject = (node: Node): boolean => (node.pipe ? node.pipe.some((item) => item.kind === 'schema' && holdsObject(item)) : OBJECT_TYPES.has(node.type));

/**
 * Every object or record schema under `node` with its path. `covered`: `node` need not refuse
 * arrays itself, as it is a variant's option (its required discriminator already does) or a
 * schema in a pipe that is checked as a whole.
 */
function objects(node: Node, path: string, out: [string, Node][], covered = false): [string, Node][] {
  if (holdsObject(node) && !covered) out.push([path, node]);
  if (node.pipe) {
    for (const item of node.pipe) if (item.kind === 'schema') objects(item, path, out, true);
    return out;
  }
  assert.ok(KNOWN.has(node.type), `${path}: a ${node.type} schema; teach this walk what it holds`);
  for (const [key, child] of Object.entries(node.entries ?? {})) objects(child, `${path}.${key}`, out);
  const options = node.type === 'variant' || node.type === 'union' ? (node.options ?? []) : [];
  for (const child of options) objects(child, `${path}|${(child.entries?.type as { literal?: string } | undefined)?.literal ?? child.type}`, out, node.type === 'variant');
  const inner = node.type === 'record' ? [node.key, node.value] : [node.wrapped, node.item];
  for (const child of inner) if (child) objects(child, path, out);
  return out;
}

test('every object and record schema of the protocol refuses an array', () => {
  const found: [string, Node][] = [];
  for (const [name, schema] of Object.entries({ MessageSchema, LoginRequestSchema, SetPasswordRequestSchema, LoginResponseSchema, LoginRefusalSchema })) {
    objects(schema as unknown as Node, name, found);
  }
  assert.ok(found.length >= 10, `found ${found.length} object schemas`);
  for (const [path, schema] of found) {
    for (const array of [[], [['callName', 'Eve']]]) {
      const result = v.safeParse(schema, array);
      assert.equal(result.success, false, `${path} takes ${JSON.stringify(array)}`);
    }
  }
  // The variant's options: an array has no discriminator, so none matches.
  assert.equal(v.safeParse(MessageSchema, []).success, false);
});
