/**
 * `publish --skip-verify` stores a given `.sig` exactly as given (issue 12, item 19), as this project's publish
 * contract says and as Elastic's registry serves such files, with a warning when it is not a parseable OpenPGP
 * signature. Without --skip-verify such a signature is still refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { Logger } from '../src/log.js';
import { FsStore } from '../src/storage/fs.js';
import { KEYS } from '../src/index/format.js';
import { isPsError } from '../src/errors.js';
import { publishPackage } from '../src/publish/index.js';
import { buildZip } from '../src/package/build.js';
import { generateKeyPair, signDetached, keyringFromArmored } from '../src/signing/index.js';
import { REPO, runCli } from './helpers/publish.js';

async function bytesOf(store: FsStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of (await store.get(key)).body) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, logger: pino({ level: 'warn' }, { write: (l: string) => void lines.push(l) }) as Logger };
}

test('--skip-verify: a text, a binary and a valid signature are each stored byte for byte; the unparseable ones warn', { timeout: 120_000 }, async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ps-skipsig-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const kp = await generateKeyPair({ name: 'Sig', email: 'sig@example.com' });
  const cases: { label: string; sig: (zip: string) => Promise<Buffer>; warns: boolean }[] = [
    { label: 'text that is no signature', sig: async () => Buffer.from('this is not a signature\r\n'), warns: true },
    { label: 'binary bytes (not UTF-8)', sig: async () => Buffer.from([0x89, 0x01, 0xff, 0x00, 0xfe, 0x80, 0x0a]), warns: true },
    { label: 'a valid armored signature', sig: async (zip) => Buffer.from(await signDetached(zip, kp.privateKey)), warns: false },
  ];
  for (const [i, c] of cases.entries()) {
    const pkgDir = path.join(dir, `src-${i}`);
    await cp(path.join(REPO, 'samples/hello_logs'), pkgDir, { recursive: true });
    const built = await buildZip(pkgDir, path.join(dir, `zip-${i}`));
    const sig = await c.sig(built.file);
    await writeFile(`${built.file}.sig`, sig);
    const store = await FsStore.open(path.join(dir, `store-${i}`));
    const { logger, lines } = captureLogger();
    const out = await publishPackage(store, { zip: built.file }, { skipVerify: true, logger });
    assert.equal(out.status, 'published', c.label);
    assert.deepEqual(await bytesOf(store, KEYS.sig(built.name, built.version)), sig, `${c.label}: stored bytes differ from the given .sig`);
    const warned = lines.some((l) => l.includes('not a parseable'));
    assert.equal(warned, c.warns, `${c.label}: warning ${warned ? 'given' : 'missing'} (${lines.join('')})`);
    // without --skip-verify the unparseable ones are refused, as before
    if (c.warns) {
      const other = await FsStore.open(path.join(dir, `store-${i}-verify`));
      await assert.rejects(publishPackage(other, { zip: built.file }, { keyring: await keyringFromArmored([kp.publicKey]) }), (e) => isPsError(e, 'SIGNATURE_MALFORMED'));
    }
  }
});

test('CLI: publish --skip-verify with an unparseable .sig publishes it and warns on stderr', { timeout: 120_000 }, async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ps-skipsig-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const built = await buildZip(path.join(REPO, 'samples/hello_logs'), path.join(dir, 'zips'));
  await writeFile(`${built.file}.sig`, 'garbage signature\n');
  const r = await runCli(['publish', built.file, '--skip-verify', '--storage', path.join(dir, 'store')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /published hello_logs-1\.2\.0/);
  assert.match(r.stderr, /not a parseable/);
  const store = await FsStore.open(path.join(dir, 'store'));
  assert.equal((await bytesOf(store, KEYS.sig('hello_logs', '1.2.0'))).toString(), 'garbage signature\n');
});
