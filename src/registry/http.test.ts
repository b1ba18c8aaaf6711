import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentTypeByExtension, goEscapePath, goPathClean, goUnescapePath, muxCleanPath, parseHttpDate, parseRange, resolveRange, sniffContentType } from './http.js';
import { parseGoBool, parseGoQuery, queryUnescape } from './service.js';
import { FAVICON } from './favicon.js';

test('Go path cleaning and mux trailing slash', () => {
  assert.equal(goPathClean('//search'), '/search');
  assert.equal(goPathClean('/a/../search'), '/search');
  assert.equal(goPathClean('/../x/./y/'), '/x/y');
  assert.equal(muxCleanPath('/package/x/1.0.0/'), '/package/x/1.0.0/');
  assert.equal(muxCleanPath('//search/'), '/search/');
  assert.equal(muxCleanPath('/'), '/');
  assert.equal(muxCleanPath(''), '/');
});

test('Go path escaping and unescaping', () => {
  assert.equal(goEscapePath('/artifacts/static/cassandra-1.1.0/img/[Logs Cassandra] X.jpg'), '/artifacts/static/cassandra-1.1.0/img/%5BLogs%20Cassandra%5D%20X.jpg');
  assert.equal(goEscapePath("/a-b_c.~$&+,:;=@é"), '/a-b_c.~$&+,:;=@%C3%A9');
  assert.equal(goUnescapePath('/img/%5BLogs%20Cassandra%5D%20X.jpg'), '/img/[Logs Cassandra] X.jpg');
  assert.equal(goUnescapePath('/a+b'), '/a+b');
  assert.equal(goUnescapePath('/bad%zz'), undefined);
});

test('Go query parsing', () => {
  const q = parseGoQuery('a=1&a=2&b=x+y&c=%41&bad=%zz&semi=1;2&&d');
  assert.deepEqual([...q], [['a', ['1', '2']], ['b', ['x y']], ['c', ['A']], ['d', ['']]]);
  assert.equal(queryUnescape('%E2%9C%93'), '✓');
  for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(parseGoBool(t), true);
  for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) assert.equal(parseGoBool(f), false);
  assert.equal(parseGoBool('yes'), undefined);
  assert.equal(parseGoBool('foo'), undefined);
});

test('HTTP dates: IMF, RFC 850, asctime; Go zero time is unset', () => {
  assert.equal(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')?.toISOString(), '1994-11-06T08:49:37.000Z');
  assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')?.toISOString(), '1994-11-06T08:49:37.000Z');
  assert.equal(parseHttpDate('Sun Nov  6 08:49:37 1994')?.toISOString(), '1994-11-06T08:49:37.000Z');
  assert.equal(parseHttpDate('Mon, 01 Jan 0001 00:00:00 GMT'), undefined);
  assert.equal(parseHttpDate('yesterday'), undefined);
});

test('Range parsing and resolution', () => {
  assert.deepEqual(parseRange('bytes=0-99'), { start: 0, end: 99 });
  assert.deepEqual(parseRange('bytes=100-'), { start: 100 });
  assert.deepEqual(parseRange('bytes=-10'), { suffix: 10 });
  assert.equal(parseRange('bytes=0-1,5-6'), undefined);
  assert.equal(parseRange('items=0-1'), 'invalid');
  assert.equal(parseRange('bytes=5-1'), 'invalid');
  assert.deepEqual(resolveRange({ start: 0, end: 999 }, 10), { start: 0, end: 9 });
  assert.deepEqual(resolveRange({ suffix: 20 }, 10), { start: 0, end: 9 });
  assert.equal(resolveRange({ start: 10 }, 10), undefined);
});

test('content types: EPR overrides, Go table, sniffing', () => {
  assert.equal(contentTypeByExtension('docs/README.md'), 'text/markdown; charset=utf-8');
  assert.equal(contentTypeByExtension('manifest.yml'), 'text/yaml; charset=UTF-8');
  assert.equal(contentTypeByExtension('img/a.svg'), 'image/svg+xml');
  assert.equal(contentTypeByExtension('img/a.JPG'), 'image/jpeg');
  assert.equal(contentTypeByExtension('kibana/x.json'), 'application/json');
  assert.equal(contentTypeByExtension('LICENSE'), undefined);
  assert.equal(sniffContentType(Buffer.from('hello\n')), 'text/plain; charset=utf-8');
  assert.equal(sniffContentType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0])), 'image/png');
  assert.equal(sniffContentType(Buffer.from([0, 1, 2, 3])), 'application/octet-stream');
});

test('favicon is a valid 32x32 ICO of our own', () => {
  assert.equal(FAVICON.readUInt16LE(0), 0);
  assert.equal(FAVICON.readUInt16LE(2), 1);
  assert.equal(FAVICON.readUInt16LE(4), 1);
  assert.equal(FAVICON[6], 32);
  assert.equal(FAVICON.readUInt32LE(18) + FAVICON.readUInt32LE(14), FAVICON.length);
});
