/**
 * The pull-through cache of the proxy: a folder of its own (never the store, so the upstream can never write
 * into the published namespace), holding
 * - `answers/<sha256 of the request>.json`: the last upstream answer of a request (search, categories,
 *   package page, static file), kept to answer when the upstream is down;
 * - `artifacts/<name>-<version>/`: `package.zip`, `package.zip.sig` and `meta.json` (size, sha256), only once
 *   the signature verified.
 *
 * Crash safety: everything is written under `tmp/` (fsynced), then renamed into place — a file for an answer, a
 * whole folder for an artifact — so a reader sees a complete entry or none. `tmp/` is emptied on open; an
 * artifact folder whose zip does not match its meta (a disk fault, a hand edit) is removed and fetched again.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';

export interface CachedAnswer {
  url: string;
  status: number;
  contentType: string;
  body: Buffer;
  storedAt: Date;
}

export interface CachedArtifact {
  dir: string;
  zip: string;
  sig: string;
  size: number;
  sha256: string;
  sigSha256: string;
  storedAt: Date;
}

async function writeSynced(file: string, data: string | Buffer): Promise<void> {
  const fh = await fsp.open(file, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Default bound on kept answers: request strings are client input, so their number must not be unbounded. */
const DEFAULT_MAX_ANSWERS = 20_000;

export class ProxyCache {
  private answers = 0;
  private warnedFull = false;

  private constructor(
    readonly dir: string,
    readonly maxAnswers: number,
    private readonly onFull?: () => void,
  ) {}

  static async open(dir: string, opts: { maxAnswers?: number; onFull?: () => void } = {}): Promise<ProxyCache> {
    const c = new ProxyCache(path.resolve(dir), opts.maxAnswers ?? DEFAULT_MAX_ANSWERS, opts.onFull);
    await fsp.rm(path.join(c.dir, 'tmp'), { recursive: true, force: true });
    for (const d of ['answers', 'artifacts', 'tmp']) await fsp.mkdir(path.join(c.dir, d), { recursive: true });
    c.answers = (await fsp.readdir(path.join(c.dir, 'answers'))).length;
    return c;
  }

  /** A fresh private folder under tmp/ (removed by the caller, or on the next open after a crash). */
  async tempDir(): Promise<string> {
    return fsp.mkdtemp(path.join(this.dir, 'tmp', 'x-'));
  }

  private answerFile(key: string): string {
    return path.join(this.dir, 'answers', `${createHash('sha256').update(key).digest('hex')}.json`);
  }

  async getAnswer(key: string): Promise<CachedAnswer | undefined> {
    const f = this.answerFile(key);
    let raw: string;
    try {
      raw = await fsp.readFile(f, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const o = JSON.parse(raw) as { key: string; url: string; status: number; contentType: string; body: string; storedAt: string };
      if (o.key !== key) return undefined; // a hash collision, or a file put here by hand
      return { url: o.url, status: o.status, contentType: o.contentType, body: Buffer.from(o.body, 'base64'), storedAt: new Date(o.storedAt) };
    } catch {
      await fsp.rm(f, { force: true });
      return undefined;
    }
  }

  /** Keep an answer (replacing the one of the same request). False when the cache is full of other requests. */
  async putAnswer(key: string, a: Omit<CachedAnswer, 'storedAt'>): Promise<boolean> {
    const file = this.answerFile(key);
    const isNew = !(await fsp.stat(file).then(() => true, () => false));
    if (isNew && this.answers >= this.maxAnswers) {
      if (!this.warnedFull) this.onFull?.();
      this.warnedFull = true;
      return false;
    }
    const tmp = path.join(this.dir, 'tmp', `a-${randomBytes(8).toString('hex')}`);
    await writeSynced(tmp, JSON.stringify({ key, url: a.url, status: a.status, contentType: a.contentType, body: a.body.toString('base64'), storedAt: new Date().toISOString() }));
    await fsp.rename(tmp, file);
    if (isNew) this.answers++;
    return true;
  }

  private artifactDir(name: string, version: string): string {
    return path.join(this.dir, 'artifacts', `${name}-${version}`);
  }

  async getArtifact(name: string, version: string): Promise<CachedArtifact | undefined> {
    const dir = this.artifactDir(name, version);
    try {
      const meta = JSON.parse(await fsp.readFile(path.join(dir, 'meta.json'), 'utf8')) as { size: number; sha256: string; sigSha256: string; storedAt: string };
      const zip = path.join(dir, 'package.zip');
      const sig = path.join(dir, 'package.zip.sig');
      const [zs] = await Promise.all([fsp.stat(zip), fsp.stat(sig)]);
      if (zs.size !== meta.size) throw new Error('size mismatch');
      return { dir, zip, sig, size: meta.size, sha256: meta.sha256, sigSha256: meta.sigSha256, storedAt: new Date(meta.storedAt) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !(await fsp.stat(dir).then(() => true, () => false))) return undefined;
      // incomplete or damaged: drop it, it is fetched again
      await fsp.rm(dir, { recursive: true, force: true });
      return undefined;
    }
  }

  /**
   * Move a complete temp folder (package.zip, package.zip.sig) into place with its meta. If another request
   * committed the same artifact first, ours is dropped.
   */
  async commitArtifact(name: string, version: string, tmpDir: string, meta: { size: number; sha256: string; sigSha256: string }): Promise<CachedArtifact> {
    await writeSynced(path.join(tmpDir, 'meta.json'), JSON.stringify({ ...meta, storedAt: new Date().toISOString() }));
    const dir = this.artifactDir(name, version);
    try {
      await fsp.rename(tmpDir, dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
      await fsp.rm(tmpDir, { recursive: true, force: true });
    }
    const got = await this.getArtifact(name, version);
    if (!got) throw new Error(`cache: ${name}-${version} vanished after commit`);
    return got;
  }
}
