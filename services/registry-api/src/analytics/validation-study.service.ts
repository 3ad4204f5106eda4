import { Injectable } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor.js';
import { ApiError } from '../graphql/error-mapping.js';
import {
  provenanceOf,
  readingSelection,
  readingSql,
  resolveReadings,
  type ReadingSelection,
  type ReadingSelectionInput,
} from './analytics.reading-selection.js';
import { visibilityFor, visibilitySql, type PopulationInput } from './analytics.scope.js';
import { assertKnownTimePoint } from './analytics.time-points.js';
import type { MultivariableInput } from './validation-study.covariates.js';
import { datasetRowOf, type DatasetRow, type EndpointInput } from './validation-study.dataset.js';
import type { StrataSpec } from './validation-study.statistics.js';
import { snapshotQueryable, snapshotSql } from '../snapshots/snapshot-source.js';
import { SnapshotQueries } from '../snapshots/snapshots.queries.js';

export interface ValidationStudyInput {
  readonly biomarkerId: string;
  readonly biomarkerVersion?: number | null;
  readonly timePoint: string;
  /** Whose reading is the index test (analytics.reading-selection.ts). */
  readonly indexTest: ReadingSelectionInput;
  readonly population?: PopulationInput | null;
  readonly endpoint: EndpointInput;
  readonly threshold?: number | null;
  readonly higherIsPositive?: boolean | null;
  readonly strata?: StrataSpec | null;
  readonly multivariable?: MultivariableInput | null;
  /** Compute over this frozen analysis snapshot's rows instead of the live read model. */
  readonly snapshotId?: string | null;
}

export interface ValidationStudyDataset {
  readonly input: ValidationStudyInput;
  readonly rows: DatasetRow[];
  /** Provenance: the subjects projection's checkpoint, read in the same snapshot as the rows. */
  readonly computedAtPosition: string | null;
  /** The snapshot the rows come from, when the input named one (then computedAtPosition is its data cut). */
  readonly snapshotId: string | null;
  readonly fetchMs: number;
}

/**
 * The one statement behind a validation study: per subject of the population, the candidate index readings of the
 * chosen rater (analytics.reading-selection.ts; one per subject or the study is refused as ambiguous) and their
 * follow-up (first qualifying outcome after the index date, last outcome of any type).
 *
 * Shaped for 100,000 subjects (bench:analytics):
 * - Rows are sorted by subject_id COLLATE "C": byte order with abbreviated keys instead of strcoll per comparison.
 * - Follow-up is one hash join and one hash aggregate over the outcomes instead of an index probe per subject.
 * - Times come back as integer microseconds since the epoch (int8, text on the wire): numeric → float8 in
 *   PostgreSQL goes through a decimal string per value, and parsing timestamptz into Dates on the client costs
 *   more than the query. Microseconds / 1000 in float64 is the same correctly rounded number the old
 *   `(extract(epoch …) * 1000)::float8` gave, to the bit.
 * - The subject's columns are grouped by explicitly (not through the primary key's functional dependency) so that
 *   the statement also runs over a snapshot's rows (snapshots/snapshot-source.ts), where subjects is a subquery.
 * - Rows come in subject order: floating-point sums depend on the order of their terms, so the same data gives the
 *   same digits whatever plan PostgreSQL picks (without ORDER BY the order followed the plan's hash tables).
 */
const DATASET_SQL = (visibility: string, reading: string) => `
WITH i AS (
  SELECT m.subject_id, m.measurement_id, m.value, m.unit, m.occurred_at, m.position, m.method, m.algorithm_version_id, m.reader_id, m.adjudication
    FROM read_model.measurements m
   WHERE m.biomarker_id = $5 AND ($6::int IS NULL OR m.biomarker_version = $6::int) AND m.time_point = $7
     AND m.superseded_at IS NULL AND NOT m.retracted AND m.value IS NOT NULL AND ${reading}
     AND ($8::timestamptz IS NULL OR m.occurred_at >= $8::timestamptz) AND ($9::timestamptz IS NULL OR m.occurred_at < $9::timestamptz))
SELECT i.subject_id, s.trial_id, s.programme_id, s.arm_code, s.site_id, i.measurement_id, i.value, i.unit,
       (extract(epoch FROM i.occurred_at) * 1000000)::int8 AS measured_us,
       (extract(epoch FROM min(o.occurred_at) FILTER (WHERE o.outcome_type = ANY($10::text[]) AND o.occurred_at > i.occurred_at)) * 1000000)::int8 AS event_us,
       (extract(epoch FROM greatest(max(o.occurred_at), i.occurred_at)) * 1000000)::int8 AS last_known_us,
       i.position::text AS position, i.method, i.algorithm_version_id, i.reader_id, i.adjudication
  FROM i
  JOIN read_model.subjects s ON s.subject_id = i.subject_id
  LEFT JOIN read_model.outcomes o ON o.subject_id = i.subject_id AND o.superseded_at IS NULL
 WHERE ${visibility}
   AND (($1::text[] IS NULL AND $2::text[] IS NULL) OR s.trial_id = ANY($1::text[]) OR s.programme_id = ANY($2::text[]))
   AND ($3::text[] IS NULL OR s.arm_code = ANY($3::text[]))
   AND ($4::text[] IS NULL OR s.site_id = ANY($4::text[]))
 GROUP BY s.subject_id, s.trial_id, s.programme_id, s.arm_code, s.site_id, i.subject_id, i.measurement_id, i.value, i.unit, i.occurred_at, i.position, i.method, i.algorithm_version_id, i.reader_id, i.adjudication
 ORDER BY i.subject_id COLLATE "C", i.measurement_id COLLATE "C"`;

