import type { Actor, ScopeDimension } from './actor.js';
import { outOfScope } from './actor.js';
import { forbidden, unauthenticated } from './auth.errors.js';

export type DataScope = Partial<Record<ScopeDimension, string | readonly string[] | null | undefined>>;

/**
 * For services that learn the scope only from data (a subject's trial and site, a screening's programme):
 * throws FORBIDDEN when the actor's role is confined along a dimension and the data lies outside its grants.
 * A confined actor asking about an id that does not exist should get the same error: pass `undefined` as
 * the scope via `requireInScope`, so "missing" and "not yours" look the same.
 */
export function assertInScope(actor: Actor, scope: DataScope): void {
  if (actor.unauthenticated) throw unauthenticated();
  for (const [dimension, ids] of Object.entries(scope) as [ScopeDimension, DataScope[ScopeDimension]][]) {
    if (ids === undefined) continue;
    const list = ids === null ? [] : typeof ids === 'string' ? [ids] : ids;
    for (const id of list) if (outOfScope(actor, dimension, id)) throw forbidden();
  }
}

/**
 * Loads-then-checks in one call: returns the entity when the actor may see it. When it is missing, an actor
 * confined along one of the dimensions gets FORBIDDEN (no existence leak); an unconfined one (regulator,
 * admin) gets `undefined` so the caller can answer "not found" as usual.
 */
export function requireInScope<T>(
  actor: Actor,
  entity: T | undefined | null,
  scopeOf: (entity: T) => DataScope,
  dimensions: readonly ScopeDimension[],
): T | undefined {
  if (actor.unauthenticated) throw unauthenticated();
  if (entity === undefined || entity === null) {
    const probe = Object.fromEntries(dimensions.map((d) => [d, '\u0000missing'])) as DataScope;
    assertInScope(actor, probe);
    return undefined;
  }
  assertInScope(actor, scopeOf(entity));
  return entity;
}
