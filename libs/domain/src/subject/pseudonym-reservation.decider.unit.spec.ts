import { describe, expect, it } from '@jest/globals';
import { fold } from '../decider.js';
import { rejection } from '../testing/decider-testing.js';
import {
  pseudonymReservationDecider,
  pseudonymReservationKey,
  type PseudonymReservationCommand,
  type PseudonymReservationContext,
  type PseudonymReservationEvent,
} from './pseudonym-reservation.decider.js';

const NOW = new Date('2025-06-01T10:00:00Z');
const ctx: PseudonymReservationContext = { commandId: 'c-1', actor: { id: 'coordinator-1', role: 'coordinator' }, now: NOW };
const given = (events: readonly PseudonymReservationEvent[], command: PseudonymReservationCommand, context: PseudonymReservationContext = ctx) =>
  pseudonymReservationDecider.decide(command, fold(pseudonymReservationDecider, events), context);

const claim = (subjectId: string, over: Partial<PseudonymReservationCommand> = {}): PseudonymReservationCommand =>
  ({ type: 'ClaimPseudonym', scope: 'trial:onco-01', pseudonym: 'ONC-0001', subjectId, ...over }) as PseudonymReservationCommand;
const release = (subjectId: string): PseudonymReservationCommand => ({
  type: 'ReleasePseudonym',
  scope: 'trial:onco-01',
  pseudonym: 'ONC-0001',
  subjectId,
  reason: 'EnrolSubject rejected: ENROLMENT_NOT_OPEN',
});
const claimed = (subjectId: string): PseudonymReservationEvent => ({
  type: 'PseudonymClaimed',
  data: { scope: 'trial:onco-01', subjectId, claimedAt: NOW.toISOString() },
});
const released = (subjectId: string): PseudonymReservationEvent => ({
  type: 'PseudonymReleased',
  data: { scope: 'trial:onco-01', subjectId, reason: 'rejected', releasedAt: NOW.toISOString() },
});

describe('pseudonym reservation decider', () => {
  it('given nothing, when a subject claims the pseudonym, then it is claimed for that subject (without the pseudonym in the event)', () => {
    expect(given([], claim('subj-1'))).toStrictEqual([claimed('subj-1')]);
  });

  it('given a claim by another subject, when a second subject claims it, then DUPLICATE_PSEUDONYM on pseudonym, naming no subject', () => {
    const err = rejection(() => given([claimed('subj-1')], claim('subj-2')));
    expect(err).toMatchObject({ code: 'DUPLICATE_PSEUDONYM', field: 'pseudonym' });
    expect(err.message).not.toContain('subj-1');
  });

  it('given a claim by the same subject, when it claims again (crash retry, a later invitation), then nothing new is appended', () => {
    expect(given([claimed('subj-1')], claim('subj-1'))).toStrictEqual([]);
  });

  it('given a released claim, when another subject claims, then it gets the pseudonym', () => {
    expect(given([claimed('subj-1'), released('subj-1')], claim('subj-2'))).toStrictEqual([claimed('subj-2')]);
  });

  it('given a claim, when its rejected command releases it and the subject does not hold the pseudonym, then it is released', () => {
    expect(given([claimed('subj-1')], release('subj-1'), { ...ctx, holderHoldsPseudonym: false })).toStrictEqual([
      {
        type: 'PseudonymReleased',
        data: { scope: 'trial:onco-01', subjectId: 'subj-1', reason: 'EnrolSubject rejected: ENROLMENT_NOT_OPEN', releasedAt: NOW.toISOString() },
      },
    ]);
  });

  it('given a claim, when a release comes while the subject holds the pseudonym, from another subject, or without the fact, then nothing changes', () => {
    expect(given([claimed('subj-1')], release('subj-1'), { ...ctx, holderHoldsPseudonym: true })).toStrictEqual([]);
    expect(given([claimed('subj-1')], release('subj-1'))).toStrictEqual([]);
    expect(given([claimed('subj-1')], release('subj-2'), { ...ctx, holderHoldsPseudonym: false })).toStrictEqual([]);
    expect(given([], release('subj-1'), { ...ctx, holderHoldsPseudonym: false })).toStrictEqual([]);
  });

  it('validates its input like the subject decider: the pseudonym rules, the scope and the subject id', () => {
    expect(rejection(() => given([], claim('subj-1', { pseudonym: 'AB123456C' })))).toMatchObject({ code: 'PSEUDONYM_LOOKS_IDENTIFYING', field: 'pseudonym' });
    expect(rejection(() => given([], claim('subj-1', { scope: 'site:1' as never })))).toMatchObject({ code: 'INVALID_PSEUDONYM_SCOPE', field: 'scope' });
    expect(rejection(() => given([], claim('subj 1')))).toMatchObject({ code: 'INVALID_ID', field: 'subjectId' });
  });

  it('keys a reservation by scope and pseudonym, so one pseudonym in two studies is two reservations', () => {
    expect(pseudonymReservationKey('trial:onco-01', 'ONC-0001')).not.toBe(pseudonymReservationKey('trial:onco-02', 'ONC-0001'));
    expect(pseudonymReservationKey('trial:onco-01', 'ONC-0001')).not.toBe(pseudonymReservationKey('programme:onco-01', 'ONC-0001'));
  });
});
