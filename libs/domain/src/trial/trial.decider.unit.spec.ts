import { describe, expect, it } from '@jest/globals';
import { fold } from '../decider.js';
import { DomainError } from '../domain.errors.js';
import type { RegisterTrial, TrialCommand } from './trial.commands.js';
import { NO_LOCKS, lockLevelAt, normaliseTrialIdentifier, requireWritableTrial, trialDecider, trialFacts, trialIdentifierStreamId } from './trial.decider.js';
import type { TrialEvent, UnlockSignature } from './trial.events.js';
import { rejection } from '../testing/decider-testing.js';

const ctx = { commandId: 'c-1', actor: { id: 'u-1', role: 'coordinator' }, now: new Date('2025-06-01T10:00:00Z') };
const run = (given: readonly TrialEvent[], command: TrialCommand) => trialDecider.decide(command, fold(trialDecider, given), ctx);
/** Applies commands one after another, as the handler would, and returns the whole history. */
function history(...commands: TrialCommand[]): TrialEvent[] {
  return commands.reduce<TrialEvent[]>((events, c) => [...events, ...run(events, c)], []);
}

const T = 'onco-01';
const register: RegisterTrial = {
  type: 'RegisterTrial',
  trialId: T,
  identifiers: [
    { system: 'NCT', value: 'nct01234567' },
    { system: 'EU_CT', value: '2022-500014-26-00' },
  ],
  title: 'Body composition and outcome under immunotherapy',
  phase: 'III',
  sponsor: 'University Hospital',
  primaryEndpoint: 'Overall survival',
};
const addArm = (armCode: string): TrialCommand => ({
  type: 'AddTrialArm',
  trialId: T,
  armCode,
  name: `Arm ${armCode}`,
  armType: 'experimental',
  plannedSize: 120,
});
const site: TrialCommand = { type: 'ActivateTrialSite', trialId: T, siteId: 'site-1', name: 'Leiden', country: 'NL' };
const open: TrialCommand = { type: 'OpenEnrolment', trialId: T };
const lock: TrialCommand = { type: 'LockTrial', trialId: T, reason: 'Database lock for primary analysis' };
const signature: UnlockSignature = {
  signerId: 'u-1',
  signerName: 'Una One',
  meaning: 'RESPONSIBILITY',
  statement: 'I am responsible for reopening these records',
  signedAt: '2025-06-01T10:00:00.000Z',
  authenticationMethod: 'local_signing_password',
  authenticatedAt: '2025-06-01T10:00:00.000Z',
};

