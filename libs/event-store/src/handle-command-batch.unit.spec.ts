import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { StreamAppend } from './event-store.js';
import { CommandIdempotencyConflictError, StreamBusyError } from './event-store.errors.js';
import {
  batchEventMetadata,
  cachedBatchStreamLoader,
  handleCommandBatch,
  loadBatchStream,
  type BatchStream,
  type HandleCommandBatchInput,
} from './handle-command-batch.js';
import { canonicalJson } from './hash-chain.js';
import { eventMetadata } from './handle-command.js';
import { InMemoryEventStore } from './in-memory/in-memory-event-store.js';
import { StreamStateCache } from './stream-state-cache.js';

class Refused extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

type Added = { type: 'Added'; data: { n: number } };
/** A counter that refuses negative steps and totals above 10: a later item can fail on what earlier ones added. */
const counter = {
  initialState: 0,
  evolve: (total: number, e: Added) => total + e.data.n,
  decide: (command: { n: number }, total: number) => {
    if (command.n < 0) throw new Refused('NEGATIVE');
    if (total + command.n > 10) throw new Refused('OVER_LIMIT');
    return [{ type: 'Added' as const, data: { n: command.n } }];
  },
};

/** Counts multi-stream appends, so a test can tell one call from one per stream. */
class CountingStore extends InMemoryEventStore {
  calls: StreamAppend[][] = [];
  override appendToStreams(appends: readonly StreamAppend[]) {
    this.calls.push([...appends]);
    return super.appendToStreams(appends);
  }
}

function input(
  store: InMemoryEventStore,
  streams: BatchStream<{ n: number }>[],
  batchCommandId = randomUUID(),
  extra: Partial<HandleCommandBatchInput<{ n: number }, Added, number, undefined>> = {},
) {
  return {
    store,
    decider: counter,
    streams,
    metadata: { batchCommandId, actorId: 'tester', actorRole: 'admin', correlationId: 'c-1', now: () => new Date('2026-01-01T00:00:00Z') },
    fingerprint: streams,
    prepare: async () => () => undefined,
    isRejection: (err: unknown) => err instanceof Refused,
    ...extra,
  } satisfies HandleCommandBatchInput<{ n: number }, Added, number, undefined>;
}

