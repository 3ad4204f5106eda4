import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { comparePositions, type EventData, type EventStore, type RecordedEvent } from '../event-store.js';
import { IdempotencyConflictError, InvalidEventError, WrongExpectedVersionError } from '../event-store.errors.js';
import { GENESIS_HASH } from '../hash-chain.js';

export interface ContractFixture {
  readonly store: EventStore;
  cleanup(): Promise<void>;
}

/** A category no other test (or earlier run against a shared server) has used. */
export function uniqueCategory(): string {
  return `c${randomBytes(6)
    .toString('hex')
    .replace(/[0-9]/g, (d) => 'ghijklmnop'[Number(d)]!)}`;
}

export function event(type = 'SomethingHappened', data: Record<string, unknown> = { n: 1 }, metadata?: Record<string, unknown>): EventData {
  return { id: randomUUID(), type, data: data as EventData['data'], ...(metadata ? { metadata: metadata as EventData['metadata'] } : {}) };
}

async function take(iterable: AsyncIterable<RecordedEvent>, n: number, timeoutMs = 10_000): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  const iterator = iterable[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  while (out.length < n) {
    const next = await Promise.race([
      iterator.next(),
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`timed out after ${out.length}/${n} events`)), Math.max(1, deadline - Date.now()))),
    ]);
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

/**
 * The semantics every EventStore adapter must share (EventStoreDB's). Adapters run it from their own spec:
 * in-memory (unit tier), PostgreSQL (integration tier) and EventStoreDB (`npm run test:eventstoredb`).
 * Stream names are unique per run so the suite also runs against a long-lived shared server.
 */
