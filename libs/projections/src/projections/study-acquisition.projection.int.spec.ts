import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore, type JsonObject } from '#event-store';
import {
  acquisitionProtocolDecider,
  fold,
  protocolInForce,
  studyDecider,
  type CorrectAcquisitionParameters,
  type RegisterImagingStudy,
  type StudyEvent,
} from '#domain';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { ProjectionRebuilder } from '../rebuild/projection-rebuilder.js';
import { ProjectionRunner } from '../subscription/projection-runner.js';
import { snapshotReadModel, waitForCatchUp } from '../testing/read-model-snapshot.js';
import { SubjectsProjection } from './subjects.projection.js';

const quiet = { log: () => undefined, error: () => undefined };
const meta = { commandId: 'c', actor: { id: 'a', role: 'coordinator' }, now: new Date('2025-06-01T10:00:00Z') };
const protocol = protocolInForce(
  fold(
    acquisitionProtocolDecider,
    acquisitionProtocolDecider.decide(
      { type: 'DeclareAcquisitionProtocol', trialId: 'T1', programmeId: null, name: 'Manual', rules: [{ modality: 'CT', kvp: { min: 100, max: 120 } }] },
      acquisitionProtocolDecider.initialState,
      meta,
    ),
  ),
);
const uid = (n: number) => `1.2.826.0.1.3680043.8.498.95${n}`;
const register = (n: number, kvp: number): RegisterImagingStudy => ({
  type: 'RegisterImagingStudy',
  studyInstanceUid: uid(n),
  subjectId: 'subj-1',
  modality: 'CT',
  acquisitionDateTime: '2025-05-01',
  siteId: 'S1',
  scanner: { manufacturer: 'Siemens', model: 'Force', softwareVersion: 'VA50' },
  kvp,
  reconstructionKernel: 'Br40d',
  contrastPhase: 'portal_venous',
  pixelSpacingMm: [0.7, 0.8],
  series: [{ seriesInstanceUid: `${uid(n)}.1`, sliceThicknessMm: 1 }],
});

/**
 * Study streams in the subjects projection: a registration with its flag in one append, a correction in a later
 * append (the stored row is updated once, by revision), an event from before the acquisition fields existed; the live
 * model equals a clean rebuild (which folds later events into rows it copies in the same page).
 */
describe('subjects projection: study acquisition, corrections and protocol deviations', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PostgresEventStore;
  const projection = new SubjectsProjection();

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.appUrl)).initialize();
    store = new PostgresEventStore({ connectionString: db.eventStoreAppUrl });
  });
  afterAll(async () => {
    await store.close();
    await ds.destroy();
    await db.drop();
  });

  const append = async (stream: string, events: readonly StudyEvent[]) =>
    store.appendToStream(
      stream,
      events.map((e) => ({
        id: randomUUID(),
        type: e.type,
        data: e.data as unknown as JsonObject,
        metadata: { actorId: 'a', actorRole: 'coordinator', schemaVersion: 1 },
      })),
      { expectedRevision: 'any' },
    );

  it('projects live as a rebuild does', async () => {
    const flagged = studyDecider.decide(register(1, 140), studyDecider.initialState, { ...meta, protocol });
    await append(`study-${uid(1)}`, flagged);
    const within = studyDecider.decide(register(2, 120), studyDecider.initialState, { ...meta, protocol });
    await append(`study-${uid(2)}`, within);
    const { acquisition: _none, ...older } = (within[0] as Extract<StudyEvent, { type: 'ImagingStudyRegistered' }>).data;
    await append(`study-${uid(3)}`, [{ type: 'ImagingStudyRegistered', data: { ...older, studyInstanceUid: uid(3) } }]);

    const runner = new ProjectionRunner(projection, store, ds, quiet);
    runner.start();
    await waitForCatchUp(ds, store, [projection.name]);
    const correction: CorrectAcquisitionParameters = { ...register(1, 110), type: 'CorrectAcquisitionParameters', reason: 'kVp mistyped' };
    await append(`study-${uid(1)}`, studyDecider.decide(correction, fold(studyDecider, flagged), { ...meta, protocol }));
    await waitForCatchUp(ds, store, [projection.name]);
    await runner.stop();

    const rows = (await ds.query(
      `SELECT study_instance_uid, kvp, scanner_software_version, reconstruction_kernel, contrast_phase, pixel_spacing_row_mm, pixel_spacing_column_mm,
              series, protocol_deviations, acquisition_correction_reason, last_revision
         FROM read_model.imaging_studies ORDER BY study_instance_uid`,
    )) as Record<string, unknown>[];
    expect(rows).toMatchObject([
      { study_instance_uid: uid(1), kvp: 110, protocol_deviations: null, acquisition_correction_reason: 'kVp mistyped', last_revision: '3' },
      {
        study_instance_uid: uid(2),
        kvp: 120,
        scanner_software_version: 'VA50',
        reconstruction_kernel: 'Br40d',
        contrast_phase: 'portal_venous',
        pixel_spacing_row_mm: 0.7,
        pixel_spacing_column_mm: 0.8,
        series: [{ seriesInstanceUid: `${uid(2)}.1`, sliceThicknessMm: 1 }],
        protocol_deviations: null,
      },
      { study_instance_uid: uid(3), kvp: 120, scanner_software_version: null, reconstruction_kernel: null, series: [] },
    ]);
    const milestones = (await ds.query(`SELECT kind, details->>'studyInstanceUid' AS uid FROM read_model.subject_milestones`)) as unknown[];
    expect(milestones).toEqual([{ kind: 'protocol_deviation', uid: uid(1) }]);

    const live = await snapshotReadModel(ds, [projection]);
    await new ProjectionRebuilder(store, ds).rebuild([projection]);
    expect(await snapshotReadModel(ds, [projection])).toEqual(live);
  });
});
