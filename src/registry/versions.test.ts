import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions, parseConstraint, parseLenient, parseStrict, satisfies, VersionError } from './versions.js';

function ok(constraint: string, version: string): boolean {
  return satisfies(parseLenient(version), parseConstraint(constraint));
}

test('lenient versions: v prefix, missing parts, errors with Masterminds texts', () => {
  assert.deepEqual({ ...parseLenient('8'), raw: '' }, { major: 8, minor: 0, patch: 0, pre: [], raw: '' });
  assert.equal(parseLenient('v7.10').minor, 10);
  assert.deepEqual(parseLenient('8.0.0-SNAPSHOT').pre, ['SNAPSHOT']);
  assert.throws(() => parseLenient('7.x'), (e: Error) => e instanceof VersionError && e.message === 'invalid semantic version');
  assert.throws(() => parseLenient('1.0.0-01'), /version segment starts with 0/);
  assert.throws(() => parseLenient(''), /invalid semantic version/);
});

test('strict versions', () => {
  assert.ok(parseStrict('1.0.0'));
  assert.ok(parseStrict('1.2.0-rc1+build.5'));
  for (const bad of ['1.0', 'v1.0.0', 'a.b.c', '01.0.0', '1.0.0-', '1.0.0.0', '']) assert.equal(parseStrict(bad), undefined, bad);
});

test('ordering: prerelease below release, numeric identifiers, build ignored', () => {
  const v = (s: string) => parseLenient(s);
  assert.equal(compareVersions(v('1.0.0-rc1'), v('1.0.0')), -1);
  assert.equal(compareVersions(v('1.0.0-alpha.2'), v('1.0.0-alpha.10')), -1);
  assert.equal(compareVersions(v('1.0.0-alpha'), v('1.0.0-alpha.1')), -1);
  assert.equal(compareVersions(v('1.0.0-1'), v('1.0.0-alpha')), -1);
  assert.equal(compareVersions(v('1.0.0+a'), v('1.0.0+b')), 0);
  assert.equal(compareVersions(v('1.10.0'), v('1.9.0')), 1);
});

test('operators, caret, tilde, wildcards, ranges', () => {
  const cases: [string, string, boolean][] = [
    ['^7.16.0 || ^8.0.0', '8.5.1', true],
    ['^7.16.0 || ^8.0.0', '7.15.0', false],
    ['^7.16.0 || ^8.0.0', '9.0.0', false],
    ['^1.2.3', '1.9.9', true],
    ['^1.2.3', '2.0.0', false],
    ['^0.2.3', '0.2.9', true],
    ['^0.2.3', '0.3.0', false],
    ['^0.0.3', '0.0.4', false],
    ['~1.2.3', '1.2.9', true],
    ['~1.2.3', '1.3.0', false],
    ['~7.x.x', '7.99.1', true],
    ['~7.x.x', '8.0.0', false],
    ['>= 7.10, < 8', '7.17.0', true],
    ['>= 7.10, < 8', '8.0.0', false],
    ['>=7.10 <8', '7.9.0', false],
    ['=>7.10.0', '7.10.0', true],
    ['=<7.10.0', '7.10.0', true],
    ['1.2.3', '1.2.3', true],
    ['1.2.3', '1.2.4', false],
    ['=1.2', '1.2.7', true],
    ['1.2.x', '1.3.0', false],
    ['*', '0.0.1', true],
    ['x', '100.0.0', true],
    ['', '1.0.0', true],
    ['!=1.2.3', '1.2.4', true],
    ['!=1.2.3', '1.2.3', false],
    ['>1.2', '1.2.5', false],
    ['>1.2', '1.3.0', true],
    ['<=1.2', '1.2.9', true],
    ['<=1.2', '1.3.0', false],
    ['1.2 - 1.4', '1.4.0', true],
    ['1.2 - 1.4', '1.4.9', true],
    ['1.2 - 1.4', '1.5.0', false],
    ['1.2 - 1.4', '1.1.9', false],
    ['>6.7.0', '7.2.1', true],
    ['>6.7.0', '6.5.2', false],
    ['~> 8.1', '8.1.9', true],
    ['~> 8.1', '8.2.0', false],
  ];
  for (const [c, v, want] of cases) assert.equal(ok(c, v), want, `${v} in '${c}'`);
});

test('a prerelease version only satisfies a group that has a prerelease comparator', () => {
  assert.equal(ok('^8.0.0', '8.0.0-SNAPSHOT'), false);
  assert.equal(ok('>=7.0.0', '8.1.0-SNAPSHOT'), false);
  assert.equal(ok('>=8.0.0-0', '8.1.0-SNAPSHOT'), true);
  assert.equal(ok('>=8.0.0-0 || ^7.0.0', '8.1.0-SNAPSHOT'), true);
  assert.equal(ok('^7.0.0 || >=8.0.0', '8.1.0-SNAPSHOT'), false);
});

test('bad constraints are rejected', () => {
  for (const bad of ['>>1.0.0', 'abc', '1.0.0 &&', '^1.2.3a']) assert.throws(() => parseConstraint(bad), VersionError, bad);
});
