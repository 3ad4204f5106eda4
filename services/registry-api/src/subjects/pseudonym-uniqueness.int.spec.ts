import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  DomainError,
  programmeDecider,
  programmeStreamId,
  pseudonymScope,
  subjectStreamId,
  trialDecider,
  trialStreamId,
  type ProgrammeCommand,
  type SubjectCommand,
  type TrialCommand,
} from '#domain';
import { PostgresEventStore, type EventStore } from '#event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import type { VerifiedActor } from '../auth/actor.js';
import { originFor } from '../commands/command-origin.js';
import { CommandRunner } from '../commands/command-runner.js';
import { pseudonymReservationStreamId } from './pseudonym-reservation.js';
import { SubjectCommandHandler, SubjectCommandMessage } from './subject-command.handler.js';
import { committedEvents } from '../../../../test/support/committed-events.js';

const NOW = new Date('2025-06-01T10:00:00Z');
const actor = (role: VerifiedActor['role'], scopes: Partial<VerifiedActor['scopes']>): VerifiedActor => ({
  id: `${role}-1`,
  role,
  scopes: { trials: [], programmes: [], sites: [], ...scopes },
  issuer: 'test',
  unauthenticated: false,
});
const coordinator = actor('coordinator', { trials: ['*'], sites: ['*'] });
const manager = actor('screening_manager', { programmes: ['*'] });

const enrol = (subjectId: string, pseudonym: string, trialId = 'onco-01'): SubjectCommand => ({
  type: 'EnrolSubject',
  subjectId,
  trialId,
  pseudonym,
  siteId: 'site-1',
  consentVersion: 'v2.1',
  consentDate: '2025-03-01',
});
const invite = (subjectId: string, pseudonym: string, roundId = 'r1'): SubjectCommand => ({
  type: 'InviteParticipant',
  subjectId,
  programmeId: 'bcs-nl',
  roundId,
  pseudonym,
  invitedOn: '2025-04-02',
});

let seq = 0;
/** A pseudonym no other test uses (4 digits after a letter block: valid, and not identifier-like). */
const freshPseudonym = (prefix = 'ONC') => `${prefix}-${String(1000 + ++seq)}X`;

