import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Coded concepts on biomarker definitions (BiomarkerDefined / BiomarkerRevised `codedConcepts`), so DICOM SR and FHIR
 * measurements map to the biomarker that carries their concept code. A jsonb list on the biomarker row with a GIN
 * index (jsonb_path_ops) serves `coded_concepts @> '[{"scheme":…,"value":…}]'`. Events written before coded concepts
 * existed carry none, which is the column's default: a rebuild gives the same rows, so the projection needs none.
 */
export class BiomarkerCodedConcepts1765405000000 implements MigrationInterface {
  name = 'BiomarkerCodedConcepts1765405000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE read_model.biomarkers ADD COLUMN coded_concepts jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`CREATE INDEX biomarkers_coded_concepts ON read_model.biomarkers USING gin (coded_concepts jsonb_path_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX read_model.biomarkers_coded_concepts`);
    await q.query(`ALTER TABLE read_model.biomarkers DROP COLUMN coded_concepts`);
  }
}
