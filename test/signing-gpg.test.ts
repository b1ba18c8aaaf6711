/**
 * Interoperability with real GnuPG: signatures made by `gpg --armor --detach-sign` verify with our code and
 * CLI; signatures made by ours verify with `gpg --verify`; RSA and Ed25519; unknown, expired, revoked keys,
 * tampered bytes and broken signatures are each refused with their own code.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, mkdirSync, copyFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { generateKeyPair, signDetached, verifyDetached, loadKeyring, keyringFromArmored } from '../src/signing/index.js';
import { rejectsWithPsError } from './helpers/assert-error.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const hasGpg = spawnSync('gpg', ['--version']).status === 0;

let work: string;
let home: string;

function gpg(args: string[], opts: { input?: string | Buffer; allowFail?: boolean } = {}): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('gpg', ['--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
    env: { ...process.env, GNUPGHOME: home, LC_ALL: 'C' },
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`gpg ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function cli(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PACKAGE_STORAGE_LOG_LEVEL: 'warn' } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Primary fingerprint, and the fingerprints of subkeys, of a key in the gpg home. */
function fingerprints(uid: string): { primary: string; subkeys: string[] } {
  const lines = gpg(['--with-colons', '--list-keys', uid]).stdout.split('\n');
  const fprs: { kind: string; fpr: string }[] = [];
  let kind = '';
  for (const l of lines) {
    const f = l.split(':');
    if (f[0] === 'pub' || f[0] === 'sub') kind = f[0];
    if (f[0] === 'fpr') fprs.push({ kind, fpr: f[9]! });
  }
  return { primary: fprs.find((x) => x.kind === 'pub')!.fpr, subkeys: fprs.filter((x) => x.kind === 'sub').map((x) => x.fpr) };
}

function genKey(uid: string, algo: string, usage = 'sign', expire = '0', fakedTime?: string): string {
  gpg([...(fakedTime ? ['--faked-system-time', fakedTime] : []), '--quick-gen-key', uid, algo, usage, expire]);
  return fingerprints(uid.replace(/^.*<(.*)>$/, '$1')).primary;
}

function exportPublic(fpr: string, file: string, armor = true): string {
  const out = spawnSync('gpg', ['--batch', ...(armor ? ['--armor'] : []), '--export', fpr], { env: { ...process.env, GNUPGHOME: home } });
  if (out.status !== 0 || out.stdout.length === 0) throw new Error(`export of ${fpr} failed`);
  writeFileSync(file, out.stdout);
  return file;
}

function gpgSign(fpr: string, file: string, opts: { armor?: boolean; fakedTime?: string; out?: string } = {}): string {
  const out = opts.out ?? `${file}.${fpr.slice(-8)}${opts.armor === false ? '.bin' : ''}.sig`;
  gpg([...(opts.fakedTime ? ['--faked-system-time', opts.fakedTime] : []), ...(opts.armor === false ? [] : ['--armor']), '--yes', '--local-user', fpr, '--output', out, '--detach-sign', file]);
  return out;
}

const rejects = rejectsWithPsError;

const keys: Record<'ed25519' | 'rsa', { fpr: string; uid: string; pub: string }> = {} as never;
let zip: string;

