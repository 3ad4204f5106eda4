import { Injectable } from '@nestjs/common';
import {
  InputErrors,
  isPersonalDataEnvelope,
  pseudonymLinkageDecider,
  pseudonymLinkageStreamId,
  pseudonymScope,
  reject,
  requireArray,
  requireId,
  requireText,
  snapshotDecider,
  snapshotStreamId,
  subjectPrivacyDecider,
  subjectStreamId,
  trialDecider,
  trialFacts,
  trialStreamId,
  type LinkedPseudonym,
  type PersonalDataEnvelope,
  type PseudonymScope,
  type SubjectPrivacyContext,
  type SubjectState,
} from '#domain';
import { comparePositions, type JsonObject, type Position } from '#event-store';
import type { Role, VerifiedActor } from '../auth/actor.js';
import { forbidden } from '../auth/auth.errors.js';
import { assertInScope, requireInScope } from '../auth/scope.js';
import { mutationReceipt, type MutationReceipt } from '../commands/command-message.js';
import { CommandRunner, type CommandOrigin } from '../commands/command-runner.js';
import { recordId } from '../commands/record-id.js';
import { ApiError } from '../graphql/error-mapping.js';
import { asPersonalData, validatePersonalData, type PersonalData, type PersonalDataInput } from './personal-data.js';
import { PersonalDataVault } from './personal-data-vault.js';
import { openPersonalAtCut } from './personal-data-at-cut.js';
import { PseudonymService } from './pseudonym.service.js';

/** Exactly one of trialId / programmeId names a pseudonym scope. */
export interface StudyRef {
  readonly trialId?: string | null;
  readonly programmeId?: string | null;
}

export interface LinkedPseudonymInput extends StudyRef {
  readonly pseudonym?: string | null;
}

export interface PersonalDataView extends PersonalData {
  readonly subjectId: string;
  readonly erased: boolean;
  readonly recordedAt: Date | null;
}

export interface PseudonymLinkageView {
  readonly linkageId: string;
  readonly members: readonly LinkedPseudonym[];
  readonly reason: string;
  readonly actorId: string | null;
  readonly recordedAt: Date;
}

/** Who may touch a subject's personal data on which side; unconfined roles (regulator, admin) see both sides. */
const SIDES: Readonly<Partial<Record<Role, readonly ('trial' | 'screening')[]>>> = {
  coordinator: ['trial'],
  screening_manager: ['screening'],
  regulator: ['trial', 'screening'],
  admin: ['trial', 'screening'],
};

/** Events whose `personal` envelope holds the subject's personal fields; the latest one wins. */
/** Linkages of one pseudonym are few; pages only bound a pathological case. */
const LINKAGE_PAGE = 500;

const PERSONAL_EVENTS = new Set(['SubjectEnrolled', 'ParticipantInvited', 'PersonalDataRecorded']);
const SNAPSHOT_PAGE = 500;

export function scopeOf(ref: StudyRef, field: string): PseudonymScope {
  const trial = ref.trialId ?? null;
  const programme = ref.programmeId ?? null;
  if ((trial === null) === (programme === null)) reject(InputErrors.FIELD_REQUIRED, field, 'Give exactly one of trialId, programmeId');
  return trial !== null
    ? pseudonymScope('trial', requireId(trial, `${field}.trialId`))
    : pseudonymScope('programme', requireId(programme, `${field}.programmeId`));
}

/**
 * The privacy write and read paths. Every write goes through CommandRunner (load → decide → append, idempotent by
 * commandId); plaintext personal data exists only in memory, between validation and sealing, and after decryption.
 */
@Injectable()
export class PrivacyService {
  constructor(
    private readonly runner: CommandRunner,
    private readonly vault: PersonalDataVault,
    private readonly pseudonyms: PseudonymService,
  ) {}

