/** Helpers for the publish/index integration tests: CLI child processes, store inspection, crafted zips. */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';
import type { ObjectStore } from '../../src/storage/types.js';
import { KEYS, entryKey, type IndexEntry, type SearchIndexDelta } from '../../src/index/format.js';
import { listRevisionFolders } from '../../src/index/indexer.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TESTDATA = path.resolve(REPO, '../shared/testdata');
export const CORPUS = path.join(TESTDATA, 'v1-corpus/packages');
export const corpusMissing = existsSync(CORPUS) ? false : `v1 corpus not found at ${CORPUS} (../shared/testdata is not in this checkout)`;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run `package-storage <args>` as a child process (through tsx, like `npm test`). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return runNode([path.join(REPO, 'src/cli/main.ts'), ...args], env);
}

/** Run a TypeScript script (path relative to the repo) as a child process through tsx. */
export function runNode(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: REPO,
      env: { ...process.env, PACKAGE_STORAGE_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export async function readText(s: ObjectStore, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of (await s.get(key)).body) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export async function readJson<T>(s: ObjectStore, key: string): Promise<T> {
  return JSON.parse(await readText(s, key)) as T;
}

/** Every key in the store (excluding backend-internal files). */
export async function allKeys(s: ObjectStore): Promise<string[]> {
  return (await s.list('')).objects.map((o) => o.key).filter((k) => !k.startsWith('.'));
}

/**
 * What an incremental reader does (Elastic's registry #1923): start from `from`'s full index (or nothing),
 * apply each folder's delta in (from, to] in string order, falling back to the folder's full index if the
 * delta is missing. Returns the resulting keys.
 */
export async function replayDeltas(s: ObjectStore, from: string | undefined, to: string): Promise<string[]> {
  const m = new Map<string, IndexEntry>();
  const loadAll = async (f: string) => {
    m.clear();
    for (const e of (await readJson<{ packages: IndexEntry[] }>(s, KEYS.indexAll(f))).packages) m.set(entryKey(e.package_manifest), e);
  };
  if (from) await loadAll(from);
  for (const f of (await listRevisionFolders(s)).filter((f) => (from === undefined || f > from) && f <= to)) {
    let d: SearchIndexDelta;
    try {
      d = await readJson<SearchIndexDelta>(s, KEYS.indexDelta(f));
    } catch {
      await loadAll(f);
      continue;
    }
    for (const r of d.removed) m.delete(entryKey(r));
    for (const e of d.updated) m.set(entryKey(e.package_manifest), e);
    for (const e of d.added) if (!m.has(entryKey(e.package_manifest))) m.set(entryKey(e.package_manifest), e);
  }
  return [...m.keys()].sort();
}

/** `{dir, name, version}` of corpus versions: the latest version of the first `n` package names. */
export function corpusPicks(n: number): { dir: string; name: string; version: string }[] {
  const out: { dir: string; name: string; version: string }[] = [];
  for (const name of readdirSync(CORPUS).sort()) {
    const versions = readdirSync(path.join(CORPUS, name)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    const version = versions[versions.length - 1]!;
    out.push({ dir: path.join(CORPUS, name, version), name, version });
    if (out.length === n) break;
  }
  return out;
}

export interface RawEntry {
  name: string;
  data?: Buffer;
  /** Store deflated (method 8) with this declared uncompressed size (default: the real size). */
  deflate?: boolean;
  declaredSize?: number;
  /** Unix mode in the external attributes (e.g. 0o120777 for a symlink). */
  mode?: number;
  encrypted?: boolean;
}

/** A zip written byte by byte, so that it can hold what normal tools refuse to write (hostile inputs). */
export function rawZip(entries: RawEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    const comp = e.deflate ? deflateRawSync(data) : data;
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(data) >>> 0;
    const size = e.declaredSize ?? data.length;
    const flags = (e.encrypted ? 1 : 0) | 0x800;
    const method = e.deflate ? 8 : 0;
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(flags, 6);
    lh.writeUInt16LE(method, 8);
    lh.writeUInt32LE(0, 10);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(comp.length, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(name.length, 26);
    lh.writeUInt16LE(0, 28);
    locals.push(lh, name, comp);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE((3 << 8) | 20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(flags, 8);
    ch.writeUInt16LE(method, 10);
    ch.writeUInt32LE(0, 12);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(comp.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(((e.mode ?? (e.name.endsWith('/') ? 0o40755 : 0o100644)) << 16) >>> 0, 38);
    ch.writeUInt32LE(offset, 42);
    centrals.push(ch, name);
    offset += lh.length + name.length + comp.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
