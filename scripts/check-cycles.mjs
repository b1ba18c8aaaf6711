#!/usr/bin/env node
/**
 * Import cycles, between files and between modules (the top-level folders of src/; a file directly under src/ is
 * a module of its own). Parses every source file with oxc-parser (no TypeScript API needed), resolves relative
 * imports (`./x.js` → `x.ts`, `x.tsx`, `x/index.ts`), and prints the strongly connected components of both graphs
 * with one concrete cycle each. Edges are static imports, re-exports and dynamic `import()`; an edge made only of
 * `import type` / `export type` is marked (type) — it costs nothing at run time but still ties the modules.
 *
 *   node scripts/check-cycles.mjs             # src/, test files left out; exit 1 if there is any cycle
 *   node scripts/check-cycles.mjs --tests     # also *.test.ts files
 *   node scripts/check-cycles.mjs --json      # machine-readable
 *   node scripts/check-cycles.mjs --runtime   # ignore type-only edges
 *   node scripts/check-cycles.mjs --root=DIR  # another tree (DIR/src)
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSync } from 'oxc-parser';

const args = new Set(process.argv.slice(2));
const rootArg = process.argv.slice(2).find((a) => a.startsWith('--root='));
const repo = rootArg ? path.resolve(rootArg.slice('--root='.length)) : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const withTests = args.has('--tests');
const runtimeOnly = args.has('--runtime');
const srcRoot = path.join(repo, 'src');

/** @returns {string[]} source files under dir (repo-relative), sorted */
function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const abs = path.join(dir, name);
    if (statSync(abs).isDirectory()) {
      if (name === 'node_modules' || name === 'dist') continue;
      out.push(...walk(abs));
    } else if (/\.(ts|tsx|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) {
      if (!withTests && /\.test\.tsx?$/.test(name)) continue;
      out.push(path.relative(repo, abs));
    }
  }
  return out;
}

function resolve(fromFile, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(repo, path.dirname(fromFile), spec);
  const stem = base.replace(/\.(js|mjs|jsx)$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')];
  for (const c of candidates) if (existsSync(c) && statSync(c).isFile()) return path.relative(repo, c);
  return undefined;
}

/** The module a file belongs to: `src/storage/fs.ts` → `storage`, `src/errors.ts` → `errors.ts`. */
function moduleOf(file) {
  const rel = path.relative(srcRoot, path.join(repo, file)).split(path.sep);
  return rel.length === 1 ? rel[0] : rel[0];
}

const files = walk(srcRoot);
/** file → Map(target → {type: boolean}) ; type = every import of target from file is type-only */
const graph = new Map();
for (const file of files) {
  const text = readFileSync(path.join(repo, file), 'utf8');
  const { module: mod, errors } = parseSync(file, text);
  if (errors.length) console.error(`# ${file}: ${errors.length} parse error(s); edges may be missing`);
  const edges = new Map();
  const add = (spec, typeOnly) => {
    const target = resolve(file, spec);
    if (!target || target === file) return;
    if (runtimeOnly && typeOnly) return;
    const prev = edges.get(target);
    edges.set(target, { type: prev ? prev.type && typeOnly : typeOnly });
  };
  for (const imp of mod.staticImports) {
    const typeOnly = imp.entries.length > 0 && imp.entries.every((e) => e.isType);
    add(imp.moduleRequest.value, typeOnly);
  }
  for (const exp of mod.staticExports) {
    for (const e of exp.entries) if (e.moduleRequest) add(e.moduleRequest.value, e.isType);
  }
  for (const d of mod.dynamicImports) {
    const raw = text.slice(d.moduleRequest.start, d.moduleRequest.end).trim();
    const m = /^(['"`])([^'"`]*)\1$/.exec(raw);
    if (m) add(m[2], false);
  }
  graph.set(file, edges);
}

/** Tarjan's strongly connected components; only those with a cycle (size > 1). */
function sccs(nodes, succ) {
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const out = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of succ(v)) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of nodes) if (!idx.has(v)) visit(v);
  return out;
}

/** One shortest cycle through the first node of a component (BFS back to it, inside the component). */
function exampleCycle(comp, succ) {
  const inComp = new Set(comp);
  const start = comp[0];
  const prev = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of succ(v)) {
      if (!inComp.has(w)) continue;
      if (w === start) {
        const pathBack = [v];
        for (let p = prev.get(v); p !== undefined; p = prev.get(p)) pathBack.push(p);
        return [...pathBack.reverse(), start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return comp;
}

const fileSucc = (f) => [...(graph.get(f)?.keys() ?? [])].sort();
const fileCycles = sccs(files, fileSucc).map((comp) => {
  const cycle = exampleCycle(comp, fileSucc);
  const steps = cycle.slice(0, -1).map((f, i) => ({ from: f, to: cycle[i + 1], type: graph.get(f).get(cycle[i + 1]).type }));
  return { files: comp, cycle: steps, typeOnly: steps.some((s) => s.type) };
});

/** module → Map(module → [{from, to, type}]) */
const modGraph = new Map();
for (const [from, edges] of graph) {
  const a = moduleOf(from);
  if (!modGraph.has(a)) modGraph.set(a, new Map());
  for (const [to, { type }] of edges) {
    const b = moduleOf(to);
    if (a === b) continue;
    const m = modGraph.get(a);
    if (!m.has(b)) m.set(b, []);
    m.get(b).push({ from, to, type });
  }
}
const modSucc = (m) => [...(modGraph.get(m)?.keys() ?? [])].sort();
const moduleCycles = sccs([...modGraph.keys()].sort(), modSucc).map((comp) => {
  const cycle = exampleCycle(comp, modSucc);
  const steps = cycle.slice(0, -1).map((m, i) => {
    return { from: m, to: cycle[i + 1] };
  });
  const inComp = new Set(comp);
  const edges = comp.flatMap((m) =>
    modSucc(m)
      .filter((t) => inComp.has(t))
      .map((t) => ({ from: m, to: t, via: modGraph.get(m).get(t).map((e) => `${e.from} → ${e.to}${e.type ? ' (type)' : ''}`) })),
  );
  return { modules: comp, cycle: steps.map((s) => `${s.from} → ${s.to}`), edges };
});

if (args.has('--json')) {
  console.log(JSON.stringify({ files: files.length, fileCycles, moduleCycles }, null, 2));
} else {
  console.log(`# ${files.length} files under src/${withTests ? ' (with tests)' : ' (tests left out)'}${runtimeOnly ? ', type-only imports ignored' : ''}`);
  console.log(`\nfile-level cycles: ${fileCycles.length}`);
  for (const c of fileCycles) {
    console.log(`- ${c.files.length} files: ${c.files.join(', ')}`);
    console.log(`  e.g. ${c.cycle.map((s) => `${s.from} →${s.type ? ' (type)' : ''}`).join(' ')} ${c.cycle[0].from}`);
  }
  console.log(`\nmodule-level cycles: ${moduleCycles.length}`);
  for (const c of moduleCycles) {
    console.log(`- ${c.modules.length} modules: ${c.modules.join(', ')} (e.g. ${c.cycle.join(', ')}); every edge among them:`);
    for (const e of c.edges) console.log(`    ${e.from} → ${e.to} via ${e.via.join('; ')}`);
  }
}
process.exitCode = fileCycles.length || moduleCycles.length ? 1 : 0;