  async derivePseudonym(ref: StudyRef, localIdentifier: string): Promise<{ scope: PseudonymScope; pseudonym: string }> {
    const scope = scopeOf(ref, 'input');
    const identifier = requireText(localIdentifier, 'localIdentifier', 200);
    return { scope, pseudonym: await this.pseudonyms.derive(scope, identifier) };
  }

  /** The function the subject write side calls before deciding EnrolSubject / InviteParticipant with personal fields. */
  async sealPersonalData(subjectId: string, input: PersonalDataInput, now: Date = this.runner.now()): Promise<PersonalDataEnvelope> {
    return this.vault.encrypt(subjectId, validatePersonalData(input, now));
  }

  async recordPersonalData(actor: VerifiedActor, origin: CommandOrigin, subjectId: string, input: PersonalDataInput): Promise<MutationReceipt> {
    const id = requireId(subjectId, 'subjectId');
    const streamId = subjectStreamId(id);
    // Scope first, so a denied caller cannot even cause a key to be created.
    this.authorize(actor, await this.runner.load(streamId, subjectPrivacyDecider));
    const replay = await this.runner.hasHandled(streamId, origin.commandId);
    // A replay returns the first result without deciding, so nothing is sealed for it (it may follow an erasure).
    const personal = replay ? (undefined as unknown as PersonalDataEnvelope) : await this.sealPersonalData(id, input);
    const receipt = await this.runner.run({
      streamId,
      decider: subjectPrivacyDecider,
      command: { type: 'RecordPersonalData', subjectId: id, personal },
      // Compared on a repeated commandId: not the envelope (sealed afresh, randomised, absent on a replay), nor the
      // clear fields (a hash of a year of birth would outlive erasure); see commands/README.md.
      fingerprint: { type: 'RecordPersonalData', subjectId: id },
      origin,
      context: async (meta, state): Promise<SubjectPrivacyContext> => {
        this.authorize(actor, state);
        const trial = state.kind === 'trial' ? trialFacts(await this.runner.load(trialStreamId(state.trialId), trialDecider)) : undefined;
        return { ...meta, ...(trial ? { trial } : {}) };
      },
    });
    return mutationReceipt(receipt, id);
  }

  /**
   * Checks the command first (subject exists, not yet erased, reason given), then destroys the key, then records the
   * fact. If appending fails after the key is gone, sending the command again completes it: erasing is idempotent.
   */
  async eraseSubject(origin: CommandOrigin, subjectId: string, reason: string): Promise<MutationReceipt> {
    const id = requireId(subjectId, 'subjectId');
    const streamId = subjectStreamId(id);
    const input = { streamId, decider: subjectPrivacyDecider, command: { type: 'EraseSubject' as const, subjectId: id, reason }, origin };
    if (!(await this.runner.hasHandled(streamId, origin.commandId))) {
      await this.runner.preview(input);
      await this.vault.erase(id);
    }
    const receipt = await this.runner.run(input);
    // Also on a repeat: completes the records of an erasure whose first run stopped between its events.
    await this.recordOnSnapshots(origin, id, receipt.state, receipt.globalPosition);
    return mutationReceipt(receipt, id);
  }

