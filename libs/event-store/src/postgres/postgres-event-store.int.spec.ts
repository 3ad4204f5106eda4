import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { START, comparePositions, type RecordedEvent } from '../event-store.js';
import { IdempotencyConflictError } from '../event-store.errors.js';
import { event, runEventStoreContract, uniqueCategory } from '../testing/event-store.contract.js';
import { PostgresEventStore } from './postgres-event-store.js';

runEventStoreContract('postgres', async () => {
  const db = await createTestDatabase();
  const store = new PostgresEventStore({ connectionString: db.eventStoreUrl, pollIntervalMs: 50 });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await db.drop();
    },
  };
});

describe('PostgresEventStore in the database itself', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let owner: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore({ connectionString: db.eventStoreUrl, poolSize: 20, pollIntervalMs: 20 });
    owner = new pg.Client({ connectionString: db.eventStoreUrl });
    await owner.connect();
  });
  afterAll(async () => {
    await owner.end();
    await store.close();
    await db.drop();
  });

  describe('immutability', () => {
    it.each([
      ['UPDATE', `UPDATE event_store.events SET data = '{"v": 2}'`],
      ['DELETE', `DELETE FROM event_store.events`],
      ['TRUNCATE', `TRUNCATE event_store.events`],
    ])('rejects %s on event_store.events, even for the table owner', async (op, sql) => {
      const s = `imm-${randomUUID()}`;
      await store.appendToStream(s, [event('A', { v: 1 })], { expectedRevision: 'no_stream' });
      await expect(owner.query(sql)).rejects.toThrow(new RegExp(`append-only: ${op} is not allowed`));
      const [stored] = await store.readStream(s);
      expect(stored!.data).toEqual({ v: 1 });
    });

    it('grants the application role only SELECT on the events table (appends go through event_store.append)', async () => {
      const { rows } = await owner.query<{ privilege_type: string }>(
        `SELECT privilege_type FROM information_schema.role_table_grants
          WHERE grantee = 'registry_app' AND table_schema = 'event_store' AND table_name = 'events' ORDER BY 1`,
      );
      expect(rows.map((r) => r.privilege_type)).toEqual(['SELECT']);
    });
  });

  describe('tamper evidence', () => {
    it('reports the first event whose stored content no longer matches its hash', async () => {
      const s = `tamper-${randomUUID()}`;
      await store.appendToStream(s, [event('A', { v: 0 }), event('B', { v: 1 }), event('C', { v: 2 })], { expectedRevision: 'no_stream' });
      await expect(store.verify({ streamId: s })).resolves.toMatchObject({ ok: true, eventsChecked: 3 });

      // An attacker with owner rights disables the guard and rewrites one value.
      await owner.query('ALTER TABLE event_store.events DISABLE TRIGGER events_append_only');
      await owner.query(`UPDATE event_store.events SET data = '{"v": 99}' WHERE stream_id = $1 AND stream_revision = 1`, [s]);
      await owner.query('ALTER TABLE event_store.events ENABLE TRIGGER events_append_only');

      const result = await store.verify({ streamId: s });
      expect(result.ok).toBe(false);
      expect(result.firstFailure).toMatchObject({ streamId: s, revision: 1n, reason: 'hash_mismatch' });
      expect(result.eventsChecked).toBe(2);
      const whole = await store.verify();
      expect(whole.ok).toBe(false);
      expect(whole.firstFailure?.streamId).toBe(s);
    });

    it('detects a deleted event as a gap in the chain', async () => {
      const s = `gap-${randomUUID()}`;
      await store.appendToStream(s, [event('A'), event('B'), event('C')], { expectedRevision: 'no_stream' });
      await owner.query('ALTER TABLE event_store.events DISABLE TRIGGER events_append_only');
      await owner.query(`DELETE FROM event_store.events WHERE stream_id = $1 AND stream_revision = 1`, [s]);
      await owner.query('ALTER TABLE event_store.events ENABLE TRIGGER events_append_only');
      await expect(store.verify({ streamId: s })).resolves.toMatchObject({ ok: false, firstFailure: { revision: 2n, reason: 'revision_gap' } });
    });
  });

  describe('gap-safe global order', () => {
    it('never lets a subscriber skip or reorder events when transactions commit out of order', async () => {
      const cat = uniqueCategory();
      const writers = 16;
      const appendsPerWriter = 12;
      const total = writers * appendsPerWriter * 2;
      const received: RecordedEvent[] = [];
      const sub = store.subscribeToAll({ filter: { streamCategories: [cat] }, batchSize: 7 });
      const consuming = (async () => {
        for await (const e of sub) {
          received.push(e);
          if (received.length === total) break;
        }
      })();

      // Each writer opens a transaction, appends (taking a sequence value), then sleeps a random time before
      // committing, so sequence order and commit order disagree all the time.
      const writer = async (w: number): Promise<void> => {
        for (let i = 0; i < appendsPerWriter; i++) {
          const client = await store.pool.connect();
          try {
            await client.query('BEGIN');
            await client.query(`SELECT * FROM event_store.append($1, -1, $2::uuid[], $3::text[], $4::jsonb, $5::jsonb, $6::text[])`, [
              `${cat}-${w % 5}`,
              [randomUUID(), randomUUID()],
              ['Tick', 'Tock'],
              JSON.stringify([
                { w, i },
                { w, i },
              ]),
              '[{}, {}]',
              ['d', 'd'],
            ]);
            await new Promise((r) => setTimeout(r, Math.random() * 15));
            await client.query('COMMIT');
          } finally {
            client.release();
          }
        }
      };
      await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
      await Promise.race([consuming, new Promise((_, rej) => setTimeout(() => rej(new Error(`received ${received.length}/${total}`)), 20_000))]);
      await sub.close();

      const all = await store.readAll({ filter: { streamCategories: [cat] }, maxCount: total + 10 });
      expect(all).toHaveLength(total);
      expect(received.map((e) => e.id)).toEqual(all.map((e) => e.id));
      expect(new Set(received.map((e) => e.id)).size).toBe(total);
      for (let i = 1; i < received.length; i++) expect(comparePositions(received[i - 1]!.position, received[i]!.position)).toBeLessThan(0);
      // The sequence alone would have ordered them differently: commit order really was shuffled.
      const bySequence = [...all].sort((a, b) => (a.position.prepare < b.position.prepare ? -1 : 1)).map((e) => e.id);
      expect(bySequence).not.toEqual(all.map((e) => e.id));
    });

    it('keeps numeric order when transaction ids cross a power of ten (no text ordering of xid8)', async () => {
      const cat = uniqueCategory();
      const current = BigInt((await owner.query<{ x: string }>(`SELECT pg_current_xact_id()::text AS x`)).rows[0]!.x);
      let nextPower = 10n;
      while (nextPower <= current + 5n) nextPower *= 10n;
      // Stop a few transactions short of the boundary so the appends below straddle it.
      await owner.query(`CREATE OR REPLACE PROCEDURE pg_temp.burn_xids(n bigint) LANGUAGE plpgsql AS $$
        BEGIN FOR i IN 1..n LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$`);
      await owner.query(`CALL pg_temp.burn_xids($1)`, [(nextPower - current - 4n).toString()]);
      for (let i = 0; i < 10; i++) await store.appendToStream(`${cat}-${i % 3}`, [event(`E${i}`)], { expectedRevision: 'any' });
      const ids = (await store.readAll({ filter: { streamCategories: [cat] } })).map((e) => e.position.commit);
      expect(ids.some((x) => x < nextPower) && ids.some((x) => x >= nextPower)).toBe(true);
      // Page the way a subscription does: small batches, each after the last position seen.
      const paged: string[] = [];
      for (let after = START, page = await store.readAll({ filter: { streamCategories: [cat] }, maxCount: 3 }); page.length > 0;) {
        paged.push(...page.map((e) => e.type));
        after = page.at(-1)!.position;
        page = await store.readAll({ after, filter: { streamCategories: [cat] }, maxCount: 3 });
      }
      expect(paged).toEqual(Array.from({ length: 10 }, (_, i) => `E${i}`));
    });

    it('holds back events of a committed transaction while an older one is still open', async () => {
      const cat = uniqueCategory();
      const slow = await store.pool.connect();
      try {
        await slow.query('BEGIN');
        await slow.query(`SELECT * FROM event_store.append($1, -1, $2::uuid[], '{Slow}', '[{}]', '[{}]', '{d}')`, [`${cat}-slow`, [randomUUID()]]);
        await store.appendToStream(`${cat}-fast`, [event('Fast')], { expectedRevision: 'any' });
        expect(await store.readAll({ filter: { streamCategories: [cat] } })).toEqual([]);
        await slow.query('COMMIT');
      } finally {
        slow.release();
      }
      expect((await store.readAll({ filter: { streamCategories: [cat] } })).map((e) => e.type)).toEqual(['Slow', 'Fast']);
    });
  });

  /** The category's events once `count` of them are settled (gap-safe readAll shows them), polling up to 60 s. */
  const settled = async (cat: string, count: number): Promise<RecordedEvent[]> => {
    for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 25))) {
      const seen = await store.readAll({ filter: { streamCategories: [cat] }, maxCount: count + 1 });
      if (seen.length >= count || Date.now() > deadline) return seen;
    }
  };

  describe('reads that are not gap-safe see every committed event', () => {
    // The holdback of readAll is cluster-wide: a transaction open in another database hides this one's commits.
    it('counts and searches an event at once while another database of the cluster holds a transaction open', async () => {
      const other = await createTestDatabase();
      const open = new pg.Client({ connectionString: other.eventStoreUrl });
      await open.connect();
      const cat = uniqueCategory();
      try {
        await open.query('BEGIN');
        await open.query('SELECT pg_current_xact_id()');
        const before = await store.countEvents({ filter: { streamCategories: [cat] } });
        await store.appendToStream(`${cat}-1`, [event('Seen', { tag: cat })], { expectedRevision: 'no_stream' });
        expect(await store.countEvents({ filter: { streamCategories: [cat] } })).toBe(before + 1);
        expect((await store.searchEvents({ streamIds: [`${cat}-1`], maxCount: 10 })).map((e) => e.type)).toEqual(['Seen']);
        expect((await store.searchEvents({ dataContains: { tag: cat }, maxCount: 10 })).map((e) => e.type)).toEqual(['Seen']);
        // readAll still holds it back: subscribers must never skip an event that commits late.
        expect(await store.readAll({ filter: { streamCategories: [cat] } })).toEqual([]);
        await open.query('COMMIT');
      } finally {
        await open.end();
        await other.drop();
      }
      // Settled once no older transaction of the cluster is open (other test files' databases may still hold one).
      expect((await settled(cat, 1)).map((e) => e.type)).toEqual(['Seen']);
    });
  });

  describe('subscriptions sharing their reads (shared-pages.ts)', () => {
    const drain = async (sub: AsyncIterable<RecordedEvent>, total: number, slowEvery: number): Promise<RecordedEvent[]> => {
      const got: RecordedEvent[] = [];
      for await (const e of sub) {
        got.push(e);
        // Consumers of different speeds, as the projector's runners are: they drift apart and share only part of the pages.
        if (got.length % slowEvery === 0) await new Promise((r) => setTimeout(r, 5));
        if (got.length === total) break;
      }
      return got;
    };

    it('reads a page of the log once for several subscriptions at the same position', async () => {
      const cat = uniqueCategory();
      for (let i = 0; i < 10; i++) {
        await store.appendToStream(
          `${cat}-${i}`,
          Array.from({ length: 50 }, (_, k) => event('Tick', { i, k })),
          { expectedRevision: 'no_stream' },
        );
      }
      // Counted from a settled log: while another database's transaction holds the tail back, subscribers would read
      // the pages part by part (more reads, for a reason that is not sharing).
      await settled(cat, 500);
      const reads = jest.spyOn(store.pool, 'query');
      try {
        const subs = Array.from({ length: 5 }, () => store.subscribeToAll({ filter: { streamCategories: [cat] }, batchSize: 50 }));
        const got = await Promise.all(subs.map((sub) => drain(sub, 500, 1000)));
        await Promise.all(subs.map((sub) => sub.close()));
        const all = await store.readAll({ filter: { streamCategories: [cat] }, maxCount: 1000 });
        for (const g of got) expect(g.map((e) => e.id)).toEqual(all.map((e) => e.id));
        const readAlls = reads.mock.calls.filter(([q]) => (q as { name?: string }).name === 'es_read_all').length;
        // Ten pages of 50: each read once, plus at most an empty look at the end per subscription; five reads each without sharing.
        expect(readAlls).toBeLessThanOrEqual(10 + 1 + 5);
      } finally {
        reads.mockRestore();
      }
    });

    it('hands every subscription the log in order, each event once, while transactions commit out of order', async () => {
      const cat = uniqueCategory();
      const writers = 8;
      const appendsPerWriter = 10;
      const total = writers * appendsPerWriter * 2;
      // Different batch sizes and speeds: pages of one are served in parts to the others.
      const subs = [7, 7, 13, 50].map((batchSize) => store.subscribeToAll({ filter: { streamCategories: [cat] }, batchSize }));
      const consuming = Promise.all(subs.map((sub, i) => drain(sub, total, 3 + i * 5)));
      const writer = async (w: number): Promise<void> => {
        for (let i = 0; i < appendsPerWriter; i++) {
          const client = await store.pool.connect();
          try {
            await client.query('BEGIN');
            await client.query(`SELECT * FROM event_store.append($1, -1, $2::uuid[], $3::text[], $4::jsonb, $5::jsonb, $6::text[])`, [
              `${cat}-${w % 3}`,
              [randomUUID(), randomUUID()],
              ['Tick', 'Tock'],
              JSON.stringify([
                { w, i },
                { w, i },
              ]),
              '[{}, {}]',
              ['d', 'd'],
            ]);
            await new Promise((r) => setTimeout(r, Math.random() * 15));
            await client.query('COMMIT');
          } finally {
            client.release();
          }
        }
      };
      await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
      const got = await Promise.race([
        consuming,
        new Promise<never>((_, rej) => setTimeout(() => rej(new Error('subscriptions did not deliver every event')), 20_000)),
      ]);
      await Promise.all(subs.map((sub) => sub.close()));
      const all = await store.readAll({ filter: { streamCategories: [cat] }, maxCount: total + 10 });
      expect(all).toHaveLength(total);
      for (const g of got) expect(g.map((e) => e.id)).toEqual(all.map((e) => e.id));
    });
  });

  describe('event ids', () => {
    it.each([['no_stream' as const], [0n], ['any' as const]])(
      'refuses an id already stored in another stream (expected %s), writing nothing',
      async (expected) => {
        const taken = event('A');
        await store.appendToStream(`ids-${randomUUID()}`, [taken], { expectedRevision: 'no_stream' });
        const target = `ids-${randomUUID()}`;
        if (expected === 0n) await store.appendToStream(target, [event('Before')], { expectedRevision: 'no_stream' });
        const err = await store.appendToStream(target, [event('New'), taken], { expectedRevision: expected }).catch((x: unknown) => x);
        expect(err).toBeInstanceOf(IdempotencyConflictError);
        expect((err as IdempotencyConflictError).eventId).toBe(taken.id);
        expect(await store.readStream(target)).toHaveLength(expected === 0n ? 1 : 0);
      },
    );
  });

  describe('concurrent appends to one stream', () => {
    it('lets exactly one of two writers at the same expected revision win', async () => {
      const s = `race-${randomUUID()}`;
      await store.appendToStream(s, [event()], { expectedRevision: 'no_stream' });
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => store.appendToStream(s, [event()], { expectedRevision: 0n })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await store.readStream(s)).toHaveLength(2);
    });

    it('serialises "any" appends without losing one', async () => {
      const s = `any-${randomUUID()}`;
      await Promise.all(Array.from({ length: 20 }, () => store.appendToStream(s, [event()], { expectedRevision: 'any' })));
      const read = await store.readStream(s);
      expect(read.map((e) => e.revision)).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(i)));
      await expect(store.verify({ streamId: s })).resolves.toMatchObject({ ok: true, eventsChecked: 20 });
    });
  });

  describe('appendToStreams (event_store.append_many)', () => {
    it('answers each part when another transaction stores one of its event ids between the probe and the insert', async () => {
      const [elsewhere, contested, other] = [`many-${randomUUID()}`, `many-${randomUUID()}`, `many-${randomUUID()}`];
      const taken = event('Taken');
      // A concurrent writer has inserted the id (in another stream) but not committed: append_many's probe cannot see it.
      const writer = new pg.Client({ connectionString: db.eventStoreUrl });
      await writer.connect();
      try {
        await writer.query('BEGIN');
        await writer.query(`SELECT * FROM event_store.append($1, -2, ARRAY[$2]::uuid[], ARRAY['Taken'], '[{"n": 1}]', '[{}]', ARRAY['x'])`, [
          elsewhere,
          taken.id,
        ]);
        const call = store.appendToStreams([
          { streamId: contested, events: [taken], expectedRevision: 'no_stream' },
          { streamId: other, events: [event('Other')], expectedRevision: 'no_stream' },
        ]);
        // The insert now waits on the unique index for the writer's transaction; its commit makes the call fail as a whole.
        await new Promise((resolve) => setTimeout(resolve, 200));
        await writer.query('COMMIT');
        const outcomes = await call;
        expect(!outcomes[0]!.ok && outcomes[0]!.error).toBeInstanceOf(IdempotencyConflictError);
        expect(outcomes[1]).toMatchObject({ ok: true, result: { nextExpectedRevision: 0n, repeated: false } });
      } finally {
        await writer.end();
      }
      expect(await store.readStream(contested)).toEqual([]);
      expect((await store.readStream(other)).map((e) => e.type)).toEqual(['Other']);
      expect((await store.readStream(elsewhere)).map((e) => e.id)).toEqual([taken.id]);
    });

    it('appends hundreds of streams in one call with chains that verify', async () => {
      const streams = Array.from({ length: 300 }, () => `many-${randomUUID()}`);
      const outcomes = await store.appendToStreams(
        streams.map((streamId, i) => ({ streamId, events: [event('A', { i }), event('B', { i })], expectedRevision: 'no_stream' as const })),
      );
      expect(outcomes.every((o) => o.ok && o.result.nextExpectedRevision === 1n && !o.result.repeated)).toBe(true);
      // One transaction: every part has the same commit position.
      expect(new Set(outcomes.map((o) => (o.ok ? o.result.position.commit : -1n))).size).toBe(1);
      for (const s of streams.slice(0, 5)) await expect(store.verify({ streamId: s })).resolves.toMatchObject({ ok: true, eventsChecked: 2 });
    });
  });
});
