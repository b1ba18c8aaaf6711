/**
 * `package-storage verify <zip> --keys <file|dir>`: checks the zip's detached signature against trusted keys.
 */
import { promises as fsp } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { PsError } from '../../errors.js';
import { action, EXIT_OK } from '../util.js';

interface VerifyFlags {
  signature?: string;
  keys?: string[];
  at?: string;
  json?: boolean;
}

export async function runVerify(zip: string, o: VerifyFlags, write: (s: string) => void): Promise<number> {
  const keyPaths = o.keys?.length ? o.keys : loadConfig().trustedKeys ? [loadConfig().trustedKeys!] : [];
  if (keyPaths.length === 0) throw new PsError('USAGE', 'give the trusted public keys with --keys <file|dir> (or PACKAGE_STORAGE_TRUSTED_KEYS)');
  let at: Date | undefined;
  if (o.at !== undefined) {
    at = new Date(o.at);
    if (Number.isNaN(at.getTime())) throw new PsError('USAGE', `--at must be a date (ISO 8601), got '${o.at}'`);
  }
  if (!(await fsp.stat(zip).then((s) => s.isFile(), () => false))) throw new PsError('NOT_FOUND', `no such file: ${zip}`);
  const sigFile = o.signature ?? `${zip}.sig`;
  let sig: string;
  try {
    sig = await fsp.readFile(sigFile, 'utf8');
  } catch {
    throw new PsError('SIGNATURE_MISSING', `no signature file ${sigFile}${o.signature ? '' : ' (give another with --signature)'}`);
  }
  const { loadKeyring, verifyDetached } = await import('../../signing/index.js');
  const keyring = await loadKeyring(keyPaths);
  const r = await verifyDetached(zip, sig, keyring, { at });
  if (o.json) {
    write(`${JSON.stringify({ file: zip, signature: sigFile, valid: true, ...r }, null, 2)}\n`);
    return EXIT_OK;
  }
  write(`good signature: ${zip}\n`);
  write(`fingerprint: ${r.fingerprint}\n`);
  for (const u of r.userIds) write(`user id: ${u}\n`);
  if (r.signingKeyId !== r.keyId) write(`signing subkey: ${r.signingKeyId}\n`);
  write(`signed at: ${r.signedAt.toISOString()}\n`);
  return EXIT_OK;
}

export function register(program: Command): void {
  program
    .command('verify')
    .description('verify the detached OpenPGP signature of a zip against trusted public keys')
    .argument('<zip>', 'the signed file')
    .option('--signature <sig>', 'the armored signature (default <zip>.sig)')
    .option('--keys <file|dir>', 'trusted public keys: armored/binary key files or folders of them (repeatable; env PACKAGE_STORAGE_TRUSTED_KEYS)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--at <date>', 'check key validity as of this date instead of now (e.g. when the package was published)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  package-storage verify nginx-1.2.0.zip --keys keys/public.asc\n' +
        '  package-storage verify nginx-1.2.0.zip --signature nginx.sig --keys trusted-keys/\n\n' +
        'Exit status 0 and the signer\'s fingerprint and user id when the signature is good; otherwise\n' +
        '"error SIGNATURE_<reason>: ..." and exit 1. Reasons: MISSING, MALFORMED, UNKNOWN_KEY, KEY_EXPIRED,\n' +
        'KEY_REVOKED, INVALID (the bytes do not match).\n\n' +
        'A folder of keys may hold keyring.json ({"keys": {"<FINGERPRINT>": {"notBefore", "notAfter", "revoked", "reason"}}})\n' +
        'or <key>.json beside <key>.asc to bound when a key is trusted, and revocation certificates (*.asc).',
    )
    .action(action(async (zip: string, o: VerifyFlags) => runVerify(zip, o, (s) => process.stdout.write(s))));
}
