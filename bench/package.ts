/**
 * Package module speed: build, safe zip open + document derivation, large-entry streaming, normalizeDocument.
 *
 *   node --import tsx bench/package.ts            # prints one line per measurement
 *   BENCH_LARGE_MIB=1024 node --import tsx bench/package.ts
 */
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';
import { buildZip } from '../src/package/build.js';
import { openZip, checkPackageIdentity } from '../src/package/zip.js';
import { deriveDocument, normalizeDocument, toSearchItem } from '../src/package/document.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CORPUS = path.resolve(ROOT, '../shared/testdata/v1-corpus/packages');
const GOLDENS = path.resolve(ROOT, '../shared/testdata/epr/generated/package');
const LARGE_MIB = Number(process.env.BENCH_LARGE_MIB ?? 1024);
const work = mkdtempSync(path.join(os.tmpdir(), 'ps-bench-package-'));
const lines: string[] = [];
const log = (s: string): void => {
  console.log(s);
  lines.push(s);
};

try {
  log(`package module bench, ${os.cpus().length} cpus, load ${os.loadavg()[0]!.toFixed(1)}, node ${process.version}`);

  if (existsSync(CORPUS)) {
    const dirs: string[] = [];
    for (const n of readdirSync(CORPUS)) for (const v of readdirSync(path.join(CORPUS, n))) dirs.push(path.join(CORPUS, n, v));
    let t0 = performance.now();
    const zips: string[] = [];
    let bytes = 0;
    for (const d of dirs) {
      const r = await buildZip(d, path.join(work, 'zips'));
      zips.push(r.file);
      bytes += r.size;
    }
    const buildMs = performance.now() - t0;
    log(`build: ${dirs.length} v1-corpus packages (${(bytes / 1e6).toFixed(1)} MB of zips) in ${buildMs.toFixed(0)} ms = ${(buildMs / dirs.length).toFixed(1)} ms/package`);
    t0 = performance.now();
    for (const z of zips) {
      const src = await openZip(z);
      await checkPackageIdentity(src);
      await deriveDocument(src, { signed: true });
      await src.close();
    }
    const openMs = performance.now() - t0;
    log(`openZip + checkPackageIdentity + deriveDocument: ${(openMs / zips.length).toFixed(1)} ms/package (${zips.length} packages)`);
  }

  if (existsSync(GOLDENS)) {
    const docs: unknown[] = [];
    for (const n of readdirSync(GOLDENS))
      for (const v of readdirSync(path.join(GOLDENS, n))) {
        const f = path.join(GOLDENS, n, v, 'index.json');
        if (existsSync(f)) docs.push(JSON.parse(readFileSync(f, 'utf8')));
      }
    const all = Array.from({ length: 10_000 }, (_, i) => docs[i % docs.length]);
    const mb = JSON.stringify(all).length / 1e6;
    for (let i = 0; i < 2; i++) for (const d of all) toSearchItem(normalizeDocument(d)); // warm up
    const t0 = performance.now();
    for (const d of all) toSearchItem(normalizeDocument(d));
    const ms = performance.now() - t0;
    log(`normalizeDocument + toSearchItem: ${all.length} documents (${mb.toFixed(1)} MB JSON) in ${ms.toFixed(0)} ms = ${((ms * 1000) / all.length).toFixed(0)} µs/document`);
  }

  const file = path.join(work, 'large-1.0.0.zip');
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('name: large\nversion: 1.0.0\n'), 'large-1.0.0/manifest.yml');
  const block = randomBytes(1 << 20);
  zip.addReadStream(
    Readable.from((function* () {
      for (let i = 0; i < LARGE_MIB; i++) yield block;
    })()),
    'large-1.0.0/big.bin',
    { compress: false, size: LARGE_MIB << 20 },
  );
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(file));
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const src = await openZip(file, { maxEntryBytes: 2 ** 40, maxTotalBytes: 2 ** 40 });
  let n = 0;
  let peak = 0;
  for await (const c of await src.openStream('big.bin')) {
    n += (c as Buffer).length;
    peak = Math.max(peak, process.memoryUsage().rss - rss0);
  }
  const ms = performance.now() - t0;
  await src.close();
  log(`stream a ${LARGE_MIB} MiB entry (size guard + CRC-32): ${ms.toFixed(0)} ms = ${(n / 1048576 / (ms / 1000)).toFixed(0)} MiB/s, peak RSS growth ${(peak / 1048576).toFixed(0)} MiB`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
