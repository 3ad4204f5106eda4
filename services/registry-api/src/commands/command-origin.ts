import { reject } from '#domain';
import type { ActorScopes, Role, VerifiedActor } from '../auth/actor.js';
import { unauthenticated } from '../auth/auth.errors.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import type { CommandOrigin } from './command-runner.js';

/** The fields every mutation input shares (graphql/commands.graphql conventions). */
export interface CommandInputBase {
  readonly commandId: string;
  readonly expectedVersion?: number | null;
}

const COMMAND_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * The verified actor of a request. The guard already refused anonymous callers on every non-public field; this
 * repeats the check so a handler can never record an unauthenticated actor, whatever the policy said.
 */
export function verifiedActor(ctx: Pick<GraphqlContext, 'actor'>): VerifiedActor {
  if (ctx.actor.unauthenticated) throw unauthenticated();
  return ctx.actor;
}

/**
 * Builds the CommandOrigin of a mutation: actor and role from the verified token (never from the input),
 * correlation id from the request, commandId / expectedVersion / reason from the input.
 * The commandId is checked here because it becomes part of event metadata and derived ids before any decider runs.
 */
export function commandOrigin(ctx: Pick<GraphqlContext, 'actor' | 'correlationId'>, input: CommandInputBase, reason?: string | null): CommandOrigin {
  const actor = verifiedActor(ctx);
  return originFor(actor, input, ctx.correlationId, reason);
}

/** The same for in-process callers (seed, benchmarks, jobs) that hold an actor but no GraphQL context. */
export function originFor(actor: Pick<VerifiedActor, 'id' | 'role'>, input: CommandInputBase, correlationId: string, reason?: string | null): CommandOrigin {
  // Not trimmed: authorization selectors derive ids from the raw commandId, and the handler must derive the same.
  const commandId = typeof input.commandId === 'string' ? input.commandId : '';
  if (!COMMAND_ID.test(commandId)) reject('INVALID_COMMAND_ID', 'commandId', 'commandId must be 1–128 letters, digits or . _ : - (a UUID is recommended)');
  const expectedVersion = input.expectedVersion ?? undefined;
  if (expectedVersion !== undefined && (!Number.isInteger(expectedVersion) || expectedVersion < -1)) {
    reject('OUT_OF_RANGE', 'expectedVersion', 'expectedVersion is a stream version (an integer ≥ -1; -1 = the record does not exist yet)');
  }
  return {
    commandId,
    actorId: actor.id,
    actorRole: actor.role,
    correlationId,
    ...(typeof reason === 'string' && reason.trim() ? { reason: reason.trim() } : {}),
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
  };
}

/**
 * An actor for in-process callers (seed, benchmarks, tests) that dispatch on the CommandBus without a token.
 * It is recorded in event metadata like any other actor; `issuer` says where it came from.
 */
export function inProcessActor(id: string, role: Role, scopes: Partial<ActorScopes> = {}, issuer = 'urn:biomarker-registry:in-process'): VerifiedActor {
  return {
    id,
    role,
    scopes: { trials: scopes.trials ?? ['*'], programmes: scopes.programmes ?? ['*'], sites: scopes.sites ?? ['*'] },
    issuer,
    unauthenticated: false,
  };
}
