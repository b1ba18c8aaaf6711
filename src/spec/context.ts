/**
 * Validation context: the package's files, the resolved spec version, the issue list, and cached parsed
 * YAML/JSON documents with line lookup. Everything here is in memory over a `PackageSource`.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import nodePath from 'node:path';
import semver from 'semver';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { PackageSource, PackageEntry } from '../package/source.js';
import type { SpecVersion } from './versions.js';

export interface ValidationIssue {
  code: string;
  file?: string;
  line?: number;
  message: string;
}

export type Mode = 'legacy-publish' | 'source' | 'build';

export interface ParsedDoc {
  /** The JS value (dotted keys expanded below 3.0.0 when asked). */
  value: unknown;
  /** Line (1-based) of the node at a path, if known. */
  lineOf(path: (string | number)[]): number | undefined;
  /** Line and column (1-based) of the node at a path, if known (JSON files: unknown). */
  posOf?(path: (string | number)[]): { line: number; col: number } | undefined;
}

export class Ctx {
  readonly src: PackageSource;
  readonly entries: PackageEntry[];
  readonly files: Map<string, PackageEntry>;
  readonly dirs: Set<string>;
  readonly errors: ValidationIssue[] = [];
  readonly warnings: ValidationIssue[] = [];
  version!: SpecVersion;
  type = '';
  manifest: Record<string, unknown> = {};
  mode: Mode = 'legacy-publish';
  warningsAsErrors = false;
  private docCache = new Map<string, ParsedDoc | null>();
  private textCache = new Map<string, string>();

  constructor(src: PackageSource) {
    this.src = src;
    this.entries = src.entries();
    this.files = new Map(this.entries.filter((e) => e.type === 'file').map((e) => [e.path, e]));
    this.dirs = new Set(this.entries.filter((e) => e.type === 'dir').map((e) => e.path));
    // Folders implied by files (a zip may lack directory entries).
    for (const f of this.files.keys()) {
      const parts = f.split('/');
      for (let i = 1; i < parts.length; i++) this.dirs.add(parts.slice(0, i).join('/'));
    }
  }

  /** The package root as shown in messages (`file "<root>/<rel>" is invalid: ...`). */
  get root(): string {
    return this.src.origin.replace(/\/+$/, '');
  }

  filePath(rel: string): string {
    return rel ? `${this.root}/${rel}` : this.root;
  }

  /** Add an error in Go's wording `file "<root>/<rel>" is invalid: <msg>`. */
  fileError(code: string, rel: string, msg: string, line?: number): void {
    this.errors.push({ code, file: rel, line, message: `file "${this.filePath(rel)}" is invalid: ${msg}` });
  }

  error(code: string, msg: string, rel?: string, line?: number): void {
    this.errors.push({ code, file: rel, line, message: msg });
  }

  /** A coded rule result that is only a warning before 3.0.0 (unless warnings are errors). */
  warnOrError(code: string, rel: string | undefined, msg: string, asWarning: boolean, line?: number): void {
    const issue = { code, file: rel, line, message: rel !== undefined ? `file "${this.filePath(rel)}" is invalid: ${msg}` : msg };
    if (asWarning && !this.warningsAsErrors) this.warnings.push(issue);
    else this.errors.push(issue);
  }

  hasFile(rel: string): boolean {
    return this.files.has(rel);
  }

  hasDir(rel: string): boolean {
    return this.dirs.has(rel);
  }

