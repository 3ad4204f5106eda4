import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '../graphql/error-mapping.js';
import { PrivacyService } from '../privacy/privacy.service.js';
import type { PersonalData } from '../privacy/personal-data.js';
import { snapshotQueryable } from '../snapshots/snapshot-source.js';

type Queryable = Pick<DataSource, 'query'>;
import {
  describeSelection,
  readingSelection,
  readingSql,
  resolveReadings,
  type ReadingSelection,
  type ReadingSelectionInput,
} from './analytics.reading-selection.js';
import type { DatasetRow } from './validation-study.dataset.js';
import { BIOMARKER_TERM, type CovariateColumn, type MultivariableOptions } from './validation-study.multivariable.js';

export type ClinicalCovariate = 'AGE' | 'SEX' | 'STAGE';

/** graphql/analytics.graphql `CovariateInput`: exactly one of `clinical`, `biomarkerId`. */
export interface CovariateInput {
  readonly clinical?: ClinicalCovariate | null;
  readonly biomarkerId?: string | null;
  readonly biomarkerVersion?: number | null;
  readonly timePoint?: string | null;
  readonly reading?: ReadingSelectionInput | null;
  readonly name?: string | null;
}

export interface MultivariableInput {
  readonly covariates: readonly CovariateInput[];
  readonly horizonsDays?: readonly number[] | null;
  readonly calibrationHorizonDays?: number | null;
  readonly bootstrapReplicates?: number | null;
  readonly bootstrapSeed?: number | null;
}

export type CovariateSpec =
  | { readonly kind: 'clinical'; readonly name: string; readonly clinical: ClinicalCovariate }
  | {
      readonly kind: 'biomarker';
      readonly name: string;
      readonly biomarkerId: string;
      readonly biomarkerVersion: number | null;
      readonly timePoint: string;
      readonly selection: ReadingSelection;
      readonly field: string;
    };

const MAX_COVARIATES = 20;
const DEFAULT_REPLICATES = 200;
/** Fixed so that the same study on the same data gives the same interval (and the seed is reported with it). */
export const DEFAULT_BOOTSTRAP_SEED = 20260101;
const DEFAULT_NAME: Record<ClinicalCovariate, string> = { AGE: 'age', SEX: 'sex', STAGE: 'stage' };

/** Checks the multivariable input against the study's own: names unique, one source per covariate, sane horizons. */
export function parseMultivariable(
  input: MultivariableInput,
  study: { readonly timePoint: string; readonly indexTest: ReadingSelectionInput; readonly horizonDays: number | null; readonly survival: boolean },
): { specs: CovariateSpec[]; options: MultivariableOptions } {
  const field = 'multivariable.covariates';
  if (input.covariates.length > MAX_COVARIATES) throw new ApiError('BAD_USER_INPUT', `at most ${MAX_COVARIATES} covariates`, field);
  const names = new Set<string>([BIOMARKER_TERM]);
  const specs = input.covariates.map((c, i): CovariateSpec => {
    const at = `${field}[${i}]`;
    const hasClinical = c.clinical !== undefined && c.clinical !== null;
    const hasBiomarker = c.biomarkerId !== undefined && c.biomarkerId !== null;
    if (hasClinical === hasBiomarker) throw new ApiError('BAD_USER_INPUT', 'give exactly one of clinical, biomarkerId', at);
    const name = (c.name ?? (hasClinical ? DEFAULT_NAME[c.clinical as ClinicalCovariate] : (c.biomarkerId as string))).trim();
    if (name.length === 0 || name.length > 64) throw new ApiError('BAD_USER_INPUT', 'a covariate name has 1 to 64 characters', `${at}.name`);
    if (names.has(name)) throw new ApiError('BAD_USER_INPUT', `covariate name "${name}" is used twice (or is the biomarker's own term)`, `${at}.name`);
    names.add(name);
    if (hasClinical) {
      if (c.biomarkerVersion != null || c.timePoint != null || c.reading != null) {
        throw new ApiError('BAD_USER_INPUT', 'a clinical covariate takes no biomarkerVersion, timePoint or reading', at);
      }
      return { kind: 'clinical', name, clinical: c.clinical as ClinicalCovariate };
    }
    const biomarkerId = (c.biomarkerId as string).trim();
    if (biomarkerId.length === 0) throw new ApiError('BAD_USER_INPUT', 'biomarkerId must not be empty', `${at}.biomarkerId`);
    return {
      kind: 'biomarker',
      name,
      biomarkerId,
      biomarkerVersion: c.biomarkerVersion ?? null,
      timePoint: c.timePoint ?? study.timePoint,
      // Default: the same rater as the index test, so the biomarkers are read alike.
      selection: readingSelection(c.reading ?? study.indexTest, `${at}.reading`),
      field: `${at}.reading`,
    };
  });
  const horizons = [...(input.horizonsDays ?? (study.horizonDays !== null ? [study.horizonDays] : []))];
  horizons.forEach((h, i) => {
    if (!Number.isInteger(h) || h <= 0)
      throw new ApiError('BAD_USER_INPUT', 'a horizon is a positive whole number of days', `multivariable.horizonsDays[${i}]`);
  });
  const calibrationHorizonDays = input.calibrationHorizonDays ?? (study.survival ? study.horizonDays : null);
  if (calibrationHorizonDays !== null && !(Number.isInteger(calibrationHorizonDays) && calibrationHorizonDays > 0)) {
    throw new ApiError('BAD_USER_INPUT', 'the calibration horizon is a positive whole number of days', 'multivariable.calibrationHorizonDays');
  }
  const replicates = input.bootstrapReplicates ?? DEFAULT_REPLICATES;
  if (!Number.isInteger(replicates) || replicates < 20 || replicates > 2000) {
    throw new ApiError('BAD_USER_INPUT', 'bootstrapReplicates is a whole number from 20 to 2000', 'multivariable.bootstrapReplicates');
  }
  const seed = input.bootstrapSeed ?? DEFAULT_BOOTSTRAP_SEED;
  if (!Number.isInteger(seed)) throw new ApiError('BAD_USER_INPUT', 'bootstrapSeed is a whole number', 'multivariable.bootstrapSeed');
  return { specs, options: { horizonsDays: horizons, calibrationHorizonDays, bootstrapReplicates: replicates, bootstrapSeed: seed } };
}

