import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { loadTimelines } from './subjects.loaders.js';

describe('loadTimelines (one round trip, values as quoted literals)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url)).initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('treats quotes, backslashes and statement separators in ids as data, never as SQL', async () => {
    const hostile = [`o'brien`, `x'); DROP TABLE read_model.measurements; --`, `back\\slash\\'`, `E'\\x27'`, `$$; SELECT 1; $$`];
    await ds.query(
      `INSERT INTO read_model.subject_milestones (position, subject_id, kind, occurred_at, recorded_at, details) VALUES (1, $1, 'enrolled', now(), now(), '{}')`,
      [hostile[1]],
    );
    const timelines = await loadTimelines(ds, hostile, null);
    expect(timelines.map((t) => t.length)).toEqual([0, 1, 0, 0, 0]);
    expect(timelines[1]![0]).toMatchObject({ kind: 'MILESTONE', milestone: { type: 'enrolled' } });
    const asOf = await loadTimelines(ds, hostile, new Date(`2000-01-01T00:00:00Z`));
    expect(asOf.map((t) => t.length)).toEqual([0, 0, 0, 0, 0]);
    const [{ n }] = (await ds.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'read_model' AND tablename = 'measurements'`)) as { n: number }[];
    expect(n).toBe(1);
  });

  it('answers an empty list of ids with no timelines', async () => {
    await expect(loadTimelines(ds, [], null)).resolves.toEqual([]);
  });
});
