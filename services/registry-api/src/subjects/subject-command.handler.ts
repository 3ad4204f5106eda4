import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { WrongExpectedVersionError, type DeciderLike, type RecordedEvent } from '#event-store';
import {
  algorithmDecider,
  algorithmFacts,
  algorithmStreamId,
  biomarkerDecider,
  biomarkerFacts,
  biomarkerStreamId,
  DomainError,
  lookup,
  programmeDecider,
  programmeFacts,
  programmeStreamId,
  requireId,
  studyDecider,
  studyFacts,
  studyStreamId,
  subjectContextNeeds,
  subjectDecider,
  subjectStreamId,
  trialDecider,
  trialFacts,
  trialStreamId,
  type CommandMeta,
  type PersonalDataEnvelope,
  type SubjectCommand,
  type SubjectContextNeeds,
  type SubjectDecisionContext,
  type SubjectEvent,
  type SubjectState,
} from '#domain';
import { Optional } from '@nestjs/common';
import type { Role, ScopeDimension, VerifiedActor } from '../auth/actor.js';
import { forbidden } from '../auth/auth.errors.js';
import { assertInScope, requireInScope } from '../auth/scope.js';
import { DomainCommandMessage, mutationReceipt, type MutationReceipt } from '../commands/command-message.js';
import { CommandRunner, type CommandOrigin, type RunCommand } from '../commands/command-runner.js';
import type { PersonalDataInput } from '../privacy/personal-data.js';
import { PrivacyService } from '../privacy/privacy.service.js';
import { claimOf, claimPseudonym, releasePseudonym } from './pseudonym-reservation.js';

/**
 * Every subject mutation (trial side, screening side, measurements, outcomes) travels as this one message.
 * `personal` (enrolment, invitation) is the clear input; the handler seals it with the subject's own key after the
 * scope check and before deciding, so it never reaches the event store in clear.
 */
export class SubjectCommandMessage extends DomainCommandMessage<SubjectCommand> {
  constructor(
    command: SubjectCommand,
    origin: CommandOrigin,
    actor: VerifiedActor,
    readonly personal?: PersonalDataInput | null,
  ) {
    super(command, origin, actor);
  }
}

type Side = 'trial' | 'screening';

/**
 * Who may send which command, and on which side. Scope (trial/site for coordinators, site for readers, programme
 * for screening managers) is checked against the subject as stored, before anything is decided or appended.
 * Readers record measurements as themselves and may correct or retract only what they recorded; adjudication and
 * outcomes belong to the coordinator (trial) or screening manager (programme).
 */
export const SUBJECT_COMMAND_ROLES: Readonly<Record<SubjectCommand['type'], Readonly<Partial<Record<Role, readonly Side[]>>>>> = {
  EnrolSubject: { coordinator: ['trial'] },
  RandomiseSubject: { coordinator: ['trial'] },
  WithdrawSubject: { coordinator: ['trial'] },
  InviteParticipant: { screening_manager: ['screening'] },
  RecordScreening: { screening_manager: ['screening'] },
  RecordRecall: { screening_manager: ['screening'] },
  RecordAssessmentOutcome: { screening_manager: ['screening'] },
  ReportIntervalCancer: { screening_manager: ['screening'] },
  RecordOptOut: { screening_manager: ['screening'] },
  RecordMeasurement: { coordinator: ['trial'], screening_manager: ['screening'], reader: ['trial', 'screening'] },
  CorrectMeasurement: { coordinator: ['trial'], screening_manager: ['screening'], reader: ['trial', 'screening'] },
  RetractMeasurement: { coordinator: ['trial'], screening_manager: ['screening'], reader: ['trial', 'screening'] },
  AcceptMeasurementReading: { coordinator: ['trial'], screening_manager: ['screening'] },
  RecordOutcome: { coordinator: ['trial'], screening_manager: ['screening'] },
  CorrectOutcome: { coordinator: ['trial'], screening_manager: ['screening'] },
};

/** Roles listed on a mutation's @Authorize: everyone the table above lets send that command. */
export function rolesFor(type: SubjectCommand['type']): Role[] {
  return Object.keys(SUBJECT_COMMAND_ROLES[type]) as Role[];
}

