import { ROLE_SCOPE_DIMENSIONS, outOfScope, scopeFilter, type VerifiedActor } from '../auth/actor.js';
import type { Where } from './connection.queries.js';

// The subject scope rule is shared by every read model that holds subject rows (subjects, measurements, and the
// lists built on them); it lives here rather than in subjects/ so those features do not import each other.

/**
 * Which subjects an actor may see, as SQL on the subjects table (alias `s`): a role confined to trials sees trial
 * subjects of its trials, one confined to programmes participants of its programmes (a biostatistician both),
 * one confined to sites only subjects of its sites.
 */
export function subjectScopeSql(actor: VerifiedActor, w: Where, alias = 's', siteSql = (ids: string) => `${alias}.site_id = ANY (${ids}::text[])`): void {
  const dims = ROLE_SCOPE_DIMENSIONS[actor.role];
  const parts: string[] = [];
  for (const [dimension, column] of [
    ['trial', 'trial_id'],
    ['programme', 'programme_id'],
  ] as const) {
    if (!dims.includes(dimension)) continue;
    const ids = scopeFilter(actor, dimension);
    parts.push(ids === 'all' ? `${alias}.${column} IS NOT NULL` : `${alias}.${column} = ANY (${w.param([...ids])}::text[])`);
  }
  if (parts.length > 0) w.raw(`(${parts.join(' OR ')})`);
  if (dims.includes('site')) {
    const sites = scopeFilter(actor, 'site');
    if (sites !== 'all') w.raw(siteSql(w.param([...sites])));
  }
}

/** The same rule for one loaded subject. */
export function subjectVisible(actor: VerifiedActor, s: { trial_id: string | null; programme_id: string | null; site_id: string | null }): boolean {
  const dims = ROLE_SCOPE_DIMENSIONS[actor.role];
  const byTrial = dims.includes('trial') && s.trial_id !== null && !outOfScope(actor, 'trial', s.trial_id);
  const byProgramme = dims.includes('programme') && s.programme_id !== null && !outOfScope(actor, 'programme', s.programme_id);
  if ((dims.includes('trial') || dims.includes('programme')) && !byTrial && !byProgramme) return false;
  return !dims.includes('site') || (s.site_id !== null && !outOfScope(actor, 'site', s.site_id));
}

export function isConfined(actor: VerifiedActor): boolean {
  return ROLE_SCOPE_DIMENSIONS[actor.role].length > 0;
}
