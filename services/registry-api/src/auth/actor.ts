/** The registry's roles (issue 5). What each may do is stated per operation with `@Authorize`. */
export const ROLES = ['coordinator', 'reader', 'screening_manager', 'biostatistician', 'regulator', 'admin', 'data_manager'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export type ScopeDimension = 'trial' | 'programme' | 'site';

/** Which ids an actor may touch; `*` stands for all. Empty lists grant nothing (fail closed). */
export interface ActorScopes {
  readonly trials: readonly string[];
  readonly programmes: readonly string[];
  readonly sites: readonly string[];
}

/**
 * The dimensions that bind each role. A dimension not listed is not checked for that role: a reader is
 * confined to its sites whatever the trial, a regulator and an admin are not confined at all (what they may
 * do is limited by the roles an operation lists, e.g. a regulator is never listed on a mutation).
 */
export const ROLE_SCOPE_DIMENSIONS: Readonly<Record<Role, readonly ScopeDimension[]>> = Object.freeze({
  coordinator: ['trial', 'site'],
  reader: ['site'],
  screening_manager: ['programme'],
  biostatistician: ['trial', 'programme'],
  regulator: [],
  admin: [],
  // Defines data-quality rules and closes or reopens data queries of its trials and programmes (issue 19).
  data_manager: ['trial', 'programme'],
});

/** Who is calling, as proven by a verified bearer token. */
export interface VerifiedActor {
  readonly id: string;
  readonly role: Role;
  readonly scopes: ActorScopes;
  /** The token's issuer, kept for the access log. */
  readonly issuer: string;
  /** The printed name (claim `name`), shown with the actor's electronic signatures (21 CFR 11.50). */
  readonly name?: string;
  /** When the identity provider last authenticated the user (claim `auth_time`, seconds since the epoch). */
  readonly authTime?: number;
  readonly unauthenticated: false;
}

/** A request without a token: it may reach only `@Public()` operations. */
export interface AnonymousActor {
  readonly id: 'anonymous';
  readonly role: 'anonymous';
  readonly scopes: ActorScopes;
  readonly unauthenticated: true;
}

export type Actor = VerifiedActor | AnonymousActor;

export const ANONYMOUS: AnonymousActor = Object.freeze({
  id: 'anonymous',
  role: 'anonymous',
  scopes: Object.freeze({ trials: [], programmes: [], sites: [] }),
  unauthenticated: true,
});

const SCOPE_LIST: Record<ScopeDimension, keyof ActorScopes> = { trial: 'trials', programme: 'programmes', site: 'sites' };

/** True when the actor's role is confined along `dimension` and `id` is not in its grants. */
export function outOfScope(actor: VerifiedActor, dimension: ScopeDimension, id: string): boolean {
  if (!ROLE_SCOPE_DIMENSIONS[actor.role].includes(dimension)) return false;
  const granted = actor.scopes[SCOPE_LIST[dimension]];
  return !(granted.includes('*') || granted.includes(id));
}

/**
 * For list queries: the ids the actor is confined to along `dimension`, or 'all'. Queries filter with it
 * (`WHERE trial_id = ANY($1)`) instead of loading and then hiding rows.
 */
export function scopeFilter(actor: VerifiedActor, dimension: ScopeDimension): 'all' | readonly string[] {
  if (!ROLE_SCOPE_DIMENSIONS[actor.role].includes(dimension)) return 'all';
  const granted = actor.scopes[SCOPE_LIST[dimension]];
  return granted.includes('*') ? 'all' : granted;
}
