import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { trialDecider, trialStreamId, type SubjectCommand, type TrialCommand } from '#domain';
import { InMemoryEventStore, type ReadStreamOptions, type RecordedEvent } from '#event-store';
import type { Role, VerifiedActor } from '../auth/actor.js';
import { ApiError } from '../graphql/error-mapping.js';
import { originFor } from '../commands/command-origin.js';
import { CommandRunner } from '../commands/command-runner.js';
import { SubjectCommandHandler, SubjectCommandMessage } from './subject-command.handler.js';

/** An in-memory store that notes every stream read, to see what a denied command read before it was refused. */
class ReadRecordingStore extends InMemoryEventStore {
  readonly reads: { streamId: string; maxCount: number | undefined }[] = [];
  override async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.reads.push({ streamId, maxCount: options.maxCount });
    return super.readStream(streamId, options);
  }
}

const T = 'onco-01';
const actor = (role: Role, scopes: Partial<VerifiedActor['scopes']>, id = `${role}-1`): VerifiedActor => ({
  id,
  role,
  scopes: { trials: [], programmes: [], sites: [], ...scopes },
  issuer: 'test',
  unauthenticated: false,
});
const coordinator = actor('coordinator', { trials: [T], sites: ['site-1'] });

async function setUp() {
  const store = new ReadRecordingStore();
  const runner = new CommandRunner(store, () => new Date('2025-06-01T10:00:00Z'));
  const handler = new SubjectCommandHandler(runner);
  const trial: TrialCommand[] = [
    {
      type: 'RegisterTrial',
      trialId: T,
      identifiers: [{ system: 'NCT', value: 'NCT01234567' }],
      title: 'Onco 01',
      phase: 'III',
      sponsor: 'Acme',
      primaryEndpoint: 'PFS',
    },
    { type: 'AddTrialArm', trialId: T, armCode: 'A', name: 'Drug', armType: 'experimental', plannedSize: 100 },
    { type: 'ActivateTrialSite', trialId: T, siteId: 'site-1', name: 'Site 1' },
    { type: 'OpenEnrolment', trialId: T },
  ];
  for (const command of trial)
    await runner.run({
      streamId: trialStreamId(T),
      decider: trialDecider,
      command,
      origin: originFor(actor('admin', {}), { commandId: randomUUID() }, 'seed'),
    });
  const send = (who: VerifiedActor, command: SubjectCommand) =>
    handler.execute(new SubjectCommandMessage(command, originFor(who, { commandId: randomUUID() }, 'corr'), who));
  const subjectId = `subj-${randomUUID().slice(0, 8)}`;
  await send(coordinator, {
    type: 'EnrolSubject',
    subjectId,
    trialId: T,
    pseudonym: 'ONC-A1B2',
    siteId: 'site-1',
    consentVersion: 'v1',
    consentDate: '2025-03-01',
  });
  // A history that a denied caller must not make the handler fold.
  await send(coordinator, { type: 'RandomiseSubject', subjectId, armCode: 'A', stratum: 'ECOG 0-1', randomisedAt: '2025-03-02' } as SubjectCommand);
  return { store, send, subjectId };
}

const measurement = (subjectId: string): SubjectCommand => ({
  type: 'RecordMeasurement',
  subjectId,
  measurementId: `m-${randomUUID()}`,
  biomarkerId: 'lesion-ld',
  biomarkerVersion: 1,
  value: { value: 2.35, unit: 'cm' },
  studyInstanceUid: '1.2.826.0.1.3680043.8.498.1001',
  timePoint: 'BASELINE',
  method: 'manual',
  readerId: 'reader-9',
});

describe('subject commands decide access before loading the subject', () => {
  it.each([
    ['a coordinator of another trial', actor('coordinator', { trials: ['onco-02'], sites: ['*'] }, 'coordinator-2')],
    ['a reader of another site', actor('reader', { sites: ['site-9'] }, 'reader-9')],
    ['a screening manager (wrong side)', actor('screening_manager', { programmes: ['*'] })],
  ])('refuses %s after reading only the subject as created: no history, no fact streams', async (_label, who) => {
    const { store, send, subjectId } = await setUp();
    store.reads.length = 0;
    const err = await send(who, measurement(subjectId)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('FORBIDDEN');
    expect(store.reads).toEqual([{ streamId: `subject-${subjectId}`, maxCount: 1 }]);
  });

  it('reads the same for an unknown subject id, and answers the same', async () => {
    const { store, send } = await setUp();
    const who = actor('coordinator', { trials: ['onco-02'], sites: ['*'] }, 'coordinator-2');
    store.reads.length = 0;
    const unknown = `subj-${randomUUID().slice(0, 8)}`;
    const err = await send(who, measurement(unknown)).catch((e: unknown) => e);
    expect((err as ApiError).code).toBe('FORBIDDEN');
    expect(store.reads).toEqual([{ streamId: `subject-${unknown}`, maxCount: 1 }]);
  });
});
