import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InMemoryEventStore, PostgresEventStore, type EventStore } from '#event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { openBackupFile, readBackupLines } from './backup-file.js';
import { restoreEventLogBackup, writeEventLogBackup } from './event-log-backup.js';

/** The whole log, paged (an adapter's readAll may cap one call). */
async function snapshot(store: EventStore): Promise<unknown[]> {
  const all = [];
  for (let page = await store.readAll({ maxCount: 1000 }); page.length > 0; page = await store.readAll({ after: page.at(-1)!.position, maxCount: 1000 }))
    all.push(...page);
  return all.map((e) => [e.streamId, e.revision, e.id, e.type, e.hash, e.data, e.metadata]);
}

describe('event-log backup: PostgreSQL to a file to PostgreSQL (and to another adapter)', () => {
  let dbs: TestDatabase[] = [];
  let source: PostgresEventStore;
  let target: PostgresEventStore;
  let dir: string;

  beforeAll(async () => {
    dbs = [await createTestDatabase(), await createTestDatabase()];
    source = new PostgresEventStore({ connectionString: dbs[0]!.eventStoreUrl, poolSize: 4 });
    target = new PostgresEventStore({ connectionString: dbs[1]!.eventStoreUrl, poolSize: 4 });
    dir = mkdtempSync(join(tmpdir(), 'registry-backup-'));
    // 3,000 events over 300 streams, appended concurrently so global order interleaves streams.
    await Promise.all(
      Array.from({ length: 300 }, async (_, s) => {
        for (let i = 0; i < 10; i++) {
          await source.appendToStream(
            `subject-${s}`,
            [{ id: crypto.randomUUID(), type: 'Noted', data: { s, i, text: `é ${'x'.repeat(i)}` }, metadata: { actorId: 'bk' } }],
            {
              expectedRevision: i === 0 ? 'no_stream' : BigInt(i - 1),
            },
          );
        }
      }),
    );
  });
  afterAll(async () => {
    await source?.close();
    await target?.close();
    for (const db of dbs) await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a gzip file only once complete, and restores it into an empty database with equal hashes', async () => {
    const path = join(dir, 'registry.ndjson.gz');
    const file = openBackupFile(path);
    const summary = await writeEventLogBackup(source, (line) => file.write(line), { source: 'int-test' });
    await file.finish();
    expect(summary).toMatchObject({ events: 3000, streams: 300 });
    const text = gunzipSync(readFileSync(path)).toString('utf8').trim().split('\n');
    expect(text).toHaveLength(3002);

    const result = await restoreEventLogBackup(target, () => readBackupLines(path));
    expect(result).toMatchObject({ events: 3000, appended: 3000, stopped: false });
    expect(await snapshot(target)).toEqual(await snapshot(source));
    expect(await target.verify()).toMatchObject({ ok: true, eventsChecked: 3000 });
    // A second restore into the now-full database is refused, not doubled.
    await expect(restoreEventLogBackup(target, () => readBackupLines(path))).rejects.toThrow(/not empty/);
    expect((await target.verify()).eventsChecked).toBe(3000);
  });

  it('moves the log to another adapter with the same chain', async () => {
    const path = join(dir, 'registry.ndjson');
    const file = openBackupFile(path);
    await writeEventLogBackup(source, (line) => file.write(line), { source: 'int-test' });
    await file.finish();
    const other = new InMemoryEventStore();
    await restoreEventLogBackup(other, () => readBackupLines(path));
    expect(await snapshot(other)).toEqual(await snapshot(source));
  });
});
