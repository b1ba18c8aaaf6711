import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config.js';

test('defaults apply when nothing is set', () => {
  const c = loadConfig({}, {});
  assert.equal(c.storage, './data');
  assert.equal(c.port, 8080);
  assert.equal(c.host, '0.0.0.0');
  assert.deepEqual(c.publishTokens, []);
});

test('flags win over env, env over defaults', () => {
  const env = { PACKAGE_STORAGE_URL: '/env/store', PACKAGE_STORAGE_PORT: '9000', PACKAGE_STORAGE_PUBLISH_TOKENS: 'a, b' };
  const c = loadConfig({ storage: '/flag/store' }, env);
  assert.equal(c.storage, '/flag/store');
  assert.equal(c.port, 9000);
  assert.deepEqual(c.publishTokens, ['a', 'b']);
});

test('AWS environment variables are honoured for S3 settings', () => {
  const c = loadConfig({}, { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:7480', AWS_REGION: 'us-east-1' });
  assert.equal(c.s3Endpoint, 'http://127.0.0.1:7480');
  assert.equal(c.s3Region, 'us-east-1');
});

test('bad values give CONFIG_INVALID', () => {
  assert.throws(() => loadConfig({}, { PACKAGE_STORAGE_PORT: 'eighty' }), /CONFIG_INVALID|must be an integer/);
  assert.throws(() => loadConfig({ port: '70000' }, {}), /port must be/);
});
