import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  DomainError,
  reject,
  requireId,
  subjectContextNeeds,
  subjectDecider,
  subjectStreamId,
  type SubjectCommand,
  type SubjectContextNeeds,
  type SubjectDecisionContext,
  type SubjectState,
} from '#domain';
import {
  batchStreamCommandId,
  cachedBatchStreamLoader,
  handleCommandBatch,
  type BatchItem,
  type BatchItemOutcome,
  type BatchStream,
  type LoadedBatchStream,
} from '#event-store';
import type { VerifiedActor } from '../auth/actor.js';
import type { CommandOrigin } from '../commands/command-runner.js';
import { CommandRunner } from '../commands/command-runner.js';
import type { MutationReceipt } from '../commands/command-message.js';
import { expectedError } from '../graphql/error-mapping.js';
import { SubjectCommandHandler, type FactLoader, type Facts } from './subject-command.handler.js';

/** Items per batch: bounds the request (≈ 1 kB per item) and the time one batch holds its subjects' streams. */
export const MAX_BATCH_ITEMS = 1_000;

export function requireBatchSize(items: number): void {
  if (items === 0) reject('BATCH_EMPTY', 'items', 'A batch needs at least one item');
  if (items > MAX_BATCH_ITEMS) reject('BATCH_TOO_LARGE', 'items', `A batch holds at most ${MAX_BATCH_ITEMS} items, this one has ${items}: split it`);
}

/** An item as the resolver built it: its domain command, or the refusal of its input (e.g. READER_NOT_CALLER). */
export type BatchInputItem =
  | { readonly index: number; readonly command: SubjectCommand; readonly fingerprint: unknown }
  | { readonly index: number; readonly error: unknown; readonly fingerprint: unknown };

/** graphql/commands.graphql `BatchReceipt`. */
export interface BatchReceipt {
  readonly commandId: string;
  readonly accepted: number;
  readonly rejected: number;
  readonly items: readonly BatchItemResult[];
}

export interface BatchItemResult {
  readonly index: number;
  readonly receipt: MutationReceipt | null;
  readonly error: { readonly code: string; readonly field: string | null; readonly message: string } | null;
}

export class SubjectBatchCommand extends Command<BatchReceipt> {
  constructor(
    readonly items: readonly BatchInputItem[],
    readonly origin: CommandOrigin,
    readonly actor: VerifiedActor,
  ) {
    super();
  }
}

type Outcome = BatchItemOutcome | { readonly kind: 'rejected'; readonly index: number; readonly error: unknown };

/**
 * Batch mutations on subjects (recordMeasurements, recordScreenings): the items of each subject are decided one after
 * another by the subject decider (as the single mutation is, with the same access checks from SubjectCommandHandler)
 * and appended together; the subjects' appends go to the event store in one call (libs/event-store
 * handle-command-batch.ts). Facts from other streams (trial, biomarker, algorithm version, study) are loaded once per
 * batch, however many items name them.
 */
