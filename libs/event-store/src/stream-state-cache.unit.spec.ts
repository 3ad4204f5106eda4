import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { ReadStreamOptions, RecordedEvent } from './event-store.js';
import { CommandIdempotencyConflictError, WrongExpectedVersionError } from './event-store.errors.js';
import { commandEventId, deriveEventId, handleCommand, type CommandMetadata } from './handle-command.js';
import { InMemoryEventStore } from './in-memory/in-memory-event-store.js';
import { StreamStateCache, type FoldLike } from './stream-state-cache.js';

type Added = { type: 'Added'; data: { id: string; n: number } };
type Ids = { readonly total: number; readonly ids: ReadonlySet<string> };

/** A decider that refuses an id it has seen: a decision that is wrong on a stale state. */
const ledger = {
  initialState: { total: 0, ids: new Set<string>() } as Ids,
  evolve: (s: Ids, e: Added): Ids => ({ total: s.total + e.data.n, ids: new Set([...s.ids, e.data.id]) }),
  decide: (command: { id: string; n: number }, s: Ids): Added[] => {
    if (s.ids.has(command.id)) throw Object.assign(new Error(`duplicate ${command.id}`), { code: 'DUPLICATE' });
    return [{ type: 'Added', data: command }];
  },
  foldVersion: 'ledger/1',
};

const meta = (commandId = randomUUID()): CommandMetadata => ({
  commandId,
  actorId: 'tester',
  actorRole: 'admin',
  correlationId: randomUUID(),
  causationId: commandId,
  recordedAt: new Date('2026-01-01T00:00:00Z'),
});

/** Counts what is read: the events handed out by readStream, and the reads that started past revision 0. */
class CountingStore extends InMemoryEventStore {
  eventsRead = 0;
  reads: (bigint | 'start' | 'end' | undefined)[] = [];
  override async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const events = await super.readStream(streamId, options);
    this.eventsRead += events.length;
    this.reads.push(options?.fromRevision);
    return events;
  }
}

const added = (n: number, id = `i-${n}`) => ({ id: randomUUID(), type: 'Added', data: { id, n } });

describe('StreamStateCache', () => {
  it('reads only the events after the kept revision and folds them onto the kept state', async () => {
    const store = new CountingStore();
    await store.appendToStream(
      'ledger-1',
      Array.from({ length: 1_000 }, (_, i) => added(1, `i-${i}`)),
      { expectedRevision: 'no_stream' },
    );
    const cache = new StreamStateCache();
    const first = await cache.load(store, 'ledger-1', ledger);
    expect([first.revision, first.state.total]).toEqual([999n, 1_000]);
    await store.appendToStream('ledger-1', [added(5, 'late-1'), added(7, 'late-2')], { expectedRevision: 999n });
    store.eventsRead = 0;
    const second = await cache.load(store, 'ledger-1', ledger);
    expect([second.revision, second.state.total, second.state.ids.has('late-2')]).toEqual([1_001n, 1_012, true]);
    // The kept last event (checked to be still there) and the two new ones.
    expect(store.eventsRead).toBe(3);
    expect(store.reads.at(-1)).toBe(999n);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, streams: 1, events: 1_002 });
  });

  it('refolds from the first event when the decider declares another fold version, and never mixes the two', async () => {
    const store = new CountingStore();
    await store.appendToStream('ledger-2', [added(1), added(2), added(3)], { expectedRevision: 'no_stream' });
    const cache = new StreamStateCache();
    await cache.load(store, 'ledger-2', ledger);
    // The fold changed (counts events instead of summing): a state the old fold left must not be reused.
    const counting: FoldLike<Added, Ids> = {
      ...ledger,
      evolve: (s, e) => ({ total: s.total + 1, ids: new Set([...s.ids, e.data.id]) }),
      foldVersion: 'ledger/2',
    };
    store.eventsRead = 0;
    const refolded = await cache.load(store, 'ledger-2', counting);
    expect(refolded.state.total).toBe(3);
    expect(store.eventsRead).toBe(3);
    // Same version name but other code (a forgotten bump): detected by identity, refolded too.
    const sloppy: FoldLike<Added, Ids> = { ...ledger, evolve: (s, e) => ({ total: s.total + 10 * e.data.n, ids: s.ids }) };
    expect((await cache.load(store, 'ledger-2', sloppy)).state.total).toBe(60);
    expect(cache.stats().refolds).toBe(1);
    // The original fold still finds a state of its own (kept again after the sloppy one replaced it: folded afresh).
    expect((await cache.load(store, 'ledger-2', ledger)).state.total).toBe(6);
  });

  it('keeps nothing for a fold without a version: every load reads the whole stream', async () => {
    const store = new CountingStore();
    await store.appendToStream('ledger-3', [added(1), added(2)], { expectedRevision: 'no_stream' });
    const cache = new StreamStateCache();
    const { foldVersion: _none, ...unversioned } = ledger;
    await cache.load(store, 'ledger-3', unversioned);
    store.eventsRead = 0;
    expect((await cache.load(store, 'ledger-3', unversioned)).state.total).toBe(3);
    expect(store.eventsRead).toBe(2);
    expect(cache.stats().streams).toBe(0);
  });

  it('is bounded: least recently used streams go first, by count and by folded events', async () => {
    const store = new InMemoryEventStore();
    for (const s of ['a', 'b', 'c']) await store.appendToStream(`ledger-${s}`, [added(1), added(2)], { expectedRevision: 'no_stream' });
    const byCount = new StreamStateCache({ maxStreams: 2 });
    await byCount.load(store, 'ledger-a', ledger);
    await byCount.load(store, 'ledger-b', ledger);
    await byCount.load(store, 'ledger-a', ledger);
    await byCount.load(store, 'ledger-c', ledger);
    expect(byCount.stats()).toMatchObject({ streams: 2, evictions: 1, events: 4 });
    await byCount.load(store, 'ledger-a', ledger);
    expect(byCount.stats().hits).toBe(2);
    const bySize = new StreamStateCache({ maxEvents: 5 });
    for (const s of ['a', 'b', 'c']) await bySize.load(store, `ledger-${s}`, ledger);
    expect(bySize.stats()).toMatchObject({ streams: 2, events: 4 });
  });
});

