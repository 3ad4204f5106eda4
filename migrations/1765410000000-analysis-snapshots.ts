import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rows of frozen analysis snapshots (issue 17), kept so that a snapshot is served identically after any later
 * correction. The fact is the `AnalysisSnapshotFrozen` event with its manifest and hash; these rows are derived from
 * the log (recomputable to the same hash, services/registry-api/src/snapshots), written once per snapshot and never
 * updated. Rows are JSON as the read models held them (pseudonyms and ids; personal fields never reach read models),
 * in their snapshot order (`ordinal`, primary-key order per table).
 */
export class AnalysisSnapshots1765410000000 implements MigrationInterface {
  name = 'AnalysisSnapshots1765410000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE read_model.analysis_snapshot_rows (
        snapshot_id text NOT NULL,
        table_name text NOT NULL,
        ordinal int NOT NULL,
        row_key text NOT NULL,
        row jsonb NOT NULL,
        CONSTRAINT "PK_analysis_snapshot_rows" PRIMARY KEY (snapshot_id, table_name, ordinal)
      )`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE read_model.analysis_snapshot_rows`);
  }
}
