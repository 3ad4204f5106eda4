import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { PostgresEventStore, type EventData, type JsonObject } from '#event-store';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { ProjectionRebuilder } from '../rebuild/projection-rebuilder.js';
import { ProjectionRunner } from '../subscription/projection-runner.js';
import { snapshotReadModel, waitForCatchUp } from '../testing/read-model-snapshot.js';
import { AuditMembershipProjection } from './audit-membership.projection.js';

const quiet = { log: () => undefined, error: () => undefined };
const e = (type: string, data: JsonObject): EventData => ({ id: randomUUID(), type, data });

describe('audit-membership projection', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PostgresEventStore;
  const projection = new AuditMembershipProjection();

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url)).initialize();
    store = new PostgresEventStore({ connectionString: db.eventStoreUrl, pollIntervalMs: 20 });
    // Links before memberships and memberships before links, across batches: a study registered (in this synthetic
    // log) before its subject's enrolment, a study tied by a later measurement, and a chain two links deep.
    await store.appendToStream('trial-T1', [e('TrialRegistered', { trialId: 'T1' })], { expectedRevision: 'no_stream' });
    await store.appendToStream('study-1.1', [e('ImagingStudyRegistered', { studyInstanceUid: '1.1', subjectId: 'S1' })], { expectedRevision: 'no_stream' });
    await store.appendToStream('subject-S1', [e('SubjectEnrolled', { subjectId: 'S1', trialId: 'T1' })], { expectedRevision: 'no_stream' });
    await store.appendToStream('study-1.2', [e('ImagingStudyRegistered', { studyInstanceUid: '1.2', subjectId: null })], { expectedRevision: 'no_stream' });
    await store.appendToStream(
      'subject-S1',
      [e('MeasurementRecorded', { subjectId: 'S1', trialId: 'T1', studyInstanceUid: '1.2' }), e('SubjectErased', { subjectId: 'S1', reason: 'r' })],
      { expectedRevision: 0n },
    );
    await store.appendToStream('later-X1', [e('SomethingAboutAStudy', { subjectId: 'S9' })], { expectedRevision: 'no_stream' });
    await store.appendToStream('subject-S9', [e('ParticipantInvited', { subjectId: 'S9', programmeId: 'P1' })], { expectedRevision: 'no_stream' });
    await store.appendToStream('subject-S2', [e('SubjectEnrolled', { subjectId: 'S2', trialId: 'T2' })], { expectedRevision: 'no_stream' });
    await store.appendToStream('actor-a1', [e('RoleGranted', { actorId: 'a1', trials: ['T1'] })], { expectedRevision: 'no_stream' });
  });
  afterAll(async () => {
    await store.close();
    await ds.destroy();
    await db.drop();
  });

  const members = async () =>
    ((await ds.query(`SELECT scope_kind || ':' || scope_id || ' ' || stream_id AS m FROM read_model.audit_stream_members ORDER BY 1`)) as { m: string }[]).map(
      (r) => r.m,
    );

  it('follows links whichever comes first, one event per batch; a rebuild gives the same rows', async () => {
    const runner = new ProjectionRunner(projection, store, ds, quiet, { maxBatch: 1 });
    runner.start();
    await waitForCatchUp(ds, store, [projection.name]);
    await runner.stop();
    expect(await members()).toEqual([
      'programme:P1 later-X1',
      'programme:P1 subject-S9',
      'trial:T1 study-1.1',
      'trial:T1 study-1.2',
      'trial:T1 subject-S1',
      'trial:T1 trial-T1',
      'trial:T2 subject-S2',
    ]);
    const live = await snapshotReadModel(ds, [projection]);
    await new ProjectionRebuilder(store, ds).rebuild([projection], { batchSize: 1000 });
    expect(await snapshotReadModel(ds, [projection])).toEqual(live);
  });
});