  /** Direct children names of a folder ('' = root). */
  children(dir: string): { name: string; path: string; type: 'file' | 'dir'; size: number }[] {
    const prefix = dir ? `${dir}/` : '';
    const out = new Map<string, { name: string; path: string; type: 'file' | 'dir'; size: number }>();
    for (const d of this.dirs) {
      if (d.startsWith(prefix) && d.length > prefix.length && !d.slice(prefix.length).includes('/')) {
        out.set(d, { name: d.slice(prefix.length), path: d, type: 'dir', size: 0 });
      }
    }
    for (const [f, e] of this.files) {
      if (f.startsWith(prefix) && !f.slice(prefix.length).includes('/')) out.set(f, { name: f.slice(prefix.length), path: f, type: 'file', size: e.size });
    }
    return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Files below a folder (recursive), paths relative to the package root. */
  filesUnder(dir: string): string[] {
    const prefix = dir ? `${dir}/` : '';
    return [...this.files.keys()].filter((f) => f.startsWith(prefix)).sort();
  }

  async text(rel: string): Promise<string | undefined> {
    if (this.textCache.has(rel)) return this.textCache.get(rel);
    if (!this.files.has(rel)) return undefined;
    const t = (await this.src.readFile(rel)).toString('utf8');
    this.textCache.set(rel, t);
    return t;
  }

  /**
   * Parse a YAML (or JSON, which is YAML) file. Returns null and records nothing when it does not parse;
   * callers that must report parse errors use `parseError`.
   */
  async doc(rel: string): Promise<ParsedDoc | null> {
    if (this.docCache.has(rel)) return this.docCache.get(rel)!;
    const t = await this.text(rel);
    let res: ParsedDoc | null = null;
    if (t !== undefined && rel.endsWith('.json')) {
      try {
        const value: unknown = JSON.parse(t);
        res = { value, lineOf: () => undefined };
      } catch (e) {
        this.parseErrors.set(rel, { message: (e as Error).message });
      }
    } else if (t !== undefined) {
      const p = parseYaml(t);
      res = p.error ? null : p.doc;
      if (p.error) this.parseErrors.set(rel, p.error);
    }
    this.docCache.set(rel, res);
    return res;
  }

  readonly parseErrors = new Map<string, { message: string; line?: number }>();

  /** Parsed value or undefined (for semantic rules, which skip unparsable files: the schema step reported them). */
  async value(rel: string): Promise<unknown> {
    return (await this.doc(rel))?.value;
  }

  /** The package is GA: its manifest version parses, is >= 1.0.0 and has no prerelease tag (Go `IsGA`). */
  get isGA(): boolean {
    const v = semver.parse(String(this.manifest.version ?? ''));
    return !!v && v.major >= 1 && v.prerelease.length === 0;
  }

  /** Per-run memo for the rules (parsed fields, pipelines, ...), keyed by name. */
  readonly memo = new Map<string, unknown>();

  /**
   * Resolve a `.link` file as package-spec does: its first token is a path relative to the link file's folder,
   * the second (optional) the SHA-256 of the target. Only folder sources on disk have a filesystem to resolve
   * against (a zip holds no links). Returns the target's path (joined like Go's `path.Join(dir, target)`) and
   * its text, or an error message. Reads at most `maxBytes` (3 MiB) so a hostile link cannot make us load a
   * huge file; content is only used for parsing.
   */
  async readLinked(linkRel: string, maxBytes = 3 * 1024 * 1024): Promise<{ target: string; text?: string; error?: string; checksumOk?: boolean }> {
    // Only the first line counts: `<path> [<sha256>]`.
    const t = await this.text(linkRel);
    const [target = '', sum] = (t ?? '').split(/\r?\n/)[0]!.trim().split(/\s+/);
    const dir = nodePath.posix.dirname(linkRel);
    const joined = nodePath.posix.join(dir, target);
    if (!target) return { target: joined, error: 'empty link file' };
    if (this.src.kind !== 'folder') return { target: joined, error: 'linked files are not supported in this filesystem' };
    const abs = nodePath.resolve(this.src.origin, dir, target);
    try {
      const st = await fsp.stat(abs);
      if (!st.isFile()) return { target: joined, error: 'not a file' };
      if (st.size > maxBytes) return { target: joined, error: `linked file exceeds ${maxBytes} bytes` };
      const buf = await fsp.readFile(abs);
      // Go's linked-files FS opens a link only when it is up to date: a checksum that matches (none = stale).
      const checksumOk = sum !== undefined && createHash('sha256').update(buf).digest('hex') === sum;
      return { target: joined, text: buf.toString('utf8'), checksumOk };
    } catch (e) {
      return { target: joined, error: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message };
    }
  }
}

export function parseYaml(text: string): { doc: ParsedDoc; error?: undefined } | { error: { message: string; line?: number }; doc?: undefined } {
  const lc = new LineCounter();
  let d: Document.Parsed;
  try {
    d = parseDocument(text, { lineCounter: lc, schema: 'core', prettyErrors: false, uniqueKeys: true, merge: true });
  } catch (e) {
    return { error: { message: (e as Error).message } };
  }
  if (d.errors.length) {
    const e = d.errors[0]!;
    const line = e.pos ? lc.linePos(e.pos[0]).line : undefined;
    return { error: { message: e.message.split('\n')[0]!, line } };
  }
  let value: unknown;
  try {
    value = d.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    return { error: { message: (e as Error).message } };
  }
  const posOf = (path: (string | number)[]): { line: number; col: number } | undefined => {
    let p = [...path];
    for (;;) {
      let node: unknown;
      try {
        node = p.length === 0 ? d.contents : d.getIn(p, true);
      } catch {
        node = undefined;
      }
      const range = (node as { range?: [number, number, number] } | undefined)?.range;
      if (range) return lc.linePos(range[0]);
      if (p.length === 0) return undefined;
      p = p.slice(0, -1);
    }
  };
  return { doc: { value, posOf, lineOf: (path) => posOf(path)?.line } };
}

/** Expand dotted keys (`kibana.version: x` → `kibana: {version: x}`), as package-spec does below 3.0.0. */
export function expandDotted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(expandDotted);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      const ev = expandDotted(val);
      if (k.includes('.')) {
        const parts = k.split('.');
        let cur = out;
        for (let i = 0; i < parts.length - 1; i++) {
          const p = parts[i]!;
          if (!cur[p] || typeof cur[p] !== 'object' || Array.isArray(cur[p])) cur[p] = {};
          cur = cur[p] as Record<string, unknown>;
        }
        const last = parts[parts.length - 1]!;
        if (cur[last] && typeof cur[last] === 'object' && ev && typeof ev === 'object' && !Array.isArray(ev)) Object.assign(cur[last] as object, ev);
        else cur[last] = ev;
      } else if (out[k] && typeof out[k] === 'object' && ev && typeof ev === 'object' && !Array.isArray(ev)) {
        Object.assign(out[k] as object, ev);
      } else out[k] = ev;
    }
    return out;
  }
  return v;
}

;
