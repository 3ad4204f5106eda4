import {
  START,
  comparePositions,
  type CountEventsOptions,
  type EventSearch,
  type EventStore,
  type JsonValue,
  type RecordedEvent,
  type SearchedEvent,
} from './event-store.js';
import { GENESIS_HASH } from './hash-chain.js';

/** Whether one event satisfies a search's criteria other than its position bounds. */
export function matchesSearch(e: RecordedEvent, search: EventSearch): boolean {
  if (search.streamIds && !search.streamIds.includes(e.streamId)) return false;
  if (search.eventTypes && !search.eventTypes.includes(e.type)) return false;
  if (search.recordedFrom && e.recordedAt < search.recordedFrom) return false;
  if (search.recordedBefore && e.recordedAt >= search.recordedBefore) return false;
  for (const [key, value] of Object.entries(search.metadata ?? {})) if (e.metadata[key] !== value) return false;
  if (search.dataContains && !jsonContains(e.data, search.dataContains)) return false;
  return true;
}

/** PostgreSQL's jsonb `@>`: objects contain a subset of keys (recursively), arrays contain every element of the other. */
export function jsonContains(value: JsonValue | undefined, wanted: JsonValue): boolean {
  if (value === undefined) return false;
  if (Array.isArray(wanted)) {
    if (!Array.isArray(value)) return false;
    return wanted.every((w) => value.some((v) => jsonContains(v, w)));
  }
  if (wanted !== null && typeof wanted === 'object') {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
    return Object.entries(wanted).every(([k, w]) => jsonContains(value[k], w));
  }
  return value === wanted;
}

/** `countEvents` through `readAll` pages, for adapters without a cheaper count (EventStoreDB). */
export async function countByReading(store: Pick<EventStore, 'readAll'>, options: CountEventsOptions = {}): Promise<number> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  let after = options.after ?? START;
  let n = 0;
  while (n < limit) {
    const max = Math.min(READ_PAGE, limit - n);
    const page = await store.readAll({ after, maxCount: max, ...(options.filter ? { filter: options.filter } : {}) });
    n += page.length;
    if (page.length < max) break;
    after = page.at(-1)!.position;
  }
  return Math.min(n, limit);
}

const READ_PAGE = 1000;

/**
 * `searchEvents` for adapters that have no server-side query for it (in-memory, EventStoreDB), built on the rest of
 * the port: with `streamIds`, each stream is read whole and the streams merged in global order (an audit selection
 * is a handful of streams per subject); without, `$all` is scanned from `after`. Correct on every adapter; the
 * PostgreSQL adapter answers the same search with one indexed query instead.
 */
export async function searchByReading(store: Pick<EventStore, 'readStream' | 'readAll'>, search: EventSearch): Promise<SearchedEvent[]> {
  const inBounds = (e: RecordedEvent): boolean =>
    (!search.after || comparePositions(e.position, search.after) > 0) && (!search.upTo || comparePositions(e.position, search.upTo) <= 0);
  if (search.maxCount <= 0) return [];
  if (search.streamIds) {
    const found: SearchedEvent[] = [];
    for (const streamId of new Set(search.streamIds)) {
      let previousHash = GENESIS_HASH;
      for (const e of await store.readStream(streamId)) {
        if (inBounds(e) && matchesSearch(e, search)) found.push({ ...e, previousHash });
        previousHash = e.hash;
      }
    }
    return found.sort((a, b) => comparePositions(a.position, b.position)).slice(0, search.maxCount);
  }
  const found: RecordedEvent[] = [];
  let after = search.after;
  scan: for (;;) {
    const page = await store.readAll({ after, maxCount: READ_PAGE, ...(search.eventTypes ? { filter: { eventTypes: search.eventTypes } } : {}) });
    for (const e of page) {
      if (search.upTo && comparePositions(e.position, search.upTo) > 0) break scan;
      if (matchesSearch(e, search)) found.push(e);
      if (found.length >= search.maxCount) break scan;
    }
    if (page.length < READ_PAGE) break;
    after = page.at(-1)!.position;
  }
  return Promise.all(
    found.map(async (e) => {
      if (e.revision === 0n) return { ...e, previousHash: GENESIS_HASH };
      const [previous] = await store.readStream(e.streamId, { fromRevision: e.revision - 1n, maxCount: 1 });
      return { ...e, previousHash: previous?.hash ?? GENESIS_HASH };
    }),
  );
}
