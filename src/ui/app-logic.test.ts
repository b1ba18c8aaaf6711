// Pure logic of the web UI (src/ui/app/src/api.ts): release badges, version order, URL building.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categoriesUrl, compareVersions, releaseOf, searchUrl, validKibanaVersion, versionsUrl } from './app/src/api.js';

test('release badge: semver tag → Prerelease; 0.x or experimental → Technical preview; beta → Beta; else GA', () => {
  assert.equal(releaseOf({ version: '1.0.0-beta1', release: 'beta' }).label, 'Prerelease');
  assert.equal(releaseOf({ version: '2.0.0-rc.1' }).kind, 'prerelease');
  assert.equal(releaseOf({ version: '0.3.0', release: 'ga' }).label, 'Technical preview');
  assert.equal(releaseOf({ version: '1.2.0', release: 'experimental' }).label, 'Technical preview');
  assert.equal(releaseOf({ version: '1.2.0', release: 'beta' }).label, 'Beta');
  assert.equal(releaseOf({ version: '1.2.0', release: 'ga' }).label, 'GA');
  assert.equal(releaseOf({ version: '1.2.0' }).label, 'GA');
});

test('versions order as semver (numeric parts, prerelease before release, build ignored)', () => {
  const v = ['1.10.0', '1.2.0', '1.2.0-beta.2', '1.2.0-beta.10', '1.2.0-alpha', '0.9.9', '1.2.0+build.5'];
  assert.deepEqual([...v].sort(compareVersions), ['0.9.9', '1.2.0-alpha', '1.2.0-beta.2', '1.2.0-beta.10', '1.2.0', '1.2.0+build.5', '1.10.0']);
  assert.equal(compareVersions('1.2.0', '1.2.0+x'), 0);
});

test('query URLs for the registry API', () => {
  assert.equal(searchUrl({ prerelease: false, kibana: '', category: '' }), '/search');
  assert.equal(searchUrl({ prerelease: true, kibana: '8.15.0', category: 'security' }), '/search?prerelease=true&kibana.version=8.15.0&category=security');
  assert.equal(categoriesUrl({ prerelease: true, kibana: '', category: 'security' }), '/categories?prerelease=true');
  assert.equal(versionsUrl('aws'), '/search?package=aws&all=true&prerelease=true');
  assert.ok(validKibanaVersion('8.15.0') && validKibanaVersion('8') && validKibanaVersion('v8.1'));
  assert.ok(!validKibanaVersion('8.x') && !validKibanaVersion('latest') && !validKibanaVersion(''));
});
