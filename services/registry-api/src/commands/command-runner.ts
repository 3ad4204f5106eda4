import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  CommandIdempotencyConflictError,
  DEFAULT_RETRY_BUDGET_MS,
  EVENT_STORE,
  findHandledCommand,
  handleCommand,
  loadStreamState,
  StreamLanes,
  StreamStateCache,
  type CommandIdScope,
  type DeciderLike,
  type EventStore,
  type RecordedEvent,
  type StreamState,
} from '#event-store';
import type { CommandMeta } from '#domain';
import { COMMAND_OBSERVER, commandLabel, type CommandObserver, resultLabel } from '#runtime';

/** Who sent a command and in which conversation; built by resolvers from the GraphQL context. */
export interface CommandOrigin {
  readonly commandId: string;
  readonly actorId: string;
  readonly actorRole: string;
  readonly correlationId: string;
  /** The command, event or request that caused this one; defaults to the command itself. */
  readonly causationId?: string;
  readonly reason?: string;
  /** The stream version the client last read; a mismatch returns CONCURRENCY_CONFLICT instead of retrying. */
  readonly expectedVersion?: number;
}

/** What every mutation returns (graphql/commands.graphql `CommandReceipt`). */
export interface CommandReceipt {
  readonly streamId: string;
  /** Stream revision after the command (the version to pass as expectedVersion next time). */
  readonly version: number;
  /** Global position of the command's last event: pass it as `consistentWith` to read your own write. */
  readonly globalPosition: string | null;
  readonly events: readonly string[];
  /** True when this commandId had been handled before: the first result is returned, nothing is appended. */
  readonly replayed: boolean;
}

export const CLOCK = Symbol('CLOCK');
/** Optional: the StreamStateCache the runner keeps folded states in (one per runner when not provided). */
export const STREAM_STATE_CACHE = Symbol('STREAM_STATE_CACHE');
export type Clock = () => Date;

export interface RunCommand<TCommand, TEvent extends { type: string; data: unknown }, TState, TContext extends CommandMeta> {
  readonly streamId: string;
  readonly decider: DeciderLike<TCommand, TEvent, TState, TContext>;
  readonly command: TCommand;
  readonly origin: CommandOrigin;
  /** Facts from other streams, read fresh on every attempt from the current state of this stream. */
  readonly context?: (meta: CommandMeta, state: TState) => Promise<TContext> | TContext;
  /**
   * Access decided before the stream is loaded (and before waiting for a turn on it): throws when the actor may not
   * send this command here, from what the command names and the scope the record was created with (`loadCreation`),
   * so a denial costs the same whether the record exists or not and reads nothing the actor may not see.
   */
  readonly access?: () => Promise<void> | void;
  /** What the client asked for, compared on a repeated commandId (handleCommand `fingerprint`); defaults to `command`. */
  readonly fingerprint?: unknown;
  /** 'stream' for a step another command takes here under its own commandId (handleCommand CommandIdScope). */
  readonly commandIdScope?: CommandIdScope;
}

/**
 * The one write path: metadata from the caller, the server clock, then load → decide → append
 * (libs/event-store handleCommand) with bounded retries for unpinned commands.
 */
@Injectable()
export class CommandRunner {
  /** Commands of one stream take turns in this process (libs/event-store stream-lanes.ts). */
  private readonly lanes = new StreamLanes();
  /** How long an unpinned command may wait for its turn and retry lost races before it answers BUSY. */
  retryBudgetMs = DEFAULT_RETRY_BUDGET_MS;
  /**
   * Folded states of recently used streams (libs/event-store stream-state-cache.ts): a command reads and folds only
   * what was appended since its stream was last loaded. Per process; other instances' writes are caught by the
   * exact-revision append.
   */
  readonly states: StreamStateCache;

  constructor(
    @Inject(EVENT_STORE) readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() @Inject(COMMAND_OBSERVER) private readonly observer?: CommandObserver,
    @Optional() @Inject(STREAM_STATE_CACHE) states?: StreamStateCache,
  ) {
    this.states = states ?? new StreamStateCache();
  }

  now(): Date {
    return this.clock();
  }

  async run<TCommand, TEvent extends { type: string; data: unknown }, TState, TContext extends CommandMeta>(
    input: RunCommand<TCommand, TEvent, TState, TContext>,
  ): Promise<CommandReceipt & { state: TState }> {
    if (!this.observer) return this.execute(input);
    // Outcomes for /metrics (services/registry-api/src/metrics): accepted, no_change, replayed or the error code.
    const started = performance.now();
    const command = commandLabel(input.command);
    try {
      const receipt = await this.execute(input);
      const result = receipt.replayed ? 'replayed' : receipt.events.length === 0 ? 'no_change' : 'accepted';
      this.observer.observe(command, result, (performance.now() - started) / 1000, receipt.events);
      return receipt;
    } catch (err) {
      this.observer.observe(command, resultLabel(err), (performance.now() - started) / 1000, []);
      throw err;
    }
  }

