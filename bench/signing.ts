/**
 * Signing benchmark: sign and verify a large file (default 200 MB) with an Ed25519 key and with an RSA 4096
 * key, each step in a fresh child process, reporting wall time and the child's peak RSS
 * (`process.resourceUsage().maxRSS`). The point: memory stays far below the file size (streaming).
 *
 *   node --import tsx bench/signing.ts            # 200 MB
 *   BENCH_SIGN_MB=1000 node --import tsx bench/signing.ts
 *   node --import tsx bench/signing.ts --append   # also append a "## Signing" section to BENCHMARKS.md
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const MB = Number(process.env.BENCH_SIGN_MB ?? 200);

async function child(): Promise<void> {
  const [, , , op, file, keyFile, sigFile] = process.argv;
  const { signDetached, verifyDetached, loadKeyring } = await import('../src/signing/index.js');
  const t0 = process.hrtime.bigint();
  let extra = '';
  if (op === 'sign') {
    const sig = await signDetached(file!, readFileSync(keyFile!, 'utf8'));
    writeFileSync(sigFile!, sig);
  } else if (op === 'verify') {
    const kr = await loadKeyring(keyFile!);
    const r = await verifyDetached(file!, readFileSync(sigFile!, 'utf8'), kr);
    extra = r.fingerprint;
  } else if (op === 'baseline') {
    // the cost of loading the module and reading the file, without any OpenPGP work
    const { createReadStream } = await import('node:fs');
    for await (const _ of createReadStream(file!, { highWaterMark: 1024 * 1024 })) void _;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(JSON.stringify({ ms, maxRssKB: process.resourceUsage().maxRSS, extra }) + '\n');
}

function run(args: string[]): { ms: number; maxRssMB: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/signing.ts'), '--child', ...args], { encoding: 'utf8', cwd: ROOT });
  if (r.status !== 0) throw new Error(`child ${args[0]} failed: ${r.stderr}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; maxRssKB: number };
  return { ms: j.ms, maxRssMB: j.maxRssKB / 1024 };
}

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'ps-bench-sign-'));
  try {
    const file = path.join(work, 'big.zip');
    const ws = createWriteStream(file);
    const chunk = randomBytes(1024 * 1024);
    for (let i = 0; i < MB; i++) if (!ws.write(chunk)) await once(ws, 'drain');
    ws.end();
    await once(ws, 'finish');
    const { generateKeyPair } = await import('../src/signing/index.js');
    const rows: string[] = [];
    const base = run(['baseline', file]);
    rows.push(`| read only (baseline) | - | ${(base.ms / 1000).toFixed(2)} | ${base.maxRssMB.toFixed(0)} |`);
    for (const type of ['ecc', 'rsa'] as const) {
      const kp = await generateKeyPair({ name: 'Bench', email: 'bench@example.com', type });
      const priv = path.join(work, `${type}.private.asc`);
      const pub = path.join(work, `${type}.public.asc`);
      writeFileSync(priv, kp.privateArmored);
      writeFileSync(pub, kp.publicArmored);
      const sig = path.join(work, `${type}.sig`);
      const s = run(['sign', file, priv, sig]);
      const v = run(['verify', file, pub, sig]);
      const name = type === 'ecc' ? 'ed25519' : 'rsa4096';
      rows.push(`| sign | ${name} | ${(s.ms / 1000).toFixed(2)} | ${s.maxRssMB.toFixed(0)} |`);
      rows.push(`| verify | ${name} | ${(v.ms / 1000).toFixed(2)} | ${v.maxRssMB.toFixed(0)} |`);
    }
    const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
    const out = [
      `## Signing`,
      '',
      `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM, Node ${process.version}.`,
      `Command: \`node --import tsx bench/signing.ts\` (file: ${MB} MB of random bytes; each step in a fresh child process; ` +
        'peak RSS = `process.resourceUsage().maxRSS` of that child, which includes Node, tsx and openpgp.js).',
      '',
      '| step | key | wall s | peak RSS MB |',
      '|---|---|---|---|',
      ...rows,
      '',
    ].join('\n');
    console.log(out);
    if (process.argv.includes('--append')) {
      const bm = path.join(ROOT, 'BENCHMARKS.md');
      appendFileSync(bm, `${existsSync(bm) ? '\n' : '# Benchmarks\n\n'}${out}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child();
else await main();
