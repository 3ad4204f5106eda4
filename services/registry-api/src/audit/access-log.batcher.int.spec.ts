import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { AccessLogBatcher, accessLogHashKey, variablesHash, type AccessRecord } from './access-log.writer.js';

const key = accessLogHashKey(randomBytes(32));

const access = (i: number, overrides: Partial<AccessRecord> = {}): AccessRecord => ({
  actorId: `bio-${i}`,
  actorRole: 'biostatistician',
  channel: 'graphql',
  operationType: 'query',
  operationName: `Op${i}`,
  rootFields: ['measurements', 'subject'],
  trialIds: i % 2 ? ['T1', 'T2'] : [],
  programmeIds: [],
  variables: { i, trialId: 'T1' },
  correlationId: `corr-${i}`,
  ...overrides,
});

describe('AccessLogBatcher (audit.access_log on PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let statements = 0;
  const query = async (sql: string, params?: unknown[]): Promise<unknown> => {
    statements++;
    return (await pool.query(sql, params)).rows;
  };
  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it('writes the rows of concurrent operations in one statement, each row whole, before any caller goes on', async () => {
    const batcher = new AccessLogBatcher(query, key);
    const setting = async (): Promise<string> =>
      ((await pool.query(`SELECT string_agg(setting, ',') AS s FROM pg_settings WHERE name = 'synchronous_commit'`)).rows[0] as { s: string }).s;
    const before = await setting();
    statements = 0;
    await Promise.all(Array.from({ length: 40 }, (_, i) => batcher.record(access(i))));
    expect(statements).toBe(1);
    const { rows } = await pool.query(`SELECT * FROM audit.access_log WHERE actor_id LIKE 'bio-%' ORDER BY id`);
    expect(rows).toHaveLength(40);
    const row = rows.find((r: { actor_id: string }) => r.actor_id === 'bio-7') as Record<string, unknown>;
    expect(row).toMatchObject({
      actor_role: 'biostatistician',
      channel: 'graphql',
      operation_type: 'query',
      operation_name: 'Op7',
      root_fields: ['measurements', 'subject'],
      trial_ids: ['T1', 'T2'],
      programme_ids: [],
      correlation_id: 'corr-7',
      variables_hash: variablesHash({ i: 7, trialId: 'T1' }, key),
    });
    expect(row['at']).toBeInstanceOf(Date);
    // The session's own setting is untouched: only the batch's implicit transaction commits asynchronously.
    expect(await setting()).toBe(before);
  });

  it('fails every operation of a batch whose write fails, writes none of its rows, and goes on with the next batch', async () => {
    const batcher = new AccessLogBatcher(query, key);
    // A NUL character is valid JSON but not PostgreSQL text: the whole statement is refused.
    const results = await Promise.allSettled([
      batcher.record(access(100)),
      batcher.record(access(101, { actorId: 'bad\u0000actor' })),
      batcher.record(access(102)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((await pool.query(`SELECT count(*)::int AS n FROM audit.access_log WHERE actor_id IN ('bio-100', 'bio-102')`)).rows[0].n).toBe(0);
    await batcher.record(access(103));
    expect((await pool.query(`SELECT count(*)::int AS n FROM audit.access_log WHERE actor_id = 'bio-103'`)).rows[0].n).toBe(1);
  });

  it('splits a burst larger than its batch size into several statements, losing none', async () => {
    const batcher = new AccessLogBatcher(query, key, 25);
    statements = 0;
    await Promise.all(Array.from({ length: 60 }, (_, i) => batcher.record(access(1000 + i))));
    expect(statements).toBeGreaterThanOrEqual(3);
    expect((await pool.query(`SELECT count(DISTINCT actor_id)::int AS n FROM audit.access_log WHERE actor_id LIKE 'bio-1___'`)).rows[0].n).toBe(60);
  });
});
