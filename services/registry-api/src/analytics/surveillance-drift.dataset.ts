import type { DataSource } from 'typeorm';
import { ApiError } from '../graphql/error-mapping.js';
import type { PersonalData } from '../privacy/personal-data.js';
import { MIN_PERSONAL_COHORT } from './validation-study.covariates.js';
import {
  describeSelection,
  isCandidate,
  readingSelection,
  readingSql,
  resolveReadings,
  type ReadingCandidate,
  type ReadingSelection,
  type ReadingSelectionInput,
} from './analytics.reading-selection.js';
import { visibilitySql, type Visibility } from './analytics.scope.js';
import { readAcquisitionStrata, type AcquisitionStrataRow } from './surveillance-drift.acquisition.js';
import {
  ageBand,
  agreementOf,
  checkDriftSettings,
  DEFAULT_DIMENSIONS,
  DEFAULT_DRIFT_SETTINGS,
  DRIFT_DIMENSIONS,
  driftChart,
  inControl,
  monthlyAgreement,
  pairDifference,
  PERSONAL_DIMENSIONS,
  siegmundArl,
  sliceThicknessBand,
  UNKNOWN_STRATUM,
  type DriftAlarm,
  type DriftDimension,
  type DriftPoint,
  type DriftScale,
  type DriftSettings,
  type InControl,
} from './surveillance-drift.statistics.js';
import { statistic } from './statistics-errors.js';

type Queryable = Pick<DataSource, 'query'>;

/** graphql/analytics.graphql `DriftInput`. */
export interface DriftInput {
  readonly biomarkerId: string;
  readonly timePoint?: string | null;
  /** The human reference; default: the accepted human reading, else the only one (ACCEPTED_OR_ONLY). */
  readonly reference?: ReadingSelectionInput | null;
  readonly strata?: readonly DriftDimension[] | null;
  readonly scale?: DriftScale | null;
  readonly k?: number | null;
  readonly h?: number | null;
  readonly lambda?: number | null;
  readonly L?: number | null;
  readonly expectedBias?: number | null;
  readonly expectedSd?: number | null;
  readonly baselineCases?: number | null;
  readonly shiftSd?: number | null;
}

export interface DriftFilter {
  readonly algorithmVersionId: string;
  readonly programmeIds: readonly string[] | null;
  readonly siteIds: readonly string[] | null;
  readonly from: string | null;
  readonly to: string | null;
  /** The readings as known at this time (bitemporal read of the measurement versions); null = now. */
  readonly asOf: string | null;
}

export interface DriftPlan {
  readonly input: DriftInput;
  readonly settings: DriftSettings;
  readonly reference: ReadingSelection;
  readonly dimensions: readonly DriftDimension[];
}

/** Checks a drift input before anything is read: settings, reference (a human rater) and strata. */
export function driftPlan(input: DriftInput): DriftPlan {
  if (input.biomarkerId.trim().length === 0) throw new ApiError('BAD_USER_INPUT', 'biomarkerId must not be empty', 'drift.biomarkerId');
  const reference = readingSelection(input.reference ?? { accepted: 'ACCEPTED_OR_ONLY' }, 'drift.reference');
  if (reference.kind === 'algorithm')
    throw new ApiError('BAD_USER_INPUT', 'the reference of drift surveillance is a human reading: give readerId or accepted', 'drift.reference');
  const dimensions = [...new Set(input.strata ?? DEFAULT_DIMENSIONS)];
  dimensions.forEach((d, i) => {
    if (!DRIFT_DIMENSIONS.includes(d)) throw new ApiError('BAD_USER_INPUT', `unknown stratum ${String(d)}`, `drift.strata[${i}]`);
  });
  const d = DEFAULT_DRIFT_SETTINGS;
  const settings = checkDriftSettings({
    scale: input.scale ?? d.scale,
    k: input.k ?? d.k,
    h: input.h ?? d.h,
    lambda: input.lambda ?? d.lambda,
    L: input.L ?? d.L,
    expectedBias: input.expectedBias ?? null,
    expectedSd: input.expectedSd ?? null,
    baselineCases: input.baselineCases ?? d.baselineCases,
    shiftSd: input.shiftSd ?? d.shiftSd,
  });
  return { input, settings, reference, dimensions };
}

