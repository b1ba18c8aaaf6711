import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './duration-variables.js';
import { parseGoDuration } from './go-duration.js';
import { has, runRule, justBefore } from './testing.js';

const v = (o: object) => ({ manifest: { vars: [{ name: 'period', type: 'duration', ...o }] } });

test('duration-variables: Go duration syntax', () => {
  assert.equal(parseGoDuration('1h30m'), 5400e9);
  assert.equal(parseGoDuration('1.5s'), 1.5e9);
  assert.equal(parseGoDuration('0'), 0);
  assert.ok(typeof parseGoDuration('10') !== 'number');
  assert.ok(typeof parseGoDuration('5d') !== 'number');
});

test('duration-variables: accepts min <= default <= max', async () => {
  assert.deepEqual((await runRule(rule, {}, v({ min_duration: '1s', default: '10s', max_duration: '1m' }))).messages, []);
});

test('duration-variables: refuses out-of-order bounds and bad values, with file:line:col', async () => {
  const r = await runRule(rule, {}, v({ min_duration: '1m', default: '10s', max_duration: '5s' }));
  assert.equal(r.messages.length, 1);
  assert.match(r.messages[0]!, /^\/pkg\/manifest\.yml:\d+:\d+ error in variable "period": min_duration "1m" greater than default "10s"\ndefault "10s" greater than max_duration "5s"\nmin_duration "1m" greater than max_duration "5s"$/);
  assert.ok(has(await runRule(rule, {}, v({ default: 'soon' })), 'invalid default value "soon"'));
  assert.ok(has(await runRule(rule, {}, v({ default: 10 })), 'invalid default value type int: expected a string'));
});

test('duration-variables: gate 3.5.0', async () => {
  const bad = v({ min_duration: '1m', max_duration: '5s' });
  assert.equal((await runRule(rule, {}, { ...bad, version: justBefore('3.5.0') })).ran, false);
  assert.equal((await runRule(rule, {}, { ...bad, version: '3.5.0' })).messages.length, 1);
});
