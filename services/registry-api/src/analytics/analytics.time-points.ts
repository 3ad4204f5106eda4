import type { EntityManager } from 'typeorm';
import { ApiError } from '../graphql/error-mapping.js';
import { visibilitySql, type PopulationInput, type Visibility } from './analytics.scope.js';

type Queryable = Pick<EntityManager, 'query'>;

/** Trials and programmes the population names, or null when it names none (then: everything visible). */
const TRIAL_PROGRAMME_FILTER = (alias: string, trials: number, programmes: number) =>
  `(($${trials}::text[] IS NULL AND $${programmes}::text[] IS NULL) OR ${alias}.trial_id = ANY($${trials}::text[]) OR ${alias}.programme_id = ANY($${programmes}::text[]))`;

/**
 * Refuses a time point that nothing in the caller's population knows, with UNKNOWN_TIME_POINT on `timePoint`: a
 * misspelt or wrongly cased code ("baseline" for BASELINE) used to give an empty study that looked like an answer.
 * Known = a visit-schedule code of a visible trial in the population (an empty study is then a real answer: nobody
 * measured yet), or the time point of some current measurement of the biomarker the caller may read (screening
 * programmes have no schedule). Runs after the access check, and looks only at what the caller may read, so it
 * tells nothing about other trials. The details list the known codes, so the error says what to send instead.
 */
export async function assertKnownTimePoint(
  db: Queryable,
  timePoint: string,
  biomarkerId: string,
  visibility: Visibility,
  population: PopulationInput | null | undefined,
): Promise<void> {
  const p = population ?? {};
  const vm = visibilitySql('m', visibility, 5);
  const trials = visibility.trials === 'all' ? null : visibility.trials === 'none' ? [] : [...visibility.trials];
  const params = [biomarkerId, timePoint, p.trialIds ?? null, p.programmeIds ?? null, ...vm.params, trials];
  // The time points the caller may know of: `only` restricts both branches to the code asked for.
  const known = (only: boolean) => `
    SELECT m.time_point AS code FROM read_model.measurements m
     WHERE m.biomarker_id = $1 AND m.superseded_at IS NULL AND ${vm.sql} AND ${TRIAL_PROGRAMME_FILTER('m', 3, 4)} AND ${only ? 'm.time_point = $2' : 'true'}
    UNION ALL
    SELECT e->>'code' FROM read_model.trials t CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(t.schedule) = 'array' THEN t.schedule ELSE '[]'::jsonb END) e
     WHERE ($7::text[] IS NULL OR t.trial_id = ANY($7::text[])) AND (($3::text[] IS NULL AND $4::text[] IS NULL) OR t.trial_id = ANY($3::text[]))
       AND ${only ? `e->>'code' = $2` : 'true'}`;
  const exists = (await db.query(`SELECT EXISTS (${known(true)}) AS known`, params)) as { known: boolean }[];
  if (exists[0]?.known) return;
  // $2 is referenced once more so that PostgreSQL can type it when the list does not filter on it.
  const codes = (await db.query(`SELECT DISTINCT code FROM (${known(false)}) k WHERE $2::text IS NOT NULL ORDER BY code LIMIT 50`, params)) as {
    code: string;
  }[];
  const list = codes.map((c) => c.code);
  throw new ApiError(
    'UNKNOWN_TIME_POINT',
    `no trial schedule or measurement of this biomarker in your population has time point "${timePoint}" (codes are case-sensitive)${list.length > 0 ? `; known: ${list.join(', ')}` : ''}`,
    'timePoint',
    { knownTimePoints: list },
  );
}