@CommandHandler(SubjectBatchCommand)
export class SubjectBatchHandler implements ICommandHandler<SubjectBatchCommand, BatchReceipt> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly subjects: SubjectCommandHandler,
  ) {}

  async execute({ items, origin, actor }: SubjectBatchCommand): Promise<BatchReceipt> {
    requireBatchSize(items.length);
    for (const item of items) {
      // Creating commands hold a pseudonym reservation and seal personal data (SubjectCommandHandler): not batched.
      if ('command' in item && (item.command.type === 'EnrolSubject' || item.command.type === 'InviteParticipant'))
        throw new Error(`${item.command.type} cannot be batched`);
    }
    const outcomes: Outcome[] = [];
    const streams = new Map<string, { items: BatchItem<SubjectCommand>[]; refused: number[] }>();
    for (const item of items) {
      let streamId: string;
      try {
        streamId = subjectStreamId(
          requireId((('command' in item ? item.command : item.fingerprint) as { subjectId?: unknown } | null)?.subjectId, 'subjectId'),
        );
      } catch (err) {
        outcomes.push({ kind: 'rejected', index: item.index, error: err });
        continue;
      }
      const stream = streams.get(streamId) ?? { items: [], refused: [] };
      streams.set(streamId, stream);
      if ('command' in item) stream.items.push({ index: item.index, command: item.command, fingerprint: item.fingerprint });
      else {
        stream.refused.push(item.index);
        outcomes.push({ kind: 'rejected', index: item.index, error: item.error });
      }
    }

    // Facts from other streams, each folded once per attempt. The first attempt's are requested right away, while
    // access is checked (what they are follows from the items and, for the trial, from each subject as created), so
    // deciding waits for no further round trip; a retry reads them afresh.
    let attempt = 0;
    let load = memoLoader(this.runner);
    // Items with the same needs (a scan's features: one biomarker, one study) share one gathering of their facts.
    let factsOf = memoFacts(this.subjects, load);
    const prefetch = (needs: SubjectContextNeeds) => void factsOf(needs).catch(() => undefined);
    for (const s of streams.values()) for (const item of s.items) prefetch(subjectContextNeeds(item.command, subjectDecider.initialState));

    // The subjects' histories for the first attempt are read meanwhile too, but only used once access is granted: a
    // denial does not wait for them, so it answers as fast for a subject with a long history as for an unknown id.
    const histories = new Map<string, Promise<LoadedBatchStream<SubjectState>>>();
    // Each subject's part of the batch has its own commandId, derived once here rather than once per item.
    const streamCommandIds = new Map([...streams.keys()].map((streamId) => [streamId, batchStreamCommandId(origin.commandId, streamId)]));
    // Through the runner's stream-state cache, shared with single commands: only the events after a kept revision are read.
    const loadStream = cachedBatchStreamLoader(this.runner.states);
    for (const streamId of streams.keys()) {
      const history = loadStream(this.runner.store, streamId, subjectDecider, streamCommandIds.get(streamId)!);
      history.catch(() => undefined);
      histories.set(streamId, history);
    }

    // Access decided on each subject as created (role, side, trial/site/programme scope), not on its history. One
    // denied item refuses the whole batch (FORBIDDEN, nothing recorded), so a batch cannot probe which subjects exist.
    await Promise.all(
      [...streams].map(async ([streamId, s]) => {
        const created = await this.runner.loadCreation(streamId, subjectDecider);
        if (created.kind === 'trial') prefetch({ trialId: created.trialId });
        // Creating commands are refused above, so the scope check depends on the command's type alone: once per type.
        const checked = new Set<SubjectCommand['type']>();
        for (const item of s.items) {
          if (checked.has(item.command.type)) continue;
          this.subjects.authorizeScope(actor, item.command, created);
          checked.add(item.command.type);
        }
      }),
    );

    // A subject with an item refused already is not decided: its other items are refused with it.
    const decided: BatchStream<SubjectCommand>[] = [];
    for (const [streamId, s] of streams) {
      if (s.refused.length === 0) decided.push({ streamId, items: s.items });
      else outcomes.push(...s.items.map((item) => ({ kind: 'stream_rejected' as const, index: item.index, streamId, rejectedIndexes: s.refused })));
    }
    const itemsOf = new Map(decided.map((s) => [s.streamId, s.items]));
    const decidedIndexes = new Set(decided.flatMap((s) => s.items.map((i) => i.index)));
    outcomes.push(
      ...(await handleCommandBatch({
        store: this.runner.store,
        decider: subjectDecider,
        streams: decided,
        metadata: {
          batchCommandId: origin.commandId,
          actorId: origin.actorId,
          actorRole: origin.actorRole,
          correlationId: origin.correlationId,
          now: () => this.runner.now(),
        },
        // The decided items are hashed by handleCommandBatch; the rest (refused before deciding) are added here.
        fingerprint: { items: items.length, undecided: items.filter((i) => !decidedIndexes.has(i.index)).map((i) => [i.index, i.fingerprint]) },
        retryBudgetMs: this.runner.retryBudgetMs,
        cache: this.runner.states,
        load: (store, streamId, decider, streamCommandId) => {
          const first = histories.get(streamId);
          histories.delete(streamId);
          return first ?? loadStream(store, streamId, decider, streamCommandId);
        },
        isRejection: (err) => err instanceof DomainError,
        prepare: async (loaded, now) => {
          // Every fact any item needs, each stream folded once for the whole batch, all loads in parallel.
          if (attempt++ > 0) {
            load = memoLoader(this.runner);
            factsOf = memoFacts(this.subjects, load);
          }
          const pending = new Map<number, Promise<Facts>>();
          for (const l of loaded)
            for (const item of itemsOf.get(l.streamId) ?? []) pending.set(item.index, factsOf(subjectContextNeeds(item.command, l.state)));
          const gathered = await Promise.all(pending.values());
          const facts = new Map<number, Facts>();
          let n = 0;
          for (const index of pending.keys()) facts.set(index, gathered[n++]!);
          // Items of one subject with the same facts (one gathering, see memoFacts) share one context: deciders only read it.
          const contexts = new Map<string, Map<Facts, SubjectDecisionContext>>();
          const actorRef = { id: origin.actorId, role: origin.actorRole };
          return (l, state: SubjectState, item): SubjectDecisionContext | Promise<SubjectDecisionContext> => {
            const f = facts.get(item.index)!;
            const checking = this.subjects.authorize(actor, item.command, state, f, l.streamId);
            let ofStream = contexts.get(l.streamId);
            if (!ofStream) contexts.set(l.streamId, (ofStream = new Map()));
            let context = ofStream.get(f);
            if (!context) ofStream.set(f, (context = { commandId: streamCommandIds.get(l.streamId)!, actor: actorRef, now, ...f }));
            const decided = context;
            return checking ? checking.then(() => decided) : decided;
          };
        },
      })),
    );
    return receiptOf(
      origin.commandId,
      outcomes.sort((a, b) => a.index - b.index),
    );
  }
}

