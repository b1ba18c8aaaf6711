import type { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../log.js';
import { openStore } from '../../storage/index.js';
import { runIndexer } from '../../index/indexer.js';
import { action } from '../util.js';
import { setSpoolDir } from '../../registry/spool.js';

export function register(program: Command): void {
  program
    .command('index')
    .description('build a new index revision from the published package documents and move cursor.json to it; a no-op when nothing changed. Reads only the documents named by the publish journal (v2/journal/) unless --full')
    .option('--storage <url>', 'object store: a path, file:// URL or s3://bucket/prefix (env PACKAGE_STORAGE_URL)')
    .option('--full', 'list and check every package document (v2/packages/): repairs anything the journal missed (documents written by other tools or by hand)')
    .addHelpText('after', '\nExample:\n  package-storage index --storage ./data\n  package-storage index --storage ./data --full\n\nPrints: "indexed cursor <c>: N packages (+added ~updated -removed)" or "up to date at cursor <c>: N packages".')
    .action(
      action(async (o: { storage?: string; full?: boolean }) => {
        const cfg = loadConfig({ storage: o.storage });
        setSpoolDir(cfg.spoolDir);
        const store = await openStore(cfg.storage, cfg);
        try {
          const r = await runIndexer(store, { logger: createLogger({ level: cfg.logLevel }), mode: o.full ? 'full' : 'journal' });
          if (r.changed) process.stdout.write(`indexed cursor ${r.cursor}: ${r.total} packages (+${r.added} ~${r.updated} -${r.removed})${r.skipped ? `, ${r.skipped} invalid documents skipped` : ''}\n`);
          else if (r.cursor) process.stdout.write(`up to date at cursor ${r.cursor}: ${r.total} packages${r.skipped ? `, ${r.skipped} invalid documents skipped` : ''}\n`);
          else process.stdout.write('nothing to index: no package documents\n');
        } finally {
          await store.close?.();
        }
      }),
    );
}
