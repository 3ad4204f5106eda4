import type { VerifiedActor } from '../auth/actor.js';
import { unauthenticated } from '../auth/auth.errors.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';

const perRequest = new WeakMap<object, Map<string, unknown>>();

/**
 * DataLoaders live exactly as long as one GraphQL request: they are kept beside the request's context object
 * (a WeakMap, so they go away with it) and never shared between requests, so no actor sees another's cache.
 */
export function requestScoped<T>(ctx: GraphqlContext, key: string, create: () => T): T {
  let bag = perRequest.get(ctx);
  if (!bag) perRequest.set(ctx, (bag = new Map()));
  let value = bag.get(key) as T | undefined;
  if (value === undefined) bag.set(key, (value = create()));
  return value;
}

/** The guard has already refused anonymous callers; this narrows the type for handlers. */
export function verifiedActor(ctx: GraphqlContext): VerifiedActor {
  if (ctx.actor.unauthenticated) throw unauthenticated();
  return ctx.actor;
}
