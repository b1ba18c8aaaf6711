import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config.js';
import { PsError, toPsError } from '../../errors.js';
import { createLogger, type Logger } from '../../log.js';
import { openStore } from '../../storage/index.js';
import type { PublishOptions } from '../../publish/index.js';
import type { Keyring } from '../../signing/index.js';
import { action, EXIT_FAIL, EXIT_OK } from '../util.js';

export interface KeyFlags {
  key?: string;
  passphraseEnv?: string;
  trustedKeys?: string;
}

/** `--key` + `--passphrase-env` → the signing key (armored text and passphrase). */
export async function signingKeyFromFlags(o: KeyFlags): Promise<PublishOptions['signingKey']> {
  if (!o.key) return undefined;
  let armored: string;
  try {
    armored = await fsp.readFile(o.key, 'utf8');
  } catch (e) {
    throw new PsError('KEY_INVALID', `cannot read ${o.key}: ${(e as Error).message}`);
  }
  let passphrase: string | undefined;
  if (o.passphraseEnv) {
    passphrase = process.env[o.passphraseEnv];
    if (passphrase === undefined) throw new PsError('KEY_PASSPHRASE', `environment variable ${o.passphraseEnv} is not set`);
  }
  return { armored, passphrase };
}

/** `--trusted-keys`, else PACKAGE_STORAGE_TRUSTED_KEYS. */
export async function keyringFromFlags(o: KeyFlags, cfg: Config, logger?: Logger): Promise<Keyring | undefined> {
  const p = o.trustedKeys ?? cfg.trustedKeys;
  if (!p) return undefined;
  const { loadKeyring } = await import('../../signing/index.js');
  return loadKeyring(p, { logger }); // warns if a private key is among the trusted keys
}

export function zipLimitsFromConfig(cfg: Config): PublishOptions['zipLimits'] {
  return { maxEntries: cfg.maxZipEntries, maxTotalBytes: cfg.maxZipBytes, maxEntryBytes: cfg.maxZipEntryBytes, maxRatio: cfg.maxZipRatio };
}

interface PublishFlags extends KeyFlags {
  storage?: string;
  signature?: string;
  skipVerify?: boolean;
  legacy?: boolean;
  wait: boolean;
  registry?: string;
  token?: string;
}

export function register(program: Command): void {
  program
    .command('publish')
    .description('validate, verify and publish packages (zips or folders) into the store, then index them; one line per package')
    .argument('<zip|dir...>', 'package zips (signature: --signature or <zip>.sig) or package folders (built first, signed with --key)')
    .option('--storage <url>', 'object store: a path, file:// URL or s3://bucket/prefix (env PACKAGE_STORAGE_URL)')
    .option('--signature <sig>', 'signature file of the zip (only with a single zip; default <zip>.sig)')
    .option('--key <private.asc>', 'armored private key to sign folders with')
    .option('--passphrase-env <VAR>', 'environment variable holding the private key passphrase')
    .option('--trusted-keys <file|dir>', 'armored public keys signatures must verify against (env PACKAGE_STORAGE_TRUSTED_KEYS)')
    .option('--skip-verify', 'do not verify signatures (tests, local development); a given signature is still stored')
    .option('--legacy', 'validate only what the package document needs (old v1 packages)')
    .option('--no-wait', 'do not wait until the current index revision contains the package')
    .option('--registry <url>', 'publish through a registry\'s HTTP API (POST /api/v1/packages) instead of writing the store')
    .option('--token <token>', 'bearer token for --registry (env PACKAGE_STORAGE_PUBLISH_TOKEN)')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  package-storage publish build/nginx-1.2.0.zip --storage ./data --trusted-keys keys/public.asc\n' +
        '  package-storage publish ./packages/nginx --key private.asc --trusted-keys keys/ --storage s3://bucket/prefix\n' +
        '  package-storage publish nginx-1.2.0.zip --registry http://localhost:8080 --token $TOKEN\n\n' +
        'Prints "published name-version (cursor c, 123 ms)", "already published name-version" or\n"refused <arg>: CODE message" per package; exits 1 if any was refused.',
    )
    .action(
      action(async (args: string[], o: PublishFlags) => {
        if (o.signature && args.length !== 1) throw new PsError('USAGE', '--signature can only be used with a single zip');
        const cfg = loadConfig({ storage: o.storage });
        const logger = createLogger({ level: cfg.logLevel });
        const signingKey = await signingKeyFromFlags(o);
        let refused = 0;
        const line = (s: string) => process.stdout.write(`${s}\n`);
        if (o.registry) {
          const { publishViaRegistry } = await import('../../publish/client.js');
          const token = o.token ?? process.env.PACKAGE_STORAGE_PUBLISH_TOKEN;
          for (const arg of args) {
            try {
              const r = await publishViaRegistry(o.registry, token, arg, { signature: o.signature, signingKey });
              line(r.status === 'published' ? `published ${r.name}-${r.version}${r.cursor ? ` (cursor ${r.cursor}, ${r.ms} ms)` : ` (${r.ms} ms)`}` : `already published ${r.name}-${r.version}`);
            } catch (e) {
              const err = toPsError(e);
              refused++;
              line(`refused ${arg}: ${err.code} ${err.message}`);
            }
          }
          return refused ? EXIT_FAIL : EXIT_OK;
        }
        const { publishPackage } = await import('../../publish/index.js');
        const keyring = o.skipVerify ? undefined : await keyringFromFlags(o, cfg, logger);
        const store = await openStore(cfg.storage, cfg);
        try {
          for (const arg of args) {
            try {
              const st = await fsp.stat(arg).catch(() => undefined);
              if (!st) throw new PsError('NOT_FOUND', `no such file or folder: ${arg}`);
              const input = st.isDirectory() ? { dir: arg } : { zip: arg, signature: o.signature };
              const r = await publishPackage(store, input, {
                legacy: o.legacy === true,
                skipVerify: o.skipVerify === true,
                keyring,
                signingKey,
                wait: o.wait !== false,
                logger,
                zipLimits: zipLimitsFromConfig(cfg),
              });
              const id = `${r.name}-${r.version}`;
              line(r.status === 'published' ? `published ${id} (${r.cursor ? `cursor ${r.cursor}, ` : ''}${r.ms} ms)` : `already published ${id}`);
            } catch (e) {
              const err = toPsError(e);
              refused++;
              line(`refused ${arg}: ${err.code} ${err.message}`);
              if (err.code === 'INTERNAL') logger.error({ err: err.cause ?? err, arg: path.resolve(arg) }, 'publish: unexpected error');
            }
          }
        } finally {
          await store.close?.();
        }
        return refused ? EXIT_FAIL : EXIT_OK;
      }),
    );
}
