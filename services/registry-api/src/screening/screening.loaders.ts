import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';

/** Rounds of many programmes in one statement; per request. */
export function roundsLoader(ds: DataSource) {
  return new DataLoader(async (ids: readonly string[]) => {
    const rows = (await ds.query(`SELECT * FROM read_model.screening_rounds WHERE programme_id = ANY ($1::text[]) ORDER BY round_number NULLS LAST, round_id`, [
      [...ids],
    ])) as Record<string, unknown>[];
    return ids.map((id) =>
      rows
        .filter((r) => r['programme_id'] === id)
        .map((r) => ({
          id: r['round_id'],
          number: r['round_number'],
          name: r['name'],
          opensOn: r['opens_on'],
          closesOn: r['closes_on'],
          status: r['status'],
          invited: r['invited'],
          screened: r['screened'],
          recalled: r['recalled'],
          screenDetectedCancers: r['screen_detected_cancers'],
          intervalCancers: r['interval_cancers'],
        })),
    );
  });
}
