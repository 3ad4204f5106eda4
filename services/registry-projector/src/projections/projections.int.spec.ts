import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '#event-store';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { projections } from '../projector.module.js';
import { ProjectionRebuilder } from '../rebuild/projection-rebuilder.js';
import { PostgresEventLog } from '../subscription/event-log.js';
import { ProjectionRunner } from '../subscription/projection-runner.js';
import { snapshotReadModel, waitForCatchUp } from '../testing/read-model-snapshot.js';
import { writeSyntheticRegistry, type SyntheticRegistry } from '../testing/synthetic-registry.js';

const quiet = { log: () => undefined, error: () => undefined };

describe('read-model projections', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PostgresEventStore;
  let registry: SyntheticRegistry;
  const all = projections();
  const names = all.map((p) => p.name);

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url)).initialize();
    store = new PostgresEventStore({ connectionString: db.url, pollIntervalMs: 20 });
    registry = await writeSyntheticRegistry(store, { subjects: 120, seed: 7 });
  });
  afterAll(async () => {
    await store.close();
    await ds.destroy();
    await db.drop();
  });

  it('project trials, subjects, measurements, catalogue and screening; a rebuild equals the live model', async () => {
    // Small batches so that corrections and the measurements they correct land in different transactions.
    const log = new PostgresEventLog(store.pool);
    const runners = all.map((p) => new ProjectionRunner(p, log, ds, quiet, { maxBatch: 37 }));
    runners.forEach((r) => r.start());
    await waitForCatchUp(ds, names);
    await Promise.all(runners.map((r) => r.stop()));
    await log.close();

    const [trial] = (await ds.query(`SELECT * FROM read_model.trials WHERE trial_id = $1`, [registry.trialIds[0]])) as Record<string, unknown>[];
    expect(trial).toMatchObject({ status: 'enrolment_open', locked: false, phase: 'III' });
    expect((await ds.query(`SELECT count(*)::int AS n FROM read_model.trial_arms`))[0].n).toBe(4);
    expect((await ds.query(`SELECT count(*)::int AS n FROM read_model.trial_sites`))[0].n).toBe(6);
    expect((await ds.query(`SELECT count(*)::int AS n FROM read_model.subjects`))[0].n).toBe(120);

    // Every event made it: measurements and corrections against the log itself.
    const [counts] = (await ds.query(`
      SELECT (SELECT count(*) FROM event_store.events WHERE event_type = 'MeasurementRecorded')::int AS recorded,
             (SELECT count(*) FROM event_store.events WHERE event_type IN ('MeasurementCorrected', 'MeasurementRetracted'))::int AS changes,
             (SELECT count(*) FROM read_model.measurements WHERE superseded_at IS NULL)::int AS current,
             (SELECT count(*) FROM read_model.measurements)::int AS versions,
             (SELECT coalesce(sum(correction_count), 0) FROM read_model.measurements WHERE superseded_at IS NULL)::int AS corrections,
             (SELECT count(*) FROM event_store.events WHERE event_type = 'MeasurementCorrected')::int AS corrected`)) as Record<string, number>[];
    expect(counts!['current']).toBe(counts!['recorded']);
    expect(counts!['versions']).toBe(counts!['recorded']! + counts!['changes']!);
    expect(counts!['corrections']).toBe(counts!['corrected']);
    expect(counts!['changes']).toBeGreaterThan(0);

    // A corrected value keeps its original beside it as an older version, closed when the correction was recorded.
    const [corr] = (await ds.query(`
      SELECT e.data->>'measurementId' AS id, (e.data->'result'->>'value')::float AS value, e.recorded_at FROM event_store.events e
       WHERE e.event_type = 'MeasurementCorrected' ORDER BY e.global_position LIMIT 1`)) as { id: string; value: number; recorded_at: Date }[];
    const versions = (await ds.query(`SELECT version, value, superseded_at, correction_count FROM read_model.measurements WHERE measurement_id = $1 ORDER BY version`, [corr!.id])) as {
      version: number; value: number; superseded_at: Date | null; correction_count: number;
    }[];
    expect(versions.at(-1)).toMatchObject({ value: corr!.value, superseded_at: null });
    expect(versions[0]!.superseded_at).not.toBeNull();

    // Round counts equal the participant events of the log.
    const [rounds] = (await ds.query(`
      SELECT (SELECT sum(invited) FROM read_model.screening_rounds)::int AS invited,
             (SELECT sum(screened) FROM read_model.screening_rounds)::int AS screened,
             (SELECT count(*) FROM event_store.events WHERE event_type = 'ParticipantInvited')::int AS invitations,
             (SELECT count(*) FROM event_store.events WHERE event_type = 'ScreeningRecorded')::int AS screenings`)) as Record<string, number>[];
    expect(rounds!['invited']).toBe(rounds!['invitations']);
    expect(rounds!['screened']).toBe(rounds!['screenings']);
    const lineage = (await ds.query(`SELECT lineage FROM read_model.algorithm_versions ORDER BY position`)) as { lineage: string[] }[];
    expect(lineage.map((l) => l.lineage.length)).toEqual([1, 2, 3]);

    const live = await snapshotReadModel(ds, all);
    await new ProjectionRebuilder(new PostgresEventLog(store.pool), ds).rebuild(all, { batchSize: 500 });
    const rebuilt = await snapshotReadModel(ds, all);
    expect(rebuilt).toEqual(live);
    // The swapped-in tables carry the migrations' index names: entities and schema still agree.
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });
});
