import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../log.js';
import { openStore } from '../../storage/index.js';
import { action, intArg, EXIT_FAIL, EXIT_OK } from '../util.js';
import { keyringFromFlags, signingKeyFromFlags, zipLimitsFromConfig, type KeyFlags } from './publish.js';

interface MigrateFlags extends KeyFlags {
  storage?: string;
  concurrency: number;
  indexEvery: number;
}

export function register(program: Command): void {
  program
    .command('migrate')
    .description('import a v1 package-storage checkout (packages/<name>/<version>/): build, sign and publish every version in legacy mode, then index once; resumable')
    .argument('<v1-packages-dir>', 'the packages/ folder of a v1 package-storage checkout')
    .option('--storage <url>', 'object store: a path, file:// URL or s3://bucket/prefix (env PACKAGE_STORAGE_URL)')
    .option('--key <private.asc>', 'armored private key to sign each zip with (without it, versions are published unsigned)')
    .option('--passphrase-env <VAR>', 'environment variable holding the private key passphrase')
    .option('--trusted-keys <file|dir>', 'also verify each signature against these public keys')
    .option('--concurrency <n>', 'versions processed at once', intArg('--concurrency'), 4)
    .option('--index-every <n>', 'also index after every n new versions (0 = only at the end)', intArg('--index-every'), 0)
    .addHelpText(
      'after',
      '\nExample:\n  package-storage migrate ../package-storage/packages --storage ./data --key private.asc --concurrency 4\n\n' +
        'A rerun skips every version whose document already exists. Prints a summary (published, already there,\n' +
        'refused with reasons); exits 1 if any version was refused.',
    )
    .action(
      action(async (dir: string, o: MigrateFlags) => {
        const { migrateV1 } = await import('../../publish/migrate.js');
        const cfg = loadConfig({ storage: o.storage });
        const logger = createLogger({ level: process.env.PACKAGE_STORAGE_LOG_LEVEL ?? 'warn' });
        const signingKey = await signingKeyFromFlags(o);
        const keyring = await keyringFromFlags({ trustedKeys: o.trustedKeys }, { ...cfg, trustedKeys: undefined });
        const store = await openStore(cfg.storage, cfg);
        const tty = process.stderr.isTTY === true;
        const bar = tty
          ? new cliProgress.SingleBar({ format: 'migrate [{bar}] {value}/{total} | {rate}/s | ETA {eta_formatted} | {id}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic)
          : undefined;
        const t0 = Date.now();
        let lastLine = 0;
        let started = false;
        try {
          const r = await migrateV1(store, dir, {
            signingKey,
            keyring,
            concurrency: o.concurrency,
            indexEvery: o.indexEvery,
            logger,
            zipLimits: zipLimitsFromConfig(cfg),
            onProgress: ({ done, total, id, status }) => {
              const secs = (Date.now() - t0) / 1000;
              const rate = done / Math.max(secs, 0.001);
              if (bar) {
                if (!started) bar.start(total, 0, { rate: '0.0', id: '' });
                started = true;
                bar.update(done, { rate: rate.toFixed(1), id });
              } else if (done === total || Date.now() - lastLine > 2000 || status === 'refused') {
                lastLine = Date.now();
                const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
                process.stderr.write(`migrate: ${done}/${total} (${((done / total) * 100).toFixed(1)}%) ${rate.toFixed(1)}/s ETA ${eta}s last ${id} ${status}\n`);
              }
            },
          });
          bar?.stop();
          const out = (s: string) => process.stdout.write(`${s}\n`);
          for (const f of r.refused) out(`refused ${f.id}: ${f.code} ${f.message}`);
          out(`migrated ${r.total} versions in ${(r.ms / 1000).toFixed(1)} s (${(r.total / (r.ms / 1000)).toFixed(1)}/s): ${r.published.length} published, ${r.already.length} already there, ${r.refused.length} refused`);
          if (r.index) out(r.index.cursor ? `index at cursor ${r.index.cursor}: ${r.index.total} packages` : 'index: nothing indexed');
          return r.refused.length ? EXIT_FAIL : EXIT_OK;
        } finally {
          bar?.stop();
          await store.close?.();
        }
      }),
    );
}
