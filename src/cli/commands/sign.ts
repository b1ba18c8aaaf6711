/**
 * `package-storage sign <zip> --key <private.asc>`: writes an ASCII-armored detached OpenPGP signature
 * (`<zip>.sig` by default), streaming the zip.
 */
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { PsError } from '../../errors.js';
import { action, EXIT_OK } from '../util.js';
import { passphraseFromEnv } from './keys.js';

interface SignFlags {
  key: string;
  passphraseEnv?: string;
  out?: string;
}

export async function runSign(zip: string, o: SignFlags, write: (s: string) => void): Promise<number> {
  const passphrase = passphraseFromEnv(o.passphraseEnv);
  let armored: string;
  try {
    armored = await fsp.readFile(o.key, 'utf8');
  } catch (e) {
    throw new PsError('KEY_INVALID', `cannot read ${o.key}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const { signDetached } = await import('../../signing/index.js');
  const sig = await signDetached(zip, armored, passphrase);
  const out = o.out ?? `${zip}.sig`;
  // write beside the target and rename: a failed or interrupted run never leaves half a signature
  const tmp = path.join(path.dirname(out), `.${path.basename(out)}.${process.pid}.tmp`);
  try {
    await fsp.writeFile(tmp, sig, { mode: 0o644 });
    await fsp.rename(tmp, out);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
  write(`${out}\n`);
  return EXIT_OK;
}

export function register(program: Command): void {
  program
    .command('sign')
    .description('sign a zip: writes an ASCII-armored detached OpenPGP signature (<zip>.sig), streaming the zip')
    .argument('<zip>', 'the file to sign (its exact bytes are signed)')
    .requiredOption('--key <private.asc>', 'armored private key (from `keys generate` or `gpg --armor --export-secret-keys`)')
    .option('--passphrase-env <VAR>', 'environment variable holding the private key passphrase')
    .option('--out <sig>', 'where to write the signature (default <zip>.sig)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  package-storage sign build/nginx-1.2.0.zip --key keys/private.asc\n' +
        '  KEY_PASS=... package-storage sign nginx-1.2.0.zip --key private.asc --passphrase-env KEY_PASS --out /tmp/nginx.sig\n\n' +
        'Prints the signature path. Check it with `package-storage verify` or `gpg --verify <zip>.sig <zip>`.',
    )
    .action(action(async (zip: string, o: SignFlags) => runSign(zip, o, (s) => process.stdout.write(s))));
}
