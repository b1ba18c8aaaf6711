import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule, ENFORCED_SECTIONS, markdownHeadings } from './docs-structure.js';
import { runRule } from './testing.js';

const all = ENFORCED_SECTIONS[1]!.map((s) => `## ${s}\n\ntext\n`).join('\n');
const vy = (extra: object = {}) => ({ 'validation.yml': { docs_structure_enforced: { enabled: true, version: 1, ...extra } } });

test('docs-structure: headings (ATX, setext; not in code fences)', () => {
  assert.deepEqual(markdownHeadings('# A\n\nB\n===\n```\n# not\n```\n## C ##\n'), ['A', 'B', 'C']);
});

test('docs-structure: accepts a README with every enforced section (any case), or skipped ones; off unless enabled', async () => {
  assert.deepEqual((await runRule(rule, { ...vy(), 'docs/README.md': all.toUpperCase() })).messages, []);
  assert.deepEqual((await runRule(rule, { ...vy({ skip: [{ title: 'Troubleshooting', reason: 'r' }] }), 'docs/README.md': all.replace('## Troubleshooting', '## Other') })).messages, []);
  assert.deepEqual((await runRule(rule, { 'docs/README.md': '# nothing' })).messages, []);
});

test('docs-structure: refuses missing sections in one joined error; unknown version', async () => {
  const r = await runRule(rule, { ...vy(), 'docs/README.md': all.replace('## Performance and scaling', '## Perf'), 'docs/other.md': all.replace('## Overview', '## Intro') });
  assert.equal(r.messages.length, 1);
  assert.equal(r.messages[0], "missing required section 'Performance and scaling' in file 'README.md'\nmissing required section 'Overview' in file 'other.md'");
  assert.ok((await runRule(rule, { ...vy({ version: 7 }), 'docs/README.md': all })).messages[0]!.includes('enforced_sections_v7.yml'));
});
