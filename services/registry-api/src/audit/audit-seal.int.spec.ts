import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PostgresEventStore } from '#event-store';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { cutLogTail } from '../../../../libs/event-store/src/testing/postgres-log-tampering.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { AuditSealService } from './audit-seal.service.js';
import { FileSealAnchor } from './seal-anchor.js';

describe('audit seals kept outside the database', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let ds: DataSource;
  let dir: string;
  // A seal covers only the settled prefix of the log (gap-safe readAll): an event stays unsettled while any older
  // transaction of the cluster is open (another test file's database, under CI's parallel workers). Each ping waits
  // until it is settled, so that a seal right after it must cover it.
  const ping = async (stream: string, n: number): Promise<void> => {
    const id = randomUUID();
    await store.appendToStream(stream, [{ id, type: 'Pinged', data: { n } }], { expectedRevision: 'any' });
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 25))) {
      if ((await store.readAll({ maxCount: 10_000 })).some((e) => e.id === id)) return;
    }
    throw new Error(`ping ${id} on ${stream} was not settled within 60 s`);
  };
  const service = (anchorDir = dir) => new AuditSealService(store, undefined, new FileSealAnchor(anchorDir), ds);

  beforeAll(async () => {
    db = await createTestDatabase();
    // As the application runs: the app login, which cannot touch the log except through the append function.
    store = new PostgresEventStore({ connectionString: db.eventStoreAppUrl });
    ds = await new DataSource(dataSourceOptions(db.appUrl)).initialize();
    dir = mkdtempSync(join(tmpdir(), 'registry-anchor-'));
  });
  afterAll(async () => {
    await store.close();
    await ds.destroy();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('anchors every seal in an append-only 0600 file, and a clean log verifies against it', async () => {
    const sealer = service();
    for (let i = 0; i < 5; i++) await ping('tail-a', i);
    const first = await sealer.seal();
    await ping('tail-a', 5);
    const second = await sealer.seal();
    expect([first?.sequence, second?.sequence]).toEqual([1, 2]);
    const lines = readFileSync(join(dir, 'seals.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.sequence, l.eventsCovered, l.chain])).toEqual([
      [1, 5, first!.chain],
      [2, 7, second!.chain], // the first seal's own event is covered by the second
    ]);
    expect(statSync(join(dir, 'seals.ndjson')).mode & 0o777).toBe(0o600);
    expect(await service().verify()).toMatchObject({ ok: true, sealsChecked: 2, eventsCovered: 7, anchored: { sequence: 2, eventsCovered: 7 } });
  });

  it('reports a tail cut off by a superuser (the newest events and the seal over them)', async () => {
    const sealer = service();
    const before = (await store.readAll({ maxCount: 10_000 })).at(-1)!.position.prepare.toString();
    for (let i = 0; i < 3; i++) await ping('tail-b', i);
    const seal = await sealer.seal();
    expect(seal?.sequence).toBe(3);
    expect(await cutLogTail(db.eventStoreUrl, BigInt(before) + 1n)).toBe(4); // three pings and seal 3's own event
    // The log agrees with itself again: chains hold, seals 1 and 2 recompute. Only the anchor remembers seal 3.
    expect(await store.verify({})).toMatchObject({ ok: true });
    expect(await service().verify()).toMatchObject({
      ok: false,
      sealsChecked: 2,
      anchored: { sequence: 3 },
      firstFailure: {
        sequence: 3,
        reason: 'anchored_seal_missing',
        expected: `seal 3 over 11 events up to position ${seal!.upToPosition}`,
        stored: expect.stringMatching(/^seal 2 over 7 events/),
      },
    });
  });

  it('reports a tail replaced by different events sealed again (a rewritten tail)', async () => {
    // The attacker goes on from the cut: new events and a new seal 3, consistent with the log, but not the anchored one.
    await ping('tail-c', 99);
    const forged = await new AuditSealService(store, undefined, undefined, ds).seal();
    expect(forged?.sequence).toBe(3);
    expect(await service().verify()).toMatchObject({ ok: false, firstFailure: { sequence: 3, reason: 'anchored_seal_mismatch', stored: forged!.chain } });
  });

  it('lets one sealer at a time seal (advisory lock): a timer tick skips while another instance seals', async () => {
    const other = mkdtempSync(join(tmpdir(), 'registry-anchor-'));
    const instance = service(other);
    await ping('tail-d', 1);
    const holder = new pg.Client({ connectionString: db.appUrl });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtextextended('registry:audit-sealer', 0))`);
      expect(await instance.seal(new Date(), { wait: false })).toBeNull();
      const waiting = instance.seal(new Date(), { wait: true });
      await new Promise((r) => setTimeout(r, 200));
      await holder.query(`SELECT pg_advisory_unlock(hashtextextended('registry:audit-sealer', 0))`);
      expect((await waiting)?.sequence).toBe(4);
    } finally {
      await holder.end();
      rmSync(other, { recursive: true, force: true });
    }
  });
});