describe('handleCommand with a StreamStateCache', () => {
  it('two instances with their own caches: a stale kept state costs a retry, and the decision is made on the fresh one', async () => {
    const store = new InMemoryEventStore();
    const [a, b] = [new StreamStateCache(), new StreamStateCache()];
    const run = (cache: StreamStateCache, command: { id: string; n: number }, context?: () => Promise<void>) =>
      handleCommand({ store, streamId: 'ledger-10', decider: ledger, command, context: async () => context?.(), metadata: meta(), cache });
    await run(a, { id: 'x', n: 1 });
    // Instance A keeps revision 0. Between A's load and A's append, instance B appends the very id A is about to add.
    let interleaved = false;
    const err = await run(a, { id: 'y', n: 2 }, async () => {
      if (interleaved) return;
      interleaved = true;
      await run(b, { id: 'y', n: 2 });
    }).catch((e: unknown) => e);
    // A's append expected revision 0 and lost; A dropped what it kept, re-read, and now sees y: refused, not doubled.
    expect(err).toMatchObject({ code: 'DUPLICATE' });
    expect((await store.readStream('ledger-10')).map((e) => (e.data as { id: string }).id)).toEqual(['x', 'y']);
    // And A's next decision is made on the state with B's write in it.
    const next = await run(a, { id: 'z', n: 4 });
    expect([next.revision, next.state.total]).toEqual([2n, 7]);
  });

  it('a pinned command on a stale kept state answers the conflict with the actual revision', async () => {
    const store = new InMemoryEventStore();
    const [a, b] = [new StreamStateCache(), new StreamStateCache()];
    const run = (cache: StreamStateCache, id: string, expectedRevision?: bigint, context?: () => Promise<void>) =>
      handleCommand({
        store,
        streamId: 'ledger-11',
        decider: ledger,
        command: { id, n: 1 },
        context: async () => context?.(),
        metadata: meta(),
        cache,
        ...(expectedRevision === undefined ? {} : { expectedRevision }),
      });
    await run(a, 'x');
    const err = await run(a, 'y', 0n, async () => void (await run(b, 'w'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongExpectedVersionError);
    expect((err as WrongExpectedVersionError).actualRevision).toBe(1n);
    expect((await run(a, 'y', 1n)).revision).toBe(2n);
  });

  it('a kept state the stream no longer holds (a store restored from an older backup) is refolded, not trusted', async () => {
    const cache = new StreamStateCache();
    const old = new InMemoryEventStore();
    await handleCommand({ store: old, streamId: 'ledger-12', decider: ledger, command: { id: 'a', n: 1 }, context: undefined, metadata: meta(), cache });
    await handleCommand({ store: old, streamId: 'ledger-12', decider: ledger, command: { id: 'b', n: 1 }, context: undefined, metadata: meta(), cache });
    const restored = new InMemoryEventStore();
    await restored.appendToStream('ledger-12', [added(1, 'a')], { expectedRevision: 'no_stream' });
    const result = await handleCommand({
      store: restored,
      streamId: 'ledger-12',
      decider: ledger,
      command: { id: 'b', n: 5 },
      context: undefined,
      metadata: meta(),
      cache,
    });
    expect([result.revision, result.state.total]).toEqual([1n, 6]);
  });

  it('after its own append the next command of the stream reads no event but its kept last one', async () => {
    const store = new CountingStore();
    const cache = new StreamStateCache();
    for (let i = 0; i < 50; i++)
      await handleCommand({ store, streamId: 'ledger-13', decider: ledger, command: { id: `i-${i}`, n: 1 }, context: undefined, metadata: meta(), cache });
    store.eventsRead = 0;
    const last = await handleCommand({
      store,
      streamId: 'ledger-13',
      decider: ledger,
      command: { id: 'last', n: 1 },
      context: undefined,
      metadata: meta(),
      cache,
    });
    expect([last.revision, last.state.total]).toEqual([50n, 51]);
    // Only the kept last event, checked to be still in place.
    expect(store.eventsRead).toBe(1);
  });

  it('recognises a repeated command by its event ids, reading its own events only, however long the stream', async () => {
    const store = new CountingStore();
    const cache = new StreamStateCache();
    const m = meta();
    const first = await handleCommand({
      store,
      streamId: 'ledger-14',
      decider: ledger,
      command: { id: 'first', n: 1 },
      context: undefined,
      metadata: m,
      cache,
    });
    for (let i = 0; i < 300; i++)
      await handleCommand({ store, streamId: 'ledger-14', decider: ledger, command: { id: `i-${i}`, n: 1 }, context: undefined, metadata: meta(), cache });
    store.eventsRead = 0;
    const again = await handleCommand({
      store,
      streamId: 'ledger-14',
      decider: ledger,
      command: { id: 'first', n: 1 },
      context: undefined,
      metadata: m,
      cache,
    });
    expect(again).toMatchObject({ replayed: true, position: first.position, eventTypes: ['Added'], revision: 300n });
    expect(store.eventsRead).toBeLessThanOrEqual(1);
    const changed = await handleCommand({
      store,
      streamId: 'ledger-14',
      decider: ledger,
      command: { id: 'other', n: 1 },
      context: undefined,
      metadata: m,
      cache,
    }).catch((e: unknown) => e);
    expect(changed).toBeInstanceOf(CommandIdempotencyConflictError);
  });

  it('still recognises commands stored before command-wide ids (first event id derived with the stream)', async () => {
    const store = new InMemoryEventStore();
    const m = meta();
    await store.appendToStream(
      'ledger-15',
      [{ id: deriveEventId(m.commandId, 'ledger-15', 0), type: 'Added', data: { id: 'old', n: 1 }, metadata: { commandId: m.commandId } }],
      { expectedRevision: 'no_stream' },
    );
    const again = await handleCommand({
      store,
      streamId: 'ledger-15',
      decider: ledger,
      command: { id: 'old', n: 1 },
      context: undefined,
      metadata: m,
      cache: new StreamStateCache(),
    });
    expect(again.replayed).toBe(true);
    expect(await store.readStream('ledger-15')).toHaveLength(1);
  });
});

describe('a commandId reused on another stream', () => {
  it('is refused with IDEMPOTENCY_CONFLICT and appends nothing there', async () => {
    const store = new InMemoryEventStore();
    const m = meta();
    const first = await handleCommand({ store, streamId: 'ledger-20', decider: ledger, command: { id: 'a', n: 1 }, context: undefined, metadata: m });
    expect((await store.readStream('ledger-20'))[0]!.id).toBe(commandEventId(m.commandId));
    const err = await handleCommand({ store, streamId: 'ledger-21', decider: ledger, command: { id: 'b', n: 2 }, context: undefined, metadata: m }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CommandIdempotencyConflictError);
    expect(err).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', commandId: m.commandId, streamId: 'ledger-21' });
    expect(await store.readStream('ledger-21')).toEqual([]);
    // The first stream still answers the repeat as before.
    expect(await handleCommand({ store, streamId: 'ledger-20', decider: ledger, command: { id: 'a', n: 1 }, context: undefined, metadata: m })).toMatchObject({
      replayed: true,
      position: first.position,
    });
  });

  it('is refused when both streams race: the command-wide id is unique in the store', async () => {
    const store = new InMemoryEventStore();
    const m = meta();
    const results = await Promise.allSettled(
      ['ledger-22', 'ledger-23'].map((streamId, i) =>
        handleCommand({ store, streamId, decider: ledger, command: { id: `r-${i}`, n: 1 }, context: undefined, metadata: m }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(CommandIdempotencyConflictError);
    expect((await store.readAll()).length).toBe(1);
  });

  it('is allowed for a step the command takes on another stream (commandIdScope: stream)', async () => {
    const store = new InMemoryEventStore();
    const m = meta();
    await handleCommand({
      store,
      streamId: 'ledger-24',
      decider: ledger,
      command: { id: 'claim', n: 1 },
      context: undefined,
      metadata: m,
      commandIdScope: 'stream',
    });
    const main = await handleCommand({ store, streamId: 'ledger-25', decider: ledger, command: { id: 'main', n: 1 }, context: undefined, metadata: m });
    expect(main.replayed).toBe(false);
    const step = await handleCommand({
      store,
      streamId: 'ledger-24',
      decider: ledger,
      command: { id: 'claim', n: 1 },
      context: undefined,
      metadata: m,
      commandIdScope: 'stream',
    });
    expect(step.replayed).toBe(true);
  });
});