  /**
   * Records the erasure on every frozen snapshot that holds the subject (`AnalysisSnapshotErasureRecorded` on the
   * snapshot's stream, shown by analysisSnapshot.erasuresSince): the snapshot's rows and hash stay as frozen (they
   * never held personal fields), but its exports no longer carry the subject's, and its manifest says so. A snapshot
   * holds the subject when the subject's first event is at or before its cut. One command per snapshot, its commandId
   * derived from the erasure's, so repeating the erasure records nothing twice.
   */
  private async recordOnSnapshots(origin: CommandOrigin, subjectId: string, state: SubjectState, erasedAt: string | null): Promise<void> {
    if (state.kind === 'none' || erasedAt === null) return;
    const [first] = await this.runner.store.readStream(subjectStreamId(subjectId), { maxCount: 1 });
    if (!first) return;
    const dataContains: JsonObject = state.kind === 'trial' ? { trialId: state.trialId } : { programmeId: state.programmeId };
    for (let after: Position | undefined; ;) {
      const page = await this.runner.store.searchEvents({
        eventTypes: ['AnalysisSnapshotFrozen'],
        dataContains,
        maxCount: SNAPSHOT_PAGE,
        ...(after ? { after } : {}),
      });
      for (const e of page) {
        const snapshotId = String(e.data['snapshotId']);
        const cut: Position = { commit: BigInt(String(e.data['commitPosition'])), prepare: BigInt(String(e.data['position'])) };
        if (comparePositions(first.position, cut) > 0) continue;
        await this.runner.run({
          streamId: snapshotStreamId(snapshotId),
          decider: snapshotDecider,
          command: { type: 'RecordSnapshotErasure', snapshotId, subjectId, erasurePosition: erasedAt },
          origin: { ...origin, commandId: recordId(origin.commandId, `snapshot-erasure:${snapshotId}`), causationId: origin.commandId },
        });
      }
      if (page.length < SNAPSHOT_PAGE) return;
      after = page.at(-1)!.position;
    }
  }

  async recordPseudonymLinkage(
    origin: CommandOrigin,
    input: { linkageId?: string | null; members: readonly LinkedPseudonymInput[]; localIdentifier?: string | null; reason: string },
  ): Promise<MutationReceipt> {
    const linkageId = requireId(input.linkageId ?? recordId(origin.commandId, 'pseudonym-linkage'), 'linkageId');
    const identifier =
      input.localIdentifier === undefined || input.localIdentifier === null ? null : requireText(input.localIdentifier, 'localIdentifier', 200);
    // Bounded before any key is derived; the decider checks the same.
    const members = requireArray(input.members, 'members', 2, 10) as readonly LinkedPseudonymInput[];
    const resolved: LinkedPseudonym[] = [];
    for (const [i, m] of members.entries()) {
      const scope = scopeOf(m, `members.${i}`);
      const given = m.pseudonym ?? null;
      if (identifier === null) {
        if (given === null) reject(InputErrors.FIELD_REQUIRED, `members.${i}.pseudonym`, 'Give the pseudonym, or the linkage’s localIdentifier');
        resolved.push({ scope, pseudonym: given });
        continue;
      }
      const derived = await this.pseudonyms.derive(scope, identifier);
      if (given !== null && given !== derived)
        reject('PSEUDONYM_MISMATCH', `members.${i}.pseudonym`, 'This pseudonym was not derived from the given localIdentifier in that study');
      resolved.push({ scope, pseudonym: derived });
    }
    const receipt = await this.runner.run({
      streamId: pseudonymLinkageStreamId(linkageId),
      decider: pseudonymLinkageDecider,
      command: { type: 'RecordPseudonymLinkage', linkageId, members: resolved, reason: input.reason },
      origin,
    });
    return mutationReceipt(receipt, linkageId, receipt.replayed || receipt.events.length === 0 ? [] : [linkageId]);
  }

  /** Through the port's search (on PostgreSQL one query with jsonb containment), so it works wherever the events live. */
  async pseudonymLinkages(pseudonym: string): Promise<PseudonymLinkageView[]> {
    const wanted = requireText(pseudonym, 'pseudonym', 40);
    const out: PseudonymLinkageView[] = [];
    for (let after: Position | undefined; ;) {
      const page = await this.runner.store.searchEvents({
        eventTypes: ['PseudonymLinkageRecorded'],
        dataContains: { members: [{ pseudonym: wanted }] },
        maxCount: LINKAGE_PAGE,
        ...(after ? { after } : {}),
      });
      for (const e of page) {
        const data = e.data as unknown as { linkageId: string; members: LinkedPseudonym[]; reason: string };
        out.push({
          linkageId: data.linkageId,
          members: data.members,
          reason: data.reason,
          actorId: typeof e.metadata['actorId'] === 'string' ? e.metadata['actorId'] : null,
          recordedAt: e.recordedAt,
        });
      }
      if (page.length < LINKAGE_PAGE) return out;
      after = page.at(-1)!.position;
    }
  }

