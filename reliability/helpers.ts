/**
 * Shared helpers of the reliability suite: CLI child processes, a `serve` process on a free port, small
 * distinct generated packages (from samples/hello_logs), raw store inspection, tiny seeded PRNG.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TESTDATA = path.resolve(REPO, '../shared/testdata');
export const CORPUS = path.join(TESTDATA, 'v1-corpus/packages');
export const EPR_ZIPS = path.join(TESTDATA, 'epr/local-storage');
export const SAMPLE = path.join(REPO, 'samples/hello_logs');
export const corpusMissing: string | false = existsSync(CORPUS) ? false : `v1 corpus not found at ${CORPUS} (../shared/testdata is not in this checkout)`;

/** Integer env knob with a CI-sized default. */
export function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number.parseInt(v, 10);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${v}'`);
  return n;
}

/** Deterministic PRNG (mulberry32) so that a failing run can be replayed with RELIABILITY_SEED. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SEED = envInt('RELIABILITY_SEED', Date.now() % 1_000_000);

/** How the CLI is started: through tsx on the sources (default) or the built `dist/` (RELIABILITY_CLI=dist). */
function cliCommand(): string[] {
  return process.env.RELIABILITY_CLI === 'dist' ? [path.join(REPO, 'dist/cli/main.js')] : ['--import', 'tsx', path.join(REPO, 'src/cli/main.ts')];
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<CliResult>;
}

/** Start `package-storage <args>` as a child process. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const child = spawn(process.execPath, [...cliCommand(), ...args], {
    cwd: REPO,
    env: { ...process.env, PACKAGE_STORAGE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return spawnCli(args, env).done;
}

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  exited: Promise<CliResult>;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), SIGKILL after 5 s. */
  stop(): Promise<void>;
  rssBytes(): Promise<number>;
  output(): string;
}

/** Start `serve` on 127.0.0.1 and a free port; resolves once it answers /health (or its first line says where). */
export async function startServe(storage: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const run = spawnCli(['serve', '--storage', storage, '--host', '127.0.0.1', '--port', '0', '--poll-interval', '200', ...args], env);
  let out = '';
  let err = '';
  run.child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  run.child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 60 s:\n${out}\n${err}`)), 60_000);
    const onData = () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace(/\/$/, ''));
      }
    };
    run.child.stdout!.on('data', onData);
    run.done.then((r) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${r.code ?? r.signal}) before listening:\n${out}\n${err}`));
    }, reject);
  });
  const kill = async (sig: NodeJS.Signals) => {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill(sig);
    await run.done;
  };
  return {
    url,
    child: run.child,
    exited: run.done,
    kill: () => kill('SIGKILL'),
    stop: async () => {
      const t = setTimeout(() => run.child.kill('SIGKILL'), 5000);
      await kill('SIGTERM');
      clearTimeout(t);
    },
    rssBytes: () => rssOf(run.child.pid!),
    output: () => out + err,
  };
}

/** Resident set size of a process (Linux /proc). */
async function rssOf(pid: number): Promise<number> {
  const s = await fsp.readFile(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(s);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

/**
 * A small valid package folder `<root>/<name>` (samples/hello_logs with another name and version),
 * so that every publish of a stream is distinct.
 */
export async function makePackage(root: string, name: string, version: string): Promise<string> {
  const dir = path.join(root, `${name}-${version}`);
  await fsp.cp(SAMPLE, dir, { recursive: true });
  const mf = path.join(dir, 'manifest.yml');
  let m = await fsp.readFile(mf, 'utf8');
  m = m.replace(/^name: .*$/m, `name: ${name}`).replace(/^version: .*$/m, `version: ${version}`).replace(/^title: .*$/m, `title: Reliability ${name}`);
  await fsp.writeFile(mf, m);
  await fsp.writeFile(
    path.join(dir, 'changelog.yml'),
    `- version: "${version}"\n  changes:\n    - description: Generated by the reliability suite.\n      type: enhancement\n      link: https://example.com/package-storage/reliability/1\n`,
  );
  return dir;
}

/** Every regular file under an fs store's root, relative, excluding the backend's internal `.fsstore/`. */
export async function rawFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string, rel: string): Promise<void> {
    let ents: import('node:fs').Dirent[];
    try {
      ents = await fsp.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of ents) {
      if (rel === '' && e.name === '.fsstore') continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(d, e.name), r);
      else out.push(r);
    }
  }
  await walk(root, '');
  return out.sort();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Append/replace a section of RELIABILITY.md's figures file (one JSON per part) for the report. */
export async function recordFigures(part: string, figures: Record<string, unknown>): Promise<void> {
  const dir = path.join(REPO, '.tmp/reliability');
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(path.join(dir, `${part}.json`), JSON.stringify({ part, date: new Date().toISOString(), ...figures }, null, 2) + '\n');
  process.stdout.write(`# reliability ${part}: ${JSON.stringify(figures)}\n`);
}
