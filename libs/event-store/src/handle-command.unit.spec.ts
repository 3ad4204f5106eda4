import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { CommandIdempotencyConflictError, IdempotencyConflictError, StreamBusyError, WrongExpectedVersionError } from './event-store.errors.js';
import { asStored, handleCommand, type CommandMetadata } from './handle-command.js';
import { InMemoryEventStore } from './in-memory/in-memory-event-store.js';

type Added = { type: 'Added'; data: { n: number } };
const counter = {
  initialState: 0,
  evolve: (total: number, e: Added) => total + e.data.n,
  decide: (command: { n: number }) => [{ type: 'Added' as const, data: { n: command.n } }],
};
const meta = (): CommandMetadata => ({
  commandId: randomUUID(),
  actorId: 'tester',
  actorRole: 'admin',
  correlationId: randomUUID(),
  causationId: randomUUID(),
  recordedAt: new Date('2026-01-01T00:00:00Z'),
});

/** A store whose first appends to a stream all read the same head, as concurrent writers would. */
class ContendedStore extends InMemoryEventStore {
  override async readStream(...args: Parameters<InMemoryEventStore['readStream']>) {
    const events = await super.readStream(...args);
    await new Promise((r) => setImmediate(r));
    return events;
  }
}

describe('handleCommand', () => {
  it('keeps every unpinned concurrent write: retries until each writer has won a round', async () => {
    const store = new ContendedStore();
    const writers = 8;
    const results = await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        handleCommand({ store, streamId: 'counter-1', decider: counter, command: { n: i + 1 }, context: undefined, metadata: meta() }),
      ),
    );
    expect(new Set(results.map((r) => r.revision)).size).toBe(writers);
    const events = await store.readStream('counter-1');
    expect(events.map((e) => (e.data as { n: number }).n).sort((a, b) => a - b)).toEqual(Array.from({ length: writers }, (_, i) => i + 1));
  });

  it('returns the conflict instead of retrying when the caller pinned a version', async () => {
    const store = new InMemoryEventStore();
    await handleCommand({ store, streamId: 'counter-2', decider: counter, command: { n: 1 }, context: undefined, metadata: meta() });
    const err = await handleCommand({
      store,
      streamId: 'counter-2',
      decider: counter,
      command: { n: 2 },
      context: undefined,
      metadata: meta(),
      expectedRevision: -1n,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongExpectedVersionError);
    expect((err as WrongExpectedVersionError).actualRevision).toBe(0n);
  });

  it('answers a repeated commandId with the first result and appends nothing', async () => {
    const store = new InMemoryEventStore();
    const m = meta();
    const first = await handleCommand({ store, streamId: 'counter-3', decider: counter, command: { n: 5 }, context: undefined, metadata: m });
    const again = await handleCommand({ store, streamId: 'counter-3', decider: counter, command: { n: 5 }, context: undefined, metadata: m });
    expect(again).toMatchObject({ replayed: true, position: first.position });
    expect(await store.readStream('counter-3')).toHaveLength(1);
  });

  it('keeps 16 unpinned concurrent writers on one stream: no conflict reaches a client that never pinned a version', async () => {
    const store = new ContendedStore();
    const writers = 16;
    const results = await Promise.allSettled(
      Array.from({ length: writers }, (_, i) =>
        handleCommand({ store, streamId: 'counter-16', decider: counter, command: { n: i + 1 }, context: undefined, metadata: meta() }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await store.readStream('counter-16')).toHaveLength(writers);
  });

  it('answers BUSY (retryable, nothing appended) when an unpinned command cannot win within its budget', async () => {
    /** A store on which every append loses to a writer nobody sees. */
    class AlwaysContended extends InMemoryEventStore {
      override async appendToStream(streamId: string): Promise<never> {
        throw new WrongExpectedVersionError(streamId, 'no_stream', 0n);
      }
    }
    const store = new AlwaysContended();
    const started = Date.now();
    const err = await handleCommand({
      store,
      streamId: 'counter-busy',
      decider: counter,
      command: { n: 1 },
      context: undefined,
      metadata: meta(),
      retryBudgetMs: 50,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamBusyError);
    expect(err).toMatchObject({ code: 'BUSY', streamId: 'counter-busy', retryAfterSeconds: 1 });
    expect((err as StreamBusyError).attempts).toBeGreaterThan(1);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('refuses a repeated commandId with different content and keeps the first value', async () => {
    const store = new InMemoryEventStore();
    const m = meta();
    await handleCommand({ store, streamId: 'counter-4', decider: counter, command: { n: 140 }, context: undefined, metadata: m });
    const err = await handleCommand({ store, streamId: 'counter-4', decider: counter, command: { n: 199 }, context: undefined, metadata: m }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CommandIdempotencyConflictError);
    expect(err).toBeInstanceOf(IdempotencyConflictError);
    expect(err).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', commandId: m.commandId });
    const events = await store.readStream('counter-4');
    expect(events.map((e) => e.data)).toEqual([{ n: 140 }]);
  });

  it('refuses a repeated commandId whose reason changed (the reason is recorded content too)', async () => {
    const store = new InMemoryEventStore();
    const m = { ...meta(), reason: 'typo in the value' };
    await handleCommand({ store, streamId: 'counter-5', decider: counter, command: { n: 1 }, context: undefined, metadata: m });
    await expect(
      handleCommand({ store, streamId: 'counter-5', decider: counter, command: { n: 1 }, context: undefined, metadata: { ...m, reason: 'another reason' } }),
    ).rejects.toBeInstanceOf(CommandIdempotencyConflictError);
  });

  it('compares the given fingerprint, not the command completed during the decision', async () => {
    const store = new InMemoryEventStore();
    const m = meta();
    const send = (clear: string) =>
      handleCommand({
        store,
        streamId: 'counter-6',
        decider: counter,
        command: { n: Math.random() },
        fingerprint: { n: 1, clear },
        context: undefined,
        metadata: m,
      });
    await send('same');
    await expect(send('same')).resolves.toMatchObject({ replayed: true });
    await expect(send('changed')).rejects.toBeInstanceOf(CommandIdempotencyConflictError);
  });

  it('replays the first result even when the decider would now decide differently (the state moved on)', async () => {
    const store = new InMemoryEventStore();
    const once = {
      ...counter,
      decide: (command: { n: number }, total: number) => {
        if (total >= 10) throw new Error('full');
        return [{ type: 'Added' as const, data: { n: command.n } }];
      },
    };
    const m = meta();
    const first = await handleCommand({ store, streamId: 'counter-7', decider: once, command: { n: 5 }, context: undefined, metadata: m });
    await handleCommand({ store, streamId: 'counter-7', decider: once, command: { n: 5 }, context: undefined, metadata: meta() });
    const again = await handleCommand({ store, streamId: 'counter-7', decider: once, command: { n: 5 }, context: undefined, metadata: m });
    expect(again).toMatchObject({ replayed: true, position: first.position, eventTypes: ['Added'] });
    expect(await store.readStream('counter-7')).toHaveLength(2);
  });

  it('treats an omitted optional field and an explicit null as the same command', async () => {
    const store = new InMemoryEventStore();
    const m = meta();
    await handleCommand({ store, streamId: 'counter-8', decider: counter, command: { n: 1, note: null } as { n: number }, context: undefined, metadata: m });
    await expect(handleCommand({ store, streamId: 'counter-8', decider: counter, command: { n: 1 }, context: undefined, metadata: m })).resolves.toMatchObject({
      replayed: true,
    });
  });

  it('answers six concurrent sends of one command with exactly one replayed: false, appending once', async () => {
    const store = new ContendedStore();
    const m = meta();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => handleCommand({ store, streamId: 'counter-9', decider: counter, command: { n: 3 }, context: undefined, metadata: m })),
    );
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.position?.prepare))).toEqual(new Set([results[0]!.position?.prepare]));
    expect(await store.readStream('counter-9')).toHaveLength(1);
  });

  it('answers a concurrent send whose events differ only in randomised content (a sealed envelope) as a replay', async () => {
    const store = new ContendedStore();
    const m = meta();
    const sealing = { ...counter, decide: (command: { n: number }) => [{ type: 'Added' as const, data: { n: command.n, iv: Math.random() } }] };
    const results = await Promise.all(
      Array.from({ length: 2 }, () => handleCommand({ store, streamId: 'counter-10', decider: sealing, command: { n: 1 }, context: undefined, metadata: m })),
    );
    expect(results.map((r) => r.replayed).sort()).toEqual([false, true]);
    expect(await store.readStream('counter-10')).toHaveLength(1);
  });
});

describe('asStored', () => {
  const roundTrip = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;
  it('is the JSON round trip of what the store keeps, returning clean data itself', () => {
    const clean = { a: 'x', n: 1.5, z: 0, b: true, nil: null, list: [1, 'two', { deep: [null] }], nested: { k: -3 } };
    expect(asStored(clean)).toBe(clean);
    const changed: unknown[] = [
      { a: undefined, b: 1 },
      { list: [undefined, 1] },
      { n: -0 },
      { n: Number.NaN },
      { at: new Date('2025-01-06T10:00:00Z') },
      { nested: { toJSON: () => 'x' } },
      { map: new Map([[1, 2]]) },
      // eslint-disable-next-line no-sparse-arrays
      { sparse: [1, , 3] },
      Object.defineProperty({ a: 1 }, 'hidden', { value: 2, enumerable: false }),
      { [Symbol('s')]: 1, a: 1 },
      Object.assign(Object.create(null) as object, { a: 1 }),
      JSON.parse('{"__proto__": {"a": 1}}'),
    ];
    for (const data of changed) {
      const stored = asStored(data);
      expect(stored).not.toBe(data);
      expect(stored).toStrictEqual(roundTrip(data));
    }
  });
});
