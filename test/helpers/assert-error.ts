import assert from 'node:assert/strict';
import { isPsError, type ErrorCode } from '../../src/errors.js';

/** Assert that `p` rejects with a PsError of catalog code `code` (and, if given, a message matching `re`). */
export async function rejectsWithPsError(p: Promise<unknown>, code: ErrorCode, re?: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isPsError(e), `expected a PsError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    if (re) assert.match(e.message, re);
    return true;
  });
}