/** Folds each stream at most once: the facts of one attempt of a batch. */
function memoLoader(runner: CommandRunner): FactLoader {
  const folded = new Map<string, Promise<unknown>>();
  return (streamId, decider) => {
    if (!folded.has(streamId)) folded.set(streamId, runner.load(streamId, decider));
    return folded.get(streamId) as Promise<never>;
  };
}

/**
 * Gathers each distinct set of needs once (SubjectCommandHandler.facts through `load`): the items of a batch mostly
 * name the same few streams, and each gathering costs a promise per fact. Needs are strings or absent, so their JSON
 * is an exact key.
 */
function memoFacts(subjects: SubjectCommandHandler, load: FactLoader): (needs: SubjectContextNeeds) => Promise<Facts> {
  const gathered = new Map<string, Promise<Facts>>();
  return (needs) => {
    const key = JSON.stringify([needs.trialId, needs.programmeId, needs.biomarkerId, needs.algorithmVersionId, needs.studyInstanceUid]);
    let facts = gathered.get(key);
    if (!facts) gathered.set(key, (facts = subjects.facts(needs, load)));
    return facts;
  };
}

/** The new record an item's event creates (its `createdIds`), by event type. */
const CREATED_ID_OF: Readonly<Record<string, string>> = {
  MeasurementRecorded: 'measurementId',
  ScreeningRecorded: 'screeningId',
  OutcomeRecorded: 'outcomeId',
  IntervalCancerReported: 'reportId',
};

function receiptOf(commandId: string, outcomes: readonly Outcome[]): BatchReceipt {
  const results = outcomes.map((o): BatchItemResult => {
    switch (o.kind) {
      case 'accepted': {
        const subjectId = o.streamId.slice('subject-'.length);
        const createdIds = o.events.flatMap((e) => {
          const key = CREATED_ID_OF[e.type];
          return key ? [String((e.data as Record<string, unknown>)[key])] : [];
        });
        return {
          index: o.index,
          receipt: {
            id: subjectId,
            createdIds,
            streamId: o.streamId,
            version: Number(o.revision),
            globalPosition: o.position ? o.position.prepare.toString() : null,
            events: o.events.map((e) => e.type),
            replayed: o.replayed,
          },
          error: null,
        };
      }
      case 'rejected': {
        const expected = expectedError(o.error);
        // Only expected refusals reach an item; anything else fails the request (logged and masked there).
        if (!expected) throw o.error;
        const field = expected.extensions.field;
        return {
          index: o.index,
          receipt: null,
          error: { code: expected.extensions.code, field: field ? `items.${o.index}.${field}` : `items.${o.index}`, message: expected.message },
        };
      }
      case 'stream_rejected':
        return {
          index: o.index,
          receipt: null,
          error: {
            code: 'BATCH_SUBJECT_REJECTED',
            field: `items.${o.index}`,
            message: `Not recorded: item ${o.rejectedIndexes.join(', ')} of the same subject was refused, and a subject's items are recorded together or not at all`,
          },
        };
      default: {
        const never: never = o;
        return never;
      }
    }
  });
  const accepted = results.filter((r) => r.receipt !== null).length;
  return { commandId, accepted, rejected: results.length - accepted, items: results };
}