describe('one person, one subject per study: DUPLICATE_PSEUDONYM (PostgreSQL)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let runner: CommandRunner;
  let handler: SubjectCommandHandler;

  const send = (who: VerifiedActor, command: SubjectCommand, commandId = randomUUID(), on: SubjectCommandHandler = handler) =>
    on.execute(new SubjectCommandMessage(command, originFor(who, { commandId }, 'corr-1'), who));
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e,
    );
  const enrolledWith = async (pseudonym: string) =>
    (await committedEvents(store)).filter((e) => (e.type === 'SubjectEnrolled' || e.type === 'ParticipantInvited') && e.data['pseudonym'] === pseudonym);

  // The real store, with the next append to a subject stream failing as if the process died right before it.
  const failNextSubjectAppendFor = new Set<string>();
  const crashingHandler = () => {
    const crashing = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'appendToStream') {
          return (streamId: string, ...rest: unknown[]) => {
            if (streamId.startsWith('subject-') && failNextSubjectAppendFor.delete('subject-'))
              return Promise.reject(new Error('connection terminated unexpectedly'));
            return (target.appendToStream as (...a: unknown[]) => unknown).call(target, streamId, ...rest);
          };
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as EventStore;
    return new SubjectCommandHandler(new CommandRunner(crashing, () => NOW));
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore({ connectionString: db.eventStoreUrl, poolSize: 20, pollIntervalMs: 50 });
    runner = new CommandRunner(store, () => NOW);
    handler = new SubjectCommandHandler(runner);
    const admin = actor('admin', {});
    const seed = async (streamId: string, decider: never, commands: readonly unknown[]) => {
      for (const command of commands) await runner.run({ streamId, decider, command, origin: originFor(admin, { commandId: randomUUID() }, 'seed') });
    };
    for (const [trialId, nct] of [
      ['onco-01', 'NCT01234567'],
      ['onco-02', 'NCT07654321'],
    ] as const) {
      await seed(trialStreamId(trialId), trialDecider as never, [
        { type: 'RegisterTrial', trialId, identifiers: [{ system: 'NCT', value: nct }], title: trialId, phase: 'III', sponsor: 'Acme', primaryEndpoint: 'PFS' },
        { type: 'AddTrialArm', trialId, armCode: 'A', name: 'Drug', armType: 'experimental', plannedSize: 100 },
        { type: 'ActivateTrialSite', trialId, siteId: 'site-1', name: 'Site 1' },
        { type: 'OpenEnrolment', trialId },
      ] satisfies TrialCommand[]);
    }
    await seed(programmeStreamId('bcs-nl'), programmeDecider as never, [
      {
        type: 'DefineScreeningProgramme',
        programmeId: 'bcs-nl',
        name: 'Breast NL',
        cancerType: 'breast',
        targetPopulation: 'Women 50-75',
        ageRange: { min: 50, max: 75 },
        intervalMonths: 24,
        kpiTargets: [],
      },
      { type: 'OpenScreeningRound', programmeId: 'bcs-nl', roundId: 'r1', name: 'Round 1', opensOn: '2025-01-06' },
      { type: 'OpenScreeningRound', programmeId: 'bcs-nl', roundId: 'r2', name: 'Round 2', opensOn: '2025-01-07' },
    ] satisfies ProgrammeCommand[]);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('refuses a second subject with the same pseudonym in the same trial, appending nothing; another trial or a programme may use it', async () => {
    const p = freshPseudonym();
    await send(coordinator, enrol(`s-${randomUUID()}`, p));
    const before = await store.countEvents();
    const err = await failure(send(coordinator, enrol(`s-${randomUUID()}`, p)));
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'DUPLICATE_PSEUDONYM', field: 'pseudonym' });
    expect(await store.countEvents()).toBe(before);
    // Surrounding blanks are trimmed by the pseudonym guard: the same pseudonym, the same reservation.
    expect(await failure(send(coordinator, enrol(`s-${randomUUID()}`, ` ${p} `)))).toMatchObject({ code: 'DUPLICATE_PSEUDONYM' });

    await send(coordinator, enrol(`s-${randomUUID()}`, p, 'onco-02'));
    await send(manager, invite(`p-${randomUUID()}`, p));
    expect(await enrolledWith(p)).toHaveLength(3);
  });

  it('16 concurrent enrolments of one pseudonym: exactly one subject is enrolled, 15 are refused with DUPLICATE_PSEUDONYM', async () => {
    const p = freshPseudonym();
    const results = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => send(coordinator, enrol(`race-${i}-${randomUUID().slice(0, 8)}`, p))));
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as DomainError] : []));
    expect(fulfilled).toHaveLength(1);
    expect(refused.map((e) => [e.code, e.field])).toStrictEqual(Array.from({ length: 15 }, () => ['DUPLICATE_PSEUDONYM', 'pseudonym']));
    expect(await enrolledWith(p)).toHaveLength(1);
    const reservation = await store.readStream(pseudonymReservationStreamId(pseudonymScope('trial', 'onco-01'), p));
    expect(reservation.map((e) => e.type)).toStrictEqual(['PseudonymClaimed']);
  });

  it('16 concurrent first invitations of one pseudonym to a programme: exactly one participant', async () => {
    const p = freshPseudonym('BCS');
    const results = await Promise.allSettled(Array.from({ length: 16 }, (_, i) => send(manager, invite(`inv-${i}-${randomUUID().slice(0, 8)}`, p))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)).toStrictEqual(
      Array(15).fill('DUPLICATE_PSEUDONYM'),
    );
    expect(await enrolledWith(p)).toHaveLength(1);
  });

  it('invites the same participant to a later round under its pseudonym; another participant id with it is refused', async () => {
    const p = freshPseudonym('BCS');
    const id = `p-${randomUUID()}`;
    await send(manager, invite(id, p));
    await expect(send(manager, invite(id, p, 'r2'))).resolves.toMatchObject({ id, replayed: false, events: ['ParticipantInvited'] });
    await expect(send(manager, invite(`p-${randomUUID()}`, p, 'r2'))).rejects.toMatchObject({ code: 'DUPLICATE_PSEUDONYM', field: 'pseudonym' });
  });

  it('replays a repeated enrolment (same commandId) instead of refusing its own pseudonym', async () => {
    const p = freshPseudonym();
    const commandId = randomUUID();
    const id = `s-${randomUUID()}`;
    const first = await send(coordinator, enrol(id, p), commandId);
    await expect(send(coordinator, enrol(id, p), commandId)).resolves.toEqual({ ...first, replayed: true });
  });

  it('a crash after the claim and before the subject stream: the retry with the same commandId completes, other subjects stay refused', async () => {
    failNextSubjectAppendFor.add('subject-');
    const p = freshPseudonym();
    const id = `s-${randomUUID()}`;
    const commandId = randomUUID();
    await expect(send(coordinator, enrol(id, p), commandId, crashingHandler())).rejects.toThrow('connection terminated unexpectedly');
    expect(await store.readStream(subjectStreamId(id))).toHaveLength(0);
    // The claim survived the crash (an outage is no rejection): nobody else can take the pseudonym meanwhile…
    await expect(send(coordinator, enrol(`s-${randomUUID()}`, p))).rejects.toMatchObject({ code: 'DUPLICATE_PSEUDONYM' });
    // …and the client's retry completes.
    await expect(send(coordinator, enrol(id, p), commandId)).resolves.toMatchObject({ id, replayed: false, events: ['SubjectEnrolled'] });
    expect(await enrolledWith(p)).toHaveLength(1);
    expect((await store.readStream(pseudonymReservationStreamId(pseudonymScope('trial', 'onco-01'), p))).map((e) => e.type)).toStrictEqual([
      'PseudonymClaimed',
    ]);
  });

  it("a crashed command's id reused for another subject id does not take over the claim it left", async () => {
    failNextSubjectAppendFor.add('subject-');
    const p = freshPseudonym();
    const commandId = randomUUID();
    await expect(send(coordinator, enrol(`s-${randomUUID()}`, p), commandId, crashingHandler())).rejects.toThrow('connection terminated unexpectedly');
    // The same commandId with other content (another subject id) is refused before the claim is even looked at:
    // IDEMPOTENCY_CONFLICT (the claim carries the first command's hash), so the claim is not taken over.
    await expect(send(coordinator, enrol(`s-${randomUUID()}`, p), commandId)).rejects.toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
    expect(await enrolledWith(p)).toHaveLength(0);
  });

  it('a rejection after the claim gives the pseudonym back (enrolment closed between validation and append)', async () => {
    const admin = actor('admin', {});
    const trialCommand = (type: 'CloseEnrolment' | 'OpenEnrolment') =>
      runner.run({
        streamId: trialStreamId('onco-02'),
        decider: trialDecider,
        command: { type, trialId: 'onco-02' },
        origin: originFor(admin, { commandId: randomUUID() }, 'test'),
      });
    // The real store; right after the claim lands, the coordinator's colleague closes enrolment.
    const closing = new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== 'appendToStream') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        return async (streamId: string, ...rest: unknown[]) => {
          const result = await (target.appendToStream as (...a: unknown[]) => Promise<unknown>).call(target, streamId, ...rest);
          if (streamId.startsWith('pseudonym-')) await trialCommand('CloseEnrolment');
          return result;
        };
      },
    }) as EventStore;
    const p = freshPseudonym();
    const reservation = pseudonymReservationStreamId(pseudonymScope('trial', 'onco-02'), p);
    const id = `s-${randomUUID()}`;
    const commandId = randomUUID();
    await expect(send(coordinator, enrol(id, p, 'onco-02'), commandId, new SubjectCommandHandler(new CommandRunner(closing, () => NOW)))).rejects.toMatchObject(
      {
        code: 'ENROLMENT_NOT_OPEN',
      },
    );
    const released = await store.readStream(reservation);
    expect(released.map((e) => [e.type, e.data['reason'] ?? null])).toStrictEqual([
      ['PseudonymClaimed', null],
      ['PseudonymReleased', 'EnrolSubject rejected: ENROLMENT_NOT_OPEN'],
    ]);
    // The claim is the client's command; the release is its consequence.
    expect(released.map((e) => [e.metadata['commandId'] === commandId, e.metadata['causationId']])).toStrictEqual([
      [true, commandId],
      [false, commandId],
    ]);
    await trialCommand('OpenEnrolment');
    // The same command sent again (same commandId) claims anew and enrols; after that the pseudonym is held again.
    await expect(send(coordinator, enrol(id, p, 'onco-02'), commandId)).resolves.toMatchObject({ id, replayed: false, events: ['SubjectEnrolled'] });
    expect((await store.readStream(reservation)).map((e) => e.type)).toStrictEqual(['PseudonymClaimed', 'PseudonymReleased', 'PseudonymClaimed']);
    await expect(send(coordinator, enrol(`s-${randomUUID()}`, p, 'onco-02'))).rejects.toMatchObject({ code: 'DUPLICATE_PSEUDONYM' });
  });

  it('a stale pinned expectedVersion is refused before anything is claimed', async () => {
    const p = freshPseudonym();
    const who = coordinator;
    const before = await store.countEvents();
    const err = await failure(
      handler.execute(new SubjectCommandMessage(enrol(`s-${randomUUID()}`, p), originFor(who, { commandId: randomUUID(), expectedVersion: 3 }, 'corr-1'), who)),
    );
    expect(err).toMatchObject({ name: 'WrongExpectedVersionError', actualRevision: 'no_stream' });
    expect(await store.countEvents()).toBe(before);
    await expect(send(coordinator, enrol(`s-${randomUUID()}`, p))).resolves.toMatchObject({ events: ['SubjectEnrolled'] });
  });

  it('two commands racing for one subject id under two pseudonyms: the enrolled one stays held, the other is free', async () => {
    // Two different commands for one subject id race: both pass validation, both claim their pseudonym, one enrols
    // and the other is refused with SUBJECT_ALREADY_EXISTS — its pseudonym must not stay blocked by a non-subject.
    const [p1, p2] = [freshPseudonym(), freshPseudonym()];
    const id = `s-${randomUUID()}`;
    const results = await Promise.allSettled([send(coordinator, enrol(id, p1)), send(coordinator, enrol(id, p2))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [state] = await store.readStream(subjectStreamId(id));
    const winner = state!.data['pseudonym'] as string;
    const loser = winner === p1 ? p2 : p1;
    await expect(send(coordinator, enrol(`s-${randomUUID()}`, winner))).rejects.toMatchObject({ code: 'DUPLICATE_PSEUDONYM' });
    await expect(send(coordinator, enrol(`s-${randomUUID()}`, loser))).resolves.toMatchObject({ events: ['SubjectEnrolled'] });
  });
});