export function runEventStoreContract(adapterName: string, factory: () => Promise<ContractFixture>): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let fixture: ContractFixture;
    let store: EventStore;
    let cat: string;
    const stream = (): string => `${cat}-${randomUUID()}`;

    beforeAll(async () => {
      fixture = await factory();
      store = fixture.store;
      cat = uniqueCategory();
    });
    afterAll(async () => fixture.cleanup());

    describe('appendToStream', () => {
      it('creates a stream at revision 0 and returns the next expected revision and a position', async () => {
        const s = stream();
        const r = await store.appendToStream(s, [event()], { expectedRevision: 'no_stream' });
        expect(r.nextExpectedRevision).toBe(0n);
        const [stored] = await store.readStream(s);
        expect(stored!.position).toEqual(r.position);
      });

      it('appends several events atomically with consecutive revisions', async () => {
        const s = stream();
        const r = await store.appendToStream(s, [event('A'), event('B'), event('C')], { expectedRevision: 'no_stream' });
        expect(r.nextExpectedRevision).toBe(2n);
        const read = await store.readStream(s);
        expect(read.map((e) => [e.type, e.revision])).toEqual([
          ['A', 0n],
          ['B', 1n],
          ['C', 2n],
        ]);
        expect(comparePositions(read[0]!.position, read[1]!.position)).toBeLessThan(0);
        expect(read[2]!.position).toEqual(r.position);
      });

      it('accepts the exact expected revision and rejects a stale one with the actual revision', async () => {
        const s = stream();
        await store.appendToStream(s, [event(), event()], { expectedRevision: 'no_stream' });
        await expect(store.appendToStream(s, [event()], { expectedRevision: 1n })).resolves.toMatchObject({ nextExpectedRevision: 2n });
        const err = await store.appendToStream(s, [event()], { expectedRevision: 1n }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(WrongExpectedVersionError);
        expect((err as WrongExpectedVersionError).actualRevision).toBe(2n);
        expect((err as WrongExpectedVersionError).code).toBe('WRONG_EXPECTED_VERSION');
        expect(await store.readStream(s)).toHaveLength(3);
      });

      it('no_stream fails on an existing stream; stream_exists fails on a missing one; any always appends', async () => {
        const s = stream();
        await store.appendToStream(s, [event()], { expectedRevision: 'no_stream' });
        const e1 = await store.appendToStream(s, [event()], { expectedRevision: 'no_stream' }).catch((e: unknown) => e);
        expect((e1 as WrongExpectedVersionError).actualRevision).toBe(0n);
        const missing = stream();
        const e2 = await store.appendToStream(missing, [event()], { expectedRevision: 'stream_exists' }).catch((e: unknown) => e);
        expect(e2).toBeInstanceOf(WrongExpectedVersionError);
        expect((e2 as WrongExpectedVersionError).actualRevision).toBe('no_stream');
        expect(await store.readStream(missing)).toEqual([]);
        await expect(store.appendToStream(s, [event()], { expectedRevision: 'stream_exists' })).resolves.toMatchObject({ nextExpectedRevision: 1n });
        await expect(store.appendToStream(s, [event()], { expectedRevision: 'any' })).resolves.toMatchObject({ nextExpectedRevision: 2n });
        await expect(store.appendToStream(stream(), [event()], { expectedRevision: 'any' })).resolves.toMatchObject({ nextExpectedRevision: 0n });
      });

      it('is idempotent: the same event ids at the same expected revision write nothing new', async () => {
        const s = stream();
        const batch = [event('A', { v: 1 }), event('B', { v: 2 })];
        const first = await store.appendToStream(s, batch, { expectedRevision: 'no_stream' });
        const again = await store.appendToStream(s, batch, { expectedRevision: 'no_stream' });
        expect(first.repeated).toBe(false);
        expect(again).toEqual({ ...first, repeated: true });
        expect(await store.readStream(s)).toHaveLength(2);
      });

      it('reports a write as repeated: false exactly once when the same events are appended concurrently', async () => {
        const s = stream();
        const batch = [event('A', { v: 1 }), event('B', { v: 2 })];
        const results = await Promise.all(
          Array.from({ length: 6 }, () => store.appendToStream(s, batch, { expectedRevision: 'no_stream' }).catch((e: unknown) => e)),
        );
        // A loser may also see the winner's head as a wrong expected version; none may claim the write as its own.
        const written = results.filter((r) => !(r instanceof Error) && !(r as { repeated: boolean }).repeated);
        expect(written).toHaveLength(1);
        for (const r of results) if (r instanceof Error) expect(r).toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.readStream(s)).toHaveLength(2);
      });

      it('rejects the same event id with different content', async () => {
        const s = stream();
        const e = event('A', { v: 1 });
        await store.appendToStream(s, [e], { expectedRevision: 'no_stream' });
        const err = await store.appendToStream(s, [{ ...e, data: { v: 2 } }], { expectedRevision: 'no_stream' }).catch((x: unknown) => x);
        expect(err).toBeInstanceOf(IdempotencyConflictError);
        expect(await store.readStream(s)).toHaveLength(1);
      });

      it('keeps data and metadata exactly, including unicode and nesting', async () => {
        const s = stream();
        const data = { text: 'Ødem — “lésion” 肺', nested: { list: [1, 2.5, -3e-7, null, true], empty: {} }, zero: 0 };
        await store.appendToStream(s, [event('Measured', data, { actorId: 'u1', reason: 'why' })], { expectedRevision: 'any' });
        const [stored] = await store.readStream(s);
        expect(stored!.data).toEqual(data);
        expect(stored!.metadata).toEqual({ actorId: 'u1', reason: 'why' });
        expect(stored!.recordedAt).toBeInstanceOf(Date);
        expect(stored!.hash).toMatch(/^[0-9a-f]{64}$/);
      });

      it.each([
        ['a stream name without a category', 'nocategory', [event()], 'streamId'],
        ['an upper-case category', 'Trial-1', [event()], 'streamId'],
        ['a category with a dash', '-x', [event()], 'streamId'],
        ['an empty append', 'ok-1', [], 'events'],
        ['a malformed event type', 'ok-1', [event('not pascal')], 'events[0].type'],
        ['a non-UUID event id', 'ok-1', [{ id: 'x', type: 'A', data: {} }], 'events[0].id'],
        ['a NaN inside the data', 'ok-1', [event('A', { v: Number.NaN })], 'events[0].data.v'],
        ['an infinite number', 'ok-1', [event('A', { v: [Infinity] })], 'events[0].data.v[0]'],
        ['data that is an array', 'ok-1', [{ id: randomUUID(), type: 'A', data: [] as never }], 'events[0].data'],
        ['an oversized event', 'ok-1', [event('A', { blob: 'x'.repeat(1024 * 1024 + 1) })], 'events[0]'],
        [
          'a duplicated id within one append',
          'ok-1',
          (() => {
            const e = event();
            return [e, e];
          })(),
          'events[1].id',
        ],
      ])('rejects %s before writing anything', async (_label, name, events, field) => {
        const s = name === 'ok-1' ? stream() : name;
        const err = await store.appendToStream(s, events as EventData[], { expectedRevision: 'any' }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InvalidEventError);
        expect((err as InvalidEventError).field).toBe(field);
        if (name === 'ok-1') expect(await store.readStream(s)).toEqual([]);
      });

      it('writes nothing of a batch when one event in it is invalid', async () => {
        const s = stream();
        const err = await store.appendToStream(s, [event('A'), event('B', { bad: Number.NaN })], { expectedRevision: 'any' }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InvalidEventError);
        expect(await store.readStream(s)).toEqual([]);
      });
    });

    describe('appendToStreams', () => {
      it('appends to several streams in one call, each at its own revision, with chains that verify', async () => {
        const [a, b, c] = [stream(), stream(), stream()];
        await store.appendToStream(b, [event('Before')], { expectedRevision: 'no_stream' });
        const outcomes = await store.appendToStreams([
          { streamId: a, events: [event('A1', { v: 1 }), event('A2', { v: 2 })], expectedRevision: 'no_stream' },
          { streamId: b, events: [event('B1')], expectedRevision: 0n },
          { streamId: c, events: [event('C1')], expectedRevision: 'any' },
        ]);
        expect(outcomes.map((o) => (o.ok ? { streamId: o.streamId, next: o.result.nextExpectedRevision, repeated: o.result.repeated } : o))).toEqual([
          { streamId: a, next: 1n, repeated: false },
          { streamId: b, next: 1n, repeated: false },
          { streamId: c, next: 0n, repeated: false },
        ]);
        expect((await store.readStream(a)).map((e) => [e.type, e.revision])).toEqual([
          ['A1', 0n],
          ['A2', 1n],
        ]);
        expect((await store.readStream(b)).map((e) => e.type)).toEqual(['Before', 'B1']);
        // The position reported is that of each part's last event.
        const lastOfA = (await store.readStream(a)).at(-1)!;
        expect(outcomes[0]!.ok && comparePositions(outcomes[0]!.result.position, lastOfA.position)).toBe(0);
        for (const s of [a, b, c]) expect(await store.verify({ streamId: s })).toMatchObject({ ok: true });
      });

      it('answers a stale part with the actual revision and still writes the others', async () => {
        const [stale, fresh] = [stream(), stream()];
        await store.appendToStream(stale, [event(), event()], { expectedRevision: 'no_stream' });
        const outcomes = await store.appendToStreams([
          { streamId: stale, events: [event('Late')], expectedRevision: 0n },
          { streamId: fresh, events: [event('Fresh')], expectedRevision: 'no_stream' },
        ]);
        expect(outcomes[0]!.ok).toBe(false);
        const error = !outcomes[0]!.ok ? outcomes[0]!.error : undefined;
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect((error as WrongExpectedVersionError).actualRevision).toBe(1n);
        expect(outcomes[1]).toMatchObject({ ok: true, result: { nextExpectedRevision: 0n, repeated: false } });
        expect((await store.readStream(stale)).map((e) => e.type)).not.toContain('Late');
        expect((await store.readStream(fresh)).map((e) => e.type)).toEqual(['Fresh']);
      });

      it('is idempotent per part: a repeated call writes nothing and says repeated; changed content is a conflict of that part only', async () => {
        const [a, b] = [stream(), stream()];
        const parts = [
          { streamId: a, events: [event('A', { v: 1 }), event('A', { v: 2 })], expectedRevision: 'no_stream' as const },
          { streamId: b, events: [event('B', { v: 1 })], expectedRevision: 'no_stream' as const },
        ];
        const first = await store.appendToStreams(parts);
        const again = await store.appendToStreams(parts);
        expect(again.map((o) => o.ok && o.result.repeated)).toEqual([true, true]);
        expect(again.map((o) => o.ok && o.result.nextExpectedRevision)).toEqual(first.map((o) => o.ok && o.result.nextExpectedRevision));
        const changed = await store.appendToStreams([
          { streamId: a, events: [parts[0]!.events[0]!, { ...parts[0]!.events[1]!, data: { v: 3 } }], expectedRevision: 1n },
          { streamId: b, events: [event('B', { v: 2 })], expectedRevision: 0n },
        ]);
        expect(!changed[0]!.ok && changed[0]!.error).toBeInstanceOf(IdempotencyConflictError);
        expect(changed[1]).toMatchObject({ ok: true, result: { nextExpectedRevision: 1n } });
        expect(await store.readStream(a)).toHaveLength(2);
        expect(await store.readStream(b)).toHaveLength(2);
      });

      it('refuses an invalid part or a stream named twice without writing it, and writes the rest', async () => {
        const [good, twice] = [stream(), stream()];
        const outcomes = await store.appendToStreams([
          { streamId: 'Not-a-stream', events: [event()], expectedRevision: 'any' },
          { streamId: good, events: [event('Good')], expectedRevision: 'any' },
          { streamId: twice, events: [event('One')], expectedRevision: 'any' },
          { streamId: twice, events: [event('Two')], expectedRevision: 'any' },
          { streamId: stream(), events: [event('A', { bad: Number.NaN })], expectedRevision: 'any' },
        ]);
        expect(outcomes.map((o) => (o.ok ? 'ok' : [(o.error as InvalidEventError).code, (o.error as InvalidEventError).field]))).toEqual([
          ['INVALID_EVENT', 'streamId'],
          'ok',
          'ok',
          ['INVALID_EVENT', 'appends.3.streamId'],
          ['INVALID_EVENT', 'events[0].data.bad'],
        ]);
        expect((await store.readStream(twice)).map((e) => e.type)).toEqual(['One']);
        expect((await store.readStream(good)).map((e) => e.type)).toEqual(['Good']);
      });

      it('keeps every stream consecutive when concurrent calls share streams in different orders', async () => {
        const shared = [stream(), stream(), stream()];
        const calls = Array.from({ length: 8 }, (_, i) =>
          store.appendToStreams(
            (i % 2 === 0 ? shared : [...shared].reverse()).map((streamId) => ({ streamId, events: [event('Tick', { i })], expectedRevision: 'any' as const })),
          ),
        );
        const outcomes = (await Promise.all(calls)).flat();
        expect(outcomes.every((o) => o.ok && !o.result.repeated)).toBe(true);
        for (const s of shared) {
          expect((await store.readStream(s)).map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n]);
          expect(await store.verify({ streamId: s })).toMatchObject({ ok: true, eventsChecked: 8 });
        }
      });

      it('answers an empty call with no outcomes', async () => {
        await expect(store.appendToStreams([])).resolves.toEqual([]);
      });
    });

    describe('readStream', () => {
      let s: string;
      beforeAll(async () => {
        s = stream();
        await store.appendToStream(
          s,
          ['E0', 'E1', 'E2', 'E3', 'E4'].map((t) => event(t)),
          { expectedRevision: 'no_stream' },
        );
      });

      it('reads forwards from a revision with a max count', async () => {
        expect((await store.readStream(s, { fromRevision: 1n, maxCount: 2 })).map((e) => e.type)).toEqual(['E1', 'E2']);
      });
      it('reads backwards from the end and from a revision', async () => {
        expect((await store.readStream(s, { direction: 'backwards', maxCount: 2 })).map((e) => e.type)).toEqual(['E4', 'E3']);
        expect((await store.readStream(s, { direction: 'backwards', fromRevision: 1n })).map((e) => e.type)).toEqual(['E1', 'E0']);
      });
      it('returns an empty list for a stream that does not exist', async () => {
        expect(await store.readStream(stream())).toEqual([]);
      });
      it('reads only the events after a known revision, and nothing past the end (how folded states catch up)', async () => {
        expect((await store.readStream(s, { fromRevision: 3n })).map((e) => [e.type, e.revision])).toEqual([
          ['E3', 3n],
          ['E4', 4n],
        ]);
        expect(await store.readStream(s, { fromRevision: 5n })).toEqual([]);
        expect(await store.readStream(s, { fromRevision: 50n })).toEqual([]);
      });
    });

    describe('readEventsById', () => {
      it('finds stored events by id in whichever stream holds them, in global order, leaving unknown ids out', async () => {
        const a = stream();
        const b = stream();
        const [a0, a1, b0] = [event('A0'), event('A1'), event('B0')];
        await store.appendToStream(a, [a0, a1], { expectedRevision: 'no_stream' });
        await store.appendToStream(b, [b0], { expectedRevision: 'no_stream' });
        const found = await store.readEventsById([b0.id, randomUUID(), a1.id, a0.id, a0.id]);
        expect(found.map((e) => [e.id, e.streamId, e.type, e.revision])).toEqual([
          [a0.id, a, 'A0', 0n],
          [a1.id, a, 'A1', 1n],
          [b0.id, b, 'B0', 0n],
        ]);
        const [stored] = await store.readStream(b);
        expect(found[2]).toEqual(stored);
      });

      it('answers the same within the streams the caller names, and nothing for no ids or unknown ids', async () => {
        const a = stream();
        const e = event('Only');
        await store.appendToStream(a, [event('Before'), e], { expectedRevision: 'no_stream' });
        expect((await store.readEventsById([e.id], { withinStreams: [a] })).map((x) => [x.id, x.revision])).toEqual([[e.id, 1n]]);
        expect(await store.readEventsById([])).toEqual([]);
        expect(await store.readEventsById([randomUUID()], { withinStreams: [a, stream()] })).toEqual([]);
      });
    });

    describe('readAll and subscribeToAll', () => {
      it('reads all events after a position in global order, filtered by category and event type', async () => {
        const own = uniqueCategory();
        const before = await store.appendToStream(`${own}-a`, [event('First')], { expectedRevision: 'any' });
        await store.appendToStream(`${own}-b`, [event('Second'), event('Third')], { expectedRevision: 'any' });
        await store.appendToStream(`${uniqueCategory()}-x`, [event('Elsewhere')], { expectedRevision: 'any' });
        const after = await store.readAll({ after: before.position, filter: { streamCategories: [own] }, maxCount: 100 });
        expect(after.map((e) => e.type)).toEqual(['Second', 'Third']);
        const typed = await store.readAll({ filter: { streamCategories: [own], eventTypes: ['Third', 'First'] }, maxCount: 100 });
        expect(typed.map((e) => e.type)).toEqual(['First', 'Third']);
        for (let i = 1; i < typed.length; i++) expect(comparePositions(typed[i - 1]!.position, typed[i]!.position)).toBeLessThan(0);
      });

      it('replays history then follows live appends, in order, exactly once', async () => {
        const own = uniqueCategory();
        await store.appendToStream(`${own}-1`, [event('H1'), event('H2')], { expectedRevision: 'any' });
        const sub = store.subscribeToAll({ filter: { streamCategories: [own] } });
        const received = take(sub, 5);
        await new Promise((r) => setTimeout(r, 50));
        await store.appendToStream(`${own}-2`, [event('L1')], { expectedRevision: 'any' });
        await store.appendToStream(`${own}-1`, [event('L2'), event('L3')], { expectedRevision: 'any' });
        const events = await received;
        await sub.close();
        expect(events.map((e) => e.type)).toEqual(['H1', 'H2', 'L1', 'L2', 'L3']);
        const all = await store.readAll({ filter: { streamCategories: [own] } });
        expect(events.map((e) => e.id)).toEqual(all.map((e) => e.id));
      });

      it('starts a subscription after a given position', async () => {
        const own = uniqueCategory();
        const first = await store.appendToStream(`${own}-1`, [event('Skip')], { expectedRevision: 'any' });
        await store.appendToStream(`${own}-1`, [event('Keep')], { expectedRevision: 'any' });
        const sub = store.subscribeToAll({ after: first.position, filter: { streamCategories: [own] } });
        const [e] = await take(sub, 1);
        await sub.close();
        expect(e!.type).toBe('Keep');
      });
    });

    describe('searchEvents', () => {
      it("selects the events of the given streams in global order, each with its stream's previous hash", async () => {
        const [a, b, c] = [stream(), stream(), stream()];
        await store.appendToStream(a, [event('A0')], { expectedRevision: 'no_stream' });
        await store.appendToStream(b, [event('B0')], { expectedRevision: 'no_stream' });
        await store.appendToStream(c, [event('C0'), event('C1')], { expectedRevision: 'no_stream' });
        await store.appendToStream(a, [event('A1')], { expectedRevision: 0n });
        const found = await store.searchEvents({ streamIds: [a, c, stream()], maxCount: 100 });
        expect(found.map((e) => e.type)).toEqual(['A0', 'C0', 'C1', 'A1']);
        const [a0, a1] = await store.readStream(a);
        const [c0] = await store.readStream(c);
        expect(found.map((e) => e.previousHash)).toEqual([GENESIS_HASH, GENESIS_HASH, c0!.hash, a0!.hash]);
        expect(found[3]).toMatchObject({ id: a1!.id, hash: a1!.hash, revision: 1n, position: a1!.position });
        expect(await store.searchEvents({ streamIds: [], maxCount: 100 })).toEqual([]);
      });

      it('pages by position: after is exclusive, upTo inclusive, maxCount bounds a page', async () => {
        const [a, b] = [stream(), stream()];
        await store.appendToStream(a, [event('One'), event('Two')], { expectedRevision: 'no_stream' });
        await store.appendToStream(b, [event('Three')], { expectedRevision: 'no_stream' });
        await store.appendToStream(a, [event('Four'), event('Five')], { expectedRevision: 1n });
        const all = await store.searchEvents({ streamIds: [a, b], maxCount: 100 });
        const paged: string[] = [];
        let after: RecordedEvent['position'] | undefined;
        for (;;) {
          const page = await store.searchEvents({ streamIds: [a, b], maxCount: 2, ...(after ? { after } : {}) });
          paged.push(...page.map((e) => e.type));
          if (page.length < 2) break;
          after = page.at(-1)!.position;
        }
        expect(paged).toEqual(['One', 'Two', 'Three', 'Four', 'Five']);
        const bounded = await store.searchEvents({ streamIds: [a, b], after: all[0]!.position, upTo: all[3]!.position, maxCount: 100 });
        expect(bounded.map((e) => e.type)).toEqual(['Two', 'Three', 'Four']);
      });

      it('filters by event type, metadata fields and recorded time, also without a stream selection', async () => {
        const actor = `actor-${randomUUID()}`;
        const s = stream();
        const started = new Date(Date.now() - 60_000);
        await store.appendToStream(
          s,
          [event('Kept', { n: 1 }, { actorId: actor, actorRole: 'reader' }), event('Kept', { n: 2 }, { actorId: actor, actorRole: 'admin' })],
          { expectedRevision: 'no_stream' },
        );
        await store.appendToStream(
          stream(),
          [event('Other', { n: 3 }, { actorId: actor, actorRole: 'reader' }), event('Kept', { n: 4 }, { actorId: 'someone-else', actorRole: 'reader' })],
          { expectedRevision: 'no_stream' },
        );
        const found = await store.searchEvents({
          metadata: { actorId: actor, actorRole: 'reader' },
          eventTypes: ['Kept'],
          recordedFrom: started,
          maxCount: 100,
        });
        expect(found.map((e) => [e.streamId, e.data['n'], e.previousHash])).toEqual([[s, 1, GENESIS_HASH]]);
        const second = await store.searchEvents({ metadata: { actorId: actor, actorRole: 'admin' }, maxCount: 100 });
        expect(second.map((e) => [e.data['n'], e.previousHash])).toEqual([[2, found[0]!.hash]]);
        expect(await store.searchEvents({ metadata: { actorId: actor }, recordedBefore: started, maxCount: 100 })).toEqual([]);
      });

      it('selects events whose data contains the given JSON (objects by subset, arrays by element)', async () => {
        const s = stream();
        const type = `Linked${uniqueCategory()}`;
        const tag = randomUUID();
        await store.appendToStream(
          s,
          [
            event(type, {
              tag,
              members: [
                { pseudonym: 'p1', scope: 'a' },
                { pseudonym: 'p2', scope: 'b' },
              ],
            }),
            event(type, { tag, members: [{ pseudonym: 'p3', scope: 'a' }] }),
            event(type, { tag: 'other', members: [{ pseudonym: 'p1', scope: 'a' }] }),
          ],
          { expectedRevision: 'no_stream' },
        );
        const found = await store.searchEvents({ eventTypes: [type], dataContains: { tag, members: [{ pseudonym: 'p1' }] }, maxCount: 10 });
        expect(found.map((e) => e.revision)).toEqual([0n]);
        const inStream = await store.searchEvents({ streamIds: [s], dataContains: { members: [{ pseudonym: 'p1' }] }, maxCount: 10 });
        expect(inStream.map((e) => e.revision)).toEqual([0n, 2n]);
        expect(await store.searchEvents({ streamIds: [s], dataContains: { members: [{ pseudonym: 'p1', scope: 'b' }] }, maxCount: 10 })).toEqual([]);
      });
    });

    describe('readHead, countEvents and positionOf', () => {
      it('report the newest position, counts after a position and the full position of a global position', async () => {
        const s = stream();
        const first = await store.appendToStream(s, [event()], { expectedRevision: 'no_stream' });
        const last = await store.appendToStream(s, [event(), event()], { expectedRevision: 0n });
        const head = await store.readHead();
        expect(head).not.toBeNull();
        expect(comparePositions(head!, last.position)).toBeGreaterThanOrEqual(0);
        expect(await store.positionOf(head!.prepare)).toEqual(head);
        expect(await store.positionOf(last.position.prepare)).toEqual(last.position);
        expect(await store.positionOf(first.position.prepare)).toEqual(first.position);
        expect(await store.positionOf(head!.prepare + 1_000_000_000n)).toBeNull();

        expect(await store.countEvents({ after: first.position })).toBeGreaterThanOrEqual(2);
        expect(await store.countEvents({ after: first.position, limit: 1 })).toBe(1);
        expect(await store.countEvents({ after: last.position })).toBe((await store.readAll({ after: last.position })).length);
        expect(await store.countEvents()).toBeGreaterThanOrEqual(3);
        expect(await store.countEvents({ limit: 2 })).toBe(2);
        const other = `${cat}-${randomUUID()}`;
        await store.appendToStream(other, [event('CountedA'), event('CountedB'), event('CountedA')], { expectedRevision: 'no_stream' });
        expect(await store.countEvents({ after: last.position, filter: { eventTypes: ['CountedA'] } })).toBe(2);
        expect(await store.countEvents({ after: last.position, filter: { eventTypes: ['CountedA', 'CountedB'] }, limit: 2 })).toBe(2);
        expect(await store.countEvents({ after: last.position, filter: { streamCategories: [uniqueCategory()] } })).toBe(0);
      });
    });

    describe('verify', () => {
      it('reports an intact stream with the number of events checked', async () => {
        const s = stream();
        await store.appendToStream(s, [event(), event(), event()], { expectedRevision: 'no_stream' });
        await store.appendToStream(s, [event()], { expectedRevision: 2n });
        await expect(store.verify({ streamId: s })).resolves.toEqual({ ok: true, eventsChecked: 4, streamsChecked: 1 });
      });

      it('chains each hash to the previous event of the same stream', async () => {
        const a = stream();
        const b = stream();
        const same = event('Same', { v: 1 });
        await store.appendToStream(a, [event('X'), same], { expectedRevision: 'no_stream' });
        await store.appendToStream(b, [{ ...same, id: randomUUID() }], { expectedRevision: 'no_stream' });
        const [, second] = await store.readStream(a);
        const [onlyB] = await store.readStream(b);
        expect(second!.hash).not.toBe(onlyB!.hash);
      });
    });
  });
}
