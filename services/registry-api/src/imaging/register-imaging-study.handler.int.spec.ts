import { randomUUID } from 'node:crypto';
import { testUnlockSignature } from '../../../../libs/domain/src/testing/unlock-signature.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DomainError, type RegisterImagingStudy } from '#domain';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import type { VerifiedActor } from '../auth/actor.js';
import { createCommandContext, type CommandContext } from '../commands/command-context.js';
import { inProcessActor, originFor } from '../commands/command-origin.js';
import { ScreeningProgrammeCommand } from '../screening/manage-screening-programme.handler.js';
import { ScreeningCommandsModule } from '../screening/screening-commands.module.js';
import { SubjectCommandMessage } from '../subjects/subject-command.handler.js';
import { SubjectsCommandsModule } from '../subjects/subjects-commands.module.js';
import { ChangeTrialCommand } from '../trials/change-trial.handler.js';
import { RegisterTrialCommand } from '../trials/register-trial.handler.js';
import { TrialsCommandsModule } from '../trials/trials-commands.module.js';
import { ImagingCommandsModule } from './imaging-commands.module.js';
import { RegisterImagingStudyCommand } from './register-imaging-study.handler.js';

const TRIAL = 'T-IMG';
const PROGRAMME = 'P-IMG';
const coordinator = inProcessActor('coord', 'coordinator', { trials: [TRIAL], sites: ['S1'] });
const manager = inProcessActor('mgr', 'screening_manager', { programmes: [PROGRAMME] });
const reader = inProcessActor('reader', 'reader', { sites: ['S1'] });
const origin = (actor: VerifiedActor, commandId: string = randomUUID()) => originFor(actor, { commandId }, 'corr');

let uidCounter = 0;
const nextUid = () => `1.2.826.0.1.3680043.8.498.${Date.now()}.${++uidCounter}`;
const study = (extra: Partial<RegisterImagingStudy> = {}): RegisterImagingStudy => ({
  type: 'RegisterImagingStudy',
  studyInstanceUid: nextUid(),
  modality: 'CT',
  acquisitionDateTime: '2025-03-04T09:30:00+01:00',
  siteId: 'S1',
  scanner: { manufacturer: 'Siemens', model: 'SOMATOM Force' },
  sliceThicknessMm: 1.5,
  kvp: 120,
  contrast: 'iv',
  ...extra,
});

