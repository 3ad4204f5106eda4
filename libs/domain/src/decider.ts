/**
 * The shape of every write-side context: pure functions, no clock, no randomness, no I/O.
 * Time, ids and the actor arrive in the command metadata; facts read from other streams arrive in the
 * decision context the command handler assembles.
 */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly data: TData;
}

export interface Actor {
  readonly id: string;
  readonly role: string;
}

/** Supplied by the command handler; never read from a clock inside `decide`. */
export interface CommandMeta {
  readonly commandId: string;
  readonly actor: Actor;
  /** Server time the command was received (UTC). */
  readonly now: Date;
}

export interface Decider<TCommand, TEvent extends DomainEvent, TState, TContext = CommandMeta> {
  readonly initialState: TState;
  /**
   * Pure: returns the next state and leaves `state` as it was (states are shared: a fold may extend a state that a
   * cache or a running decision still holds). Large collections live in persistent structures (persistent-map.ts)
   * so that folding a long stream stays linear.
   */
  evolve(state: TState, event: TEvent): TState;
  /**
   * Names this fold (initialState + evolve + the state's shape), e.g. `trial/1`: caches of folded states key on it,
   * so change it with every change to the fold and states folded by the old code are refolded, never reused.
   */
  readonly foldVersion: string;
  /** Returns the events the command produces, or throws a DomainError; never mutates `state`. */
  decide(command: TCommand, state: TState, context: TContext): readonly TEvent[];
}

export function fold<TEvent extends DomainEvent, TState>(
  decider: Pick<Decider<unknown, TEvent, TState, never>, 'initialState' | 'evolve'>,
  events: Iterable<TEvent>,
): TState {
  let state = decider.initialState;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}
