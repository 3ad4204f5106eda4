import { describe, expect, it } from '@jest/globals';
import { fold } from '../decider.js';
import type { ProgrammeFacts } from '../programme/programme.decider.js';
import { NO_LOCKS, type TrialFacts } from '../trial/trial.decider.js';
import { pseudonymLinkageDecider, type RecordPseudonymLinkage } from './pseudonym-linkage.decider.js';
import type { EnrolSubject, InviteParticipant, SubjectCommand, SubjectPrivacyCommand } from './subject.commands.js';
import { subjectDecider, type SubjectDecisionContext } from './subject.decider.js';
import type { SubjectEvent } from './subject.events.js';
import { personalKeyId, type PersonalDataEnvelope } from './subject.personal.js';
import { subjectPrivacyDecider, type SubjectPrivacyContext } from './subject.privacy.decider.js';
import { rejection } from '../testing/decider-testing.js';

const NOW = new Date('2025-06-01T10:00:00Z');
const trial: TrialFacts = {
  trialId: 'onco-01',
  locks: NO_LOCKS,
  enrolmentOpen: true,
  activeSiteIds: ['site-1'],
  armCodes: ['A'],
  timePointCodes: ['BASELINE'],
};
const programme: ProgrammeFacts = {
  programmeId: 'bcs-nl',
  cancerType: 'breast',
  rounds: { r1: { roundNumber: 1, status: 'open', opensOn: '2025-01-06', closesOn: null } },
};
const base = { commandId: 'c-1', actor: { id: 'u-1', role: 'admin' }, now: NOW };
const trialCtx: SubjectDecisionContext & SubjectPrivacyContext = { ...base, trial };

/** Shape-valid envelope sealed (as far as the decider can tell) with `subjectId`'s key. */
const envelope = (subjectId: string, over: Partial<Record<string, unknown>> = {}): PersonalDataEnvelope =>
  ({ $enc: 'v1', kid: personalKeyId(subjectId), iv: 'AAAAAAAAAAAAAAAA', ct: 'c2VhbGVk', tag: 'BBBBBBBBBBBBBBBBBBBBBB', ...over }) as PersonalDataEnvelope;

const subject = (given: readonly SubjectEvent[], c: SubjectCommand, ctx: SubjectDecisionContext = trialCtx) =>
  subjectDecider.decide(c, fold(subjectDecider, given), ctx);
const privacy = (given: readonly SubjectEvent[], c: SubjectPrivacyCommand, ctx: SubjectPrivacyContext = trialCtx) =>
  subjectPrivacyDecider.decide(c, fold(subjectPrivacyDecider, given), ctx);

const S = 'subj-1';
const enrol: EnrolSubject = {
  type: 'EnrolSubject',
  subjectId: S,
  trialId: 'onco-01',
  pseudonym: 'ONC-0001',
  siteId: 'site-1',
  consentVersion: 'v2',
  consentDate: '2025-03-01',
};
const enrolled = subject([], enrol);
const P = 'part-1';
const invite = (over: Partial<InviteParticipant> = {}): InviteParticipant => ({
  type: 'InviteParticipant',
  subjectId: P,
  programmeId: 'bcs-nl',
  roundId: 'r1',
  pseudonym: 'BCS-000123',
  invitedOn: '2025-02-03',
  ...over,
});
const screenCtx: SubjectDecisionContext = { ...base, programme };
const erase = (subjectId = S, reason = 'GDPR Art. 17 request REQ-42'): SubjectPrivacyCommand => ({ type: 'EraseSubject', subjectId, reason });