/** A row of DATASET_SQL as an array (pg rowMode 'array': no object with named keys per row). */
type DatasetSqlRow = [
  subjectId: string,
  trialId: string | null,
  programmeId: string | null,
  armCode: string | null,
  siteId: string | null,
  measurementId: string,
  value: number,
  unit: string | null,
  measuredMs: number,
  eventMs: number | null,
  lastKnownMs: number | null,
  position: string,
  method: string,
  algorithmVersionId: string | null,
  readerId: string | null,
  adjudication: string | null,
];

const INT8_OID = 20;
/**
 * Only the three time columns are int8 (position is cast to text): parsed to epoch ms as each row arrives, so the
 * row holds a number rather than a 16-character string until the whole result is in.
 */
const pgTypes = pg.types;
const datasetTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID ? (us: string) => Number(us) / 1000 : pgTypes.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

@Injectable()
export class ValidationStudyService {
  constructor(
    private readonly db: DataSource,
    private readonly snapshots: SnapshotQueries,
  ) {}

  async dataset(actor: Actor, input: ValidationStudyInput): Promise<ValidationStudyDataset> {
    validateInput(input);
    const selection = readingSelection(input.indexTest, 'indexTest');
    const population = input.population ?? {};
    const granted = visibilityFor(actor, population);
    const visibility = visibilitySql('s', granted, 11);
    const reading = readingSql('m', selection, 13);
    // Over a snapshot: the caller must be allowed to read it, and its rows are made sure of before the query.
    const snapshot = input.snapshotId ? await this.snapshots.get(actor, input.snapshotId) : null;
    if (snapshot) await this.snapshots.ensureRows(snapshot);
    const started = performance.now();
    const params = [
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
      ...reading.params,
    ];
    const { rows, position } = await this.db.transaction('REPEATABLE READ', async (m) => {
      // Sorting and hashing 100k index rows in memory instead of on disk.
      await m.query(`SET LOCAL work_mem = '64MB'`);
      await assertKnownTimePoint(snapshot ? snapshotQueryable(m, snapshot.id) : m, input.timePoint, input.biomarkerId, granted, population);
      const checkpoint = snapshot
        ? [{ p: snapshot.manifest.position }]
        : ((await m.query(
            `SELECT prepare_position::text AS p FROM read_model.projection_checkpoints WHERE name = 'subjects' AND live ORDER BY version DESC LIMIT 1`,
          )) as { p: string | null }[]);
      // The driver's own client of this transaction, for rowMode 'array' (TypeORM's query() always builds objects).
      const client = (m.queryRunner as unknown as { databaseConnection?: pg.PoolClient } | undefined)?.databaseConnection;
      if (!client) throw new Error('validation study dataset: no PostgreSQL connection in the transaction');
      const text = DATASET_SQL(visibility.sql, reading.sql);
      const result = await client.query<DatasetSqlRow>({
        text: snapshot ? snapshotSql(text, params.length + 1) : text,
        values: snapshot ? [...params, snapshot.id] : params,
        rowMode: 'array',
        types: datasetTypes,
      });
      return { rows: result.rows, position: checkpoint[0]?.p ?? null };
    });
    const fetchMs = performance.now() - started;
    const chosen = indexReadings(rows, selection);
    const derive = datasetRowOf(input.endpoint);
    const out: DatasetRow[] = new Array<DatasetRow>(chosen.length);
    for (let k = 0; k < chosen.length; k++) {
      const c = chosen[k]!;
      const r = c.row;
      out[k] = derive({
        subjectId: r[0],
        trialId: r[1],
        programmeId: r[2],
        armCode: r[3],
        siteId: r[4],
        measurementId: r[5],
        value: r[6],
        unit: r[7],
        measuredMs: r[8],
        eventMs: r[9],
        lastKnownMs: r[10],
        position: r[11],
        reading: provenanceOf(c),
      });
    }
    return { input, rows: out, computedAtPosition: position, snapshotId: snapshot?.id ?? null, fetchMs };
  }
}

/**
 * One index reading per subject (rows arrive in subject order). A subject with a single candidate is its own
 * answer under every selection, so the shared resolution (with its ambiguity rule) runs only when some subject
 * has two: the common case over 100,000 subjects allocates nothing per row.
 */
function indexReadings(rows: readonly DatasetSqlRow[], selection: ReadingSelection) {
  const candidate = (row: DatasetSqlRow) => ({
    measurementId: row[5],
    method: row[12],
    algorithmVersionId: row[13],
    readerId: row[14],
    adjudication: row[15],
    row,
  });
  let repeated = false;
  for (let k = 1; k < rows.length && !repeated; k++) repeated = (rows[k] as DatasetSqlRow)[0] === (rows[k - 1] as DatasetSqlRow)[0];
  if (!repeated) return rows.map(candidate);
  return [...resolveReadings(rows.map(candidate), (c) => `subject ${c.row[0]}`, selection, 'indexTest').values()];
}

function validateInput(input: ValidationStudyInput): void {
  if (input.endpoint.outcomeTypes.length === 0) throw new ApiError('BAD_USER_INPUT', 'name at least one outcome type as the event', 'endpoint.outcomeTypes');
  const h = input.endpoint.horizonDays;
  if (h !== undefined && h !== null && !(h > 0)) throw new ApiError('BAD_USER_INPUT', 'the horizon must be a positive number of days', 'endpoint.horizonDays');
  if (input.endpoint.kind === 'BINARY' && (h === undefined || h === null))
    throw new ApiError('BAD_USER_INPUT', 'a binary endpoint needs a horizon', 'endpoint.horizonDays');
  if (input.threshold !== undefined && input.threshold !== null && !Number.isFinite(input.threshold))
    throw new ApiError('BAD_USER_INPUT', 'threshold must be finite', 'threshold');
}
