/**
 * Access: publishing over HTTP (`POST /api/v1/packages` of a real `serve` process) needs a publish token AND a
 * signature by a trusted key; reading needs nothing.
 *
 * - no token → 401 UNAUTHORIZED; a wrong token → 403 FORBIDDEN (also through `publish --registry`);
 * - a valid token with a valid signature made by an UNTRUSTED key → SIGNATURE_UNKNOWN_KEY, nothing written;
 *   the same for a missing, malformed or mismatching signature (and for the direct CLI publish);
 * - a trusted signature publishes; then /search, /package, the zip, its .sig and static files are served to
 *   anonymous clients (and to clients sending a bogus Authorization header).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ERROR_CATALOG } from '../src/errors.js';
import { buildZip } from '../src/package/build.js';
import { generateKeyPair, signDetached } from '../src/signing/index.js';
import { makePackage, rawFiles, runCli, startServe, type ServeProcess } from './helpers.js';

const TOKEN = 'access-token-0123456789';
let work = '';
let storage = '';
let srv: ServeProcess | undefined;
let trustedPub = '';
let trusted: { privateKey: string; publicKey: string };
let stranger: { privateKey: string; publicKey: string };
let pkg: { zip: string; name: string; version: string };
let other: { zip: string };

before(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ps-rel-access-'));
  storage = path.join(work, 'store');
  trusted = await generateKeyPair({ name: 'Trusted Publisher', email: 'trusted@example.com' });
  stranger = await generateKeyPair({ name: 'Stranger', email: 'stranger@example.com' });
  trustedPub = path.join(work, 'trusted.asc');
  await writeFile(trustedPub, trusted.publicKey);
  const z = await buildZip(await makePackage(path.join(work, 'pkgs'), 'access_pkg', '1.0.0'), `${work}/zips/`);
  pkg = { zip: z.file, name: z.name, version: z.version };
  other = { zip: (await buildZip(await makePackage(path.join(work, 'pkgs'), 'access_other', '1.0.0'), `${work}/zips/`)).file };
  srv = await startServe(storage, ['--publish-token', TOKEN, '--trusted-keys', trustedPub]);
});
after(async () => {
  await srv?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function upload(opts: { token?: string; authorization?: string; signature?: string }): Promise<{ status: number; body: { code?: string; status?: string; message?: string } }> {
  const form = new FormData();
  form.append('package', new Blob([await readFile(pkg.zip)], { type: 'application/zip' }), path.basename(pkg.zip));
  if (opts.signature !== undefined) form.append('signature', new Blob([opts.signature], { type: 'application/pgp-signature' }), `${path.basename(pkg.zip)}.sig`);
  const headers: Record<string, string> = {};
  if (opts.authorization) headers.authorization = opts.authorization;
  else if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${srv!.url}/api/v1/packages`, { method: 'POST', body: form, headers });
  const text = await res.text();
  let body = {};
  try {
    body = JSON.parse(text) as object;
  } catch {
    assert.fail(`publish answered ${res.status} without JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, body };
}

async function refused(what: string, o: Parameters<typeof upload>[0], status: number, code: keyof typeof ERROR_CATALOG): Promise<void> {
  const before = await rawFiles(storage);
  const r = await upload(o);
  assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
  assert.equal(r.body.code, code, `${what}: ${JSON.stringify(r.body)}`);
  assert.deepEqual(await rawFiles(storage), before, `${what}: the store changed`);
}

test('publishing over HTTP without a token, or with a wrong one, is refused (401/403) and writes nothing', async () => {
  const sig = await signDetached(pkg.zip, trusted.privateKey);
  await refused('no token', { signature: sig }, 401, 'UNAUTHORIZED');
  await refused('empty bearer', { authorization: 'Bearer ', signature: sig }, 401, 'UNAUTHORIZED');
  await refused('basic auth with the token as password', { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`, signature: sig }, 401, 'UNAUTHORIZED');
  await refused('wrong token', { token: 'not-the-token', signature: sig }, 403, 'FORBIDDEN');
  await refused('token prefix', { token: TOKEN.slice(0, -1), signature: sig }, 403, 'FORBIDDEN');
  await refused('token in another case', { token: TOKEN.toUpperCase(), signature: sig }, 403, 'FORBIDDEN');

  // the CLI client says so too
  const cli = await runCli(['publish', pkg.zip, '--registry', srv!.url], { PACKAGE_STORAGE_PUBLISH_TOKEN: '' });
  assert.equal(cli.code, 1, cli.stdout + cli.stderr);
  assert.match(cli.stdout, /^refused \S+: UNAUTHORIZED /m);
  const wrong = await runCli(['publish', pkg.zip, '--registry', srv!.url, '--token', 'nope']);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stdout, /^refused \S+: FORBIDDEN /m);
  assert.deepEqual(await rawFiles(storage), [], 'nothing was written');
});

test('a valid token with an untrusted, missing, malformed or mismatching signature is refused and writes nothing', async () => {
  await refused('signature by an untrusted key', { token: TOKEN, signature: await signDetached(pkg.zip, stranger.privateKey) }, 422, 'SIGNATURE_UNKNOWN_KEY');
  await refused('no signature', { token: TOKEN }, 422, 'SIGNATURE_MISSING');
  await refused('malformed signature', { token: TOKEN, signature: 'hello, I am a signature' }, 422, 'SIGNATURE_MALFORMED');
  await refused('trusted signature of other bytes', { token: TOKEN, signature: await signDetached(other.zip, trusted.privateKey) }, 422, 'SIGNATURE_INVALID');
  await refused('a public key instead of a signature', { token: TOKEN, signature: trusted.publicKey }, 422, 'SIGNATURE_MALFORMED');

  // the direct CLI publish applies the same trust
  await writeFile(`${pkg.zip}.sig`, await signDetached(pkg.zip, stranger.privateKey));
  const direct = await runCli(['publish', pkg.zip, '--storage', storage, '--trusted-keys', trustedPub]);
  await rm(`${pkg.zip}.sig`);
  assert.equal(direct.code, 1, direct.stdout + direct.stderr);
  assert.match(direct.stdout, /^refused \S+: SIGNATURE_UNKNOWN_KEY /m);
  assert.deepEqual(await rawFiles(storage), [], 'nothing was written');
});

test('a trusted signature publishes; reading needs nothing', async () => {
  const sig = await signDetached(pkg.zip, trusted.privateKey);
  const r = await upload({ token: TOKEN, signature: sig });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.status, 'published');
  const n = pkg.name;
  const v = pkg.version;
  for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'Basic Zm9vOmJhcg==' }] as Record<string, string>[]) {
    const label = JSON.stringify(headers);
    const search = await fetch(`${srv!.url}/search?package=${n}`, { headers });
    assert.equal(search.status, 200, `/search ${label}`);
    assert.deepEqual(((await search.json()) as { name: string; version: string }[]).map((p) => `${p.name}-${p.version}`), [`${n}-${v}`]);
    for (const p of [`/package/${n}/${v}/`, `/epr/${n}/${n}-${v}.zip`, `/epr/${n}/${n}-${v}.zip.sig`, `/package/${n}/${v}/manifest.yml`, `/package/${n}/${v}/docs/README.md`, '/categories', '/api/v1/keys', '/health']) {
      const res = await fetch(`${srv!.url}${p}`, { headers });
      assert.equal(res.status, 200, `GET ${p} ${label}`);
      const body = Buffer.from(await res.arrayBuffer());
      if (p.endsWith('.zip')) assert.ok(body.equals(await readFile(pkg.zip)), 'the zip served is the zip published');
      if (p.endsWith('.sig')) assert.equal(body.toString('utf8'), sig, 'the signature served is the one published');
    }
  }
});
