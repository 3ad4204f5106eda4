import { describe, expect, it } from '@jest/globals';
import { useTestDataSource } from '../../../../test/support/test-data-source.js';
import { loadTimelines } from './subjects.loaders.js';

describe('loadTimelines (one round trip, values as quoted literals)', () => {
  const database = useTestDataSource();

  it('treats quotes, backslashes and statement separators in ids as data, never as SQL', async () => {
    const hostile = [`o'brien`, `x'); DROP TABLE read_model.measurements; --`, `back\\slash\\'`, `E'\\x27'`, `$$; SELECT 1; $$`];
    await database.ds.query(
      `INSERT INTO read_model.subject_milestones (position, subject_id, kind, occurred_at, recorded_at, details) VALUES (1, $1, 'enrolled', now(), now(), '{}')`,
      [hostile[1]],
    );
    const timelines = await loadTimelines(database.ds, hostile, null);
    expect(timelines.map((t) => t.length)).toEqual([0, 1, 0, 0, 0]);
    expect(timelines[1]![0]).toMatchObject({ kind: 'MILESTONE', milestone: { type: 'enrolled' } });
    const asOf = await loadTimelines(database.ds, hostile, new Date(`2000-01-01T00:00:00Z`));
    expect(asOf.map((t) => t.length)).toEqual([0, 0, 0, 0, 0]);
    const [{ n }] = (await database.ds.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'read_model' AND tablename = 'measurements'`)) as {
      n: number;
    }[];
    expect(n).toBe(1);
  });

  it('answers an empty list of ids with no timelines', async () => {
    await expect(loadTimelines(database.ds, [], null)).resolves.toEqual([]);
  });
});
