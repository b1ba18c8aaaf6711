/**
 * A data module resolved at a format version: its `spec` with every `versions:` patch whose `before` is greater
 * than the version applied, in file order (newest first), as package-spec's `specpatch` does. Cached per
 * (module, version); callers must not mutate the result.
 */
import jsonpatchModule from 'fast-json-patch';
import semver from 'semver';
import { SPEC_FILES } from '../data/index.js';
import type { PatchOp, SpecFile } from './types.js';

const jsonpatch = ((jsonpatchModule as unknown as { default?: typeof jsonpatchModule }).default ?? jsonpatchModule) as typeof jsonpatchModule;

export function specFile(id: string): SpecFile {
  const f = SPEC_FILES[id];
  if (!f) throw new Error(`spec data: no module ${id}`);
  return f;
}

/** The patch operations that apply to `id` at `version` (X.Y.Z). */
export function patchesFor(file: SpecFile, version: string): PatchOp[] {
  const ops: PatchOp[] = [];
  for (const v of file.versions ?? []) if (semver.lt(version, v.before)) ops.push(...v.patch);
  return ops;
}

/** Apply RFC 6902 operations to a deep copy of `doc`. */
export function applyPatches<T>(doc: T, ops: PatchOp[], what: string): T {
  const copy = structuredClone(doc);
  if (!ops.length) return copy;
  try {
    return jsonpatch.applyPatch(copy, structuredClone(ops) as jsonpatchModule.Operation[], true, true).newDocument;
  } catch (e) {
    throw new Error(`spec data: patch of ${what} failed: ${(e as Error).message}`, { cause: e });
  }
}

const cache = new Map<string, unknown>();

/** The `spec` of module `id` at format version `version`. */
export function resolvedSpec(id: string, version: string): unknown {
  const key = `${id}@${version}`;
  if (cache.has(key)) return cache.get(key);
  const f = specFile(id);
  const out = applyPatches(f.spec, patchesFor(f, version), `${id} at ${version}`);
  cache.set(key, out);
  return out;
}

/** Resolve a relative module reference (`./fields/folder`, `../integration/manifest`) against module `from`. */
export function resolveId(from: string, ref: string): string {
  const parts = from.split('/').slice(0, -1);
  for (const seg of ref.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}
