// Pure logic of the web UI (src/ui/app/src/api.ts): release badges, version order, URL building; issue 17: times,
// owner types, changelog parsing (changelog.ts), the registry URL for Kibana.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categoriesUrl, compareVersions, releaseOf, searchUrl, validKibanaVersion, versionsUrl } from './app/src/api.js';
import { linkLabel, normalizeChangelog, ownerTypeOf, registryUrlOf, shortDate, timeAgo, validOwnerType } from './app/src/api.js';
import { parseChangelog } from './app/src/changelog.js';

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

// ---- issue 17 ----

test('timeAgo: the largest whole unit, singular or plural; the future is "just now"', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  const ago = (ms: number) => timeAgo(new Date(now - ms).toISOString(), now);
  assert.equal(ago(0), 'just now');
  assert.equal(ago(59_000), 'just now');
  assert.equal(ago(60_000), '1 minute ago');
  assert.equal(ago(5 * 3600_000), '5 hours ago');
  assert.equal(ago(3 * 86400_000), '3 days ago');
  assert.equal(ago(14 * 86400_000), '2 weeks ago');
  assert.equal(ago(40 * 86400_000), '1 month ago');
  assert.equal(ago(800 * 86400_000), '2 years ago');
  assert.equal(ago(-86400_000), 'just now');
  assert.equal(timeAgo('not a date', now), '');
  assert.equal(shortDate('2026-11-28T23:59:59.000Z'), '2026-11-28');
});

test('owner type: elastic / partner / community only', () => {
  assert.equal(ownerTypeOf({ owner: { type: 'elastic' } }), 'elastic');
  assert.equal(ownerTypeOf({ owner: { type: 'Partner' } }), 'partner');
  assert.equal(ownerTypeOf({ owner: {} }), undefined);
  assert.equal(ownerTypeOf({ owner: { type: 'evil"><script>' } }), undefined);
  assert.equal(ownerTypeOf({}), undefined);
  assert.ok(validOwnerType('community') && !validOwnerType('Community') && !validOwnerType(null));
});

test('changelog: versions, changes, known types, http(s) links only; a non-list is an error', () => {
  const log = parseChangelog(`
# newer versions go on top
- version: "1.2.0"
  changes:
    - description: Add a thing
      type: enhancement
      link: https://github.com/elastic/integrations/pull/2279
    - description: Break a thing
      type: breaking-change
      link: javascript:alert(1)
- version: 1.1
  changes:
    - description: Fix it
      type: bugfix
      link: not a url
    - description: Something
      type: weird
    - description: 42
      type: bugfix
- nonsense
`);
  assert.deepEqual(log, [
    { version: '1.2.0', changes: [
      { description: 'Add a thing', type: 'enhancement', link: 'https://github.com/elastic/integrations/pull/2279' },
      { description: 'Break a thing', type: 'breaking-change' },
    ] },
    { version: '1.1', changes: [{ description: 'Fix it', type: 'bugfix' }, { description: 'Something', type: 'other' }] },
  ]);
  assert.throws(() => normalizeChangelog({ version: '1.0.0' }), /not a list/);
  assert.throws(() => parseChangelog('a: [1, 2'), /./);
  assert.equal(linkLabel('https://github.com/elastic/integrations/pull/2279'), '#2279');
  assert.equal(linkLabel('https://github.com/elastic/integrations/issues/7/'), '#7');
  assert.equal(linkLabel('https://example.com/x/1'), 'example.com');
});

test('changelog: an alias bomb is refused, not expanded', () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  lines.push('- version: 1.0.0');
  assert.throws(() => parseChangelog(lines.slice(0, -1).join('\n')), /alias|Excessive/i);
});

test('Connect Kibana: the registry URL is where the page was loaded from, minus /app/...', () => {
  assert.equal(registryUrlOf({ origin: 'https://epr.example.com', pathname: '/app/connect' }, '/app'), 'https://epr.example.com');
  assert.equal(registryUrlOf({ origin: 'http://127.0.0.1:8080', pathname: '/app/' }, '/app'), 'http://127.0.0.1:8080');
  assert.equal(registryUrlOf({ origin: 'https://h', pathname: '/registry/app/connect' }, '/app'), 'https://h/registry');
});
