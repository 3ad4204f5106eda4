import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor.js';
import { ApiError } from '../graphql/error-mapping.js';
import { visibilityFor, visibilitySql, type PopulationInput } from './analytics.scope.js';
import { buildDataset, type DatasetRow, type EndpointInput, type SourceRow } from './validation-study.dataset.js';
import type { StrataSpec } from './validation-study.statistics.js';

export interface ValidationStudyInput {
  readonly biomarkerId: string;
  readonly biomarkerVersion?: number | null;
  readonly timePoint: string;
  readonly population?: PopulationInput | null;
  readonly endpoint: EndpointInput;
  readonly threshold?: number | null;
  readonly higherIsPositive?: boolean | null;
  readonly strata?: StrataSpec | null;
}

export interface ValidationStudyDataset {
  readonly input: ValidationStudyInput;
  readonly rows: DatasetRow[];
  /** Provenance: the subjects projection's checkpoint, read in the same snapshot as the rows. */
  readonly computedAtPosition: string | null;
  readonly fetchMs: number;
}

/**
 * The one statement behind a validation study: per subject of the population, the index measurement (accepted
 * reading first, then the latest) and its follow-up. Times come back as epoch milliseconds (float8): parsing
 * 100,000 timestamptz values into Dates on the client costs more than the query.
 */
const DATASET_SQL = (visibility: string) => `
SELECT i.subject_id, s.trial_id, s.programme_id, s.arm_code, s.site_id, i.measurement_id, i.value, i.unit,
       (extract(epoch FROM i.occurred_at) * 1000)::float8 AS measured_ms,
       (extract(epoch FROM f.event_at) * 1000)::float8 AS event_ms,
       (extract(epoch FROM greatest(f.last_known_at, i.occurred_at)) * 1000)::float8 AS last_known_ms,
       i.position::text AS position
  FROM (SELECT DISTINCT ON (m.subject_id) m.subject_id, m.measurement_id, m.value, m.unit, m.occurred_at, m.position
          FROM read_model.measurements m
         WHERE m.biomarker_id = $5 AND ($6::int IS NULL OR m.biomarker_version = $6::int) AND m.time_point = $7
           AND m.superseded_at IS NULL AND NOT m.retracted AND m.value IS NOT NULL AND m.adjudication IS DISTINCT FROM 'not_accepted'
           AND ($8::timestamptz IS NULL OR m.occurred_at >= $8::timestamptz) AND ($9::timestamptz IS NULL OR m.occurred_at < $9::timestamptz)
         ORDER BY m.subject_id, (m.adjudication = 'accepted') DESC NULLS LAST, m.occurred_at DESC, m.measurement_id) i
  JOIN read_model.subjects s ON s.subject_id = i.subject_id
  LEFT JOIN LATERAL (
         SELECT min(o.occurred_at) FILTER (WHERE o.outcome_type = ANY($10::text[]) AND o.occurred_at > i.occurred_at) AS event_at,
                max(o.occurred_at) AS last_known_at
           FROM read_model.outcomes o WHERE o.subject_id = i.subject_id AND o.superseded_at IS NULL) f ON TRUE
 WHERE ${visibility}
   AND (($1::text[] IS NULL AND $2::text[] IS NULL) OR s.trial_id = ANY($1::text[]) OR s.programme_id = ANY($2::text[]))
   AND ($3::text[] IS NULL OR s.arm_code = ANY($3::text[]))
   AND ($4::text[] IS NULL OR s.site_id = ANY($4::text[]))`;

interface DatasetSqlRow {
  subject_id: string;
  trial_id: string | null;
  programme_id: string | null;
  arm_code: string | null;
  site_id: string | null;
  measurement_id: string;
  value: number;
  unit: string | null;
  measured_ms: number;
  event_ms: number | null;
  last_known_ms: number | null;
  position: string;
}

@Injectable()
export class ValidationStudyService {
  constructor(private readonly db: DataSource) {}

  async dataset(actor: Actor, input: ValidationStudyInput): Promise<ValidationStudyDataset> {
    validateInput(input);
    const population = input.population ?? {};
    const visibility = visibilitySql('s', visibilityFor(actor, population), 11);
    const started = performance.now();
    const { rows, position } = await this.db.transaction('REPEATABLE READ', async (m) => {
      // Sorting 100k index rows in memory instead of on disk.
      await m.query(`SET LOCAL work_mem = '64MB'`);
      const checkpoint = (await m.query(`SELECT prepare_position::text AS p FROM read_model.projection_checkpoints WHERE name = 'subjects' AND live ORDER BY version DESC LIMIT 1`)) as { p: string | null }[];
      const rows = (await m.query(DATASET_SQL(visibility.sql), [
        population.trialIds ?? null,
        population.programmeIds ?? null,
        population.armCodes ?? null,
        population.siteIds ?? null,
        input.biomarkerId,
        input.biomarkerVersion ?? null,
        input.timePoint,
        population.from ?? null,
        population.to ?? null,
        [...input.endpoint.outcomeTypes],
        ...visibility.params,
      ])) as DatasetSqlRow[];
      return { rows, position: checkpoint[0]?.p ?? null };
    });
    const fetchMs = performance.now() - started;
    const source: SourceRow[] = rows.map((r) => ({
      subjectId: r.subject_id,
      trialId: r.trial_id,
      programmeId: r.programme_id,
      armCode: r.arm_code,
      siteId: r.site_id,
      measurementId: r.measurement_id,
      value: r.value,
      unit: r.unit,
      measuredMs: r.measured_ms,
      eventMs: r.event_ms,
      lastKnownMs: r.last_known_ms,
      position: r.position,
    }));
    return { input, rows: buildDataset(source, input.endpoint), computedAtPosition: position, fetchMs };
  }
}

function validateInput(input: ValidationStudyInput): void {
  if (input.endpoint.outcomeTypes.length === 0) throw new ApiError('BAD_USER_INPUT', 'name at least one outcome type as the event', 'endpoint.outcomeTypes');
  const h = input.endpoint.horizonDays;
  if (h !== undefined && h !== null && !(h > 0)) throw new ApiError('BAD_USER_INPUT', 'the horizon must be a positive number of days', 'endpoint.horizonDays');
  if (input.endpoint.kind === 'BINARY' && (h === undefined || h === null)) throw new ApiError('BAD_USER_INPUT', 'a binary endpoint needs a horizon', 'endpoint.horizonDays');
  if (input.threshold !== undefined && input.threshold !== null && !Number.isFinite(input.threshold)) throw new ApiError('BAD_USER_INPUT', 'threshold must be finite', 'threshold');
}