describe('registerImagingStudy handler (PostgreSQL)', () => {
  let db: TestDatabase;
  let ctx: CommandContext;
  const trialSubject = randomUUID();
  const participant = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase();
    ctx = await createCommandContext({
      databaseUrl: db.eventStoreUrl,
      modules: [TrialsCommandsModule, ScreeningCommandsModule, SubjectsCommandsModule, ImagingCommandsModule],
    });
    const send = (m: object) => ctx.bus.execute(m as RegisterTrialCommand);
    await send(
      new RegisterTrialCommand(
        {
          type: 'RegisterTrial',
          trialId: TRIAL,
          identifiers: [{ system: 'NCT', value: 'NCT09999999' }],
          title: 'T',
          phase: 'II',
          sponsor: 'S',
          primaryEndpoint: 'PFS',
        },
        origin(coordinator),
        coordinator,
      ),
    );
    for (const c of [
      { type: 'AddTrialArm', trialId: TRIAL, armCode: 'A', name: 'A', armType: 'experimental', plannedSize: 10 },
      { type: 'ActivateTrialSite', trialId: TRIAL, siteId: 'S1', name: 'Site 1' },
      { type: 'OpenEnrolment', trialId: TRIAL },
    ] as const) {
      await send(new ChangeTrialCommand(c, origin(coordinator), coordinator));
    }
    await send(
      new SubjectCommandMessage(
        {
          type: 'EnrolSubject',
          subjectId: trialSubject,
          trialId: TRIAL,
          pseudonym: 'SUBJ-0001',
          siteId: 'S1',
          consentVersion: 'v1',
          consentDate: '2025-01-10',
        },
        origin(coordinator),
        coordinator,
      ),
    );
    await send(
      new ScreeningProgrammeCommand(
        {
          type: 'DefineScreeningProgramme',
          programmeId: PROGRAMME,
          name: 'Lung',
          cancerType: 'lung',
          targetPopulation: 'Smokers',
          ageRange: { min: 50, max: 80 },
          intervalMonths: 12,
          kpiTargets: [],
        },
        origin(manager),
        manager,
      ),
    );
    await send(
      new ScreeningProgrammeCommand(
        { type: 'OpenScreeningRound', programmeId: PROGRAMME, roundId: 'R1', name: 'R1', opensOn: '2025-01-01' },
        origin(manager),
        manager,
      ),
    );
    await send(
      new SubjectCommandMessage(
        { type: 'InviteParticipant', subjectId: participant, programmeId: PROGRAMME, roundId: 'R1', pseudonym: 'LCS-000001', invitedOn: '2025-01-15' },
        origin(manager),
        manager,
      ),
    );
  });
  afterAll(async () => {
    await ctx?.close();
    await db?.drop();
  });

  const register = (command: RegisterImagingStudy, actor: VerifiedActor, commandId?: string) =>
    ctx.bus.execute(new RegisterImagingStudyCommand(command, origin(actor, commandId), actor));
  const count = async () => await ctx.store.countEvents();
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'OK',
      (e: DomainError) => e.code,
    );

  it('registers a study of a trial subject (id = the UID); the same UID again is DUPLICATE_STUDY_UID; a repeated commandId replays', async () => {
    const command = study({ subjectId: trialSubject });
    const commandId = randomUUID();
    const receipt = await register(command, coordinator, commandId);
    expect(receipt).toMatchObject({
      id: command.studyInstanceUid,
      streamId: `study-${command.studyInstanceUid}`,
      version: 0,
      events: ['ImagingStudyRegistered'],
    });
    const before = await count();
    expect(await register(command, coordinator, commandId)).toMatchObject({ replayed: true, globalPosition: receipt.globalPosition });
    expect(await codeOf(register(command, coordinator))).toBe('DUPLICATE_STUDY_UID');
    expect(await count()).toBe(before);
  });

  it('two concurrent registrations of one UID: exactly one event', async () => {
    const command = study({ subjectId: trialSubject });
    const results = await Promise.all([codeOf(register(command, coordinator)), codeOf(register(command, reader))]);
    expect(results.sort()).toEqual(['DUPLICATE_STUDY_UID', 'OK']);
    expect(await ctx.store.readStream(`study-${command.studyInstanceUid}`)).toHaveLength(1);
  });

  it.each([
    ['a coordinator at a site it is not granted', coordinator, { siteId: 'S2' }],
    ['a coordinator for a screening participant', coordinator, { subjectId: participant }],
    ['a coordinator for an unknown subject', coordinator, { subjectId: 'nobody' }],
    ['a reader at another site', reader, { siteId: 'S2', subjectId: trialSubject }],
    ['a screening manager without a subject', manager, {}],
    ['a screening manager for a trial subject', manager, { subjectId: trialSubject }],
    ['a manager of another programme', inProcessActor('m2', 'screening_manager', { programmes: ['OTHER'] }), { subjectId: participant }],
    ['a coordinator of another trial', inProcessActor('c2', 'coordinator', { trials: ['OTHER'], sites: ['*'] }), { subjectId: trialSubject }],
  ] as const)('refuses %s with FORBIDDEN and writes nothing', async (_name, actor, extra) => {
    const before = await count();
    expect(await codeOf(register(study(extra), actor))).toBe('FORBIDDEN');
    expect(await count()).toBe(before);
  });

  it('lets a reader at the site and a manager of the participant’s programme register', async () => {
    expect(await codeOf(register(study({ subjectId: trialSubject }), reader))).toBe('OK');
    expect(await codeOf(register(study(), reader))).toBe('OK');
    expect(await codeOf(register(study({ subjectId: participant, siteId: 'SCREEN-1', modality: 'CT' }), manager))).toBe('OK');
  });

  it('refuses an invalid UID, a future acquisition and an unknown subject (for an unconfined caller) with the field', async () => {
    const admin = inProcessActor('admin', 'admin');
    const err = (p: Promise<unknown>) => p.catch((e: DomainError) => ({ code: e.code, field: e.field }));
    expect(await err(register(study({ studyInstanceUid: '1.2.03.4' }), admin))).toMatchObject({ field: 'studyInstanceUid' });
    expect(await err(register(study({ acquisitionDateTime: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) }), admin))).toEqual({
      code: 'DATE_IN_FUTURE',
      field: 'acquisitionDateTime',
    });
    expect(await err(register(study({ subjectId: 'nobody' }), admin))).toEqual({ code: 'SUBJECT_NOT_FOUND', field: 'subjectId' });
  });

  it('refuses a study of a subject whose trial is locked (TRIAL_LOCKED)', async () => {
    await ctx.bus.execute(new ChangeTrialCommand({ type: 'LockTrial', trialId: TRIAL, reason: 'lock' }, origin(coordinator), coordinator));
    try {
      expect(await codeOf(register(study({ subjectId: trialSubject }), coordinator))).toBe('TRIAL_LOCKED');
    } finally {
      await ctx.bus.execute(
        new ChangeTrialCommand(
          { type: 'UnlockTrial', trialId: TRIAL, reason: 'unlock', signature: testUnlockSignature(coordinator.id) },
          origin(coordinator),
          coordinator,
        ),
      );
    }
  });
});
