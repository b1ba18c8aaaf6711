import { test } from 'node:test';
import assert from 'node:assert/strict';
import { betaFeatureIssue, prereleaseSpecIssue } from './psr.js';
import { memSource } from './testing.js';
import { Ctx } from '../context.js';
import { SpecVersion } from '../versions.js';

function ctx(version: string, pkgVersion: string, warningsAsErrors = false): Ctx {
  const c = new Ctx(memSource({}));
  c.version = new SpecVersion(version);
  c.manifest = { version: pkgVersion };
  c.warningsAsErrors = warningsAsErrors;
  return c;
}

test('PSR00001: a GA package on a prerelease spec is refused from 3.0.1; below, a warning; non-GA and released specs pass', () => {
  const c = ctx('3.7.0', '1.0.0');
  assert.equal(prereleaseSpecIssue(c, '3.7.0-next'), true);
  assert.equal(c.errors[0]!.code, 'PSR00001');
  assert.ok(c.errors[0]!.message.includes('package with GA version (1.0.0) is using an unreleased version of the spec (3.7.0-next) (PSR00001)'));
  const nonGA = ctx('3.7.0', '0.1.0');
  assert.equal(prereleaseSpecIssue(nonGA, '3.7.0-next'), false);
  const released = ctx('3.6.0', '1.0.0');
  assert.equal(prereleaseSpecIssue(released, '3.6.0'), false);
  const old = ctx('2.0.0', '1.0.0');
  assert.equal(prereleaseSpecIssue(old, '2.0.0-rc2'), false);
  assert.equal(old.errors.length, 0);
  assert.equal(old.warnings.length, 1);
});

test('PSR00002: a beta feature is an uncoded error in a GA package, PSR00002 on spec 3.x for others, a warning before 3.0.0', () => {
  const ga = ctx('3.3.0', '1.0.0');
  betaFeatureIssue(ga, '');
  assert.equal(ga.errors[0]!.code, 'SPEC_NOT_ALLOWED');
  assert.ok(ga.errors[0]!.message.includes("defines beta features which can't be enabled for packages with a stable semantic version"));
  const v3 = ctx('3.0.0', '0.1.0');
  betaFeatureIssue(v3, 'kibana');
  assert.equal(v3.errors[0]!.code, 'PSR00002');
  assert.ok(v3.errors[0]!.message.endsWith("can't be released as stable version. (PSR00002)"));
  const v2 = ctx('2.99.99', '0.1.0');
  betaFeatureIssue(v2, 'kibana');
  assert.equal(v2.errors.length, 0);
  assert.equal(v2.warnings[0]!.code, 'PSR00002');
  const v2w = ctx('2.13.0', '0.1.0', true);
  betaFeatureIssue(v2w, 'kibana');
  assert.equal(v2w.errors[0]!.code, 'PSR00002');
});
