import { Injectable } from '@nestjs/common';
import { blandAltman, intraclassCorrelation, type IccEstimate } from '#biostat';
import { DataSource } from 'typeorm';
import type { Actor } from '../auth/actor.js';
import { ApiError } from '../graphql/error-mapping.js';
import { visibilityFor, visibilitySql, type PopulationInput } from './analytics.scope.js';
import { statistic } from './statistics-errors.js';

/** Who produced a measurement: an algorithm version, a reader, or any measurement made with a method. */
export interface RaterInput {
  readonly algorithmVersionId?: string | null;
  readonly readerId?: string | null;
  readonly method?: 'manual' | 'semi_automatic' | 'ai' | null;
}

export interface AgreementInput {
  readonly biomarkerId: string;
  readonly timePoint?: string | null;
  readonly population?: PopulationInput | null;
  readonly raterA: RaterInput;
  readonly raterB: RaterInput;
}

export interface AgreementPair {
  readonly studyInstanceUid: string;
  readonly lesionTrackingUid: string | null;
  readonly subjectId: string;
  readonly a: number;
  readonly b: number;
}

function raterSql(alias: string, r: RaterInput, first: number): { sql: string; params: unknown[] } {
  const given = [r.algorithmVersionId, r.readerId, r.method].filter((v) => v !== undefined && v !== null).length;
  if (given === 0) throw new ApiError('BAD_USER_INPUT', 'name the rater: an algorithm version, a reader or a method', 'raterA');
  return {
    sql: `($${first}::text IS NULL OR ${alias}.algorithm_version_id = $${first}) AND ($${first + 1}::text IS NULL OR ${alias}.reader_id = $${first + 1}) AND ($${first + 2}::text IS NULL OR ${alias}.method = $${first + 2})`,
    params: [r.algorithmVersionId ?? null, r.readerId ?? null, r.method ?? null],
  };
}

/** Pairs measurements of the same study (and lesion) by the two raters; current, unretracted versions only. */
@Injectable()
export class AgreementService {
  constructor(private readonly db: DataSource) {}

  async pairs(actor: Actor, input: AgreementInput): Promise<{ pairs: AgreementPair[]; fetchMs: number }> {
    const visibility = visibilitySql('a', visibilityFor(actor, input.population), 3);
    const ra = raterSql('a', input.raterA, 5);
    const rb = raterSql('b', input.raterB, 8);
    const p = input.population ?? {};
    const started = performance.now();
    const rows = (await this.db.query(
      `SELECT DISTINCT ON (a.measurement_id) a.study_instance_uid, a.lesion_tracking_uid, a.subject_id, a.value AS a, b.value AS b
         FROM read_model.measurements a
         JOIN read_model.measurements b
           ON b.study_instance_uid = a.study_instance_uid AND b.biomarker_id = a.biomarker_id
          AND b.lesion_tracking_uid IS NOT DISTINCT FROM a.lesion_tracking_uid AND b.measurement_id <> a.measurement_id
          AND b.superseded_at IS NULL AND NOT b.retracted AND b.value IS NOT NULL
        WHERE a.biomarker_id = $1 AND ($2::text IS NULL OR a.time_point = $2) AND a.superseded_at IS NULL AND NOT a.retracted AND a.value IS NOT NULL
          AND ${visibility.sql} AND ${ra.sql} AND ${rb.sql}
          AND (($11::text[] IS NULL AND $12::text[] IS NULL) OR a.trial_id = ANY($11::text[]) OR a.programme_id = ANY($12::text[]))
          AND ($13::timestamptz IS NULL OR a.occurred_at >= $13) AND ($14::timestamptz IS NULL OR a.occurred_at < $14)
        ORDER BY a.measurement_id, b.measurement_id`,
      [input.biomarkerId, input.timePoint ?? null, ...visibility.params, ...ra.params, ...rb.params, p.trialIds ?? null, p.programmeIds ?? null, p.from ?? null, p.to ?? null],
    )) as { study_instance_uid: string; lesion_tracking_uid: string | null; subject_id: string; a: number; b: number }[];
    return {
      pairs: rows.map((r) => ({ studyInstanceUid: r.study_instance_uid, lesionTrackingUid: r.lesion_tracking_uid, subjectId: r.subject_id, a: r.a, b: r.b })),
      fetchMs: performance.now() - started,
    };
  }
}

export function blandAltmanSection(pairs: readonly AgreementPair[]) {
  return statistic('blandAltman', () => {
    const r = blandAltman(
      pairs.map((p) => p.a),
      pairs.map((p) => p.b),
    );
    return { n: r.n, bias: r.bias, sd: r.sd, lower: r.lower, upper: r.upper, biasCi: r.biasCi, lowerCi: r.lowerCi, upperCi: r.upperCi, means: r.means, differences: r.differences };
  });
}

export function iccSection(pairs: readonly AgreementPair[]) {
  return statistic('icc', () => {
    const r = intraclassCorrelation(pairs.map((p) => [p.a, p.b]));
    const form = (name: string, e: IccEstimate) => ({ form: name, icc: e.icc, lower: e.lower, upper: e.upper, f: e.f, p: e.p });
    return {
      subjects: r.subjects,
      raters: r.raters,
      forms: [form('ICC1', r.icc1), form('ICC2', r.icc2), form('ICC3', r.icc3), form('ICC1k', r.icc1k), form('ICC2k', r.icc2k), form('ICC3k', r.icc3k)],
    };
  });
}
