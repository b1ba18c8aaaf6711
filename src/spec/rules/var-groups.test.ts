import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './var-groups.js';
import { has, runRule, justBefore } from './testing.js';

const m = (groups: object[], vars: object[] = [{ name: 'a', type: 'text' }, { name: 'b', type: 'text' }]) => ({ vars, var_groups: groups });
const group = (opts: object[], required = true) => ({ name: 'cred', title: 'C', required, options: opts });

test('var-groups: accepts groups referencing defined vars', async () => {
  assert.deepEqual((await runRule(rule, {}, { manifest: m([group([{ name: 'o1', title: 'O', vars: ['a'] }, { name: 'o2', title: 'O', vars: ['b'] }])]) })).messages, []);
});

test('var-groups: refuses duplicates, undefined vars and required vars in groups', async () => {
  assert.ok(has(await runRule(rule, {}, { manifest: m([group([]), group([])]) }), 'duplicate var_group name "cred"'));
  assert.ok(has(await runRule(rule, {}, { manifest: m([group([{ name: 'o', vars: ['a'] }, { name: 'o', vars: ['b'] }])]) }), 'duplicate option name "o" in var_group "cred"'));
  assert.ok(has(await runRule(rule, {}, { manifest: m([group([{ name: 'o', vars: ['zz'] }])]) }), 'var "zz" referenced in var_group "cred" option "o" is not defined'));
  const req = [{ name: 'a', type: 'text', required: true }];
  assert.ok(has(await runRule(rule, {}, { manifest: m([group([{ name: 'o', vars: ['a'] }])], req) }), 'var "a" in required var_group "cred" should not have required: true (requirement is inferred from var_group)'));
  assert.ok(has(await runRule(rule, {}, { manifest: m([group([{ name: 'o', vars: ['a'] }], false)], req) }), 'var "a" in non-required var_group "cred" should not have required: true (var_group is optional)'));
  const ds = await runRule(rule, { 'data_stream/x/manifest.yml': { title: 'x', streams: [{ input: 'logfile', title: 'S', vars: [], var_groups: [group([{ name: 'o', vars: ['q'] }])] }] } }, { manifest: m([]) });
  assert.ok(has(ds, 'file "/pkg/data_stream/x/manifest.yml (stream: S)" is invalid: var "q" referenced'));
});

test('var-groups: gate 3.6.0', async () => {
  const bad = { manifest: m([group([{ name: 'o', vars: ['zz'] }])]) };
  assert.equal((await runRule(rule, {}, { ...bad, version: justBefore('3.6.0') })).ran, false);
  assert.equal((await runRule(rule, {}, { ...bad, version: '3.6.0' })).messages.length, 1);
});
