/**
 * The distribution config and its /search URL rules, checked against the examples of Elastic's
 * `cmd/distribution` tool (its config and main tests): simple query, several queries, matrix expansion, spec
 * constraints, default address, pinned paths, value overriding, booleans only when true.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPsError } from '../errors.js';
import { encodeValues, goQueryEscape, parseDistributionConfig, pinnedPaths, queryValues, searchUrls } from './config.js';

const urls = (yaml: string) => searchUrls(parseDistributionConfig(yaml));

test('simple query', () => {
  assert.deepEqual(urls('address: http://localhost:8080\nqueries:\n  - kibana.version: 8.0.0\n'), ['http://localhost:8080/search?kibana.version=8.0.0']);
});

test('several queries: an empty one has no "?"', () => {
  assert.deepEqual(urls('address: http://localhost:8080\nqueries:\n  - {}\n  - prerelease: true\n'), ['http://localhost:8080/search', 'http://localhost:8080/search?prerelease=true']);
});

test('Elastic example: queries (keys sorted, booleans only when true)', () => {
  const y = `address: http://localhost:8080
queries:
  - {}
  - prerelease: true
  - kibana.version: 7.19.0
  - kibana.version: 7.19.0
    prerelease: true
  - spec.min: 2.3
    spec.max: 3.0
`;
  assert.deepEqual(urls(y), [
    'http://localhost:8080/search',
    'http://localhost:8080/search?prerelease=true',
    'http://localhost:8080/search?kibana.version=7.19.0',
    'http://localhost:8080/search?kibana.version=7.19.0&prerelease=true',
    'http://localhost:8080/search?spec.max=3.0&spec.min=2.3',
  ]);
});

test('matrix expansion: row outer, query inner', () => {
  assert.deepEqual(urls('address: http://localhost:8080\nmatrix:\n  - {}\n  - prerelease: true\nqueries:\n  - kibana.version: 8.0.0\n'), [
    'http://localhost:8080/search?kibana.version=8.0.0',
    'http://localhost:8080/search?kibana.version=8.0.0&prerelease=true',
  ]);
  const y = `address: http://localhost:8080
matrix:
  - {}
  - prerelease: true
queries:
  - {}
  - kibana.version: 7.19.0
  - spec.min: 2.3
    spec.max: 3.0
`;
  assert.deepEqual(urls(y), [
    'http://localhost:8080/search',
    'http://localhost:8080/search?kibana.version=7.19.0',
    'http://localhost:8080/search?spec.max=3.0&spec.min=2.3',
    'http://localhost:8080/search?prerelease=true',
    'http://localhost:8080/search?kibana.version=7.19.0&prerelease=true',
    'http://localhost:8080/search?prerelease=true&spec.max=3.0&spec.min=2.3',
  ]);
});

test('spec constraints keep the text written (3.0 stays 3.0, not 3)', () => {
  assert.deepEqual(urls('address: http://localhost:8080\nqueries:\n  - spec.min: 2.0\n    spec.max: 3.0\n'), ['http://localhost:8080/search?spec.max=3.0&spec.min=2.0']);
});

test('default address', () => {
  assert.deepEqual(urls('queries:\n  - package: nginx\n'), ['https://epr.elastic.co/search?package=nginx']);
  assert.deepEqual(urls('address: ""\nqueries:\n  - package: nginx\n'), ['https://epr.elastic.co/search?package=nginx']);
});

test("the query's values override the row's; a false boolean does not unset the row's true", () => {
  const y = `address: http://localhost:8080/
matrix:
  - kibana.version: 8.16.0
    spec.max: 3.3
    prerelease: true
queries:
  - spec.max: 3.4
    prerelease: false
  - package: apache
    all: true
`;
  assert.deepEqual(urls(y), [
    'http://localhost:8080/search?kibana.version=8.16.0&prerelease=true&spec.max=3.4',
    'http://localhost:8080/search?all=true&kibana.version=8.16.0&package=apache&prerelease=true&spec.max=3.3',
  ]);
});

test('no queries: no URL at all (only pinned packages are selected)', () => {
  assert.deepEqual(urls('address: http://localhost:8080\nmatrix:\n  - prerelease: true\npackages:\n  - name: apache\n    version: 2.1.0\n'), []);
});

test('an address with a path keeps it', () => {
  assert.deepEqual(urls('address: http://h:1/registry\nqueries:\n  - {}\n'), ['http://h:1/registry/search']);
});

test('query building: empty, kibana version, several fields, spec', () => {
  assert.equal(encodeValues(queryValues({})), '');
  assert.equal(encodeValues(queryValues({ 'kibana.version': '8.0.0' })), 'kibana.version=8.0.0');
  assert.equal(encodeValues(queryValues({ package: 'nginx', prerelease: true, type: 'integration' })), 'package=nginx&prerelease=true&type=integration');
  assert.equal(encodeValues(queryValues({ 'spec.min': '2.0', 'spec.max': '3.0' })), 'spec.max=3.0&spec.min=2.0');
  assert.equal(encodeValues(queryValues({ all: false, prerelease: false, package: '' })), '');
});

test('Go query escaping', () => {
  assert.equal(goQueryEscape('a b&c=d/é~'), 'a+b%26c%3Dd%2F%C3%A9~');
  assert.equal(goQueryEscape('>=8.0.0'), '%3E%3D8.0.0');
});

test('pinned paths', () => {
  assert.deepEqual(pinnedPaths('nginx', '1.0.0'), { download: 'epr/nginx/nginx-1.0.0.zip', signature: 'epr/nginx/nginx-1.0.0.zip.sig' });
});

test('a config of Elastic tool: address, queries, actions', () => {
  const c = parseDistributionConfig(`
address: "https://test.elastic.co"
queries:
  - kibana.version: "8.0.0"
  - prerelease: true
packages:
  - name: apache
    version: 2.1.0
actions:
  - print:
  - download:
      destination: ./build/pinned
`);
  assert.equal(c.address, 'https://test.elastic.co');
  assert.equal(c.queries.length, 2);
  assert.equal(c.queries[0]!['kibana.version'], '8.0.0');
  assert.equal(c.queries[1]!.prerelease, true);
  assert.deepEqual(c.packages, [{ name: 'apache', version: '2.1.0' }]);
  assert.deepEqual(c.actions, [{ kind: 'print' }, { kind: 'download', destination: './build/pinned' }]);
  assert.deepEqual(c.warnings, []);
});

test('invalid configs are CONFIG_INVALID with the place; unknown keys are warnings', () => {
  for (const y of ['queries:\n  - this is not: valid: yaml\n', 'actions:\n  - unknown: {}\n', 'actions:\n  - print: {}\n    download: {destination: x}\n', 'queries: 3\n', 'queries:\n  - prerelease: maybe\n', 'packages:\n  - name: ../x\n    version: 1.0.0\n', 'address: ftp://x\n', 'actions:\n  - download: {}\n']) {
    assert.throws(() => parseDistributionConfig(y), (e: unknown) => isPsError(e, 'CONFIG_INVALID'), y);
  }
  const c = parseDistributionConfig('queries:\n  - categroy: security\n    package: x\n');
  assert.deepEqual(urls('queries:\n  - categroy: security\n    package: x\n'), ['https://epr.elastic.co/search?package=x']);
  assert.equal(c.warnings.length, 1);
  assert.match(c.warnings[0]!, /categroy/);
});
