/**
 * Benchmark helpers: start nginx (the baseline) and our registry as child processes, drive them with wrk,
 * parse wrk's output, take medians. Benchmarks report figures; they assert nothing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Readable } from 'node:stream';
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import net from 'node:net';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

export function sh(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export async function waitHttp(url: string, timeoutMs = 60_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.status < 500) {
        await r.arrayBuffer();
        return Date.now() - t0;
      }
    } catch {
      /* not up yet */
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`timeout waiting for ${url}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** nginx serving `root` on `port` (sendfile on, access log off), in its own prefix dir. */
/** Check that a baseline URL answers 200 with exactly `expected` bytes (a 403/404 baseline would be meaningless). */
export async function assertSameBody(url: string, expected: Buffer): Promise<void> {
  const r = await fetch(url);
  const body = Buffer.from(await r.arrayBuffer());
  if (r.status !== 200 || !body.equals(expected)) throw new Error(`baseline ${url} answered ${r.status} with ${body.length} bytes, expected 200 with the same ${expected.length} bytes`);
}

export async function startNginx(root: string, port: number, workDir: string): Promise<{ stop: () => void }> {
  mkdirSync(path.join(workDir, 'logs'), { recursive: true });
  mkdirSync(path.join(workDir, 'tmp'), { recursive: true });
  const conf = path.join(workDir, 'nginx.conf');
  writeFileSync(
    conf,
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${workDir}/nginx.pid;
error_log ${workDir}/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path ${workDir}/tmp;
  proxy_temp_path ${workDir}/tmp;
  fastcgi_temp_path ${workDir}/tmp;
  uwsgi_temp_path ${workDir}/tmp;
  scgi_temp_path ${workDir}/tmp;
  types { application/json json; application/zip zip; }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    location / { try_files $uri $uri/index.json =404; }
  }
}
`,
  );
  // started as root, nginx's workers would run as nobody and could not read a private temp dir: `user root`
  const p = spawn('nginx', ['-c', conf, '-p', workDir], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitHttp(`http://127.0.0.1:${port}/`, 10_000);
  return { stop: () => p.kill('SIGTERM') };
}

export interface WrkResult { rps: number; p50ms: number; p99ms: number; errors: number; mbps: number }

function toMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(v.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60000;
}
function toMB(v: string): number {
  const m = /^([\d.]+)([KMG]?B)$/.exec(v.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === 'KB' ? n / 1024 : m[2] === 'MB' ? n : m[2] === 'GB' ? n * 1024 : n / 1024 / 1024;
}

/** Run wrk (one thread per core, `conns` connections) for `seconds` against `url`. */
export function wrk(url: string, conns: number, seconds: number): WrkResult {
  const threads = Math.min(conns, Math.max(1, os.cpus().length));
  const out = sh('wrk', ['-t', String(threads), '-c', String(conns), '-d', `${seconds}s`, '--latency', '--timeout', '10s', url]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const p50 = toMs(/\s50%\s+(\S+)/.exec(out)?.[1] ?? '');
  const p99 = toMs(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '');
  const mbps = toMB(/Transfer\/sec:\s+(\S+)/.exec(out)?.[1] ?? '');
  let errors = 0;
  const se = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  if (se) errors += se.slice(1).map(Number).reduce((a, b) => a + b, 0);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (non2xx) errors += Number(non2xx[1]);
  return { rps, p50ms: p50, p99ms: p99, errors, mbps };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

export function medianResult(rs: WrkResult[]): WrkResult {
  return {
    rps: median(rs.map((r) => r.rps)),
    p50ms: median(rs.map((r) => r.p50ms)),
    p99ms: median(rs.map((r) => r.p99ms)),
    errors: rs.reduce((a, r) => a + r.errors, 0),
    mbps: median(rs.map((r) => r.mbps)),
  };
}

/** Our registry as a child process (the built CLI), returning when /health answers. */
export async function startRegistry(storage: string, port: number, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ proc: ChildProcess; startMs: number; stop: () => Promise<void> }> {
  const cli = path.join(ROOT, 'dist/cli/main.js');
  if (!existsSync(cli)) throw new Error('run `npm run build` first');
  const t0 = Date.now();
  const proc = spawn(process.execPath, [cli, 'serve', '--storage', storage, '--host', '127.0.0.1', '--port', String(port), ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PACKAGE_STORAGE_LOG_LEVEL: 'warn', ...env },
  });
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
  try {
    await waitHttp(`http://127.0.0.1:${port}/search`, 120_000);
  } catch (e) {
    proc.kill('SIGKILL');
    throw new Error(`registry did not start: ${String(e)}\n${stderr}`, { cause: e });
  }
  const startMs = Date.now() - t0;
  return {
    proc,
    startMs,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** Resident set size of a process in MB (from /proc). */
export function rssMB(pid: number): number {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(s);
  return m ? Number(m[1]) / 1024 : NaN;
}

export function machine(): string {
  return `${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.type()} ${os.release()}`;
}

export function fmt(n: number, d = 1): string {
  return Number.isFinite(n) ? n.toFixed(d) : 'n/a';
}

/** A stream of `bytes` constant bytes, produced 1 MiB at a time (large-object benchmarks without disk or RAM). */
export function constantStream(bytes: number): import('node:stream').Readable {
  let left = bytes;
  const chunk = Buffer.alloc(1024 * 1024, 0x5a);
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    },
  });
}

/** Tracks the peak RSS from now until `stop()`, which returns the growth in MiB. */
export function rssPeak(): { stop: () => number } {
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return {
    stop: () => {
      clearInterval(sampler);
      return (peak - rss0) / 1024 / 1024;
    },
  };
}

/** `--name value` from the command line, or `def`. */
export function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
}

/** Run `op(0..n-1)` with `width` at a time; returns a table row: label and ms/op, op/s. */
export async function timeOps(label: string, n: number, width: number, op: (i: number) => Promise<unknown>): Promise<[string, string]> {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await op(next++);
    }),
  );
  const ms = performance.now() - t0;
  return [label, `${(ms / n).toFixed(2)} ms/op, ${Math.round((n / ms) * 1000)} op/s (n=${n}, ${width} concurrent)`];
}

/** Write `n` small keys `list/p{i%100}/v{i}/doc.json` with 16 writers at once; returns the seconds it took. */
export async function fillListingKeys(store: { put: (key: string, body: string) => Promise<unknown> }, n: number): Promise<number> {
  const t0 = performance.now();
  let made = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (made < n) {
        const i = made++;
        await store.put(`list/p${i % 100}/v${i}/doc.json`, '{}');
      }
    }),
  );
  return (performance.now() - t0) / 1000;
}