describe('GnuPG interoperability', { skip: hasGpg ? false : 'gpg is not installed' }, () => {
  before(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'ps-gpg-'));
    home = path.join(work, 'gnupg');
    mkdirSync(home, { mode: 0o700 });
    zip = path.join(work, 'pkg-1.0.0.zip');
    writeFileSync(zip, randomBytes(200_000));
    for (const [name, algo] of [['ed25519', 'ed25519'], ['rsa', 'rsa2048']] as const) {
      const uid = `${name} test <${name}@example.com>`;
      const fpr = genKey(uid, algo);
      keys[name] = { fpr, uid, pub: exportPublic(fpr, path.join(work, `${name}.asc`)) };
    }
  });
  after(() => {
    spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: home } });
    rmSync(work, { recursive: true, force: true });
  });

  for (const name of ['ed25519', 'rsa'] as const) {
    test(`${name}: gpg --armor --detach-sign verifies with verifyDetached and the verify command`, async () => {
      const k = keys[name];
      const sig = gpgSign(k.fpr, zip);
      const r = await verifyDetached(zip, readFileSync(sig, 'utf8'), await loadKeyring(k.pub));
      assert.equal(r.fingerprint, k.fpr);
      assert.deepEqual(r.userIds, [k.uid]);
      const c = cli(['verify', zip, '--signature', sig, '--keys', k.pub]);
      assert.equal(c.status, 0, c.stderr);
      assert.match(c.stdout, new RegExp(`fingerprint: ${k.fpr}`));
      assert.ok(c.stdout.includes(`user id: ${k.uid}`));
      if (name === 'rsa') return; // the refusal path through the CLI once is enough
      // one byte changed
      const bad = path.join(work, `${name}-tampered.zip`);
      const bytes = readFileSync(zip);
      bytes[1234] = bytes[1234]! ^ 0x80;
      writeFileSync(bad, bytes);
      await rejects(verifyDetached(bad, readFileSync(sig, 'utf8'), await loadKeyring(k.pub)), 'SIGNATURE_INVALID');
      const c2 = cli(['verify', bad, '--signature', sig, '--keys', k.pub]);
      assert.equal(c2.status, 1);
      assert.match(c2.stderr, /^error SIGNATURE_INVALID: /m);
    });

    test(`${name}: our signature with gpg's exported secret key verifies with gpg --verify`, async () => {
      const k = keys[name];
      const secret = gpg(['--armor', '--export-secret-keys', k.fpr]).stdout;
      const sigFile = path.join(work, `${name}-ours.sig`);
      writeFileSync(sigFile, await signDetached(zip, secret));
      const v = gpg(['--status-fd', '1', '--verify', sigFile, zip]);
      assert.match(v.stdout, new RegExp(`\\[GNUPG:\\] VALIDSIG ${k.fpr} `));
      // and gpg refuses it over other bytes
      const other = path.join(work, `${name}-other.zip`);
      writeFileSync(other, randomBytes(10));
      assert.notEqual(gpg(['--verify', sigFile, other], { allowFail: true }).status, 0);
    });
  }

  test('keys made by `keys generate` sign with `sign`; gpg verifies (ecc through the CLI, rsa through the API)', async () => {
    const rsa = await generateKeyPair({ name: 'Gen rsa', email: 'gen-rsa@example.com', type: 'rsa', rsaBits: 2048 });
    gpg(['--import'], { input: rsa.publicArmored });
    writeFileSync(path.join(work, 'gen-rsa.sig'), await signDetached(zip, rsa.privateArmored));
    assert.match(gpg(['--status-fd', '1', '--verify', path.join(work, 'gen-rsa.sig'), zip]).stdout, new RegExp(`VALIDSIG ${rsa.fingerprint} `));
    for (const type of ['ecc'] as const) {
      const dir = path.join(work, `gen-${type}`);
      const g = cli(['keys', 'generate', '--name', `Gen ${type}`, '--email', `gen-${type}@example.com`, '--out-dir', dir, '--type', type]);
      assert.equal(g.status, 0, g.stderr);
      const fpr = g.stdout.trim();
      assert.match(fpr, /^[0-9A-F]{40}$/);
      gpg(['--import', path.join(dir, 'public.asc')]);
      const s = cli(['sign', zip, '--key', path.join(dir, 'private.asc'), '--out', path.join(work, `gen-${type}.sig`)]);
      assert.equal(s.status, 0, s.stderr);
      const v = gpg(['--status-fd', '1', '--verify', path.join(work, `gen-${type}.sig`), zip]);
      assert.match(v.stdout, new RegExp(`VALIDSIG ${fpr} `));
      // gpg reads the key as we describe it
      assert.equal(fingerprints(`gen-${type}@example.com`).primary, fpr);
    }
  });

  test('a key not in the keyring: SIGNATURE_UNKNOWN_KEY with the issuer key id', async () => {
    const sig = readFileSync(gpgSign(keys.ed25519.fpr, zip), 'utf8');
    await rejects(verifyDetached(zip, sig, await loadKeyring(keys.rsa.pub)), 'SIGNATURE_UNKNOWN_KEY', new RegExp(keys.ed25519.fpr.slice(-16)));
    // both keys trusted (a keyring folder, as during a rotation)
    const dir = path.join(work, 'both');
    mkdirSync(dir);
    copyFileSync(keys.ed25519.pub, path.join(dir, 'ed.asc'));
    copyFileSync(keys.rsa.pub, path.join(dir, 'rsa.asc'));
    assert.equal((await verifyDetached(zip, sig, await loadKeyring(dir))).fingerprint, keys.ed25519.fpr);
  });

  test('a binary signature and a truncated one are malformed; binary key exports load', async () => {
    const bin = gpgSign(keys.ed25519.fpr, zip, { armor: false });
    const ring = await loadKeyring(exportPublic(keys.ed25519.fpr, path.join(work, 'ed.gpg'), false));
    await rejects(verifyDetached(zip, readFileSync(bin, 'latin1'), ring), 'SIGNATURE_MALFORMED', /binary/);
    const sig = readFileSync(gpgSign(keys.ed25519.fpr, zip), 'utf8');
    await verifyDetached(zip, sig, ring);
    await rejects(verifyDetached(zip, sig.slice(0, sig.length - 40), ring), 'SIGNATURE_MALFORMED');
  });

  test('a gpg key that has expired: SIGNATURE_KEY_EXPIRED now, accepted as of its valid days (--at)', async () => {
    const fpr = genKey('Old Key <old@example.com>', 'ed25519', 'sign', '1d', '20200101T000000!');
    const pub = exportPublic(fpr, path.join(work, 'old.asc'));
    const sig = gpgSign(fpr, zip, { fakedTime: '20200101T010000!' });
    const ring = await loadKeyring(pub);
    await rejects(verifyDetached(zip, readFileSync(sig, 'utf8'), ring), 'SIGNATURE_KEY_EXPIRED', /expired/);
    const r = await verifyDetached(zip, readFileSync(sig, 'utf8'), ring, { at: new Date('2020-01-01T02:00:00Z') });
    assert.equal(r.signedAt.toISOString(), '2020-01-01T01:00:00.000Z');
    const c2 = cli(['verify', zip, '--signature', sig, '--keys', pub, '--at', '2020-01-01T02:00:00Z']);
    assert.equal(c2.status, 0, c2.stderr);
  });

  test('a gpg key revoked with its revocation certificate: SIGNATURE_KEY_REVOKED', async () => {
    const fpr = genKey('Revoked Key <revoked@example.com>', 'ed25519');
    const pubBefore = exportPublic(fpr, path.join(work, 'revoked-before.asc'));
    const sig = readFileSync(gpgSign(fpr, zip), 'utf8');
    await verifyDetached(zip, sig, await loadKeyring(pubBefore));
    const rev = path.join(home, 'openpgp-revocs.d', `${fpr}.rev`);
    // (1) the certificate dropped, as gpg wrote it (":-----BEGIN..."), into a trusted keys folder
    const dir = path.join(work, 'revdir');
    mkdirSync(dir);
    copyFileSync(pubBefore, path.join(dir, 'key.asc'));
    copyFileSync(rev, path.join(dir, 'key-revocation.asc'));
    chmodSync(path.join(dir, 'key-revocation.asc'), 0o644);
    await rejects(verifyDetached(zip, sig, await loadKeyring(dir)), 'SIGNATURE_KEY_REVOKED');
    // (2) imported into gpg, the revoked key exported again
    gpg(['--import'], { input: readFileSync(rev, 'utf8').replace(/^:-----BEGIN/m, '-----BEGIN') });
    const pubAfter = exportPublic(fpr, path.join(work, 'revoked-after.asc'));
    await rejects(verifyDetached(zip, sig, await loadKeyring(pubAfter)), 'SIGNATURE_KEY_REVOKED', /revocation signature/);
    const rsaSig = readFileSync(gpgSign(keys.rsa.fpr, zip), 'utf8');
    await verifyDetached(zip, rsaSig, await loadKeyring([pubAfter, keys.rsa.pub])); // the other key still verifies
    writeFileSync(path.join(work, 'revoked.sig'), sig);
    const c2 = cli(['verify', zip, '--signature', path.join(work, 'revoked.sig'), '--keys', pubAfter]);
    assert.equal(c2.status, 1);
    assert.match(c2.stderr, /^error SIGNATURE_KEY_REVOKED: /m);
  });

  test('a gpg signing subkey', async () => {
    const fpr = genKey('Sub Key <sub@example.com>', 'ed25519', 'cert');
    gpg(['--quick-add-key', fpr, 'ed25519', 'sign', '0']);
    const sub = fingerprints('sub@example.com').subkeys[0]!;
    const sig = readFileSync(gpgSign(fpr, zip), 'utf8');
    const ring = await keyringFromArmored([readFileSync(exportPublic(fpr, path.join(work, 'sub.asc')), 'utf8')]);
    const r = await verifyDetached(zip, sig, ring);
    assert.equal(r.fingerprint, fpr);
    assert.equal(r.signingKeyId, sub.slice(-16));
  });

  test('our Ed25519 and RSA keys are read by gpg as the same fingerprints', async () => {
    const k = await generateKeyPair({ name: 'Cross', email: 'cross@example.com' });
    gpg(['--import'], { input: k.publicArmored });
    assert.equal(fingerprints('cross@example.com').primary, k.fingerprint);
  });
});
