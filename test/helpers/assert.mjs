// Assertions shared by the test files: elementwise closeness under the fixtures' tolerance
// rule, and "rejects with an AlbertError of this code".
import * as assert from 'uvu/assert';
import { AlbertError } from 'albert-native';
import { compare } from './golden.mjs';

/** Every |got[i] - want[i]| <= abs + rel * |want[i]| (arrays or typed arrays of one length). */
export function assertClose(got, want, label, { abs, rel }) {
  assert.is(got.length, want.length, `${label}: length`);
  if (want.length === 0) return;
  const r = compare({ data: got, dims: [got.length] }, { data: want, dims: [want.length] }, { abs, rel });
  assert.ok(r.ok, `${label}: ${r.message}`);
}

/** Awaits promiseOrFn (a promise or a function returning one) and asserts it rejects with an AlbertError of `code`, its message matching `pattern` when given. */
export async function rejectsWithCode(promiseOrFn, code, pattern) {
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (error) {
    assert.instance(error, AlbertError, `expected AlbertError, got ${error}`);
    assert.is(error.code, code, `code of: ${error.message}`);
    if (pattern) assert.match(error.message, pattern);
    return error;
  }
  assert.unreachable(`expected ${code}`);
}
