import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { WrongExpectedVersionError } from './event-store.errors.js';
import { handleCommand, type CommandMetadata } from './handle-command.js';
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
      Array.from({ length: writers }, (_, i) => handleCommand({ store, streamId: 'counter-1', decider: counter, command: { n: i + 1 }, context: undefined, metadata: meta() })),
    );
    expect(new Set(results.map((r) => r.revision)).size).toBe(writers);
    const events = await store.readStream('counter-1');
    expect(events.map((e) => (e.data as { n: number }).n).sort((a, b) => a - b)).toEqual(Array.from({ length: writers }, (_, i) => i + 1));
  });

  it('returns the conflict instead of retrying when the caller pinned a version', async () => {
    const store = new InMemoryEventStore();
    await handleCommand({ store, streamId: 'counter-2', decider: counter, command: { n: 1 }, context: undefined, metadata: meta() });
    const err = await handleCommand({ store, streamId: 'counter-2', decider: counter, command: { n: 2 }, context: undefined, metadata: meta(), expectedRevision: -1n }).catch((e: unknown) => e);
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
});