interface Candidate extends ReadingCandidate {
  readonly studyInstanceUid: string;
  readonly lesionTrackingUid: string | null;
  readonly subjectId: string;
  readonly siteId: string;
  readonly value: number;
  readonly occurredAt: string;
}

/** One AI reading paired with its human reference on the same study (and lesion), with its strata. */
export interface DriftPair {
  readonly aiMeasurementId: string;
  readonly referenceMeasurementId: string;
  readonly subjectId: string;
  readonly studyInstanceUid: string;
  readonly lesionTrackingUid: string | null;
  readonly occurredAt: string;
  readonly month: string;
  readonly ai: number;
  readonly reference: number;
  readonly difference: number;
  readonly strata: Readonly<Partial<Record<DriftDimension, string>>>;
}

const unitOf = (c: Candidate) => `study ${c.studyInstanceUid}${c.lesionTrackingUid === null ? '' : ` lesion ${c.lesionTrackingUid}`}`;

/**
 * The version's AI readings of the biomarker and the reference readings of the same studies, as known at `asOf`.
 * Pairs as the agreement analysis does (study × lesion; each side one reading or AMBIGUOUS_READING), except that
 * the reference side is human only: an AI output is never its own reference.
 */
export async function readDriftPairs(
  db: Queryable,
  plan: DriftPlan,
  filter: DriftFilter,
  visibility: Visibility,
): Promise<{ pairs: Omit<DriftPair, 'strata'>[]; siteOf: Map<string, string> }> {
  const ai = readingSelection({ algorithmVersionId: filter.algorithmVersionId }, 'algorithmVersionId');
  const aiSql = readingSql('m', ai, 4);
  const refSql = readingSql('m', plan.reference, 5);
  const vis = visibilitySql('m', visibility, 10);
  const rows = (await db.query(
    `SELECT m.measurement_id, m.study_instance_uid, m.lesion_tracking_uid, m.subject_id, m.value, m.method, m.algorithm_version_id, m.reader_id,
            m.adjudication, m.occurred_at, coalesce(m.subject_site_id, s.site_id, '${UNKNOWN_STRATUM}') AS site_id, ${aiSql.sql} AS is_ai
       FROM read_model.measurements m LEFT JOIN read_model.subjects s ON s.subject_id = m.subject_id
      WHERE m.biomarker_id = $1 AND ($2::text IS NULL OR m.time_point = $2)
        AND (($3::timestamptz IS NULL AND m.superseded_at IS NULL)
             OR ($3::timestamptz IS NOT NULL AND m.version_recorded_at <= $3 AND (m.superseded_at IS NULL OR m.superseded_at > $3)))
        AND NOT m.retracted AND m.value IS NOT NULL
        AND (${aiSql.sql} OR (m.method <> 'ai' AND ${refSql.sql}))
        AND ($6::text[] IS NULL OR m.programme_id = ANY($6::text[]))
        AND ($7::text[] IS NULL OR coalesce(m.subject_site_id, s.site_id) = ANY($7::text[]))
        AND ($8::timestamptz IS NULL OR m.occurred_at >= $8) AND ($9::timestamptz IS NULL OR m.occurred_at < $9)
        AND ${vis.sql}
      ORDER BY m.measurement_id`,
    [
      plan.input.biomarkerId,
      plan.input.timePoint ?? null,
      filter.asOf,
      ...aiSql.params,
      ...refSql.params,
      filter.programmeIds,
      filter.siteIds,
      filter.from,
      filter.to,
      ...vis.params,
    ],
  )) as {
    measurement_id: string;
    study_instance_uid: string;
    lesion_tracking_uid: string | null;
    subject_id: string;
    value: number;
    method: string;
    algorithm_version_id: string | null;
    reader_id: string | null;
    adjudication: string | null;
    occurred_at: Date | string;
    site_id: string;
    is_ai: boolean;
  }[];
  const candidates = rows.map((r): Candidate & { isAi: boolean } => ({
    measurementId: r.measurement_id,
    studyInstanceUid: r.study_instance_uid,
    lesionTrackingUid: r.lesion_tracking_uid,
    subjectId: r.subject_id,
    siteId: r.site_id,
    value: Number(r.value),
    method: r.method,
    algorithmVersionId: r.algorithm_version_id,
    readerId: r.reader_id,
    adjudication: r.adjudication,
    occurredAt: new Date(r.occurred_at).toISOString(),
    isAi: r.is_ai,
  }));
  const aiSide = resolveReadings(
    candidates.filter((c) => c.isAi),
    unitOf,
    ai,
    'algorithmVersionId',
  );
  const refSide = resolveReadings(
    candidates.filter((c) => c.method !== 'ai' && isCandidate(plan.reference, c)),
    unitOf,
    plan.reference,
    'drift.reference',
  );
  const pairs: Omit<DriftPair, 'strata'>[] = [];
  const siteOf = new Map<string, string>();
  for (const [unit, a] of aiSide) {
    const r = refSide.get(unit);
    if (!r) continue;
    const difference = pairDifference(a.value, r.value, plan.settings.scale);
    if (difference === null) continue;
    siteOf.set(a.measurementId, a.siteId);
    pairs.push({
      aiMeasurementId: a.measurementId,
      referenceMeasurementId: r.measurementId,
      subjectId: a.subjectId,
      studyInstanceUid: a.studyInstanceUid,
      lesionTrackingUid: a.lesionTrackingUid,
      occurredAt: a.occurredAt,
      month: a.occurredAt.slice(0, 7),
      ai: a.value,
      reference: r.value,
      difference,
    });
  }
  // Scan time order (the charts run case by case); the AI measurement id breaks ties so the order is stable.
  pairs.sort((x, y) => x.occurredAt.localeCompare(y.occurredAt) || x.aiMeasurementId.localeCompare(y.aiMeasurementId));
  return { pairs, siteOf };
}