/** Stage group → ordinal 0–4 (0/IS = 0, I = 1 … IV = 4); sub-groups (A–C, 1–3) are not distinguished; UNKNOWN is missing. */
export function stageOrdinal(stage: string): number | null {
  const m = /^(0|IS|IV|III|II|I)(?:[A-C][1-3]?)?$/.exec(stage);
  if (!m) return null;
  const group = m[1] as string;
  return group === '0' || group === 'IS' ? 0 : ({ I: 1, II: 2, III: 3, IV: 4 } as Record<string, number>)[group]!;
}

const YEAR_MS = 365.25 * 86_400_000;

/** The fewest subjects with opened personal data over which AGE or SEX may enter a model (a disclosure-control floor). */
export const MIN_PERSONAL_COHORT = 10;

/**
 * Reads each covariate's value per row of a validation study's dataset. The rows were already confined to the
 * caller's grants, so only those subjects are read. Clinical:
 * - AGE: years from the sealed year of birth to the index scan (mid-year birth assumed, so ±0.5 year);
 * - SEX: 1 = male, 0 = female; other or unknown is missing;
 * - STAGE: ordinal stage group of the latest staged outcome at or before the index scan.
 * Age and sex are sealed personal fields: they are opened for the model only (PrivacyService.openForAggregate) and
 * never leave this service except as coefficients; an erased subject has them missing.
 */
@Injectable()
export class ValidationStudyCovariates {
  constructor(
    private readonly db: DataSource,
    private readonly privacy: PrivacyService,
  ) {}

  /**
   * With `snapshotId` the stage and biomarker covariates are read from the frozen snapshot's rows, as the dataset was,
   * so a re-run after later writes fits the same model (age and sex come from the sealed personal data, which a
   * snapshot does not copy: an erasure after the cut removes them, as erasure must).
   */
  async columns(rows: readonly DatasetRow[], specs: readonly CovariateSpec[], snapshotId?: string | null): Promise<CovariateColumn[]> {
    const db: Queryable = snapshotId ? snapshotQueryable(this.db, snapshotId) : this.db;
    const ids = rows.map((r) => r.subjectId);
    const needsPersonal = specs.some((s) => s.kind === 'clinical' && (s.clinical === 'AGE' || s.clinical === 'SEX'));
    const personal = needsPersonal ? await this.privacy.openForAggregate(ids) : new Map<string, PersonalData | 'erased'>();
    if (needsPersonal) {
      // Coefficients over a handful of subjects give their age or sex away (one subject's value solves out of a
      // model fitted on five); a biostatistician who may not read personal data must not get it that way.
      const opened = [...personal.values()].filter((p) => p !== 'erased').length;
      if (opened < MIN_PERSONAL_COHORT) {
        throw new ApiError(
          'COHORT_TOO_SMALL',
          `age and sex are used as covariates only over at least ${MIN_PERSONAL_COHORT} subjects with personal data; this study has ${opened}`,
          'multivariable.covariates',
        );
      }
    }
    const out: CovariateColumn[] = [];
    for (const spec of specs) {
      if (spec.kind === 'biomarker') {
        out.push(await this.biomarkerColumn(db, rows, spec));
        continue;
      }
      switch (spec.clinical) {
        case 'AGE':
          out.push({
            name: spec.name,
            coding: 'years at the index scan (from the year of birth, mid-year)',
            values: rows.map((r) => {
              const p = personal.get(r.subjectId);
              return p === undefined || p === 'erased' || p.yearOfBirth === undefined ? null : (r.measuredMs - Date.UTC(p.yearOfBirth, 6, 1)) / YEAR_MS;
            }),
          });
          break;
        case 'SEX':
          out.push({
            name: spec.name,
            coding: '1 = male, 0 = female (other, unknown: missing)',
            values: rows.map((r) => {
              const p = personal.get(r.subjectId);
              if (p === undefined || p === 'erased') return null;
              return p.sex === 'male' ? 1 : p.sex === 'female' ? 0 : null;
            }),
          });
          break;
        case 'STAGE':
          out.push(await this.stageColumn(db, rows, spec.name));
          break;
      }
    }
    return out;
  }

