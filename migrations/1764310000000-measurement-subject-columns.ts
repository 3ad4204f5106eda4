import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The subject's arm, site and randomisation time on each measurement row, kept by the subjects projection: the
 * long table's pages then read no other table. Looking each page row's subject up by key cost PostgreSQL about a
 * third of its time per 100-row page; the arm and site filters also become plain column tests, and the arm filter
 * now respects `asOf` (the arm only once its randomisation was recorded). The backfill gives existing rows what the
 * projection now writes, so the projection keeps its version: no rebuild is needed after this migration.
 */
export class MeasurementSubjectColumns1764310000000 implements MigrationInterface {
  name = 'MeasurementSubjectColumns1764310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE read_model.measurements ADD COLUMN arm_code text, ADD COLUMN subject_site_id text, ADD COLUMN randomised_recorded_at timestamptz`,
    );
    await q.query(
      `UPDATE read_model.measurements m SET arm_code = s.arm_code, subject_site_id = s.site_id, randomised_recorded_at = s.randomised_recorded_at
         FROM read_model.subjects s
        WHERE s.subject_id = m.subject_id AND (s.arm_code IS NOT NULL OR s.site_id IS NOT NULL)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_model.measurements DROP COLUMN arm_code, DROP COLUMN subject_site_id, DROP COLUMN randomised_recorded_at`);
  }
}