// Ids that cannot name a stream are left out of the facts; the decider then refuses them with INVALID_ID and the field.
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const safe = (id: string | undefined): id is string => typeof id === 'string' && SAFE_ID.test(id);

export type Facts = Omit<SubjectDecisionContext, keyof CommandMeta>;

/** Folds one stream with its decider (CommandRunner.load, or a loader that remembers what it folded). */
export type FactLoader = <TEvent extends { type: string; data: unknown }, TState>(
  streamId: string,
  decider: Pick<DeciderLike<unknown, TEvent, TState, never>, 'initialState' | 'evolve'>,
) => Promise<TState>;

@CommandHandler(SubjectCommandMessage)
export class SubjectCommandHandler implements ICommandHandler<SubjectCommandMessage, MutationReceipt> {
  constructor(
    private readonly runner: CommandRunner,
    @Optional() private readonly privacy?: PrivacyService,
  ) {}

  async execute({ command: input, origin, actor, personal }: SubjectCommandMessage): Promise<MutationReceipt> {
    const subjectId = requireId(input.subjectId, 'subjectId');
    const streamId = subjectStreamId(subjectId);
    const sealsPersonalData = personal !== undefined && personal !== null && (input.type === 'EnrolSubject' || input.type === 'InviteParticipant');
    // A copy the context factory may complete with the sealed envelope: sealing waits for the scope check (a denied
    // caller must not even create a key) and is skipped on replays (the context factory does not run for them).
    const command: SubjectCommand = sealsPersonalData ? { ...input } : input;
    let isNewSubject = false;
    const run = {
      streamId,
      decider: subjectDecider,
      command,
      origin,
      // The clear command as sent: the copy above is completed with a freshly sealed (randomised) envelope.
      fingerprint: input,
      // Role, side and trial/site/programme scope from the subject as created, before its history (or anything the
      // decision needs from other streams) is read: a denial on an existing subject costs what one on an unknown id costs.
      access: async () => this.authorizeScope(actor, input, await this.runner.loadCreation(streamId, subjectDecider)),
      context: async (meta: CommandMeta, state: SubjectState): Promise<SubjectDecisionContext> => {
        const facts = await this.facts(subjectContextNeeds(command, state));
        await this.authorize(actor, command, state, facts, streamId);
        isNewSubject = state.kind === 'none';
        if (sealsPersonalData && !('personal' in command && command.personal)) {
          if (!this.privacy) throw new Error('PrivacyModule is not loaded: personal data cannot be sealed');
          (command as { personal?: PersonalDataEnvelope }).personal = await this.privacy.sealPersonalData(subjectId, personal, meta.now);
        }
        return { ...meta, ...facts };
      },
    };
    const receipt = command.type === 'EnrolSubject' || command.type === 'InviteParticipant' ? await this.runReserving(run) : await this.runner.run(run);
    if (!receipt.replayed) return mutationReceipt(receipt, subjectId, receipt.events.length > 0 ? createdIds(command, subjectId, isNewSubject) : []);
    // A replay returns the first result without deciding: the caller must still be allowed to see it, and the ids
    // are those the first command created (read back from its events, not from this request's input).
    await this.authorize(actor, command, receipt.state, await this.facts(subjectContextNeeds(command, receipt.state)), streamId);
    const first = await this.runner.commandEvents(streamId, origin.commandId);
    return mutationReceipt(receipt, subjectId, createdIdsOf(first, subjectId));
  }

