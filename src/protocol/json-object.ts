/**
 * valibot's object and record schemas take any value whose `typeof` is 'object', arrays too: an
 * array passes an object schema whose fields are all optional (an identity) or a record as an
 * empty one, silently. Every object and record schema of the protocol goes through
 * {@link jsonObject}, so an array where an object belongs is refused with `invalidMessage`, as the
 * visitor's hand checks (hand-checks.ts `object`) refuse it. The options of a variant need not
 * (valibot takes no pipe there): their discriminator is required, and a JSON array has no such key.
 * test/protocol/json-objects.test.ts walks every message schema to hold this.
 */
import * as v from 'valibot';

/** What a value that is not an object (an array, a string, null...) gets where an object belongs: the hand checks' wording. */
export const NOT_AN_OBJECT = 'expected an object';

/**
 * `schema` (an object or record schema) that refuses arrays. The check comes first: an object
 * schema's output is a new object, so a check after it could no longer see the array. Call it
 * marked pure, as messages.ts marks its calls.
 */
export const jsonObject = <S extends v.GenericSchema<object, object>>(schema: S) =>
  v.pipe(
    v.custom<object>((input) => typeof input === 'object' && input !== null && !Array.isArray(input), NOT_AN_OBJECT),
    schema,
  );
