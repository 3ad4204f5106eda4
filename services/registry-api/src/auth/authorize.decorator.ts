import { SetMetadata } from '@nestjs/common';
import type { Role, ScopeDimension } from './actor.js';

/** Picks the id(s) an operation touches from its arguments; nothing picked means the check fails (fail closed). */
export type ScopeSelector<TArgs> = (args: TArgs) => string | readonly string[] | null | undefined;

// GraphQL arguments reach the decorator untyped; `any` lets a selector read `args.input.trialId` directly, and a
// selector that reads a missing path throws or returns undefined, which the guard treats as a denial.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type UntypedArgs = any;

export interface AuthorizePolicy<TArgs = UntypedArgs> {
  /** Roles that may run the operation at all. */
  readonly roles: readonly Role[];
  /**
   * Ids checked against the actor's grants before the resolver runs, for each dimension that binds the
   * actor's role (actor.ts ROLE_SCOPE_DIMENSIONS). `inHandler: true` says the resolver checks scope against
   * loaded data itself (`assertInScope`) — required when an allowed scoped role has no selector here.
   * `'global'` marks an operation that exposes nothing tied to a trial, programme or site (e.g. the
   * biomarker catalogue, registry health).
   */
  readonly scope?: 'global' | (Partial<Record<ScopeDimension, ScopeSelector<TArgs>>> & { readonly inHandler?: true });
}

export const AUTHORIZE_POLICY = 'registry:authorize-policy';

/**
 * States who may run a query, mutation, field or HTTP route. Operations without a policy are refused
 * (deny by default); field resolvers without one inherit the check of the query that reached them.
 *
 *   @Authorize({ roles: ['coordinator', 'admin'], scope: { trial: (args) => args.input.trialId } })
 */
export const Authorize = <TArgs = UntypedArgs>(policy: AuthorizePolicy<TArgs>) => SetMetadata(AUTHORIZE_POLICY, Object.freeze({ ...policy }));
