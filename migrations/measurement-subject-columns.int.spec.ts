import { describe, expect, it } from '@jest/globals';
import { useTestDataSource } from '../test/support/test-data-source.js';

describe('migration MeasurementSubjectColumns', () => {
  const database = useTestDataSource();

  it("fills existing measurement rows with their subject's arm, site and randomisation time, and reverts cleanly", async () => {
    // Back to the schema before this migration (and before any that came after it).
    const applied = async (): Promise<string[]> => ((await database.ds.query(`SELECT name FROM migrations`)) as { name: string }[]).map((r) => r.name);
    while ((await applied()).includes('MeasurementSubjectColumns1764310000000')) await database.ds.undoLastMigration({ transaction: 'each' });
    await database.ds.query(`
      INSERT INTO read_model.subjects (subject_id, kind, trial_id, pseudonym, site_id, arm_code, status, randomised_recorded_at, position, last_revision, updated_at)
      VALUES ('s-randomised', 'trial', 't-1', 'P1', 'SITE-1', 'B', 'randomised', '2025-01-02T03:04:05.678Z', 1, 1, now()),
             ('s-enrolled', 'trial', 't-1', 'P2', 'SITE-2', NULL, 'enrolled', NULL, 2, 0, now())`);
    const measurement = (id: string, subject: string, version: number) => `
      ('${id}', ${version}, ${version + 10}, '${subject}', 't-1', 'bm-1', 1, 'quantitative', 1.5, 'cm2', '1.2.3', 'baseline', 'ai',
       '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', 0, false)`;
    await database.ds.query(`
      INSERT INTO read_model.measurements (measurement_id, version, position, subject_id, trial_id, biomarker_id, biomarker_version, value_kind, value, unit,
             study_instance_uid, time_point, method, occurred_at, recorded_at, version_recorded_at, correction_count, retracted)
      VALUES ${[measurement('m-1', 's-randomised', 0), measurement('m-1', 's-randomised', 1), measurement('m-2', 's-enrolled', 0)].join(', ')}`);

    await database.ds.runMigrations({ transaction: 'each' });
    const rows = (await database.ds.query(
      `SELECT measurement_id, version, arm_code, subject_site_id, randomised_recorded_at FROM read_model.measurements ORDER BY measurement_id, version`,
    )) as Record<string, unknown>[];
    expect(rows).toEqual([
      { measurement_id: 'm-1', version: 0, arm_code: 'B', subject_site_id: 'SITE-1', randomised_recorded_at: new Date('2025-01-02T03:04:05.678Z') },
      { measurement_id: 'm-1', version: 1, arm_code: 'B', subject_site_id: 'SITE-1', randomised_recorded_at: new Date('2025-01-02T03:04:05.678Z') },
      { measurement_id: 'm-2', version: 0, arm_code: null, subject_site_id: 'SITE-2', randomised_recorded_at: null },
    ]);
    const pending = await database.ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });
});
