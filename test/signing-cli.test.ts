/**
 * The `keys`, `sign` and `verify` commands, run as a user would: `node --import tsx src/cli/main.ts ...`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync, statSync, existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

const ROOT = path.resolve(import.meta.dirname, '..');
let work: string;

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PACKAGE_STORAGE_LOG_LEVEL: 'warn', PACKAGE_STORAGE_TRUSTED_KEYS: '', ...env },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'ps-sign-cli-'));
});
after(() => rmSync(work, { recursive: true, force: true }));

test('keys generate → sign → verify, and every refusal with its code', () => {
  const keys = path.join(work, 'keys');
  const g = cli(['keys', 'generate', '--name', 'CLI Test', '--email', 'cli@example.com', '--out-dir', keys, '--passphrase-env', 'TEST_PASS'], { TEST_PASS: 's3cret' });
  assert.equal(g.status, 0, g.stderr);
  const fpr = g.stdout.trim();
  assert.match(fpr, /^[0-9A-F]{40}$/);
  assert.deepEqual(readdirSync(keys).sort(), ['private.asc', 'public.asc', 'revocation.rev']);
  assert.equal(statSync(path.join(keys, 'private.asc')).mode & 0o777, 0o600);
  assert.match(readFileSync(path.join(keys, 'public.asc'), 'utf8'), /^-----BEGIN PGP PUBLIC KEY BLOCK-----/);

  // no overwrite without --force
  const again = cli(['keys', 'generate', '--name', 'CLI Test', '--email', 'cli@example.com', '--out-dir', keys]);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /already exists.*--force/);
  assert.equal(readFileSync(path.join(keys, 'public.asc'), 'utf8').length > 0, true);

  const zip = path.join(work, 'pkg-1.0.0.zip');
  writeFileSync(zip, randomBytes(50_000));
  // passphrase missing / wrong
  const noPass = cli(['sign', zip, '--key', path.join(keys, 'private.asc')]);
  assert.equal(noPass.status, 1);
  assert.match(noPass.stderr, /^error KEY_PASSPHRASE: /m);
  const wrong = cli(['sign', zip, '--key', path.join(keys, 'private.asc'), '--passphrase-env', 'TEST_PASS'], { TEST_PASS: 'nope' });
  assert.match(wrong.stderr, /^error KEY_PASSPHRASE: /m);
  assert.ok(!existsSync(`${zip}.sig`), 'no signature is left behind by a failed sign');

  const s = cli(['sign', zip, '--key', path.join(keys, 'private.asc'), '--passphrase-env', 'TEST_PASS'], { TEST_PASS: 's3cret' });
  assert.equal(s.status, 0, s.stderr);
  assert.equal(s.stdout.trim(), `${zip}.sig`);
  assert.match(readFileSync(`${zip}.sig`, 'utf8'), /^-----BEGIN PGP SIGNATURE-----/);

  // good: the keys folder written by `keys generate` is itself a usable keyring
  const v = cli(['verify', zip, '--keys', keys]);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, new RegExp(`^fingerprint: ${fpr}$`, 'm'));
  assert.match(v.stdout, /^user id: CLI Test <cli@example\.com>$/m);
  const j = cli(['verify', zip, '--keys', path.join(keys, 'public.asc'), '--json']);
  assert.equal(JSON.parse(j.stdout).fingerprint, fpr);

  // refused, each with its code (the error line, as printed)
  const expect = (r: ReturnType<typeof cli>, code: string) => {
    assert.equal(r.status, 1, `${code}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^error ${code}: `, 'm'));
  };
  const bytes = readFileSync(zip);
  bytes[0] = bytes[0]! ^ 1;
  const tampered = path.join(work, 'tampered.zip');
  writeFileSync(tampered, bytes);
  expect(cli(['verify', tampered, '--signature', `${zip}.sig`, '--keys', keys]), 'SIGNATURE_INVALID');
  // revoked: the revocation certificate copied into a trusted keys folder
  const revDir = path.join(work, 'revoked-keys');
  mkdirSync(revDir);
  writeFileSync(path.join(revDir, 'public.asc'), readFileSync(path.join(keys, 'public.asc')));
  writeFileSync(path.join(revDir, 'revoked.asc'), readFileSync(path.join(keys, 'revocation.rev')));
  expect(cli(['verify', zip, '--keys', revDir]), 'SIGNATURE_KEY_REVOKED');
  const listed = cli(['keys', 'list', revDir]);
  assert.equal(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`^${fpr}  ed25519  REVOKED$`, 'm'));
  // usage
  const noKeys = cli(['verify', zip]);
  assert.equal(noKeys.status, 2);
  assert.match(noKeys.stderr, /--keys/);
});

test('verify refusals in-process (same command body): missing, malformed, unknown key, expired window', async () => {
  const { runGenerate } = await import('../src/cli/commands/keys.js');
  const { runSign } = await import('../src/cli/commands/sign.js');
  const { runVerify } = await import('../src/cli/commands/verify.js');
  const out: string[] = [];
  const w = (t: string) => out.push(t);
  const keys = path.join(work, 'inproc-keys');
  await runGenerate({ name: 'In Proc', email: 'inproc@example.com', outDir: keys, type: 'ecc' }, w, () => {});
  const fpr = out.shift()!.trim();
  const other = path.join(work, 'inproc-other');
  await runGenerate({ name: 'Other', email: 'other@example.com', outDir: other, type: 'ecc' }, w, () => {});
  const zip = path.join(work, 'inproc.zip');
  writeFileSync(zip, randomBytes(10_000));
  await runSign(zip, { key: path.join(keys, 'private.asc'), out: path.join(work, 'inproc.sig') }, w);
  assert.equal(await runVerify(zip, { signature: path.join(work, 'inproc.sig'), keys: [keys] }, w), 0);
  const sig = readFileSync(path.join(work, 'inproc.sig'), 'utf8');
  const f = (name: string, content: string) => {
    const p = path.join(work, name);
    writeFileSync(p, content);
    return p;
  };
  const refused = async (o: Parameters<typeof runVerify>[1], code: string) =>
    assert.rejects(runVerify(zip, o, w), (e: { code?: string }) => e.code === code);
  await refused({ signature: path.join(work, 'none.sig'), keys: [keys] }, 'SIGNATURE_MISSING');
  await refused({ keys: [keys] }, 'SIGNATURE_MISSING'); // no <zip>.sig beside it
  await refused({ signature: f('empty.sig', ''), keys: [keys] }, 'SIGNATURE_MISSING');
  await refused({ signature: f('half.sig', sig.slice(0, sig.length / 2)), keys: [keys] }, 'SIGNATURE_MALFORMED');
  await refused({ signature: path.join(work, 'inproc.sig'), keys: [path.join(other, 'public.asc')] }, 'SIGNATURE_UNKNOWN_KEY');
  const winDir = path.join(work, 'window');
  mkdirSync(winDir);
  writeFileSync(path.join(winDir, 'public.asc'), readFileSync(path.join(keys, 'public.asc')));
  writeFileSync(path.join(winDir, 'keyring.json'), JSON.stringify({ keys: { [fpr]: { notAfter: '2020-01-01T00:00:00Z' } } }));
  await refused({ signature: path.join(work, 'inproc.sig'), keys: [winDir] }, 'SIGNATURE_KEY_EXPIRED');
  await refused({ signature: path.join(work, 'inproc.sig'), keys: [keys], at: 'yesterday-ish' }, 'USAGE');
  await assert.rejects(runGenerate({ name: 'X', email: 'x@example.com', outDir: keys, type: 'dsa' }, w, () => {}), (e: { code?: string }) => e.code === 'USAGE');
  await assert.rejects(runSign(zip, { key: path.join(keys, 'public.asc') }, w), (e: { code?: string }) => e.code === 'KEY_INVALID');
});

test('commands have --help with an example', () => {
  for (const c of [['keys', 'generate'], ['verify']]) {
    const r = cli([...c, '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Example/);
  }
});
