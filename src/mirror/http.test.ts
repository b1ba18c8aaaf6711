/**
 * The upstream HTTP client against real loopback servers: retries with backoff on 5xx and dropped connections,
 * Retry-After, no retry on 404 or 4xx, idle timeout on a silent server and on a stalled body, size limits,
 * and a download that restarts cleanly after a failed attempt.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { isPsError } from '../errors.js';
import { downloadFile, getBytes, getJson } from './http.js';

const servers: http.Server[] = [];
after(() => {
  for (const s of servers) {
    s.closeAllConnections?.();
    s.close();
  }
});

async function serve(handler: (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void): Promise<{ url: string; hits: () => number }> {
  let n = 0;
  const s = http.createServer((req, res) => handler(req, res, ++n));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits: () => n };
}

const fast = { timeoutMs: 2000, retries: 3, backoffMs: 10, maxBackoffMs: 50 };

test('5xx and dropped connections are retried, then the answer is returned', async () => {
  const s = await serve((req, res, n) => {
    if (n === 1) return res.writeHead(503).end('busy');
    if (n === 2) return req.socket.destroy();
    res.writeHead(200, { 'content-type': 'application/json' }).end('[1,2]');
  });
  const r = await getJson(`${s.url}/search`, fast, 1000);
  assert.deepEqual(r.value, [1, 2]);
  assert.equal(s.hits(), 3);
});

test('retries are bounded: the last error is reported with its code', async () => {
  const s = await serve((_req, res) => res.writeHead(500).end());
  await assert.rejects(getBytes(`${s.url}/x`, { ...fast, retries: 2 }, 1000), (e: unknown) => isPsError(e, 'UPSTREAM_UNAVAILABLE') && /HTTP 500/.test((e as Error).message));
  assert.equal(s.hits(), 3);
});

test('404 and other 4xx are not retried', async () => {
  const a = await serve((_req, res) => res.writeHead(404).end());
  await assert.rejects(getBytes(`${a.url}/x`, fast, 1000), (e: unknown) => isPsError(e, 'UPSTREAM_NOT_FOUND'));
  assert.equal(a.hits(), 1);
  const b = await serve((_req, res) => res.writeHead(403).end());
  await assert.rejects(getBytes(`${b.url}/x`, fast, 1000), (e: unknown) => isPsError(e, 'UPSTREAM_BAD_ANSWER'));
  assert.equal(b.hits(), 1);
});

test('429 honours Retry-After (capped)', async () => {
  const s = await serve((_req, res, n) => (n === 1 ? res.writeHead(429, { 'retry-after': '1' }).end() : res.writeHead(200).end('ok')));
  const t0 = Date.now();
  const r = await getBytes(`${s.url}/x`, { ...fast, maxBackoffMs: 5000 }, 1000);
  assert.equal(r.body.toString(), 'ok');
  assert.ok(Date.now() - t0 >= 900, 'waited about a second');
});

test('a silent server and a stalled body hit the idle timeout', async () => {
  const silent = await serve(() => undefined);
  const t0 = Date.now();
  await assert.rejects(getBytes(`${silent.url}/x`, { timeoutMs: 200, retries: 1, backoffMs: 10 }, 1000), (e: unknown) => isPsError(e, 'UPSTREAM_TIMEOUT'));
  assert.equal(silent.hits(), 2);
  assert.ok(Date.now() - t0 < 3000);
  const stalled = await serve((_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('partial');
  });
  await assert.rejects(getBytes(`${stalled.url}/x`, { timeoutMs: 200, retries: 0 }, 1000), (e: unknown) => isPsError(e, 'UPSTREAM_TIMEOUT') && /stalled/.test((e as Error).message));
});

test('answers larger than the limit are refused (declared or streamed)', async () => {
  const declared = await serve((_req, res) => res.writeHead(200, { 'content-length': '5000' }).end(Buffer.alloc(5000)));
  await assert.rejects(getBytes(`${declared.url}/x`, fast, 1000), (e: unknown) => isPsError(e, 'UPSTREAM_BAD_ANSWER'));
  const chunked = await serve((_req, res) => {
    res.writeHead(200);
    res.end(Buffer.alloc(5000));
  });
  await assert.rejects(getBytes(`${chunked.url}/x`, fast, 1000), (e: unknown) => isPsError(e, 'UPSTREAM_BAD_ANSWER'));
  const notJson = await serve((_req, res) => res.writeHead(200).end('<html>'));
  await assert.rejects(getJson(`${notJson.url}/x`, fast, 1000), (e: unknown) => isPsError(e, 'UPSTREAM_BAD_ANSWER'));
});

test('a download cut in the middle is retried from the start; progress stays true', async () => {
  const data = Buffer.alloc(256 * 1024, 7);
  const s = await serve((_req, res, n) => {
    res.writeHead(200, { 'content-length': String(data.length) });
    if (n === 1) {
      res.write(data.subarray(0, 1000));
      setTimeout(() => res.socket?.destroy(), 20);
    } else res.end(data);
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ps-http-'));
  try {
    let progress = 0;
    const r = await downloadFile(`${s.url}/a.zip`, path.join(dir, 'a.zip'), fast, 1 << 20, (n) => (progress += n));
    assert.equal(r.size, data.length);
    assert.deepEqual(await readFile(path.join(dir, 'a.zip')), data);
    assert.equal(progress, data.length);
    assert.equal(s.hits(), 2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an outer abort stops at once, without retrying', async () => {
  const s = await serve(() => undefined);
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error('stop')), 50);
  await assert.rejects(getBytes(`${s.url}/x`, { timeoutMs: 5000, retries: 5, signal: ac.signal }, 1000), /stop/);
  assert.equal(s.hits(), 1);
});
