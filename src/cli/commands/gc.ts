import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../log.js';
import { openStore } from '../../storage/index.js';
import { collectGarbage, parseDuration, DEFAULT_GRACE_MS } from '../../publish/gc.js';
import { action } from '../util.js';

export function register(program: Command): void {
  program
    .command('gc')
    .description('remove the zip, signature and static files of versions whose document was never written (crashed publishes), once older than the grace period; never touches a published version')
    .option('--storage <url>', 'object store: a path, file:// URL or s3://bucket/prefix (env PACKAGE_STORAGE_URL)')
    .option('--dry-run', 'only print what would be removed')
    .option('--grace <duration>', 'leave leftovers younger than this alone (e.g. 30m, 1h, 2d)', '1h')
    .addHelpText('after', '\nExample:\n  package-storage gc --storage ./data --grace 2h --dry-run')
    .action(
      action(async (o: { storage?: string; dryRun?: boolean; grace: string }) => {
        const cfg = loadConfig({ storage: o.storage });
        const graceMs = o.grace ? parseDuration(o.grace) : DEFAULT_GRACE_MS;
        const store = await openStore(cfg.storage, cfg);
        try {
          const r = await collectGarbage(store, { graceMs, dryRun: o.dryRun === true, logger: createLogger({ level: cfg.logLevel }) });
          for (const nv of r.removed) process.stdout.write(`${o.dryRun ? 'would remove' : 'removed'} ${nv}\n`);
          for (const nv of r.young) process.stdout.write(`kept ${nv} (younger than ${o.grace})\n`);
          process.stdout.write(`${o.dryRun ? 'would remove' : 'removed'} ${r.removed.length} unpublished version(s), ${r.keys.length} object(s)\n`);
        } finally {
          await store.close?.();
        }
      }),
    );
}