describe('personal data envelopes on enrolment and invitation', () => {
  it('carries the envelope in the event, and leaves the event as before when there is none', () => {
    const [withPersonal] = subject([], { ...enrol, personal: envelope(S) });
    expect(withPersonal!.data).toMatchObject({ subjectId: S, personal: envelope(S) });
    expect(enrolled[0]!.data).not.toHaveProperty('personal');
    const [invited] = subject([], invite({ personal: envelope(P) }), screenCtx);
    expect(invited!.data).toMatchObject({ subjectId: P, personal: envelope(P) });
  });

  it('refuses plaintext, extra fields and malformed envelopes, so nothing readable can ride into the event', () => {
    const bad: unknown[] = [
      { yearOfBirth: 1957, sex: 'female' },
      { ...envelope(S), comment: 'in clear' },
      { ...envelope(S), $enc: 'v0' },
      { ...envelope(S), iv: 'short' },
      { ...envelope(S), tag: 'not base64url!!!!!!!!!' },
      { ...envelope(S), ct: 'x'.repeat(16_385) },
      'ZW5jcnlwdGVk',
    ];
    for (const personal of bad) {
      expect(rejection(() => subject([], { ...enrol, personal: personal as PersonalDataEnvelope }))).toMatchObject({
        code: bad.indexOf(personal) === 6 ? 'INVALID_TYPE' : 'INVALID_PERSONAL_ENVELOPE',
      });
    }
  });

  it('refuses an envelope sealed with another subject’s key (it would survive this subject’s erasure)', () => {
    expect(rejection(() => subject([], { ...enrol, personal: envelope('subj-2') }))).toMatchObject({ code: 'PERSONAL_KEY_MISMATCH', field: 'personal.kid' });
    expect(rejection(() => privacy(enrolled, { type: 'RecordPersonalData', subjectId: S, personal: envelope('subj-2') }))).toMatchObject({
      code: 'PERSONAL_KEY_MISMATCH',
    });
  });

  it('invites an erased participant to a new round only without personal data', () => {
    const invited = subject([], invite(), screenCtx);
    const erased = [...invited, ...privacy(invited, erase(P), screenCtx)];
    const roundTwo: ProgrammeFacts = {
      ...programme,
      rounds: { ...programme.rounds, r2: { roundNumber: 2, status: 'open', opensOn: '2025-04-01', closesOn: null } },
    };
    const next = invite({ roundId: 'r2', invitedOn: '2025-04-02' });
    expect(rejection(() => subject(erased, { ...next, personal: envelope(P) }, { ...base, programme: roundTwo }))).toMatchObject({
      code: 'SUBJECT_ERASED',
      field: 'personal',
    });
    expect(subject(erased, next, { ...base, programme: roundTwo })).toHaveLength(1);
  });
});

describe('subject privacy decider', () => {
  it('records personal data of an existing subject with the server time', () => {
    expect(privacy(enrolled, { type: 'RecordPersonalData', subjectId: S, personal: envelope(S) })).toStrictEqual([
      { type: 'PersonalDataRecorded', data: { subjectId: S, personal: envelope(S), recordedAt: NOW.toISOString() } },
    ]);
    expect(rejection(() => privacy([], { type: 'RecordPersonalData', subjectId: S, personal: envelope(S) }))).toMatchObject({ code: 'SUBJECT_NOT_FOUND' });
  });

  it('does not record personal data in a locked trial', () => {
    expect(
      rejection(() =>
        privacy(
          enrolled,
          { type: 'RecordPersonalData', subjectId: S, personal: envelope(S) },
          { ...base, trial: { ...trial, locks: { ...NO_LOCKS, trial: 'hard' as const } } },
        ),
      ),
    ).toMatchObject({ code: 'TRIAL_LOCKED' });
  });

  it('erases with a reason, records no personal data, and marks the state erased', () => {
    const events = privacy(enrolled, erase());
    expect(events).toStrictEqual([{ type: 'SubjectErased', data: { subjectId: S, reason: 'GDPR Art. 17 request REQ-42', erasedAt: NOW.toISOString() } }]);
    expect(fold(subjectPrivacyDecider, [...enrolled, ...events])).toMatchObject({ kind: 'trial', erasedAt: NOW.toISOString() });
  });

  it('erases even while the trial is locked (a legal obligation), but never an unknown subject or without a reason', () => {
    expect(privacy(enrolled, erase(), { ...base, trial: { ...trial, locks: { ...NO_LOCKS, trial: 'hard' as const } } })).toHaveLength(1);
    expect(rejection(() => privacy([], erase()))).toMatchObject({ code: 'SUBJECT_NOT_FOUND' });
    expect(rejection(() => privacy(enrolled, erase(S, '  ')))).toMatchObject({ code: 'REASON_REQUIRED', field: 'reason' });
    expect(rejection(() => privacy(enrolled, { type: 'EraseSubject', subjectId: S } as SubjectPrivacyCommand))).toMatchObject({ code: 'REASON_REQUIRED' });
  });

  it('erases once, and accepts no personal data afterwards', () => {
    const erased = [...enrolled, ...privacy(enrolled, erase())];
    expect(rejection(() => privacy(erased, erase()))).toMatchObject({ code: 'SUBJECT_ALREADY_ERASED' });
    expect(rejection(() => privacy(erased, { type: 'RecordPersonalData', subjectId: S, personal: envelope(S) }))).toMatchObject({ code: 'SUBJECT_ERASED' });
  });

  it('keeps the subject decider working on an erased subject (the pseudonymised clinical record stays)', () => {
    const erased = [...enrolled, ...privacy(enrolled, erase())];
    expect(subject(erased, { type: 'RandomiseSubject', subjectId: S, armCode: 'A', stratum: 'all' })).toMatchObject([{ type: 'SubjectRandomised' }]);
  });
});