  /** Decrypted on read, for this response only; nothing decrypted is stored or cached. */
  async personalData(actor: VerifiedActor, subjectId: string): Promise<PersonalDataView> {
    const id = requireId(subjectId, 'subjectId');
    const events = await this.runner.store.readStream(subjectStreamId(id));
    let state: SubjectState = subjectPrivacyDecider.initialState;
    for (const e of events) state = subjectPrivacyDecider.evolve(state, { type: e.type, data: e.data } as never);
    this.authorize(actor, state);
    if (state.kind === 'none') throw new ApiError('SUBJECT_NOT_FOUND', 'No such subject', 'subjectId');
    const latest = events.filter((e) => PERSONAL_EVENTS.has(e.type) && isPersonalDataEnvelope(e.data['personal'])).at(-1);
    const empty = { subjectId: id, recordedAt: null };
    if (state.erasedAt !== undefined || (await this.vault.isErased(id))) return { ...empty, erased: true };
    if (!latest) return { ...empty, erased: false };
    const value = await this.vault.decrypt(latest.data['personal'] as unknown as PersonalDataEnvelope);
    if (typeof value === 'object' && value !== null && (value as { erased?: unknown }).erased === true) return { ...empty, erased: true };
    return { subjectId: id, erased: false, recordedAt: latest.recordedAt, ...asPersonalData(value) };
  }

  /**
   * The personal fields of many subjects, opened for an aggregate statistic only (the multivariable validation
   * study's age and sex covariates): the caller has already confined the subjects to its grants, and must never
   * return the values themselves (only model coefficients computed over them). `erased` for a crypto-shredded
   * subject, absent when none was recorded. One stream read and one key unwrap per subject, a few at a time.
   */
  async openForAggregate(subjectIds: readonly string[]): Promise<Map<string, PersonalData | 'erased'>> {
    const out = new Map<string, PersonalData | 'erased'>();
    const open = async (id: string): Promise<void> => {
      const events = await this.runner.store.readStream(subjectStreamId(id));
      const latest = events.filter((e) => PERSONAL_EVENTS.has(e.type) && isPersonalDataEnvelope(e.data['personal'])).at(-1);
      if (!latest) return;
      const value = await this.vault.decrypt(latest.data['personal'] as unknown as PersonalDataEnvelope);
      const erased = typeof value === 'object' && value !== null && (value as { erased?: unknown }).erased === true;
      out.set(id, erased ? 'erased' : asPersonalData(value));
    };
    // Bounded concurrency: each open holds a pool connection briefly; a study must not starve the write side.
    const queue = [...new Set(subjectIds)];
    await Promise.all(
      Array.from({ length: Math.min(4, queue.length) }, async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) await open(id);
      }),
    );
    return out;
  }

  /** The personal fields of a frozen snapshot's subjects at its cut, for its exports (personal-data-at-cut.ts). */
  async openAtCut(subjectIds: readonly string[], upTo: Position): Promise<Map<string, PersonalData | 'erased'>> {
    return openPersonalAtCut(this.runner.store, this.vault, subjectIds, upTo);
  }

  /**
   * Coordinators reach trial subjects of their trials and sites, screening managers participants of their
   * programmes; a missing subject and one out of scope give the same FORBIDDEN to a confined caller.
   */
  private authorize(actor: VerifiedActor, state: SubjectState): void {
    const sides = SIDES[actor.role];
    if (!sides) throw forbidden();
    if (state.kind === 'none') {
      requireInScope(actor, undefined, () => ({}), ['trial', 'programme', 'site']);
      return;
    }
    if (!sides.includes(state.kind)) throw forbidden();
    assertInScope(actor, state.kind === 'trial' ? { trial: state.trialId, site: state.siteId } : { programme: state.programmeId });
  }
}
