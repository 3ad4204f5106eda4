import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { readModelQuery } from './read-model.sql.js';

describe('readModelQuery on PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url, { extra: { max: 2 } })).initialize();
    await ds.query(`CREATE TABLE public.t (id int PRIMARY KEY, at timestamptz, v double precision)`);
    await ds.query(`INSERT INTO public.t VALUES (1, '2026-11-27T10:00:00.123456Z', 1.5), (2, NULL, NULL)`);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('gives timestamps in the API form and keeps working, prepared, when the table gains a column', async () => {
    const sql = `SELECT id, at, v FROM public.t WHERE id >= $1 ORDER BY id`;
    for (let i = 0; i < 6; i++) {
      expect(await readModelQuery(ds, sql, [1], { prepare: true })).toEqual([
        { id: 1, at: '2026-11-27T10:00:00.123Z', v: 1.5 },
        { id: 2, at: null, v: null },
      ]);
    }
    await ds.query(`ALTER TABLE public.t ADD COLUMN extra text`);
    for (let i = 0; i < 4; i++) expect(await readModelQuery(ds, sql, [2], { prepare: true })).toEqual([{ id: 2, at: null, v: null }]);
  });
});
