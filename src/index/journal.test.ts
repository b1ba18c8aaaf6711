import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../storage/index.js';
import type { ObjectStore } from '../storage/types.js';
import { KEYS, entryKey } from './format.js';
import { readCurrentIndex, runIndexer } from './indexer.js';
import { listJournal, writeJournalMarker } from './journal.js';

/** A real fs store, with every call counted (which prefixes are listed, which keys are read). */
async function withStore(fn: (s: ObjectStore, calls: { lists: string[]; gets: string[] }) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ps-journal-'));
  const real = await openStore(dir);
  const calls = { lists: [] as string[], gets: [] as string[] };
  const s = new Proxy(real, {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv) as unknown;
      if (prop === 'list') return (p: string, o?: object) => (calls.lists.push(p), real.list(p, o as never));
      if (prop === 'get') return (k: string, o?: object) => (calls.gets.push(k), real.get(k, o as never));
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  try {
    await fn(s, calls);
  } finally {
    await real.close?.();
    await rm(dir, { recursive: true, force: true });
  }
}

const doc = (name: string, version: string, extra: Record<string, unknown> = {}) => ({ name, version, title: `${name} ${version}`, format_version: '1.0.0', ...extra });
/** What publish does: the document, then its marker. */
async function publish(s: ObjectStore, name: string, version: string, extra: Record<string, unknown> = {}): Promise<void> {
  await s.put(KEYS.document(name, version), JSON.stringify(doc(name, version, extra)));
  await writeJournalMarker(s, name, version);
}
const indexed = async (s: ObjectStore) => (await readCurrentIndex(s)).packages.map((e) => entryKey(e.package_manifest)).sort();
async function text(s: ObjectStore, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of (await s.get(key)).body) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

test('a journal run reads only the marked documents, never lists v2/packages/, and consumes its markers', async () => {
  await withStore(async (s, calls) => {
    for (let i = 0; i < 20; i++) await publish(s, `p${i}`, '1.0.0');
    const first = await runIndexer(s, { mode: 'journal' });
    assert.equal(first.mode, 'full', 'no revision yet: the first run lists everything');
    assert.equal(first.total, 20);
    assert.equal((await listJournal(s)).markers.length, 0, 'markers consumed by the full run too');

    await publish(s, 'new', '2.0.0');
    await publish(s, 'p3', '1.0.0', { title: 'changed' }); // a rewritten document (same version)
    await s.delete(KEYS.document('p5', '1.0.0'));
    await writeJournalMarker(s, 'p5', '1.0.0');
    calls.lists.length = 0;
    calls.gets.length = 0;
    const r = await runIndexer(s, { mode: 'journal' });
    assert.equal(r.mode, 'journal');
    assert.deepEqual([r.added, r.updated, r.removed, r.total], [1, 1, 1, 20]);
    assert.ok(!calls.lists.includes(KEYS.documentPrefix), `listed: ${calls.lists.join(', ')}`);
    const docReads = calls.gets.filter((k) => k.startsWith(KEYS.documentPrefix)).sort();
    assert.deepEqual(docReads, [KEYS.document('new', '2.0.0'), KEYS.document('p3', '1.0.0'), KEYS.document('p5', '1.0.0')]);
    assert.equal((await listJournal(s)).markers.length, 0, 'consumed once the revision is current');
    const delta = JSON.parse(await text(s, KEYS.indexDelta(r.cursor))) as { added: unknown[]; updated: unknown[]; removed: unknown[] };
    assert.deepEqual([delta.added.length, delta.updated.length, delta.removed], [1, 1, [{ name: 'p5', version: '1.0.0' }]]);
    const fromJournal = await text(s, KEYS.indexAll(r.cursor));

    // a full run over the same documents finds nothing to change, and the same bytes
    const full = await runIndexer(s, { mode: 'full' });
    assert.equal(full.changed, false, 'the journal revision is exactly what a full listing gives');
    assert.equal(fromJournal, await text(s, KEYS.indexAll(full.cursor)));
    assert.ok(fromJournal.startsWith('{"packages":[\n') && fromJournal.split('\n').length === 20 + 3, 'our one-entry-per-line layout');

    // nothing marked: a journal run is a no-op that reads no document
    calls.gets.length = 0;
    const idle = await runIndexer(s, { mode: 'journal' });
    assert.equal(idle.changed, false);
    assert.deepEqual(calls.gets.filter((k) => k.startsWith(KEYS.documentPrefix)), []);
  });
});

test('a document written without a marker waits for a full run; a marker of an unchanged document only costs a read', async () => {
  await withStore(async (s) => {
    await publish(s, 'a', '1.0.0');
    await runIndexer(s, { mode: 'journal' });
    await s.put(KEYS.document('hand', '1.0.0'), JSON.stringify(doc('hand', '1.0.0')));
    assert.equal((await runIndexer(s, { mode: 'journal' })).changed, false, 'not in the journal: not seen');
    assert.deepEqual(await indexed(s), ['a-1.0.0']);
    const full = await runIndexer(s, { mode: 'full' });
    assert.equal(full.added, 1);
    assert.deepEqual(await indexed(s), ['a-1.0.0', 'hand-1.0.0']);
    await writeJournalMarker(s, 'a', '1.0.0'); // a retried publish of the same bytes
    const r = await runIndexer(s, { mode: 'journal' });
    assert.equal(r.changed, false);
    assert.equal((await listJournal(s)).markers.length, 0, 'consumed although nothing changed');
  });
});

test('a journal run falls back to a full one on a foreign base, an unreadable folder, or a cursor without a folder', async () => {
  await withStore(async (s) => {
    // a revision written by someone else (no bookkeeping): entries whose documents we cannot vouch for
    await s.put(KEYS.indexAll('1'), JSON.stringify({ packages: [{ package_manifest: doc('foreign', '1.0.0') }] }));
    await s.put(KEYS.cursor, JSON.stringify({ current: '1' }));
    await publish(s, 'a', '1.0.0');
    const r = await runIndexer(s, { mode: 'journal' });
    assert.equal(r.mode, 'full');
    assert.deepEqual(await indexed(s), ['a-1.0.0', 'foreign-1.0.0']);
    // our revision now has a state: journal runs from here, until a folder at or above the cursor is unreadable
    await publish(s, 'b', '1.0.0');
    assert.equal((await runIndexer(s, { mode: 'journal' })).mode, 'full', 'foreign entries keep the base from being trusted');
  });
  await withStore(async (s) => {
    await publish(s, 'a', '1.0.0');
    const r1 = await runIndexer(s, { mode: 'journal' });
    await publish(s, 'b', '1.0.0');
    assert.equal((await runIndexer(s, { mode: 'journal' })).mode, 'journal');
    // an orphan folder above the cursor that cannot be read: never build on a lower one from the journal
    await s.put(KEYS.indexAll('50000000000000000000'), 'not json');
    await publish(s, 'c', '1.0.0');
    await s.put(KEYS.document('hand', '1.0.0'), JSON.stringify(doc('hand', '1.0.0')));
    const r = await runIndexer(s, { mode: 'journal' });
    assert.equal(r.mode, 'full');
    assert.ok(r.cursor > r1.cursor);
  });
});

test('a journal run streams the base file once into the next revision (no spool), with the bytes of a full serialization; a base file that does not match its state is read in full instead', async () => {
  const { Spool } = await import('../registry/spool.js');
  const { serializeIndexAll, revEntry } = await import('./revision.js');
  const created = { n: 0 };
  const realCreate = Spool.create.bind(Spool);
  Spool.create = (...a: Parameters<typeof Spool.create>) => (created.n++, realCreate(...a));
  try {
    await withStore(async (s, calls) => {
      for (let i = 0; i < 30; i++) await publish(s, `p${String(i).padStart(2, '0')}`, '1.0.0', { description: 'x'.repeat(i * 997) });
      await runIndexer(s, { mode: 'journal' });
      const canonical = async (cursor: string) => serializeIndexAll((await readCurrentIndex(s)).packages.map(revEntry)) === (await text(s, KEYS.indexAll(cursor)));

      await publish(s, 'a0', '1.0.0'); // first line
      await publish(s, 'p10', '1.0.1'); // between lines
      await publish(s, 'zz', '9.0.0'); // last line
      await s.delete(KEYS.document('p20', '1.0.0'));
      await writeJournalMarker(s, 'p20', '1.0.0'); // removed
      await writeJournalMarker(s, 'p05', '1.0.0'); // marked again, same bytes
      created.n = 0;
      calls.gets.length = 0;
      const r = await runIndexer(s, { mode: 'journal' });
      assert.equal(r.mode, 'journal');
      assert.deepEqual([r.added, r.updated, r.removed, r.total], [3, 0, 1, 32]);
      assert.equal(created.n, 0, 'the base was not copied into a spool');
      assert.equal(calls.gets.filter((k) => k.endsWith('/search-index-all.json')).length, 1, 'the base file is read once');
      assert.ok(await canonical(r.cursor), 'same bytes as serializing the entries');
      const delta = JSON.parse(await text(s, KEYS.indexDelta(r.cursor))) as { added: { package_manifest: { name: string } }[]; removed: unknown[] };
      assert.deepEqual(delta.added.map((e) => e.package_manifest.name), ['a0', 'p10', 'zz']);
      assert.deepEqual(delta.removed, [{ name: 'p20', version: '1.0.0' }]);
      assert.equal((await runIndexer(s, { mode: 'full' })).changed, false, 'a full run finds it exact');

      // someone rewrote the base file in Elastic's compact formatting (same entries, our state kept)
      const all = JSON.parse(await text(s, KEYS.indexAll(r.cursor))) as unknown;
      await s.put(KEYS.indexAll(r.cursor), JSON.stringify(all));
      await publish(s, 'p15', '2.0.0');
      const r2 = await runIndexer(s, { mode: 'journal' });
      assert.deepEqual([r2.changed, r2.added, r2.total], [true, 1, 33]);
      assert.ok(created.n > 0, 'read in full through a spool');
      assert.ok(await canonical(r2.cursor));
      assert.deepEqual((await indexed(s)).length, 33);
    });
  } finally {
    Spool.create = realCreate;
  }
});
