import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../storage/index.js';
import { KEYS } from '../index/format.js';
import { runIndexer } from '../index/indexer.js';
import { writeJournalMarker } from '../index/journal.js';
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
