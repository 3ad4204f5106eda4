import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type JsonObject } from '#event-store';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { projections } from '../projector.module.js';
import { ProjectionRebuilder } from '../rebuild/projection-rebuilder.js';
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
    ds = await new DataSource(dataSourceOptions(db.appUrl)).initialize();
    store = new PostgresEventStore({ connectionString: db.eventStoreAppUrl, pollIntervalMs: 20 });
    registry = await writeSyntheticRegistry(store, { subjects: 120, seed: 7 });
  });
  /** Runs every projection live, in batches of at most `maxBatch` events, until it has applied the whole log. */
  const catchUp = async (maxBatch: number): Promise<void> => {
    const runners = all.map((p) => new ProjectionRunner(p, store, ds, quiet, { maxBatch }));
    runners.forEach((r) => r.start());
    await waitForCatchUp(ds, store, names);
    await Promise.all(runners.map((r) => r.stop()));
  };

  afterAll(async () => {
    await store.close();
    await ds.destroy();
    await db.drop();
  });

  it('project trials, subjects, measurements, catalogue and screening; a rebuild equals the live model', async () => {
    // Small batches so that corrections and the measurements they correct land in different transactions.
    await catchUp(37);

    const [trial] = (await ds.query(`SELECT * FROM read_model.trials WHERE trial_id = $1`, [registry.trialIds[0]])) as Record<string, unknown>[];
    expect(trial).toMatchObject({ status: 'enrolment_open', locked: false, phase: 'III' });
    expect((await ds.query(`SELECT count(*)::int AS n FROM read_model.trial_arms`))[0].n).toBe(4);
    expect((await ds.query(`SELECT count(*)::int AS n FROM read_model.trial_sites`))[0].n).toBe(6);
    expect((await ds.query(`SELECT count(*)::int AS n FROM read_model.subjects`))[0].n).toBe(120);

    // Every event made it: measurements and corrections against the log itself.
    const ofTypes = (...eventTypes: string[]) => store.countEvents({ filter: { eventTypes } });
    const [read] = (await ds.query(`
      SELECT (SELECT count(*) FROM read_model.measurements WHERE superseded_at IS NULL)::int AS current,
             (SELECT count(*) FROM read_model.measurements)::int AS versions,
             (SELECT coalesce(sum(correction_count), 0) FROM read_model.measurements WHERE superseded_at IS NULL)::int AS corrections`)) as Record<
      string,
      number
    >[];
    const counts: Record<string, number> = {
      ...read,
      recorded: await ofTypes('MeasurementRecorded'),
      changes: await ofTypes('MeasurementCorrected', 'MeasurementRetracted'),
      corrected: await ofTypes('MeasurementCorrected'),
    };
    expect(counts['current']).toBe(counts['recorded']);
    expect(counts['versions']).toBe(counts['recorded']! + counts['changes']!);
    expect(counts['corrections']).toBe(counts['corrected']);
    expect(counts['changes']).toBeGreaterThan(0);

    // Every measurement row carries its subject's arm, site and randomisation time as they are now, also the rows
    // recorded before the subject was randomised (some subjects are randomised after their baseline scan).
    const subjectColumnsDrift = `
      SELECT count(*) FILTER (WHERE (m.arm_code, m.subject_site_id, m.randomised_recorded_at) IS DISTINCT FROM (s.arm_code, s.site_id, s.randomised_recorded_at))::int AS drift,
             count(*) FILTER (WHERE m.recorded_at < s.randomised_recorded_at)::int AS before_randomisation,
             count(*) FILTER (WHERE m.arm_code IS NOT NULL)::int AS with_arm
        FROM read_model.measurements m JOIN read_model.subjects s USING (subject_id)`;
    const [carried] = (await ds.query(subjectColumnsDrift)) as Record<string, number>[];
    expect(carried!['drift']).toBe(0);
    expect(carried!['before_randomisation']).toBeGreaterThan(0);
    expect(carried!['with_arm']).toBe(counts['versions']);

    // A corrected value keeps its original beside it as an older version, closed when the correction was recorded.
    const [corrected] = await store.readAll({ filter: { eventTypes: ['MeasurementCorrected'] }, maxCount: 1 });
    const corr = { id: corrected!.data['measurementId'] as string, value: (corrected!.data['result'] as { value: number }).value };
    const versions = (await ds.query(
      `SELECT version, value, superseded_at, correction_count FROM read_model.measurements WHERE measurement_id = $1 ORDER BY version`,
      [corr!.id],
    )) as {
      version: number;
      value: number;
      superseded_at: Date | null;
      correction_count: number;
    }[];
    expect(versions.at(-1)).toMatchObject({ value: corr!.value, superseded_at: null });
    expect(versions[0]!.superseded_at).not.toBeNull();

    // Round counts equal the participant events of the log.
    const [roundRows] = (await ds.query(`
      SELECT (SELECT sum(invited) FROM read_model.screening_rounds)::int AS invited,
             (SELECT sum(screened) FROM read_model.screening_rounds)::int AS screened`)) as Record<string, number>[];
    const rounds: Record<string, number> = { ...roundRows, invitations: await ofTypes('ParticipantInvited'), screenings: await ofTypes('ScreeningRecorded') };
    expect(rounds['invited']).toBe(rounds['invitations']);
    expect(rounds['screened']).toBe(rounds['screenings']);
    // Screening milestones name their programme and round in columns (the KPIs' indexes), the others none.
    const milestoneScope = `
      SELECT count(*) FILTER (WHERE kind IN ('invited', 'interval_cancer') AND (programme_id, round_id) IS DISTINCT FROM
                                (details->>'programmeId', CASE kind WHEN 'invited' THEN details->>'roundId' ELSE details->>'precedingRoundId' END))::int AS drift,
             count(*) FILTER (WHERE kind NOT IN ('invited', 'interval_cancer') AND (programme_id IS NOT NULL OR round_id IS NOT NULL))::int AS stray,
             count(*) FILTER (WHERE kind = 'invited' AND programme_id IS NOT NULL)::int AS invited,
             count(*) FILTER (WHERE kind = 'interval_cancer' AND round_id IS NOT NULL)::int AS interval_cancers
        FROM read_model.subject_milestones`;
    const [scope] = (await ds.query(milestoneScope)) as Record<string, number>[];
    expect(scope).toMatchObject({ drift: 0, stray: 0, invited: rounds['invitations'], interval_cancers: await ofTypes('IntervalCancerReported') });
    const lineage = (await ds.query(`SELECT lineage FROM read_model.algorithm_versions ORDER BY position`)) as { lineage: string[] }[];
    expect(lineage.map((l) => l.lineage.length)).toEqual([1, 2, 3]);

    const live = await snapshotReadModel(ds, all);
    // Small pages here too, so that some subjects' baseline rows and their later randomisation land in different pages.
    await new ProjectionRebuilder(store, ds).rebuild(all, { batchSize: 53 });
    const rebuilt = await snapshotReadModel(ds, all);
    expect(rebuilt).toEqual(live);
    expect(((await ds.query(subjectColumnsDrift)) as Record<string, number>[])[0]!['drift']).toBe(0);
    expect((await ds.query(milestoneScope))[0]).toEqual(scope);
    // The swapped-in tables carry the migrations' index names: entities and schema still agree.
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it("moves a participant's measurement rows, every version, to the site of their latest screening", async () => {
    const subjectId = randomUUID();
    const measurementId = randomUUID();
    const programmeId = registry.programmeId;
    const screening = (siteId: string, roundId: string) => ({
      type: 'ScreeningRecorded',
      data: {
        subjectId,
        programmeId,
        roundId,
        screeningId: randomUUID(),
        siteId,
        modality: 'CT',
        humanReading: { result: 'negative', readerIds: ['reader-1'] },
        aiReading: null,
        occurredAt: '2025-03-01T10:00:00.000Z',
      },
    });
    const measurement = {
      subjectId,
      measurementId,
      trialId: null,
      programmeId,
      biomarkerId: registry.biomarkerIds[0]!,
      biomarkerVersion: 1,
      result: { kind: 'quantitative', originalValue: 40, originalUnit: 'cm2', value: 40, unit: 'cm2' },
      studyInstanceUid: '1.2.3.4',
      seriesInstanceUid: null,
      timePoint: 'baseline',
      lesion: null,
      method: 'ai',
      algorithmVersionId: null,
      readerId: null,
      plausibilityOverrideReason: null,
      occurredAt: '2025-03-01T10:00:00.000Z',
    };
    const append = async (type: string, data: Record<string, unknown>): Promise<void> => {
      await store.appendToStream(`subject-${subjectId}`, [{ id: randomUUID(), type, data: data as JsonObject }], { expectedRevision: 'any' });
    };
    await append('ParticipantInvited', { subjectId, programmeId, roundId: 'R1', pseudonym: 'P-site-move', occurredAt: '2025-02-01T10:00:00.000Z' });
    await append('MeasurementRecorded', measurement);
    const first = screening('SCREEN-A', 'R1');
    await append(first.type, first.data);
    await append('MeasurementCorrected', {
      subjectId,
      measurementId,
      result: { ...measurement.result, value: 41, originalValue: 41 },
      previousResult: measurement.result,
      reason: 'Re-segmented',
      plausibilityOverrideReason: null,
      correctedAt: '2025-03-02T10:00:00.000Z',
    });
    const second = screening('SCREEN-B', 'R2');
    await append(second.type, second.data);
    await append('IntervalCancerReported', {
      subjectId,
      programmeId,
      reportId: randomUUID(),
      precedingScreeningId: second.data.screeningId,
      precedingRoundId: 'R2',
      source: 'cancer_registry_linkage',
      stage: 'II',
      occurredAt: '2025-09-01T10:00:00.000Z',
    });

    // One event per batch: each change meets the rows stored by the batches before it.
    await catchUp(1);

    const rows = (await ds.query(`SELECT version, value, arm_code, subject_site_id FROM read_model.measurements WHERE measurement_id = $1 ORDER BY version`, [
      measurementId,
    ])) as Record<string, unknown>[];
    expect(rows).toEqual([
      { version: 0, value: 40, arm_code: null, subject_site_id: 'SCREEN-B' },
      { version: 1, value: 41, arm_code: null, subject_site_id: 'SCREEN-B' },
    ]);
    // The invitation's round and the round the interval cancer followed, as columns the programme-wide KPIs index.
    expect(
      await ds.query(
        `SELECT kind, programme_id, round_id FROM read_model.subject_milestones WHERE subject_id = $1 AND programme_id IS NOT NULL ORDER BY position`,
        [subjectId],
      ),
    ).toEqual([
      { kind: 'invited', programme_id: programmeId, round_id: 'R1' },
      { kind: 'interval_cancer', programme_id: programmeId, round_id: 'R2' },
    ]);
    const live = await snapshotReadModel(ds, all);
    await new ProjectionRebuilder(store, ds).rebuild(all, { batchSize: 500 });
    expect(await snapshotReadModel(ds, all)).toEqual(live);
  });
});
