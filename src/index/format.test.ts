import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatCursor, nextCursor, parseDocumentKey, KEYS } from './format.js';

test('cursors are fixed width and grow in string order', () => {
  assert.equal(formatCursor(1), '00000000000000000001');
  assert.equal(nextCursor(undefined), '00000000000000000001');
  const a = nextCursor('00000000000000000009');
  assert.equal(a, '00000000000000000010');
  assert.ok(a > '00000000000000000009');
  // a foreign cursor (epoch seconds, or Elastic's test '9') is followed by a larger one in string order
  assert.ok(nextCursor('9') > '9');
  assert.ok(BigInt(nextCursor('9')) > 9n);
  const b = nextCursor('1749628461');
  assert.ok(b > '1749628461', b);
  assert.throws(() => nextCursor('abc'));
});

test('document keys parse back to name and version', () => {
  assert.deepEqual(parseDocumentKey(KEYS.document('aws', '1.2.3-beta1')), { name: 'aws', version: '1.2.3-beta1' });
  assert.deepEqual(parseDocumentKey('v2/packages/foo_bar-0.0.1.json'), { name: 'foo_bar', version: '0.0.1' });
  assert.equal(parseDocumentKey('v2/packages/bad.json'), undefined);
});
