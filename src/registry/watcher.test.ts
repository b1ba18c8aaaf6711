import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryStore } from '../storage/memory.js';
import { CatalogWatcher } from './watcher.js';

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
