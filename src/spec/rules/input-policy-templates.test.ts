import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './input-policy-templates.js';
import { has, runRule } from './testing.js';

const m = (pt: object) => ({ type: 'input' as const, manifest: { policy_templates: [{ name: 'sql_query', ...pt }] } });

test('input-policy-templates: accepts an existing template_path, a .link, a suffix match, template_paths', async () => {
  assert.deepEqual((await runRule(rule, { 'agent/input/input.yml.hbs': 'x' }, m({ template_path: 'input.yml.hbs' }))).messages, []);
  assert.deepEqual((await runRule(rule, { 'agent/input/input.yml.hbs.link': 'x' }, m({ template_path: 'input.yml.hbs' }))).messages, []);
  assert.deepEqual((await runRule(rule, { 'agent/input/sql-input.yml.hbs': 'x' }, m({ template_path: 'input.yml.hbs' }))).messages, []);
  assert.deepEqual((await runRule(rule, { 'agent/input/a.hbs': 'x', 'agent/input/b.hbs': 'y' }, m({ template_paths: ['a.hbs', 'b.hbs'] }))).messages, []);
});

test('input-policy-templates: refuses a missing template or no template_path', async () => {
  assert.ok(has(await runRule(rule, {}, m({})), 'policy template "sql_query" references template_path "": template_path is required for input type packages'));
  assert.ok(has(await runRule(rule, { 'agent/input/x.hbs': 'x' }, m({ template_path: 'input.yml.hbs' })), 'policy template "sql_query" references template_path "input.yml.hbs": template file not found'));
});

test('input-policy-templates: input packages only', async () => {
  assert.equal((await runRule(rule, {}, { manifest: { policy_templates: [{ name: 'x' }] } })).ran, false);
});