describe('handleCommandBatch', () => {
  it("decides each stream's items in order and appends every stream in one call; a refused item refuses its stream only", async () => {
    const store = new CountingStore();
    const outcomes = await handleCommandBatch(
      input(store, [
        {
          streamId: 'counter-a',
          items: [
            { index: 0, command: { n: 4 } },
            { index: 2, command: { n: 5 } },
          ],
        },
        // 6 + 5 > 10: the second item fails on what the first added, so neither is appended.
        {
          streamId: 'counter-b',
          items: [
            { index: 1, command: { n: 6 } },
            { index: 3, command: { n: 5 } },
          ],
        },
        { streamId: 'counter-c', items: [{ index: 4, command: { n: 1 } }] },
      ]),
    );
    expect(
      outcomes.map((o) => [o.index, o.kind, o.kind === 'accepted' ? o.revision : o.kind === 'rejected' ? (o.error as Refused).code : o.rejectedIndexes]),
    ).toEqual([
      [0, 'accepted', 0n],
      [1, 'stream_rejected', [3]],
      [2, 'accepted', 1n],
      [3, 'rejected', 'OVER_LIMIT'],
      [4, 'accepted', 0n],
    ]);
    expect(store.calls.map((c) => c.map((a) => a.streamId))).toEqual([['counter-a', 'counter-c']]);
    expect((await store.readStream('counter-a')).map((e) => [e.data['n'], e.metadata['batchItem']])).toEqual([
      [4, 0],
      [5, 2],
    ]);
    expect(await store.readStream('counter-b')).toEqual([]);
  });

  it('decides a stream again when a concurrent writer moved it between the read and the append', async () => {
    const store = new CountingStore();
    let interfered = false;
    const outcomes = await handleCommandBatch(
      input(store, [{ streamId: 'counter-d', items: [{ index: 0, command: { n: 3 } }] }], randomUUID(), {
        load: async (s, streamId, decider, commandId) => {
          const loaded = await loadBatchStream(s, streamId, decider, commandId);
          if (!interfered) {
            interfered = true;
            await s.appendToStream(streamId, [{ id: randomUUID(), type: 'Added', data: { n: 2 } }], { expectedRevision: 'any' });
          }
          return loaded;
        },
      }),
    );
    expect(outcomes).toMatchObject([{ kind: 'accepted', revision: 1n, replayed: false }]);
    expect(store.calls).toHaveLength(2);
    expect((await store.readStream('counter-d')).map((e) => e.data['n'])).toEqual([2, 3]);
  });

  it('answers a repeated batch with the first outcomes without deciding again; other content under its commandId is a conflict', async () => {
    const store = new CountingStore();
    const id = randomUUID();
    const streams = [
      {
        streamId: 'counter-e',
        items: [
          { index: 0, command: { n: 6 } },
          { index: 1, command: { n: 4 } },
        ],
      },
    ];
    const first = await handleCommandBatch(input(store, streams, id));
    // Deciding again would refuse (the total is already 10): a replay must not decide.
    const again = await handleCommandBatch(input(store, streams, id));
    expect(again).toEqual(first.map((o) => ({ ...o, replayed: true, events: expect.any(Array) })));
    expect(store.calls).toHaveLength(1);
    const changed = [
      {
        streamId: 'counter-e',
        items: [
          { index: 0, command: { n: 6 } },
          { index: 1, command: { n: 3 } },
        ],
      },
    ];
    await expect(handleCommandBatch(input(store, changed, id))).rejects.toBeInstanceOf(CommandIdempotencyConflictError);
    expect(await store.readStream('counter-e')).toHaveLength(2);
  });

  it("refuses a stream's items with StreamBusyError once the budget is spent, and keeps what other streams appended", async () => {
    const store = new CountingStore();
    const outcomes = await handleCommandBatch(
      input(
        store,
        [
          { streamId: 'counter-f', items: [{ index: 0, command: { n: 1 } }] },
          { streamId: 'counter-g', items: [{ index: 1, command: { n: 1 } }] },
        ],
        randomUUID(),
        {
          retryBudgetMs: 0,
          // counter-f is moved by another writer before every append.
          load: async (s, streamId, decider, commandId) => {
            const loaded = await loadBatchStream(s, streamId, decider, commandId);
            if (streamId === 'counter-f') await s.appendToStream(streamId, [{ id: randomUUID(), type: 'Added', data: { n: 0 } }], { expectedRevision: 'any' });
            return loaded;
          },
        },
      ),
    );
    expect(outcomes[0]).toMatchObject({ kind: 'rejected', index: 0 });
    expect(outcomes[0]!.kind === 'rejected' && outcomes[0]!.error).toBeInstanceOf(StreamBusyError);
    expect(outcomes[1]).toMatchObject({ kind: 'accepted', index: 1 });
  });

  it("keeps each stream's state after its append in the cache, equal to a fresh fold, so the next batch reads nothing it appended", async () => {
    const store = new CountingStore();
    const cache = new StreamStateCache();
    const fold = { ...counter, foldVersion: 'counter/v1' };
    const load = cachedBatchStreamLoader(cache);
    const run = (n: number) =>
      handleCommandBatch({
        ...input(store, [
          {
            streamId: 'counter-h',
            items: [
              { index: 0, command: { n } },
              { index: 1, command: { n: 1 } },
            ],
          },
        ]),
        decider: fold,
        cache,
        load,
      });
    await run(2);
    const kept = await cache.load(store, 'counter-h', fold);
    // A hit that found nothing after the kept revision: the appended events were not read back to be folded.
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
    expect(kept).toMatchObject({ state: 3, revision: 1n });
    expect(kept.state).toBe((await loadBatchStream(store, 'counter-h', fold, randomUUID())).state);
    await run(4);
    expect((await cache.load(store, 'counter-h', fold)).state).toBe(8);
    expect((await store.readStream('counter-h')).map((e) => e.data['n'])).toEqual([2, 1, 4, 1]);
  });

  it("stamps each event with a single command's metadata plus its batch keys, keys already in canonical order", () => {
    const m = { batchCommandId: randomUUID(), actorId: 'tester', actorRole: 'admin', correlationId: 'c-1', now: () => new Date(0) };
    const now = new Date('2026-02-03T04:05:06.789Z');
    const metadataOf = batchEventMetadata(m, now, 'stream-command', 'h-1', 'b-1');
    for (const data of [{ n: 1 }, { n: 1, occurredAt: '2025-01-20' }, { occurredAt: 7 }]) {
      const single = eventMetadata(
        { commandId: 'stream-command', actorId: 'tester', actorRole: 'admin', correlationId: 'c-1', causationId: m.batchCommandId, recordedAt: now },
        'h-1',
        data,
      );
      const stamped = metadataOf(3, data);
      expect(stamped).toStrictEqual({ ...single, batchCommandId: m.batchCommandId, batchHash: 'b-1', batchItem: 3 });
      expect(Object.keys(stamped)).toEqual(Object.keys(stamped).sort());
      expect(canonicalJson(stamped)).toBe(JSON.stringify(stamped));
    }
  });
});