  private async execute<TCommand, TEvent extends { type: string; data: unknown }, TState, TContext extends CommandMeta>(
    input: RunCommand<TCommand, TEvent, TState, TContext>,
  ): Promise<CommandReceipt & { state: TState }> {
    if (input.access) await input.access();
    const deadline = Date.now() + this.retryBudgetMs;
    const result = await this.lanes.run(input.streamId, this.retryBudgetMs, () => this.handle(input, Math.max(0, deadline - Date.now())));
    return {
      streamId: result.streamId,
      version: Number(result.revision),
      globalPosition: result.position ? result.position.prepare.toString() : null,
      events: result.eventTypes,
      replayed: result.replayed,
      state: result.state,
    };
  }

  private handle<TCommand, TEvent extends { type: string; data: unknown }, TState, TContext extends CommandMeta>(
    input: RunCommand<TCommand, TEvent, TState, TContext>,
    retryBudgetMs: number,
  ) {
    const { origin } = input;
    // Stamped when the command gets its turn, so "when we knew it" follows the order of the stream.
    const recordedAt = this.clock();
    const meta: CommandMeta = { commandId: origin.commandId, actor: { id: origin.actorId, role: origin.actorRole }, now: recordedAt };
    return handleCommand({
      store: this.store,
      streamId: input.streamId,
      decider: input.decider,
      command: input.command,
      context: async (state: TState) => (input.context ? await input.context(meta, state) : (meta as TContext)),
      metadata: {
        commandId: origin.commandId,
        actorId: origin.actorId,
        actorRole: origin.actorRole,
        correlationId: origin.correlationId,
        causationId: origin.causationId ?? origin.commandId,
        reason: origin.reason,
        recordedAt,
      },
      expectedRevision: origin.expectedVersion === undefined ? undefined : BigInt(origin.expectedVersion),
      ...(input.fingerprint === undefined ? {} : { fingerprint: input.fingerprint }),
      ...(input.commandIdScope === undefined ? {} : { commandIdScope: input.commandIdScope }),
      retryBudgetMs,
      cache: this.states,
    });
  }

  /**
   * The events `input` would append now, without appending: lets a handler validate a command before side effects
   * on other streams (e.g. claiming a reservation). Throws the decider's DomainError exactly as `run` would.
   */
  async preview<TCommand, TEvent extends { type: string; data: unknown }, TState, TContext extends CommandMeta>(
    input: RunCommand<TCommand, TEvent, TState, TContext>,
  ): Promise<readonly TEvent[]> {
    const { origin } = input;
    const meta: CommandMeta = { commandId: origin.commandId, actor: { id: origin.actorId, role: origin.actorRole }, now: this.clock() };
    const state = await this.load(input.streamId, input.decider);
    const context = input.context ? await input.context(meta, state) : (meta as TContext);
    return input.decider.decide(input.command, state, context);
  }

  /**
   * True when `commandId` already appended to `streamId` (running it again would be a replay), found by its event ids.
   * Throws IDEMPOTENCY_CONFLICT when the commandId is the command of another stream: callers use this to skip side
   * effects (claims, key erasure) on a replay, and a reused commandId must not get as far as those either.
   */
  async hasHandled(streamId: string, commandId: string): Promise<boolean> {
    const handled = await findHandledCommand(this.store, streamId, commandId);
    if (handled.kind === 'elsewhere') throw new CommandIdempotencyConflictError(streamId, handled.eventId, commandId);
    return handled.kind === 'here';
  }

  /** The events `commandId` appended to `streamId` ([] when none), without reading the stream's history. */
  async commandEvents(streamId: string, commandId: string, scope?: CommandIdScope): Promise<readonly RecordedEvent[]> {
    const handled = await findHandledCommand(this.store, streamId, commandId, scope);
    return handled.kind === 'here' ? handled.events : [];
  }

  /** The stream's folded state with its revision, through the cache. */
  loadState<TEvent extends { type: string; data: unknown }, TState>(
    streamId: string,
    decider: Pick<DeciderLike<unknown, TEvent, TState, never>, 'initialState' | 'evolve' | 'foldVersion'>,
  ): Promise<StreamState<TState>> {
    return loadStreamState(this.store, streamId, decider, this.states);
  }

  /**
   * Folds only the first event of a stream: the record as it was created. For access checks before the stream is
   * loaded, where the scope (a subject's trial, site or programme) is fixed by the creating event: one indexed
   * read of at most one row, the same cost whether the record exists or not, whatever its history.
   */
  async loadCreation<TEvent extends { type: string; data: unknown }, TState>(
    streamId: string,
    decider: Pick<DeciderLike<unknown, TEvent, TState, never>, 'initialState' | 'evolve'>,
  ): Promise<TState> {
    const [first] = await this.store.readStream(streamId, { maxCount: 1 });
    return first ? decider.evolve(decider.initialState, { type: first.type, data: first.data } as TEvent) : decider.initialState;
  }

  /** Folds another stream with its decider (through the cache): how handlers gather facts for a decision context. */
  async load<TEvent extends { type: string; data: unknown }, TState>(
    streamId: string,
    decider: Pick<DeciderLike<unknown, TEvent, TState, never>, 'initialState' | 'evolve' | 'foldVersion'>,
  ): Promise<TState> {
    return (await this.loadState(streamId, decider)).state;
  }
}
