/**
 * The publish journal: a small marker object per change, so that an indexer run costs in proportion to the
 * change instead of listing and checking every package document.
 *
 *   v2/journal/{name}-{version}/{ms since epoch, 13 digits}-{16 hex}.json   {"name","version","at"}
 *
 * The prefix is outside `v2/metadata/` (whose direct children must be revision folders and cursor.json only,
 * as Elastic's registry lists it) and outside `v2/packages/` (whose objects are documents). A marker means
 * "the document of name-version may have changed: read it again"; it carries no state, so writing one more
 * is always harmless, and each is unique, so deleting the markers a run has consumed never deletes one written
 * after that run listed the journal.
 *
 * Protocol (see indexer.ts):
 *  - publish writes the document, then a marker (also on an "already published" retry, which repairs a crash
 *    between the two), then runs the indexer;
 *  - an indexer run lists the journal FIRST, then reads its base revision and the documents named by the
 *    markers (a journal run) or lists every document (a full run), and after its revision is current (or
 *    the current revision is found up to date) deletes exactly the markers it listed;
 *  - a journal run is only made on a base that is one of our revisions with complete bookkeeping and when
 *    every revision folder from the cursor up is readable; otherwise the run is a full one.
 * A document written without a marker (by an older tool, or by hand) is picked up by `index --full`.
 */
import { randomBytes } from 'node:crypto';
import { isPsError } from '../errors.js';
import type { ObjectStore } from '../storage/types.js';
import { entryKey, KEYS, splitNameVersion } from './format.js';

/** Markers listed by one run: the changed `name-version` keys and the marker objects naming them. */
export interface JournalListing {
  keys: Set<string>;
  markers: string[];
}

function journalMarkerKey(name: string, version: string, at = Date.now()): string {
  return `${KEYS.journalPrefix}${name}-${version}/${String(at).padStart(13, '0')}-${randomBytes(8).toString('hex')}.json`;
}

/** Record that the document of name-version changed (after it was written). */
export async function writeJournalMarker(store: ObjectStore, name: string, version: string, signal?: AbortSignal): Promise<string> {
  const at = Date.now();
  const key = journalMarkerKey(name, version, at);
  await store.put(key, `${JSON.stringify({ name, version, at: new Date(at).toISOString() })}\n`, { contentType: 'application/json', signal });
  return key;
}

/** Every marker of the journal (objects that are not markers are ignored, and never deleted). */
export async function listJournal(store: ObjectStore, signal?: AbortSignal): Promise<JournalListing> {
  const out: JournalListing = { keys: new Set(), markers: [] };
  const { objects } = await store.list(KEYS.journalPrefix, { signal });
  for (const o of objects) {
    const rest = o.key.slice(KEYS.journalPrefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0 || !/^\d{13}-[0-9a-f]{16}\.json$/.test(rest.slice(slash + 1))) continue;
    const nv = splitNameVersion(rest.slice(0, slash));
    if (!nv) continue;
    out.keys.add(entryKey(nv));
    out.markers.push(o.key);
  }
  return out;
}

/** Delete consumed markers (best effort: one left behind is only read again by the next run). */
export async function consumeMarkers(store: ObjectStore, markers: string[], onError: (key: string, err: unknown) => void): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < markers.length) {
      const key = markers[next++]!;
      try {
        await store.delete(key);
      } catch (e) {
        if (!isPsError(e, 'STORAGE_NOT_FOUND')) onError(key, e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, markers.length) }, worker));
}
