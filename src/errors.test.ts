import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CATALOG, PsError, toPsError, isPsError } from './errors.js';

test('error codes are upper snake case with a valid HTTP status and a message', () => {
  for (const [code, def] of Object.entries(ERROR_CATALOG)) {
    assert.match(code, /^[A-Z][A-Z0-9_]*$/);
    assert.ok(def.status >= 400 && def.status < 600, code);
    assert.ok(def.message.length > 0, code);
  }
});

test('PsError carries code, status and detail', () => {
  const e = new PsError('VERSION_EXISTS', 'foo-1.0.0');
  assert.equal(e.code, 'VERSION_EXISTS');
  assert.equal(e.status, 409);
  assert.match(e.message, /foo-1.0.0/);
  assert.ok(isPsError(e, 'VERSION_EXISTS'));
  assert.equal(toPsError(new Error('x')).code, 'INTERNAL');
});