  private async stageColumn(db: Queryable, rows: readonly DatasetRow[], name: string): Promise<CovariateColumn> {
    const found = (await db.query(
      `SELECT DISTINCT ON (o.subject_id) o.subject_id, o.stage
         FROM unnest($1::text[], $2::float8[]) AS i(subject_id, measured_ms)
         JOIN read_model.outcomes o ON o.subject_id = i.subject_id
        WHERE o.superseded_at IS NULL AND o.stage IS NOT NULL AND o.stage <> 'UNKNOWN'
          AND o.occurred_at <= to_timestamp(i.measured_ms / 1000.0)
        ORDER BY o.subject_id, o.occurred_at DESC, o.outcome_id`,
      [rows.map((r) => r.subjectId), rows.map((r) => r.measuredMs)],
    )) as { subject_id: string; stage: string }[];
    const bySubject = new Map(found.map((f) => [f.subject_id, stageOrdinal(f.stage)]));
    return {
      name,
      coding: 'stage group at the index scan: 0/IS = 0, I = 1, II = 2, III = 3, IV = 4 (latest staged outcome; UNKNOWN: missing)',
      values: rows.map((r) => bySubject.get(r.subjectId) ?? null),
    };
  }

  private async biomarkerColumn(db: Queryable, rows: readonly DatasetRow[], spec: Extract<CovariateSpec, { kind: 'biomarker' }>): Promise<CovariateColumn> {
    const known = (await db.query(`SELECT 1 FROM read_model.biomarkers WHERE biomarker_id = $1`, [spec.biomarkerId])) as unknown[];
    if (known.length === 0) throw new ApiError('BIOMARKER_NOT_FOUND', `no biomarker ${spec.biomarkerId}`, spec.field.replace(/\.reading$/, '.biomarkerId'));
    const reading = readingSql('m', spec.selection, 5);
    const candidates = (await db.query(
      `SELECT m.subject_id, m.measurement_id, m.value, m.method, m.algorithm_version_id, m.reader_id, m.adjudication
         FROM read_model.measurements m
        WHERE m.subject_id = ANY($1::text[]) AND m.biomarker_id = $2 AND ($3::int IS NULL OR m.biomarker_version = $3::int)
          AND m.time_point = $4 AND m.superseded_at IS NULL AND NOT m.retracted AND m.value IS NOT NULL AND ${reading.sql}`,
      [rows.map((r) => r.subjectId), spec.biomarkerId, spec.biomarkerVersion, spec.timePoint, ...reading.params],
    )) as {
      subject_id: string;
      measurement_id: string;
      value: number;
      method: string;
      algorithm_version_id: string | null;
      reader_id: string | null;
      adjudication: string | null;
    }[];
    const chosen = resolveReadings(
      candidates.map((c) => ({
        subjectId: c.subject_id,
        measurementId: c.measurement_id,
        value: Number(c.value),
        method: c.method,
        algorithmVersionId: c.algorithm_version_id,
        readerId: c.reader_id,
        adjudication: c.adjudication,
      })),
      (c) => `subject ${c.subjectId}`,
      spec.selection,
      spec.field,
    );
    return {
      name: spec.name,
      coding: `${spec.biomarkerId} at ${spec.timePoint}, ${describeSelection(spec.selection)}, in the catalogue unit`,
      values: rows.map((r) => chosen.get(`subject ${r.subjectId}`)?.value ?? null),
    };
  }
}
