import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './changelog-links.js';
import { has, runRule } from './testing.js';

const cl = (link: string) => [{ version: '1.0.0', changes: [{ description: 'x', type: 'enhancement', link }] }];

test('changelog-links: accepts github PR/issue numbers and non-github links', async () => {
  for (const l of ['https://github.com/elastic/integrations/pull/193', 'https://github.com/elastic/integrations/issues/7/', 'https://example.com/whatever']) {
    assert.deepEqual((await runRule(rule, { 'changelog.yml': cl(l) })).messages, [], l);
  }
});

test('changelog-links: refuses a github link without a positive number (pull/0 included, as Go)', async () => {
  for (const l of ['https://github.com/elastic/integrations/pull/0', 'https://github.com/elastic/integrations/pulls', 'https://github.com/elastic/integrations/pull/-3']) {
    const r = await runRule(rule, { 'changelog.yml': cl(l) });
    assert.ok(has(r, `${l}: issue number in changelog link should be a positive number`), l);
  }
});

test('changelog-links: runs for every version (no gate)', async () => {
  assert.equal((await runRule(rule, { 'changelog.yml': cl('https://github.com/o/r/pull/x') }, { version: '1.0.0' })).messages.length, 1);
});
