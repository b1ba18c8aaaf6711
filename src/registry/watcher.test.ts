import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../storage/index.js';
import { KEYS } from '../index/format.js';
import { runIndexer } from '../index/indexer.js';
import { writeJournalMarker } from '../index/journal.js';
import { MemoryStore } from '../storage/memory.js';
import { CatalogWatcher } from './watcher.js';

const doc = (name: string, version: string) => ({ name, version, title: name, type: 'integration', format_version: '1.0.0', description: 'x' });

test('on a local-disk store a new revision is picked up at once, not at the next poll (issue 16: publish → visible)', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ps-watch-'));
  const s = await openStore(dir);
  const watchers: CatalogWatcher[] = [];
  try {
    await s.put(KEYS.document('a', '1.0.0'), JSON.stringify(doc('a', '1.0.0')));
    await runIndexer(s, { mode: 'full' });
    const watching = new CatalogWatcher(s, { pollIntervalMs: 60_000 });
    const polling = new CatalogWatcher(s, { pollIntervalMs: 60_000, watchLocal: false });
    watchers.push(watching, polling);
    await watching.start();
    await polling.start();
    assert.equal(watching.current.size, 1);
    for (let i = 0; i < 3; i++) {
      const v = `1.0.${i + 1}`;
      await s.put(KEYS.document('a', v), JSON.stringify(doc('a', v)));
      await writeJournalMarker(s, 'a', v);
      await runIndexer(s, { mode: 'journal' });
      const t0 = Date.now();
      while (watching.current.size !== i + 2 && Date.now() - t0 < 5_000) await new Promise((r) => setTimeout(r, 10));
      assert.equal(watching.current.size, i + 2, `revision ${i + 2} seen within 5 s with a 60 s poll`);
    }
    assert.equal(polling.current.size, 1, 'without the folder watch, only the (60 s) poll would see it');
  } finally {
    for (const w of watchers) w.stop();
    await s.close?.();
    await rm(dir, { recursive: true, force: true });
  }
});


// A throwing onRefresh callback made refresh() reject inside the poll timer; the rejection was unhandled and
// Node 20 ends the process on an unhandled rejection. The watcher must log it and keep polling.
test('a throwing onRefresh callback in the poll loop is logged, not an unhandled rejection, and polling goes on', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  // node:test turns unhandled rejections into test failures; record them ourselves to assert on them
  const listeners = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', onUnhandled);
  const errors: string[] = [];
  const logger = { error: (_o: unknown, msg: string) => errors.push(msg), warn: () => {}, info: () => {}, debug: () => {} };
  let calls = 0;
  const w = new CatalogWatcher(new MemoryStore(), {
    pollIntervalMs: 5,
    logger: logger as never,
    onRefresh: () => {
      calls++;
      if (calls > 1) throw new Error('callback failed');
    },
  });
  try {
    await w.start();
    const until = Date.now() + 5000;
    while (calls < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    w.stop();
    process.off('unhandledRejection', onUnhandled);
    for (const l of listeners) process.on('unhandledRejection', l as never);
  }
  assert.deepEqual(unhandled, []);
  assert.ok(calls >= 4, `polling stopped after ${calls} refreshes`);
  assert.ok(errors.includes('catalog: a refresh callback failed'), `logged: ${JSON.stringify(errors)}`);
});
