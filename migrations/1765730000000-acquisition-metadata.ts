import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Acquisition and harmonisation metadata (issue 19): the further acquisition parameters of imaging studies (with the
 * per-series list and the protocol deviation that holds, if any), the extraction method of measurements, and the
 * acquisition protocols of trials and programmes. Existing rows get nulls: the events they came from carry none.
 */
export class AcquisitionMetadata1765730000000 implements MigrationInterface {
  name = 'AcquisitionMetadata1765730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE read_model.imaging_studies
         ADD COLUMN scanner_software_version text,
         ADD COLUMN tube_current_ma double precision,
         ADD COLUMN reconstruction_kernel text,
         ADD COLUMN contrast_phase text,
         ADD COLUMN pixel_spacing_row_mm double precision,
         ADD COLUMN pixel_spacing_column_mm double precision,
         ADD COLUMN field_strength_t double precision,
         ADD COLUMN protocol_name text,
         ADD COLUMN series jsonb NOT NULL DEFAULT '[]',
         ADD COLUMN protocol_deviations jsonb,
         ADD COLUMN protocol_version int,
         ADD COLUMN acquisition_correction_reason text,
         ADD COLUMN last_revision bigint NOT NULL DEFAULT 0`,
    );
    await q.query(
      `ALTER TABLE read_model.measurements
         ADD COLUMN extraction_software text,
         ADD COLUMN extraction_software_version text,
         ADD COLUMN ibsi_compliant boolean,
         ADD COLUMN segmentation_method text,
         ADD COLUMN segmentation_algorithm text,
         ADD COLUMN segmentation_algorithm_version text,
         ADD COLUMN harmonisation_method text,
         ADD COLUMN harmonisation_reference_batch text`,
    );
    await q.query(
      `CREATE TABLE read_model.acquisition_protocols (
        scope_kind text NOT NULL,
        scope_id text NOT NULL,
        protocol_version int NOT NULL,
        name text NOT NULL,
        rules jsonb NOT NULL,
        change_reason text,
        updated_at timestamptz NOT NULL,
        position bigint NOT NULL,
        CONSTRAINT "PK_acquisition_protocols" PRIMARY KEY (scope_kind, scope_id)
      )`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE read_model.acquisition_protocols`);
    await q.query(
      `ALTER TABLE read_model.measurements
         DROP COLUMN extraction_software, DROP COLUMN extraction_software_version, DROP COLUMN ibsi_compliant,
         DROP COLUMN segmentation_method, DROP COLUMN segmentation_algorithm, DROP COLUMN segmentation_algorithm_version,
         DROP COLUMN harmonisation_method, DROP COLUMN harmonisation_reference_batch`,
    );
    await q.query(
      `ALTER TABLE read_model.imaging_studies
         DROP COLUMN scanner_software_version, DROP COLUMN tube_current_ma, DROP COLUMN reconstruction_kernel,
         DROP COLUMN contrast_phase, DROP COLUMN pixel_spacing_row_mm, DROP COLUMN pixel_spacing_column_mm, DROP COLUMN field_strength_t, DROP COLUMN protocol_name,
         DROP COLUMN series, DROP COLUMN protocol_deviations, DROP COLUMN protocol_version,
         DROP COLUMN acquisition_correction_reason, DROP COLUMN last_revision`,
    );
  }
}