  /**
   * Enrolment and invitation hold their pseudonym's reservation (pseudonym-reservation.ts): validate and authorize
   * first (preview: a malformed or forbidden command claims nothing), claim, then append to the subject stream.
   * A replay claims nothing (it appends nothing either). A rejection after the claim gives it back; any other
   * failure (crash, outage) keeps it, so the retry with the same commandId — the same subject id — completes.
   */
  private async runReserving(run: RunCommand<SubjectCommand, SubjectEvent, SubjectState, SubjectDecisionContext>) {
    // By event id, not by reading the history; a commandId that is another stream's command is refused here, before
    // anything is claimed.
    if (await this.runner.hasHandled(run.streamId, run.origin.commandId)) return this.runner.run(run);
    const { revision } = await this.runner.loadState(run.streamId, subjectDecider);
    const [event] = await this.runner.preview(run);
    if (event?.type !== 'SubjectEnrolled' && event?.type !== 'ParticipantInvited') return this.runner.run(run);
    // A pinned version that is already stale fails the append anyway: refuse it before anything is claimed (after
    // the preview, which authorized the caller: a conflict names the current version).
    const actual = Number(revision);
    const pinned = run.origin.expectedVersion;
    if (pinned !== undefined && pinned !== actual) throw new WrongExpectedVersionError(run.streamId, BigInt(pinned), actual < 0 ? 'no_stream' : BigInt(actual));
    const claim = claimOf(event);
    const owns = await claimPseudonym(this.runner, claim, run.origin);
    try {
      return await this.runner.run(run);
    } catch (err) {
      // A rejection (or a concurrent write that beat a pinned version) appended nothing to the subject stream.
      if (owns && (err instanceof DomainError || err instanceof WrongExpectedVersionError)) {
        // Best effort: a failed release must not hide the rejection; the claim then stays with this subject id.
        await releasePseudonym(this.runner, claim, run.origin, `${run.command.type} rejected: ${err.code}`).catch(() => undefined);
      }
      throw err;
    }
  }

  /**
   * Folds exactly the other streams the decision needs, in parallel. `load` folds one stream (the runner's by
   * default); a batch passes one that loads each stream once for all its items (subject-batch.handler.ts).
   */
  async facts(needs: SubjectContextNeeds, load: FactLoader = (streamId, decider) => this.runner.load(streamId, decider)): Promise<Facts> {
    const [trial, programme, biomarker, algorithm, study] = await Promise.all([
      safe(needs.trialId) ? load(trialStreamId(needs.trialId), trialDecider).then(trialFacts) : undefined,
      safe(needs.programmeId) ? load(programmeStreamId(needs.programmeId), programmeDecider).then(programmeFacts) : undefined,
      safe(needs.biomarkerId) ? load(biomarkerStreamId(needs.biomarkerId), biomarkerDecider).then(biomarkerFacts) : undefined,
      safe(needs.algorithmVersionId) ? load(algorithmStreamId(needs.algorithmVersionId), algorithmDecider).then(algorithmFacts) : undefined,
      safe(needs.studyInstanceUid) ? load(studyStreamId(needs.studyInstanceUid), studyDecider).then(studyFacts) : undefined,
    ]);
    return {
      ...(trial ? { trial } : {}),
      ...(programme ? { programme } : {}),
      ...(biomarker ? { biomarker } : {}),
      ...(algorithm ? { algorithm } : {}),
      ...(study ? { study } : {}),
    };
  }

  /**
   * FORBIDDEN unless the actor's role may send this command on this side and the subject lies in its grants.
   * Every denial is the same error, whether the subject exists or not (auth/README.md "Denials reveal nothing").
   * Runs before the stream is loaded (on the subject as created: its side, trial, site and programme never change)
   * and again on the folded state with the checks that need its history. Throws, or returns the pending check.
   */
  authorize(actor: VerifiedActor, command: SubjectCommand, state: SubjectState, facts: Facts, streamId: string): Promise<void> | undefined {
    this.authorizeScope(actor, command, state);
    if (state.kind === 'none') return undefined;
    // A participant has no site of its own: a reader is confined by the site that acquired the measured study.
    const bySite = state.kind === 'screening' && actor.role === 'reader';
    const ownOnly = actor.role === 'reader' && (command.type === 'CorrectMeasurement' || command.type === 'RetractMeasurement');
    // Synchronous unless a check must read another stream: a batch authorizes each of its items, and most need no read.
    if (!bySite && !ownOnly) return undefined;
    return (async () => {
      if (bySite) inScope(actor, { site: await this.measuredStudySite(command, state, facts) });
      if (ownOnly) await this.requireOwnMeasurement(actor, streamId, command.measurementId);
    })();
  }

