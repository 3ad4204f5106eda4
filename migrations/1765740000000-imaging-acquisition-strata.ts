import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Acquisition parameters that stratify AI drift surveillance (issue 19) and did not have a column yet: the
 * reconstruction kernel and the contrast phase of an imaging study. Nullable, filled by the acquisition-metadata
 * ingest; IF NOT EXISTS because that work may add the same columns in its own migration.
 */
export class ImagingAcquisitionStrata1765740000000 implements MigrationInterface {
  name = 'ImagingAcquisitionStrata1765740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_model.imaging_studies ADD COLUMN IF NOT EXISTS reconstruction_kernel text`);
    await q.query(`ALTER TABLE read_model.imaging_studies ADD COLUMN IF NOT EXISTS contrast_phase text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_model.imaging_studies DROP COLUMN IF EXISTS contrast_phase`);
    await q.query(`ALTER TABLE read_model.imaging_studies DROP COLUMN IF EXISTS reconstruction_kernel`);
  }
}
