import { assertInScope } from '../auth/scope.js';
import { scopeFilter, type Actor } from '../auth/actor.js';
import { forbidden, unauthenticated } from '../auth/auth.errors.js';

/** Who may read analysis data (auth README): biostatisticians and screening managers within their grants, regulators everything. */
export const ANALYSIS_ROLES = ['biostatistician', 'screening_manager', 'regulator'] as const;

export interface PopulationInput {
  readonly trialIds?: readonly string[] | null;
  readonly armCodes?: readonly string[] | null;
  readonly siteIds?: readonly string[] | null;
  readonly programmeIds?: readonly string[] | null;
  readonly from?: string | null;
  readonly to?: string | null;
}

/**
 * The rows an actor may read: a subject (or screening) is visible when its trial or its programme is granted.
 * Requested ids must themselves be granted, so asking for someone else's trial is refused rather than answered
 * with an empty dataset. A screening manager sees programmes only (auth README).
 */
export type Grant = 'all' | 'none' | readonly string[];

export interface Visibility {
  readonly trials: Grant;
  readonly programmes: Grant;
}

export function visibilityFor(actor: Actor, population: PopulationInput | null | undefined): Visibility {
  if (actor.unauthenticated) throw unauthenticated();
  assertInScope(actor, { trial: population?.trialIds ?? undefined, programme: population?.programmeIds ?? undefined, site: population?.siteIds ?? undefined });
  const v: Visibility = {
    trials: actor.role === 'screening_manager' ? 'none' : scopeFilter(actor, 'trial'),
    programmes: scopeFilter(actor, 'programme'),
  };
  const empty = (g: Grant) => g === 'none' || (Array.isArray(g) && g.length === 0);
  if (empty(v.trials) && empty(v.programmes)) throw forbidden();
  return v;
}

function grantSql(column: string, param: number): string {
  // $n NULL = all granted, [] = none; always referenced so PostgreSQL can type the parameter.
  return `(${column} IS NOT NULL AND ($${param}::text[] IS NULL OR ${column} = ANY($${param}::text[])))`;
}

/** SQL condition (parameters from $firstParam) restricting a table alias with trial_id/programme_id columns. */
export function visibilitySql(
  alias: string,
  v: Visibility,
  firstParam: number,
  columns = { trial: 'trial_id', programme: 'programme_id' },
): { sql: string; params: unknown[] } {
  const list = (g: Grant) => (g === 'all' ? null : g === 'none' ? [] : [...g]);
  return {
    sql: `(${grantSql(`${alias}.${columns.trial}`, firstParam)} OR ${grantSql(`${alias}.${columns.programme}`, firstParam + 1)})`,
    params: [list(v.trials), list(v.programmes)],
  };
}