  /** The part of `authorize` that needs only the subject's creating event: role, side, trial, site, programme. */
  authorizeScope(actor: VerifiedActor, command: SubjectCommand, state: SubjectState): void {
    const sides = SUBJECT_COMMAND_ROLES[command.type][actor.role];
    if (!sides) throw forbidden();
    if (state.kind === 'none') {
      // Creating commands carry their scope; the guard checked it already, repeated here so a handler is safe on its own.
      if (command.type === 'EnrolSubject') return inScope(actor, { trial: str(command.trialId), site: str(command.siteId) });
      if (command.type === 'InviteParticipant') return inScope(actor, { programme: str(command.programmeId) });
      // Unknown subject: a confined actor learns nothing; an actor granted everything gets SUBJECT_NOT_FOUND from the decider.
      requireInScope(actor, undefined, () => ({}), ['trial', 'programme', 'site']);
      return;
    }
    if (!sides.includes(state.kind)) throw forbidden();
    if (state.kind === 'trial') inScope(actor, { trial: state.trialId, site: state.siteId });
    else inScope(actor, { programme: state.programmeId });
  }

  private async measuredStudySite(command: SubjectCommand, state: SubjectState, facts: Facts): Promise<string | null> {
    if (command.type === 'RecordMeasurement') return facts.study?.siteId ?? null;
    if (
      (command.type === 'CorrectMeasurement' || command.type === 'RetractMeasurement') &&
      state.kind !== 'none' &&
      typeof command.measurementId === 'string'
    ) {
      const m = lookup(state.measurements, command.measurementId);
      if (!m) return null;
      return studyFacts(await this.runner.load(studyStreamId(m.studyInstanceUid), studyDecider))?.siteId ?? null;
    }
    return null;
  }

  /** Readers correct and retract only their own readings (the recording actor is in the event's metadata). */
  private async requireOwnMeasurement(actor: VerifiedActor, streamId: string, measurementId: unknown): Promise<void> {
    const events = await this.runner.store.readStream(streamId);
    const recorded = events.find((e) => e.type === 'MeasurementRecorded' && (e.data as { measurementId?: unknown }).measurementId === measurementId);
    // A missing measurement is the decider's MEASUREMENT_NOT_FOUND: the reader may see this subject.
    if (recorded && recorded.metadata['actorId'] !== actor.id) throw forbidden();
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** assertInScope that fails closed: an unknown id (null) is in scope only for an actor granted everything. */
function inScope(actor: VerifiedActor, scope: Partial<Record<ScopeDimension, string | null>>): void {
  for (const [dimension, id] of Object.entries(scope) as [ScopeDimension, string | null][]) {
    if (id === null) requireInScope(actor, undefined, () => ({}), [dimension]);
    else assertInScope(actor, { [dimension]: id });
  }
}

/** New records a command creates: the subject itself on enrolment or first invitation, else the new child record. */
function createdIds(command: SubjectCommand, subjectId: string, isNewSubject: boolean): string[] {
  switch (command.type) {
    case 'EnrolSubject':
      return [subjectId];
    case 'InviteParticipant':
      return isNewSubject ? [subjectId] : [];
    case 'RecordScreening':
      return [command.screeningId];
    case 'ReportIntervalCancer':
      return [command.reportId];
    case 'RecordMeasurement':
      return [command.measurementId];
    case 'RecordOutcome':
      return [command.outcomeId];
    // Change records that exist already.
    case 'RandomiseSubject':
    case 'WithdrawSubject':
    case 'RecordRecall':
    case 'RecordAssessmentOutcome':
    case 'RecordOptOut':
    case 'CorrectMeasurement':
    case 'RetractMeasurement':
    case 'AcceptMeasurementReading':
    case 'CorrectOutcome':
    default:
      return [];
  }
}

const CREATING_EVENTS: Readonly<Record<string, 'measurementId' | 'screeningId' | 'outcomeId' | 'reportId' | 'subject'>> = {
  SubjectEnrolled: 'subject',
  ParticipantInvited: 'subject',
  ScreeningRecorded: 'screeningId',
  IntervalCancerReported: 'reportId',
  MeasurementRecorded: 'measurementId',
  OutcomeRecorded: 'outcomeId',
};

/** The ids the first handling of a command created, from the events it stored. */
function createdIdsOf(events: readonly RecordedEvent[], subjectId: string): string[] {
  return events.flatMap((e) => {
    const key = CREATING_EVENTS[e.type];
    if (key === undefined) return [];
    // A later invitation adds a round to a participant the stream's first event created.
    if (key === 'subject') return e.revision === 0n ? [subjectId] : [];
    const id = (e.data as Record<string, unknown>)[key];
    return typeof id === 'string' ? [id] : [];
  });
}