describe('trial decider', () => {
  it('registers a trial with normalised identifiers', () => {
    expect(run([], register)).toStrictEqual([
      {
        type: 'TrialRegistered',
        data: {
          trialId: T,
          identifiers: [
            { system: 'NCT', value: 'NCT01234567' },
            { system: 'EU_CT', value: '2022-500014-26-00' },
          ],
          title: register.title,
          phase: 'III',
          sponsor: 'University Hospital',
          primaryEndpoint: 'Overall survival',
          registeredAt: '2025-06-01T10:00:00.000Z',
        },
      },
    ]);
  });

  it('rejects malformed and repeated identifiers, and a second registration', () => {
    expect(rejection(() => run([], { ...register, identifiers: [{ system: 'NCT', value: 'NCT123' }] }))).toMatchObject({
      code: 'INVALID_TRIAL_IDENTIFIER',
      field: 'identifiers.0.value',
    });
    expect(
      rejection(() =>
        run([], {
          ...register,
          identifiers: [
            { system: 'NCT', value: 'NCT01234567' },
            { system: 'NCT', value: 'nct 0123 4567' },
          ],
        }),
      ),
    ).toMatchObject({ code: 'DUPLICATE_TRIAL_IDENTIFIER', field: 'identifiers.1' });
    expect(rejection(() => run(history(register), register))).toMatchObject({ code: 'TRIAL_ALREADY_REGISTERED' });
  });

  it('derives one reservation stream per identifier, whatever its spelling', () => {
    expect(trialIdentifierStreamId('NCT01234567')).toBe('trialidentifier-NCT.NCT01234567');
    expect(trialIdentifierStreamId(' nct0123 4567')).toBe(trialIdentifierStreamId('NCT01234567'));
    expect(trialIdentifierStreamId('2022-500014-26-00')).toBe('trialidentifier-EU_CT.2022-500014-26-00');
    expect(normaliseTrialIdentifier('2004-000123-45').system).toBe('EUDRACT');
    // Every reservation stream id must be accepted by the event store's `<category>-<id>` rule.
    expect(trialIdentifierStreamId({ system: 'OTHER', value: 'sponsor-prot.001' })).toMatch(/^[a-z][a-z0-9]*-[A-Za-z0-9][A-Za-z0-9._:-]*$/);
    expect(() => normaliseTrialIdentifier({ system: 'OTHER', value: 'PROT/2021/7' })).toThrow(DomainError);
  });

  it('adds arms with unique codes', () => {
    const events = history(register, addArm('A'));
    expect(events.at(-1)).toStrictEqual({
      type: 'TrialArmAdded',
      data: { trialId: T, armCode: 'A', name: 'Arm A', armType: 'experimental', plannedSize: 120 },
    });
    expect(rejection(() => run(events, addArm('A')))).toMatchObject({ code: 'DUPLICATE_ARM_CODE', field: 'armCode' });
    expect(run(events, addArm('constructor'))).toHaveLength(1);
    expect(rejection(() => run(events, { ...addArm('B'), plannedSize: 1.5 } as TrialCommand))).toMatchObject({ code: 'NOT_AN_INTEGER', field: 'plannedSize' });
    expect(rejection(() => run(events, { ...addArm('B'), armType: 'sham' } as unknown as TrialCommand))).toMatchObject({
      code: 'INVALID_ENUM_VALUE',
      field: 'armType',
    });
  });

  it('opens enrolment only with an arm and an active site, and only once', () => {
    expect(rejection(() => run(history(register, site), open))).toMatchObject({ code: 'TRIAL_HAS_NO_ARMS' });
    expect(rejection(() => run(history(register, addArm('A')), open))).toMatchObject({ code: 'NO_ACTIVE_SITE' });
    const opened = history(register, addArm('A'), site, open);
    expect(trialFacts(fold(trialDecider, opened))).toStrictEqual({
      trialId: T,
      locks: NO_LOCKS,
      enrolmentOpen: true,
      activeSiteIds: ['site-1'],
      armCodes: ['A'],
      timePointCodes: null,
    });
    expect(rejection(() => run(opened, open))).toMatchObject({ code: 'ENROLMENT_ALREADY_OPEN' });
    const closed = [...opened, ...run(opened, { type: 'CloseEnrolment', trialId: T })];
    expect(trialFacts(fold(trialDecider, closed))?.enrolmentOpen).toBe(false);
    expect(rejection(() => run(closed, { type: 'CloseEnrolment', trialId: T }))).toMatchObject({ code: 'ENROLMENT_NOT_OPEN' });
  });

  it('activates and closes sites', () => {
    const events = history(register, site);
    expect(rejection(() => run(events, site))).toMatchObject({ code: 'SITE_ALREADY_ACTIVE', field: 'siteId' });
    const closed = [...events, ...run(events, { type: 'CloseTrialSite', trialId: T, siteId: 'site-1', reason: 'PI left' })];
    expect(trialFacts(fold(trialDecider, closed))?.activeSiteIds).toEqual([]);
    expect(rejection(() => run(closed, { type: 'CloseTrialSite', trialId: T, siteId: 'site-1' }))).toMatchObject({ code: 'SITE_NOT_ACTIVE' });
  });

  it('defines a visit schedule with unique codes; a redefinition is a new version with a reason', () => {
    const schedule: TrialCommand = {
      type: 'DefineVisitSchedule',
      trialId: T,
      timePoints: [
        { code: 'BASELINE', label: 'Baseline', targetDay: -14, windowBeforeDays: 14, windowAfterDays: 0 },
        { code: 'W8', label: 'Week 8', targetDay: 56, windowBeforeDays: 7, windowAfterDays: 7 },
      ],
    };
    const events = history(register, schedule);
    expect(events.at(-1)).toMatchObject({ type: 'VisitScheduleDefined', data: { scheduleVersion: 1, reason: null } });
    expect(trialFacts(fold(trialDecider, events))?.timePointCodes).toEqual(['BASELINE', 'W8']);
    expect(rejection(() => run(events, schedule))).toMatchObject({ code: 'REASON_REQUIRED' });
    expect(run(events, { ...schedule, reason: 'Protocol amendment 2' })).toMatchObject([{ data: { scheduleVersion: 2 } }]);
    const dup = { ...schedule, timePoints: [schedule.timePoints[0]!, schedule.timePoints[0]!] };
    expect(rejection(() => run(history(register), dup))).toMatchObject({ code: 'DUPLICATE_TIME_POINT', field: 'timePoints.1.code' });
    const badWindow = { ...schedule, timePoints: [{ ...schedule.timePoints[0]!, windowAfterDays: -1 }] };
    expect(rejection(() => run(history(register), badWindow))).toMatchObject({ code: 'OUT_OF_RANGE', field: 'timePoints.0.windowAfterDays' });
  });

  it('records unblinding with a reason; subject scope names the subject', () => {
    const events = history(register);
    const unblind: TrialCommand = {
      type: 'RecordUnblinding',
      trialId: T,
      scope: 'subject',
      subjectId: 'subj-7',
      reason: 'SAE management',
      occurredAt: '2025-05-30',
    };
    expect(run(events, unblind)).toStrictEqual([
      { type: 'UnblindingRecorded', data: { trialId: T, scope: 'subject', subjectId: 'subj-7', reason: 'SAE management', occurredAt: '2025-05-30' } },
    ]);
    expect(rejection(() => run(events, { ...unblind, subjectId: null }))).toMatchObject({ code: 'SUBJECT_REQUIRED_FOR_SUBJECT_UNBLINDING' });
    expect(rejection(() => run(events, { ...unblind, reason: '' }))).toMatchObject({ code: 'REASON_REQUIRED' });
    expect(rejection(() => run(events, { ...unblind, occurredAt: '2025-07-01' }))).toMatchObject({ code: 'DATE_IN_FUTURE', field: 'occurredAt' });
  });

  it('rejects every write after a lock until an unlock with a reason', () => {
    const locked = history(register, addArm('A'), site, lock);
    for (const command of [addArm('B'), site, open, lock, { type: 'CloseTrialSite', trialId: T, siteId: 'site-1' } as TrialCommand]) {
      expect(rejection(() => run(locked, command))).toMatchObject({ code: 'TRIAL_LOCKED', field: 'trialId' });
    }
    expect(rejection(() => requireWritableTrial(trialFacts(fold(trialDecider, locked)), T))).toMatchObject({ code: 'TRIAL_LOCKED' });
    expect(rejection(() => run(locked, { type: 'UnlockTrial', trialId: T, reason: '', signature }))).toMatchObject({ code: 'REASON_REQUIRED' });
    const unlocked = [...locked, ...run(locked, { type: 'UnlockTrial', trialId: T, reason: 'Query on 3 CRFs', signature })];
    expect(run(unlocked, addArm('B'))).toHaveLength(1);
    expect(rejection(() => run(unlocked, { type: 'UnlockTrial', trialId: T, reason: 'x', signature }))).toMatchObject({ code: 'TRIAL_NOT_LOCKED' });
    expect(rejection(() => run(history(register), { ...lock, reason: ' ' }))).toMatchObject({ code: 'REASON_REQUIRED' });
  });

  describe('lock workflow (issue 18)', () => {
    const set = history(register, addArm('A'), site, { type: 'ActivateTrialSite', trialId: T, siteId: 'site-2', name: 'Leeds', country: 'GB' });
    const facts = (events: readonly TrialEvent[]) => trialFacts(fold(trialDecider, events))!;

    it('given a soft lock of the trial, when new data is entered, then TRIAL_LOCKED; a correction is still accepted', () => {
      const soft = [...set, ...run(set, { ...lock, level: 'soft' } as TrialCommand)];
      expect(soft.at(-1)).toStrictEqual({
        type: 'TrialLocked',
        data: { trialId: T, reason: 'Database lock for primary analysis', lockedAt: '2025-06-01T10:00:00.000Z', level: 'soft', scope: 'trial', ids: [] },
      });
      expect(rejection(() => requireWritableTrial(facts(soft), T, 'trialId', { siteId: 'site-1' }))).toMatchObject({ code: 'TRIAL_LOCKED' });
      expect(requireWritableTrial(facts(soft), T, 'trialId', { siteId: 'site-1', correction: true }).trialId).toBe(T);
      expect(rejection(() => run(soft, addArm('B')))).toMatchObject({ code: 'TRIAL_LOCKED' });
      expect(rejection(() => run(soft, { ...lock, level: 'soft' } as TrialCommand))).toMatchObject({ code: 'LOCK_ALREADY_APPLIED' });
    });

    it('given a soft lock, when hard-locked, then every write is refused, corrections too, and no further lock is taken', () => {
      const soft = [...set, ...run(set, { ...lock, level: 'soft' } as TrialCommand)];
      const hard = [...soft, ...run(soft, { ...lock, level: 'hard' } as TrialCommand)];
      expect(lockLevelAt(facts(hard).locks)).toBe('hard');
      expect(rejection(() => requireWritableTrial(facts(hard), T, 'trialId', { correction: true }))).toMatchObject({ code: 'TRIAL_LOCKED' });
      expect(rejection(() => run(hard, { ...lock, level: 'soft' } as TrialCommand))).toMatchObject({ code: 'TRIAL_LOCKED' });
    });

    it('given a site lock, then only that site is locked; given a batch of subjects, then each of them is', () => {
      const siteLocked = [...set, ...run(set, { type: 'LockTrial', trialId: T, reason: 'Site close-out', level: 'hard', scope: 'site', ids: ['site-1'] })];
      expect(rejection(() => requireWritableTrial(facts(siteLocked), T, 'trialId', { siteId: 'site-1' }))).toMatchObject({ code: 'TRIAL_LOCKED' });
      expect(requireWritableTrial(facts(siteLocked), T, 'trialId', { siteId: 'site-2' }).trialId).toBe(T);
      // Trial set-up stays open while only a site is locked.
      expect(run(siteLocked, addArm('B'))).toHaveLength(1);
      const batch = run(set, { type: 'LockTrial', trialId: T, reason: 'Casebooks complete', level: 'soft', scope: 'subject', ids: ['s-1', 's-2'] });
      expect(batch).toHaveLength(1);
      const locks = facts([...set, ...batch]).locks;
      expect([lockLevelAt(locks, { subjectId: 's-1' }), lockLevelAt(locks, { subjectId: 's-2' }), lockLevelAt(locks, { subjectId: 's-3' })]).toStrictEqual([
        'soft',
        'soft',
        null,
      ]);
      expect(rejection(() => run(set, { type: 'LockTrial', trialId: T, reason: 'x', scope: 'site', ids: ['site-9'] }))).toMatchObject({
        code: 'SITE_NOT_ACTIVE',
        field: 'ids.0',
      });
      expect(rejection(() => run(set, { type: 'LockTrial', trialId: T, reason: 'x', scope: 'subject', ids: [] }))).toMatchObject({ field: 'ids' });
    });

    it('given a hard lock, when unlocked without a signature or a reason, then refused; with both, then the lock is lifted and the signature kept', () => {
      const hard = [...set, ...run(set, lock)];
      expect(rejection(() => run(hard, { type: 'UnlockTrial', trialId: T, reason: 'Query on 3 CRFs' }))).toMatchObject({
        code: 'UNLOCK_SIGNATURE_REQUIRED',
        field: 'signature',
      });
      expect(rejection(() => run(hard, { type: 'UnlockTrial', trialId: T, reason: '', signature }))).toMatchObject({ code: 'REASON_REQUIRED' });
      const [unlocked] = run(hard, { type: 'UnlockTrial', trialId: T, reason: 'Query on 3 CRFs', signature });
      expect(unlocked).toStrictEqual({
        type: 'TrialUnlocked',
        data: { trialId: T, reason: 'Query on 3 CRFs', unlockedAt: '2025-06-01T10:00:00.000Z', scope: 'trial', ids: [], signature },
      });
      expect(lockLevelAt(facts([...hard, unlocked!]).locks)).toBeNull();
      expect(() => run(hard, { type: 'UnlockTrial', trialId: T, reason: 'x', signature: { ...signature, signerId: 'someone-else' } })).toThrow();
    });

    it('given a lock written before issue 18 (no level, no scope), then it is a hard lock of the whole trial', () => {
      const old = [...set, { type: 'TrialLocked', data: { trialId: T, reason: 'old', lockedAt: '2024-01-01T00:00:00.000Z' } } as TrialEvent];
      expect(facts(old).locks).toStrictEqual({ ...NO_LOCKS, trial: 'hard' });
    });
  });

  it('rejects commands on a trial that does not exist', () => {
    expect(rejection(() => run([], addArm('A')))).toMatchObject({ code: 'TRIAL_NOT_FOUND', field: 'trialId' });
    expect(rejection(() => requireWritableTrial(undefined, T))).toMatchObject({ code: 'TRIAL_NOT_FOUND' });
  });
});