const YEAR_MS = 365.25 * 86_400_000;

/** Each pair's value of every requested dimension (acquisition from the one seam, sex and age from the sealed data). */
export function stratify(
  pairs: readonly Omit<DriftPair, 'strata'>[],
  siteOf: ReadonlyMap<string, string>,
  acquisition: ReadonlyMap<string, AcquisitionStrataRow>,
  personal: ReadonlyMap<string, PersonalData | 'erased'>,
  dimensions: readonly DriftDimension[],
): DriftPair[] {
  const text = (v: string | null | undefined) => (v === null || v === undefined || v.trim() === '' ? UNKNOWN_STRATUM : v);
  return pairs.map((p) => {
    const acq = acquisition.get(p.studyInstanceUid);
    const person = personal.get(p.subjectId);
    const opened = person === undefined || person === 'erased' ? undefined : person;
    const strata: Partial<Record<DriftDimension, string>> = {};
    for (const d of dimensions) {
      switch (d) {
        case 'SITE':
          strata[d] = siteOf.get(p.aiMeasurementId) ?? UNKNOWN_STRATUM;
          break;
        case 'SCANNER_MODEL':
          strata[d] = text(acq?.scannerModel);
          break;
        case 'RECONSTRUCTION_KERNEL':
          strata[d] = text(acq?.reconstructionKernel);
          break;
        case 'SLICE_THICKNESS_BAND':
          strata[d] = sliceThicknessBand(acq?.sliceThicknessMm);
          break;
        case 'CONTRAST_PHASE':
          strata[d] = text(acq?.contrastPhase);
          break;
        case 'SEX':
          strata[d] = opened?.sex === 'male' || opened?.sex === 'female' ? opened.sex : UNKNOWN_STRATUM;
          break;
        case 'AGE_BAND':
          strata[d] = ageBand(opened?.yearOfBirth === undefined ? null : (Date.parse(p.occurredAt) - Date.UTC(opened.yearOfBirth, 6, 1)) / YEAR_MS);
          break;
      }
    }
    return { ...p, strata };
  });
}

export { readAcquisitionStrata };

