import type { EntityManager } from 'typeorm';

type Queryable = Pick<EntityManager, 'query'>;

/** The read-model tables a snapshot keeps (libs/projections scopeTables): what an analysis can read from one. */
export const SNAPSHOT_TABLES: ReadonlySet<string> = new Set([
  'algorithm_versions',
  'biomarker_versions',
  'biomarkers',
  'imaging_studies',
  'measurements',
  'outcomes',
  'subject_milestones',
  'subjects',
  'trial_arms',
  'trial_sites',
  'trials',
  'screening_programmes',
  'screening_rounds',
  'screenings',
]);

/**
 * The same statement over a frozen snapshot's rows instead of the live read model: every `read_model.<table>` of a
 * kept table becomes the snapshot's rows of that table, typed back into the table's own row type
 * (`jsonb_populate_record`, the inverse of the `to_jsonb` they were kept with), and `$<snapshotParam>` names the
 * snapshot. So an analysis runs its one SQL either way, and over a snapshot answers the same after any later write.
 * Tables a snapshot does not keep (checkpoints, audit) are left as they are; callers do not read them for data.
 */
export function snapshotSql(sql: string, snapshotParam: number): string {
  return sql.replace(/\bread_model\.([a-z_]+)\b/g, (whole, table: string) =>
    SNAPSHOT_TABLES.has(table)
      ? `(SELECT (jsonb_populate_record(NULL::read_model.${table}, k.row)).* FROM read_model.analysis_snapshot_rows k WHERE k.snapshot_id = $${snapshotParam}::text AND k.table_name = '${table}')`
      : whole,
  );
}

/** A `query` that runs every statement over the snapshot's rows (the snapshot id appended as the last parameter). */
export function snapshotQueryable(db: Queryable, snapshotId: string): Queryable {
  return {
    query: ((sql: string, params?: unknown[]) => {
      const values = [...(params ?? []), snapshotId];
      return db.query(snapshotSql(sql, values.length), values);
    }) as Queryable['query'],
  };
}