describe('pseudonym linkage decider', () => {
  const link = (over: Partial<RecordPseudonymLinkage> = {}): RecordPseudonymLinkage => ({
    type: 'RecordPseudonymLinkage',
    linkageId: 'lnk-1',
    members: [
      { scope: 'programme:bcs-nl', pseudonym: 'P1-BCDF' },
      { scope: 'trial:onco-01', pseudonym: 'ONC-0001' },
    ],
    reason: 'Screen-detected cancer enrolled in ONCO-01, ethics approval EC-2025-07',
    ...over,
  });
  const decide = (c: RecordPseudonymLinkage, given = [] as ReturnType<typeof pseudonymLinkageDecider.decide>) =>
    pseudonymLinkageDecider.decide(c, fold(pseudonymLinkageDecider, given), base);

  it('records two pseudonyms of different studies as one person, with the reason', () => {
    expect(decide(link())).toStrictEqual([
      { type: 'PseudonymLinkageRecorded', data: { linkageId: 'lnk-1', members: link().members, reason: link().reason, recordedAt: NOW.toISOString() } },
    ]);
  });

  it('refuses a linkage within one study, a bad scope or pseudonym, fewer than two members, no reason, or recording twice', () => {
    const sameScope = link({
      members: [
        { scope: 'trial:onco-01', pseudonym: 'ONC-0001' },
        { scope: 'trial:onco-01', pseudonym: 'ONC-0002' },
      ],
    });
    expect(rejection(() => decide(sameScope))).toMatchObject({ code: 'LINKAGE_WITHIN_ONE_SCOPE', field: 'members.1' });
    expect(rejection(() => decide(link({ members: [{ scope: 'site:x' as 'trial:x', pseudonym: 'ONC-0001' }, link().members[1]!] })))).toMatchObject({
      code: 'INVALID_PSEUDONYM_SCOPE',
      field: 'members.0.scope',
    });
    expect(rejection(() => decide(link({ members: [link().members[0]!, { scope: 'trial:onco-01', pseudonym: 'jane.doe@example.org' }] })))).toMatchObject({
      code: 'INVALID_PSEUDONYM',
      field: 'members.1.pseudonym',
    });
    expect(rejection(() => decide(link({ members: [link().members[0]!] })))).toMatchObject({ field: 'members' });
    expect(rejection(() => decide(link({ reason: '' })))).toMatchObject({ code: 'REASON_REQUIRED' });
    expect(rejection(() => decide(link(), decide(link())))).toMatchObject({ code: 'LINKAGE_ALREADY_RECORDED' });
  });
});