/** The drift section of algorithmSurveillance (graphql `DriftSurveillance`); lazy fields fail alone. */
export function driftResult(plan: DriftPlan, pairs: readonly DriftPair[], personalOpened: number) {
  const points = (ps: readonly DriftPair[]): DriftPoint[] =>
    ps.map((p) => ({ month: p.month, occurredAt: p.occurredAt, measurementId: p.aiMeasurementId, difference: p.difference }));
  const all = points(pairs);
  let ctrl: InControl | Error;
  try {
    ctrl = statistic('drift.settings', () => inControl(all, plan.settings));
  } catch (err) {
    ctrl = err instanceof Error ? err : new Error(String(err));
  }
  const chartOf = (ps: readonly DriftPair[], dimension: DriftDimension | 'ALL', value: string) => {
    if (ctrl instanceof Error) throw ctrl;
    const c = ctrl;
    return statistic('chart', () => driftChart(points(ps), c, plan.settings, { biomarkerId: plan.input.biomarkerId, dimension, stratum: value }));
  };
  const stratum = (dimension: DriftDimension | 'ALL', value: string, ps: readonly DriftPair[]) => {
    let chart: ReturnType<typeof chartOf> | undefined;
    const chartOnce = () => (chart ??= chartOf(ps, dimension, value));
    return {
      dimension,
      value,
      pairCount: ps.length,
      subjectCount: new Set(ps.map((p) => p.subjectId)).size,
      agreement: () => agreementOf(ps.map((p) => p.difference)),
      monthly: () => monthlyAgreement(points(ps)),
      chart: chartOnce,
      alarms: () => chartOnce().alarms,
    };
  };
  type Stratum = ReturnType<typeof stratum>;
  const strata: (Stratum | Error)[] = [];
  for (const d of plan.dimensions) {
    const groups = new Map<string, DriftPair[]>();
    for (const p of pairs) {
      const v = p.strata[d] ?? UNKNOWN_STRATUM;
      const list = groups.get(v);
      if (list) list.push(p);
      else groups.set(v, [p]);
    }
    for (const [value, ps] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const s = stratum(d, value, ps);
      // Disclosure control as for validationStudy's AGE/SEX covariates: a sex or age stratum is shown only over at
      // least MIN_PERSONAL_COHORT subjects with opened personal data in the analysis, and of its own.
      if (PERSONAL_DIMENSIONS.has(d) && (personalOpened < MIN_PERSONAL_COHORT || s.subjectCount < MIN_PERSONAL_COHORT)) {
        strata.push(
          new ApiError(
            'COHORT_TOO_SMALL',
            `${d} strata are shown only over at least ${MIN_PERSONAL_COHORT} subjects (with personal data: ${personalOpened} in the analysis, ${s.subjectCount} in ${d} = ${value})`,
            'drift.strata',
            { dimension: d },
          ),
        );
        continue;
      }
      strata.push(s);
    }
  }
  const overall = stratum('ALL', 'all', pairs);
  const alarms = (): DriftAlarm[] => {
    if (ctrl instanceof Error) return [];
    return [overall, ...strata].flatMap((s) => (s instanceof Error ? [] : s.alarms()));
  };
  const s = plan.settings;
  return {
    biomarkerId: plan.input.biomarkerId,
    reference: describeSelection(plan.reference),
    pairCount: pairs.length,
    settings: {
      scale: s.scale,
      k: s.k,
      h: s.h,
      lambda: s.lambda,
      L: s.L,
      baselineCases: s.baselineCases,
      shiftSd: s.shiftSd,
      expectedBias: ctrl instanceof Error ? null : ctrl.bias,
      expectedSd: ctrl instanceof Error ? null : ctrl.sd,
      inControlSource: ctrl instanceof Error ? null : ctrl.source,
      baselineCasesUsed: ctrl instanceof Error ? 0 : ctrl.baselineCases,
      cusumArlInControl: siegmundArl(s.k, s.h, 0),
      cusumArlAtShift: siegmundArl(s.k, s.h, s.shiftSd),
      ewmaLimitAsymptote: s.L * Math.sqrt(s.lambda / (2 - s.lambda)),
    },
    overall,
    strata,
    alarms,
  };
}
export type DriftResult = ReturnType<typeof driftResult>;
