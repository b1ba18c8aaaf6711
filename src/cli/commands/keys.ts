/**
 * `package-storage keys generate|list`: create an OpenPGP signing key pair; show a trusted keyring.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { PsError } from '../../errors.js';
import { ensureDir } from '../../paths.js';
import { action, EXIT_OK } from '../util.js';

/** The passphrase held by environment variable `name` (undefined when no variable is named). */
export function passphraseFromEnv(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const v = process.env[name];
  if (v === undefined) throw new PsError('KEY_PASSPHRASE', `environment variable ${name} is not set`);
  if (v === '') throw new PsError('KEY_PASSPHRASE', `environment variable ${name} is empty`);
  return v;
}

interface GenerateFlags {
  name: string;
  email: string;
  outDir: string;
  type: string;
  rsaBits?: string;
  passphraseEnv?: string;
  force?: boolean;
}

export async function runGenerate(o: GenerateFlags, write: (s: string) => void, info: (s: string) => void): Promise<number> {
  if (o.type !== 'ecc' && o.type !== 'rsa') throw new PsError('USAGE', `--type must be ecc or rsa, got '${o.type}'`);
  const rsaBits = o.rsaBits === undefined ? undefined : Number(o.rsaBits);
  if (rsaBits !== undefined && ![2048, 3072, 4096].includes(rsaBits)) throw new PsError('USAGE', `--rsa-bits must be 2048, 3072 or 4096, got '${o.rsaBits}'`);
  if (rsaBits !== undefined && o.type !== 'rsa') throw new PsError('USAGE', '--rsa-bits needs --type rsa');
  const passphrase = passphraseFromEnv(o.passphraseEnv);
  const files = { priv: path.join(o.outDir, 'private.asc'), pub: path.join(o.outDir, 'public.asc'), rev: path.join(o.outDir, 'revocation.rev') };
  if (!o.force) {
    for (const f of Object.values(files)) {
      if (await fsp.lstat(f).then(() => true, () => false)) throw new PsError('USAGE', `${f} already exists; refusing to overwrite a key (use --force, or another --out-dir)`);
    }
  }
  const { generateKeyPair } = await import('../../signing/index.js');
  const kp = await generateKeyPair({ name: o.name, email: o.email, type: o.type, passphrase, rsaBits: rsaBits as 2048 | 3072 | 4096 | undefined });
  await ensureDir(o.outDir, 0o700);
  const flag = o.force ? 'w' : 'wx';
  await fsp.writeFile(files.priv, kp.privateArmored, { mode: 0o600, flag });
  await fsp.chmod(files.priv, 0o600);
  await fsp.writeFile(files.rev, kp.revocationCertificate, { mode: 0o600, flag });
  await fsp.chmod(files.rev, 0o600);
  await fsp.writeFile(files.pub, kp.publicArmored, { mode: 0o644, flag });
  write(`${kp.fingerprint}\n`);
  info(
    `wrote ${files.priv} (private key, mode 0600${passphrase ? ', passphrase-protected' : ''}: keep it secret)\n` +
      `wrote ${files.pub} (public key: give it to verifiers, e.g. --trusted-keys / Kibana's xpack.fleet.packageVerification.gpgKeyPath)\n` +
      `wrote ${files.rev} (revocation certificate: store it offline; to revoke the key, copy it as <name>.asc into the trusted keys folder)\n`,
  );
  return EXIT_OK;
}

export async function runList(paths: string[], o: { json?: boolean }, write: (s: string) => void): Promise<number> {
  const { loadKeyring } = await import('../../signing/index.js');
  const kr = await loadKeyring(paths);
  if (o.json) {
    write(
      `${JSON.stringify(
        kr.keys.map((k) => ({ ...k.key, armoredPublic: undefined, notBefore: k.notBefore, notAfter: k.notAfter, trustRevoked: k.revoked || undefined, reason: k.reason })),
        null,
        2,
      )}\n`,
    );
    return EXIT_OK;
  }
  const d = (x: Date) => x.toISOString().replace('.000Z', 'Z');
  for (const t of kr.keys) {
    const k = t.key;
    const status = k.revoked || t.revoked ? 'REVOKED' : k.expires && k.expires <= new Date() ? 'EXPIRED' : 'valid';
    write(`${k.fingerprint}  ${k.algorithm}  ${status}\n`);
    for (const u of k.userIds) write(`  user id:   ${u}\n`);
    write(`  created:   ${d(k.created)}${k.expires ? `, expires ${d(k.expires)}` : ''}\n`);
    if (t.notBefore || t.notAfter) write(`  trusted:   ${t.notBefore ? `from ${d(t.notBefore)}` : ''}${t.notBefore && t.notAfter ? ' ' : ''}${t.notAfter ? `until ${d(t.notAfter)}` : ''}\n`);
    if (t.revoked) write(`  revoked by the keyring${t.reason ? `: ${t.reason}` : ''}\n`);
  }
  return EXIT_OK;
}

export function register(program: Command): void {
  const keys = program.command('keys').description('manage OpenPGP signing keys: generate a key pair, list a trusted keyring');
  keys
    .command('generate')
    .description('generate a signing key pair: writes private.asc (mode 0600), public.asc and revocation.rev; prints the fingerprint')
    .requiredOption('--name <name>', 'the key owner, e.g. "ACME Integrations"')
    .requiredOption('--email <email>', 'the key owner\'s email')
    .requiredOption('--out-dir <dir>', 'folder to write the key files to (created if missing)')
    .option('--type <ecc|rsa>', 'ecc (Ed25519, default) or rsa (4096 bits)', 'ecc')
    .option('--rsa-bits <n>', 'RSA key size: 2048, 3072 or 4096 (default 4096; generating 4096 bits can take tens of seconds)')
    .option('--passphrase-env <VAR>', 'protect the private key with the passphrase in this environment variable')
    .option('--force', 'overwrite existing key files')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  package-storage keys generate --name "ACME Integrations" --email integrations@acme.example --out-dir keys/\n' +
        '  KEY_PASS=... package-storage keys generate --name CI --email ci@acme.example --out-dir keys/ --type rsa --passphrase-env KEY_PASS\n\n' +
        'Prints the key fingerprint on stdout; the files written are listed on stderr.',
    )
    .action(action(async (o: GenerateFlags) => runGenerate(o, (s) => process.stdout.write(s), (s) => process.stderr.write(s))));
  keys
    .command('list')
    .description('list the keys of a trusted keyring (key files or folders, with their keyring.json / <key>.json sidecars)')
    .argument('<file|dir...>', 'armored or binary key files, or folders of them')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  package-storage keys list keys/trusted/')
    .action(action(async (paths: string[], o: { json?: boolean }) => runList(paths, o, (s) => process.stdout.write(s))));
}
