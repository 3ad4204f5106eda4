import { describe, expect, it } from '@jest/globals';
import type { JsonObject, RecordedEvent } from '#event-store';
import { membershipFacts } from './audit-membership.projection.js';

const event = (streamId: string, type: string, data: JsonObject): RecordedEvent => ({
  id: '00000000-0000-4000-8000-000000000000',
  streamId,
  type,
  revision: 0n,
  position: { commit: 1n, prepare: 1n },
  data,
  metadata: {},
  recordedAt: new Date(0),
  hash: '0'.repeat(64),
});

describe('membershipFacts', () => {
  it('puts a trial or programme stream in its own scope, whatever the event', () => {
    expect(membershipFacts(event('trial-T1', 'SomethingNew', {}))).toEqual({ memberships: [{ scopeKind: 'trial', scopeId: 'T1' }], parents: [], children: [] });
    expect(membershipFacts(event('programme-P-1', 'ScreeningRoundOpened', { programmeId: 'P-1' })).memberships).toContainEqual({
      scopeKind: 'programme',
      scopeId: 'P-1',
    });
  });

  it('admits a subject by the trial or programme its events name, and ties the studies it is measured on', () => {
    expect(membershipFacts(event('subject-S1', 'SubjectEnrolled', { subjectId: 'S1', trialId: 'T1' }))).toEqual({
      memberships: [{ scopeKind: 'trial', scopeId: 'T1' }],
      parents: [],
      children: [],
    });
    expect(membershipFacts(event('subject-S2', 'ParticipantInvited', { subjectId: 'S2', programmeId: 'P1' })).memberships).toEqual([
      { scopeKind: 'programme', scopeId: 'P1' },
    ]);
    expect(
      membershipFacts(event('subject-S1', 'MeasurementRecorded', { subjectId: 'S1', trialId: null, programmeId: null, studyInstanceUid: '1.2.3' })),
    ).toEqual({ memberships: [], parents: [], children: ['study-1.2.3'] });
    // An event that names nothing still belongs, by its stream: the facts above are about streams, not events.
    expect(membershipFacts(event('subject-S1', 'SubjectErased', { subjectId: 'S1', reason: 'request' }))).toEqual({
      memberships: [],
      parents: [],
      children: [],
    });
  });

  it('puts a study with its subject', () => {
    expect(membershipFacts(event('study-1.2.3', 'ImagingStudyRegistered', { studyInstanceUid: '1.2.3', subjectId: 'S1' }))).toEqual({
      memberships: [],
      parents: ['subject-S1'],
      children: [],
    });
    expect(membershipFacts(event('study-1.2.4', 'ImagingStudyRegistered', { studyInstanceUid: '1.2.4', subjectId: null }))).toEqual({
      memberships: [],
      parents: [],
      children: [],
    });
  });

  it('gives a trial identifier reservation to the claiming trial and a linkage to every scope it links', () => {
    expect(membershipFacts(event('trialidentifier-NCT.NCT01', 'ReservationClaimed', { ownerId: 'T1' })).memberships).toEqual([
      { scopeKind: 'trial', scopeId: 'T1' },
    ]);
    expect(membershipFacts(event('biomarkercode-LD', 'ReservationClaimed', { ownerId: 'B1' })).memberships).toEqual([]);
    const linkage = event('pseudonymlinkage-L1', 'PseudonymLinkageRecorded', {
      linkageId: 'L1',
      members: [
        { scope: 'trial:T1', pseudonym: 'A-1' },
        { scope: 'programme:P1', pseudonym: 'B-1' },
      ],
    });
    expect(membershipFacts(linkage).memberships).toEqual([
      { scopeKind: 'trial', scopeId: 'T1' },
      { scopeKind: 'programme', scopeId: 'P1' },
    ]);
  });

  it('leaves role grants out: one actor stream spans many trials', () => {
    expect(membershipFacts(event('actor-a1', 'RoleGranted', { actorId: 'a1', trials: ['T1'], trialId: 'T1' }))).toEqual({
      memberships: [],
      parents: [],
      children: [],
    });
  });
});
