/** Asserts that reading fails with an InputError of the given code, naming the file and the reason. */
import assert from 'node:assert/strict';
import { InputError } from '../../src/errors.js';

export async function expectInputError(
  reading: Promise<unknown>,
  code: InputError['code'],
  file: string,
  reason: RegExp,
): Promise<InputError> {
  let caught: unknown;
  await assert.rejects(reading, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof InputError, `expected an InputError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.path, file);
  assert.match(caught.reason, reason);
  return caught;
}
