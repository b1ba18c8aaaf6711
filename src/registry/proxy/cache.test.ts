import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ProxyCache } from './cache.js';

const withDir = async (fn: (d: string) => Promise<void>) => {
  const d = await mkdtemp(path.join(os.tmpdir(), 'ps-pcache-'));
  try {
    await fn(d);
  } finally {
    await rm(d, { recursive: true, force: true });
  }
};

test('answers round-trip; a damaged file is dropped; the number of requests kept is bounded', () =>
  withDir(async (d) => {
    let full = 0;
    const c = await ProxyCache.open(d, { maxAnswers: 2, onFull: () => full++ });
    const a = { url: 'u', status: 200, contentType: 'application/json', body: Buffer.from('[1]') };
    assert.equal(await c.putAnswer('search?a', a), true);
    assert.equal(await c.putAnswer('search?b', a), true);
    assert.equal(await c.putAnswer('search?c', a), false, 'full: a new request is not kept');
    assert.equal(await c.putAnswer('search?a', { ...a, body: Buffer.from('[2]') }), true, 'a kept request is still refreshed');
    assert.equal((await c.getAnswer('search?a'))!.body.toString(), '[2]');
    assert.equal(await c.getAnswer('search?c'), undefined);
    assert.equal(full, 1);
    // the bound survives a restart
    const c2 = await ProxyCache.open(d, { maxAnswers: 2 });
    assert.equal(await c2.putAnswer('search?d', a), false);
    const files = await readdir(path.join(d, 'answers'));
    await writeFile(path.join(d, 'answers', files[0]!), '{"key": "search?a", "bo');
    const got = [await c2.getAnswer('search?a'), await c2.getAnswer('search?b')].filter(Boolean);
    assert.equal(got.length, 1);
    assert.equal((await readdir(path.join(d, 'answers'))).length, 1, 'the damaged file is removed');
  }));

test('tmp/ is emptied on open; an artifact is committed whole, a second commit of it is dropped', () =>
  withDir(async (d) => {
    await mkdir(path.join(d, 'tmp', 'x-crash'), { recursive: true });
    const c = await ProxyCache.open(d);
    assert.deepEqual(await readdir(path.join(d, 'tmp')), []);
    const mk = async (body: string) => {
      const t = await c.tempDir();
      await writeFile(path.join(t, 'package.zip'), body);
      await writeFile(path.join(t, 'package.zip.sig'), 'sig');
      return t;
    };
    const a = await c.commitArtifact('x', '1.0.0', await mk('first'), { size: 5, sha256: 'a', sigSha256: 'b' });
    assert.equal(a.size, 5);
    const b = await c.commitArtifact('x', '1.0.0', await mk('other!'), { size: 6, sha256: 'c', sigSha256: 'd' });
    assert.equal(b.sha256, 'a', 'the first commit wins');
    assert.deepEqual(await readdir(path.join(d, 'tmp')), []);
    // a folder without its meta (a crash mid-commit cannot leave one, a hand edit can) is dropped
    await mkdir(path.join(d, 'artifacts', 'y-1.0.0'));
    await writeFile(path.join(d, 'artifacts', 'y-1.0.0', 'package.zip'), 'z');
    assert.equal(await c.getArtifact('y', '1.0.0'), undefined);
    assert.ok(!(await readdir(path.join(d, 'artifacts'))).includes('y-1.0.0'));
    assert.equal(await c.getArtifact('z', '1.0.0'), undefined);
  }));
