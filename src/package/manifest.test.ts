import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPsError } from '../errors.js';
import { expandDotted, parseManifest, parseYaml } from './manifest.js';

test('dotted keys expand into nested objects at every level, merging with siblings', () => {
  const v = parseYaml(
    [
      'owner.github: ruflin',
      'owner.type: elastic',
      'conditions:',
      '  kibana.version: "^8.0.0"',
      '  elastic:',
      '    subscription: basic',
      'elasticsearch:',
      '  index_template.settings:',
      '    index.lifecycle.name: reference',
      '  index_template:',
      '    mappings:',
      '      dynamic: false',
      'list:',
      '  - a.b: 1',
    ].join('\n'),
  );
  assert.deepEqual(v, {
    owner: { github: 'ruflin', type: 'elastic' },
    conditions: { kibana: { version: '^8.0.0' }, elastic: { subscription: 'basic' } },
    elasticsearch: { index_template: { settings: { index: { lifecycle: { name: 'reference' } } }, mappings: { dynamic: false } } },
    list: [{ a: { b: 1 } }],
  });
  // keys with empty segments are left alone
  assert.deepEqual(expandDotted({ 'a..b': 1, '.x': 2 }), { 'a..b': 1, '.x': 2 });
});

test('YAML 1.1 scalars like Go yaml.v2, but dates and sexagesimal numbers stay strings', () => {
  const v = parseYaml('a: yes\nb: off\nc: 2024-01-02\nd: 1:30\ne: "1.0"\nf: 1.0\ng: ~\nh: 0x10\n');
  assert.deepEqual(v, { a: true, b: false, c: '2024-01-02', d: '1:30', e: '1.0', f: 1, g: null, h: 16 });
});

test('parseManifest requires a mapping with name and version; numbers become strings', () => {
  assert.deepEqual(parseManifest('name: x\nversion: 1.0.0\n').version, '1.0.0');
  assert.equal(parseManifest('name: 123\nversion: 2\n').name, '123');
  for (const bad of ['- a\n- b\n', 'name: x\n', 'version: 1.0.0\n', '', 'name: [x]\nversion: 1.0.0\n']) {
    assert.throws(() => parseManifest(bad), (e: unknown) => isPsError(e, 'MANIFEST_INVALID'), bad);
  }
});

test('a YAML syntax error reports the file and line', () => {
  assert.throws(
    () => parseYaml('name: x\nversion: 1.0.0\ntitle: "unclosed\n', 'data_stream/foo/manifest.yml'),
    (e: unknown) => isPsError(e, 'MANIFEST_INVALID') && /data_stream\/foo\/manifest\.yml:\d+: invalid YAML/.test(e.message),
  );
  assert.throws(
    () => parseYaml('a: 1\n  b: 2\n'),
    (e: unknown) => isPsError(e, 'MANIFEST_INVALID') && /manifest\.yml:\d+/.test(e.message),
  );
});

test('alias bombs are refused', () => {
  const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 8; i++) lines.push(`${'bcdefghij'[i]}: &${'bcdefghij'[i]} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(',')}]`);
  assert.throws(() => parseYaml(lines.join('\n')), (e: unknown) => isPsError(e, 'MANIFEST_INVALID'));
});
