import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '../../config.js';
import { PsError } from '../../errors.js';
import { createLogger } from '../../log.js';
import { openStore } from '../../storage/index.js';
import type { ObjectStore } from '../../storage/types.js';
import { action, intArg, EXIT_FAIL, EXIT_OK } from '../util.js';
import { keyringFromFlags, zipLimitsFromConfig } from './publish.js';

interface MirrorFlags {
  storage?: string;
  trustedKeys?: string;
  skipVerify?: boolean;
  concurrency: number;
  timeout?: number;
  retries?: number;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

export function register(program: Command): void {
  program
    .command('mirror')
    .description(
      "select package versions from an upstream registry with a distribution config (Elastic's cmd/distribution format, unchanged), " +
        'verify their signatures, and publish them into a store with the upstream signatures as they are and/or write them flat ' +
        "into the config's download destinations; incremental and resumable",
    )
    .argument('<config.yml>', 'distribution config: address, matrix, queries, packages, actions (print, download)')
    .option('--storage <url>', 'publish into this store: a path, file:// URL or s3://bucket/prefix (env PACKAGE_STORAGE_URL); without it only the config actions run')
    .option('--trusted-keys <file|dir>', "public keys the upstream signatures must verify against (Elastic's GPG-KEY-elasticsearch for Elastic's registry; env PACKAGE_STORAGE_TRUSTED_KEYS)")
    .option('--skip-verify', 'do not verify signatures (an unsigned upstream); signatures found are still kept as they are')
    .option('--concurrency <n>', 'versions downloaded at once', intArg('--concurrency'), 4)
    .option('--timeout <ms>', 'idle timeout per upstream request attempt (env PACKAGE_STORAGE_UPSTREAM_TIMEOUT_MS; default 10000)', intArg('--timeout'))
    .option('--retries <n>', 'retries per upstream request on network errors, timeouts and 5xx (env PACKAGE_STORAGE_UPSTREAM_RETRIES; default 3)', intArg('--retries'))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  package-storage mirror distribution.yml --storage ./mirror --trusted-keys GPG-KEY-elasticsearch\n' +
        '  package-storage mirror distribution.yml --trusted-keys GPG-KEY-elasticsearch   # download actions only\n\n' +
        'Config (Elastic\'s format):\n' +
        '  address: https://epr.elastic.co\n' +
        '  matrix:\n    - spec.max: "3.3"\n    - spec.max: "3.3"\n      prerelease: true\n' +
        '  queries:\n    - kibana.version: 8.17.0\n    - package: nginx\n      all: true\n' +
        '  packages:\n    - {name: apache, version: 2.1.0}\n' +
        '  actions:\n    - print: {}\n    - download: {destination: ./build/distribution}\n\n' +
        'A rerun downloads nothing that is already there. Prints the selection for a print action, a progress bar on a\n' +
        'terminal (plain lines otherwise), then a summary; exits 1 if any version was refused.',
    )
    .action(
      action(async (file: string, o: MirrorFlags) => {
        const { readDistributionConfig } = await import('../../mirror/config.js');
        const { mirror, collectSelection } = await import('../../mirror/mirror.js');
        const storageUrl = o.storage ?? process.env.PACKAGE_STORAGE_URL;
        const cfg = loadConfig({ storage: storageUrl, upstreamTimeoutMs: o.timeout, upstreamRetries: o.retries });
        const logger = createLogger({ level: process.env.PACKAGE_STORAGE_LOG_LEVEL ?? 'warn' });
        const dc = await readDistributionConfig(file);
        for (const w of dc.warnings) process.stderr.write(`warning: ${w}\n`);
        const out = (s: string) => process.stdout.write(`${s}\n`);
        const http = { timeoutMs: cfg.upstreamTimeoutMs, retries: cfg.upstreamRetries, backoffMs: cfg.upstreamBackoffMs, logger };
        const print = dc.actions.some((a) => a.kind === 'print');
        const hasDownload = dc.actions.some((a) => a.kind === 'download');
        if (!storageUrl && !hasDownload) {
          // nothing to write: list the selection (what Elastic's tool does with only a print action)
          const s = await collectSelection(dc, http, o.concurrency);
          for (const x of s.searches) process.stderr.write(`search ${x.url}: ${x.count} packages\n`);
          if (print) for (const p of s.packages) out(`${p.name} ${p.version}`);
          out(`${s.packages.length} packages selected`);
          return EXIT_OK;
        }
        const keyring = o.skipVerify ? undefined : await keyringFromFlags({ trustedKeys: o.trustedKeys }, cfg);
        if (!o.skipVerify && !keyring) throw new PsError('SIGNATURE_UNKNOWN_KEY', "no trusted keys: give --trusted-keys (Elastic's GPG-KEY-elasticsearch for Elastic's registry) or --skip-verify");
        let store: ObjectStore | undefined;
        if (storageUrl) store = await openStore(cfg.storage, cfg);
        const tty = process.stderr.isTTY === true;
        const bar = tty
          ? new cliProgress.SingleBar(
              { format: 'mirror [{bar}] {value}/{total} | {bytes} | {speed}/s | ETA {eta_formatted} | {id}', stream: process.stderr, hideCursor: true, etaBuffer: 50 },
              cliProgress.Presets.shades_classic,
            )
          : undefined;
        const t0 = Date.now();
        let bytes = 0;
        let done = 0;
        try {
          const r = await mirror(dc, {
            store,
            keyring,
            skipVerify: o.skipVerify === true,
            concurrency: o.concurrency,
            http,
            maxZipBytes: cfg.maxZipBytes,
            zipLimits: zipLimitsFromConfig(cfg),
            logger,
            onSelection: (s) => {
              for (const x of s.searches) process.stderr.write(`search ${x.url}: ${x.count} packages\n`);
              if (print) for (const p of s.packages) out(`${p.name} ${p.version}`);
              bar?.start(s.packages.length, 0, { bytes: formatBytes(0), speed: formatBytes(0), id: '' });
            },
            onBytes: (n) => {
              bytes += n;
              // before the first version is done the bar has no rate to estimate an ETA from
              if (done > 0) bar?.update(done, { bytes: formatBytes(bytes), speed: formatBytes(Math.round(bytes / Math.max((Date.now() - t0) / 1000, 0.001))) });
            },
            onProgress: (p) => {
              done = p.done;
              const secs = Math.max((Date.now() - t0) / 1000, 0.001);
              if (bar) {
                bar.update(p.done, { bytes: formatBytes(p.bytes), speed: formatBytes(Math.round(p.bytes / secs)), id: p.id });
                return;
              }
              const rate = p.done / secs;
              const eta = rate > 0 ? Math.round((p.total - p.done) / rate) : 0;
              process.stderr.write(
                `mirror: ${p.done}/${p.total} (${((p.done / p.total) * 100).toFixed(1)}%) ${formatBytes(p.bytes)} ${formatBytes(Math.round(p.bytes / secs))}/s ETA ${eta}s ${p.id} ${p.status}${p.error ? ` ${p.error.code}` : ''}\n`,
              );
            },
          });
          bar?.stop();
          for (const f of r.refused) out(`refused ${f.id}: ${f.code} ${f.message}`);
          const secs = r.ms / 1000;
          out(
            `mirror: ${r.selection.packages.length} selected, ${r.mirrored.length} mirrored, ${r.already.length} already there, ${r.refused.length} refused; ` +
              `${formatBytes(r.bytes)} downloaded in ${secs.toFixed(1)} s (${(r.selection.packages.length / Math.max(secs, 0.001)).toFixed(1)} versions/s, ${formatBytes(Math.round(r.bytes / Math.max(secs, 0.001)))}/s)`,
          );
          if (r.index) out(r.index.cursor ? `index at cursor ${r.index.cursor}: ${r.index.total} packages` : 'index: nothing indexed');
          return r.refused.length ? EXIT_FAIL : EXIT_OK;
        } finally {
          bar?.stop();
          await store?.close?.();
        }
      }),
    );
}
