import { BiostatError, blandAltman, cusum } from '#biostat';
import { ApiError } from '../graphql/error-mapping.js';
import { statistic } from './statistics-errors.js';

/**
 * Drift of a quantitative AI output against the human reference on the same study (and lesion): pure statistics,
 * no database. The unit of analysis is a pair (AI reading, reference reading); its difference is AI − reference,
 * in the biomarker's unit (ABSOLUTE) or as a percentage of the pair's mean (PERCENT, Bland & Altman 1999 §4: a
 * proportional error such as a scanner that reads 10 % high shows as a constant shift on this scale).
 */

export const DRIFT_DIMENSIONS = ['SITE', 'SCANNER_MODEL', 'RECONSTRUCTION_KERNEL', 'SLICE_THICKNESS_BAND', 'CONTRAST_PHASE', 'SEX', 'AGE_BAND'] as const;
export type DriftDimension = (typeof DRIFT_DIMENSIONS)[number];
/** Strata that disclose personal data (sealed sex, year of birth): only over cohorts of MIN_PERSONAL_COHORT. */
export const PERSONAL_DIMENSIONS: ReadonlySet<DriftDimension> = new Set<DriftDimension>(['SEX', 'AGE_BAND']);
/** What the scheduled run and an input without `strata` stratify by: everything that is not personal data. */
export const DEFAULT_DIMENSIONS: readonly DriftDimension[] = DRIFT_DIMENSIONS.filter((d) => !PERSONAL_DIMENSIONS.has(d));

export type DriftScale = 'ABSOLUTE' | 'PERCENT';
export const UNKNOWN_STRATUM = 'unknown';

export interface DriftSettings {
  readonly scale: DriftScale;
  /** CUSUM reference value and decision interval, in in-control SDs of the difference. */
  readonly k: number;
  readonly h: number;
  /** EWMA smoothing weight (0 < λ ≤ 1) and control-limit width in SDs of the EWMA statistic. */
  readonly lambda: number;
  readonly L: number;
  /** In-control bias and SD of the difference; when null, estimated from the first `baselineCases` pairs of all strata. */
  readonly expectedBias: number | null;
  readonly expectedSd: number | null;
  readonly baselineCases: number;
  /** The shift (in SDs) whose expected detection delay the result states (Siegmund's ARL). */
  readonly shiftSd: number;
}

export const DEFAULT_DRIFT_SETTINGS: DriftSettings = {
  scale: 'PERCENT',
  k: 0.5,
  h: 4,
  lambda: 0.2,
  L: 3,
  expectedBias: null,
  expectedSd: null,
  baselineCases: 20,
  shiftSd: 1,
};

/** Checks the settings before anything is read; a bad one is BAD_USER_INPUT on `drift.<name>`. */
export function checkDriftSettings(s: DriftSettings): DriftSettings {
  const bad = (name: string, why: string) => new ApiError('BAD_USER_INPUT', `${name} ${why}`, `drift.${name}`);
  if (!(Number.isFinite(s.k) && s.k >= 0)) throw bad('k', 'must be ≥ 0');
  if (!(Number.isFinite(s.h) && s.h > 0)) throw bad('h', 'must be > 0');
  if (!(Number.isFinite(s.lambda) && s.lambda > 0 && s.lambda <= 1)) throw bad('lambda', 'must lie in (0, 1]');
  if (!(Number.isFinite(s.L) && s.L > 0)) throw bad('L', 'must be > 0');
  if (s.expectedSd !== null && !(Number.isFinite(s.expectedSd) && s.expectedSd > 0)) throw bad('expectedSd', 'must be > 0');
  if (s.expectedBias !== null && !Number.isFinite(s.expectedBias)) throw bad('expectedBias', 'must be finite');
  if (!(Number.isInteger(s.baselineCases) && s.baselineCases >= 2 && s.baselineCases <= 10_000))
    throw bad('baselineCases', 'must be a whole number from 2 to 10000');
  if (!(Number.isFinite(s.shiftSd) && s.shiftSd > 0)) throw bad('shiftSd', 'must be > 0');
  return s;
}

/** AI − reference on the chosen scale; null when a percentage is undefined (pair mean 0). */
export function pairDifference(ai: number, reference: number, scale: DriftScale): number | null {
  switch (scale) {
    case 'ABSOLUTE':
      return ai - reference;
    case 'PERCENT': {
      const mean = (ai + reference) / 2;
      return mean === 0 ? null : (100 * (ai - reference)) / mean;
    }
  }
}

/** Slice-thickness bands of the CT harmonisation literature: thin (≤ 1 mm), standard, thick, very thick. */
export function sliceThicknessBand(mm: number | null | undefined): string {
  if (mm === null || mm === undefined || !Number.isFinite(mm) || mm <= 0) return UNKNOWN_STRATUM;
  if (mm <= 1) return '≤1 mm';
  if (mm <= 2.5) return '>1–2.5 mm';
  if (mm <= 5) return '>2.5–5 mm';
  return '>5 mm';
}

/** Ten-year age bands at the scan, open at both ends (<40, 80+), so no band is narrower than a decade. */
export function ageBand(years: number | null | undefined): string {
  if (years === null || years === undefined || !Number.isFinite(years) || years < 0) return UNKNOWN_STRATUM;
  if (years < 40) return '<40';
  if (years >= 80) return '80+';
  const lo = Math.floor(years / 10) * 10;
  return `${lo}–${lo + 9}`;
}

/** One pair's difference in time order; `month` is YYYY-MM (UTC) of the scan. */
export interface DriftPoint {
  readonly month: string;
  readonly occurredAt: string;
  readonly measurementId: string;
  readonly difference: number;
}

export interface InControl {
  readonly bias: number;
  readonly sd: number;
  readonly source: 'STATED' | 'BASELINE_CASES';
  /** Pairs the estimate used (0 when stated). */
  readonly baselineCases: number;
}

/**
 * The in-control bias and SD that every stratum's chart is held against. One reference for all strata on purpose:
 * a stratum's own first cases would make a scanner that reads high from its first day look in control.
 */
export function inControl(points: readonly DriftPoint[], s: DriftSettings): InControl {
  if (s.expectedBias !== null && s.expectedSd !== null) return { bias: s.expectedBias, sd: s.expectedSd, source: 'STATED', baselineCases: 0 };
  const base = points.slice(0, s.baselineCases);
  if (base.length < 2) throw new BiostatError('INSUFFICIENT_DATA', `the in-control bias and SD need at least 2 baseline pairs, got ${base.length}`);
  const mean = base.reduce((a, p) => a + p.difference, 0) / base.length;
  const sd = Math.sqrt(base.reduce((a, p) => a + (p.difference - mean) ** 2, 0) / (base.length - 1));
  if (!(sd > 0)) throw new BiostatError('NO_VARIATION', 'the baseline differences do not vary: state expectedSd');
  return { bias: s.expectedBias ?? mean, sd: s.expectedSd ?? sd, source: 'BASELINE_CASES', baselineCases: base.length };
}

export interface EwmaResult {
  readonly statistic: number[];
  readonly upperLimit: number[];
  readonly lowerLimit: number[];
  readonly upperAlarms: number[];
  readonly lowerAlarms: number[];
}

/**
 * EWMA chart (Roberts 1959; Montgomery, Introduction to SQC, 8th ed. §9.2): zₜ = λxₜ + (1 − λ)zₜ₋₁, z₀ = target,
 * limits target ± L·σ·√(λ/(2 − λ)·(1 − (1 − λ)^2t)) (the exact, time-varying limits). No reset after a signal.
 */
export function ewma(values: readonly number[], o: { target: number; sd: number; lambda: number; L: number }): EwmaResult {
  const out: EwmaResult = { statistic: [], upperLimit: [], lowerLimit: [], upperAlarms: [], lowerAlarms: [] };
  let z = o.target;
  values.forEach((x, i) => {
    z = o.lambda * x + (1 - o.lambda) * z;
    const width = o.L * o.sd * Math.sqrt((o.lambda / (2 - o.lambda)) * (1 - (1 - o.lambda) ** (2 * (i + 1))));
    out.statistic.push(z);
    out.upperLimit.push(o.target + width);
    out.lowerLimit.push(o.target - width);
    if (z > o.target + width) out.upperAlarms.push(i);
    if (z < o.target - width) out.lowerAlarms.push(i);
  });
  return out;
}

/**
 * Siegmund's (1985) approximation of a one-sided CUSUM's average run length for a shift of `delta` SDs:
 * ARL = (e^(−2Δb) + 2Δb − 1) / (2Δ²) with Δ = δ − k and b = h + 1.166; b² when Δ = 0. Stated in the result so a
 * reader knows how many cases an alarm takes: k = 0.5, h = 4 gives ≈ 338 in control and ≈ 8.3 cases at a 1 SD
 * shift (the exact values are 336 and 8.38).
 */
export function siegmundArl(k: number, h: number, delta: number): number {
  const d = delta - k;
  const b = h + 1.166;
  if (Math.abs(d) < 1e-12) return b * b;
  return (Math.exp(-2 * d * b) + 2 * d * b - 1) / (2 * d * d);
}

export interface DriftAlarm {
  readonly alarmId: string;
  readonly chart: 'CUSUM' | 'EWMA';
  readonly biomarkerId: string;
  readonly dimension: DriftDimension | 'ALL';
  readonly stratum: string;
  /** The alarm window: the month of the first case that crossed the threshold in this stratum. */
  readonly month: string;
  readonly direction: 'INCREASE' | 'DECREASE';
  /** 1-based: the stratum's n-th pair (in scan time order) crossed. */
  readonly caseNumber: number;
  readonly measurementId: string;
  readonly occurredAt: string;
  readonly statistic: number;
  /** h for the CUSUM; the control limit for the EWMA. */
  readonly threshold: number;
  readonly expectedBias: number;
  readonly expectedSd: number;
  readonly scale: DriftScale;
  readonly k: number;
  readonly h: number;
  readonly lambda: number;
  readonly L: number;
}

export interface DriftChart {
  readonly months: string[];
  readonly differences: number[];
  readonly cusumUpper: number[];
  readonly cusumLower: number[];
  readonly cusumUpperAlarms: number[];
  readonly cusumLowerAlarms: number[];
  readonly ewma: number[];
  readonly ewmaUpper: number[];
  readonly ewmaLower: number[];
  readonly alarms: DriftAlarm[];
}

/**
 * CUSUM (Page 1954, reset after a signal) and EWMA of one stratum's differences, case by case in scan order,
 * standardised by the common in-control bias and SD. An alarm is identified by biomarker, stratum, chart, direction,
 * window (month) and the chart parameters: the first crossing of a month stands for the month, so re-running the
 * chart over the same data (or more data later) raises the same alarm id, never a second one.
 */
export function driftChart(
  points: readonly DriftPoint[],
  ctrl: InControl,
  s: DriftSettings,
  at: { readonly biomarkerId: string; readonly dimension: DriftDimension | 'ALL'; readonly stratum: string },
): DriftChart {
  const values = points.map((p) => p.difference);
  const c = cusum(values, { target: ctrl.bias, sd: ctrl.sd, k: s.k, h: s.h });
  const e = ewma(values, { target: ctrl.bias, sd: ctrl.sd, lambda: s.lambda, L: s.L });
  const alarms: DriftAlarm[] = [];
  const seen = new Set<string>();
  const add = (chart: 'CUSUM' | 'EWMA', direction: 'INCREASE' | 'DECREASE', i: number, stat: number, threshold: number) => {
    const p = points[i] as DriftPoint;
    const alarmId = `DRIFT|${at.biomarkerId}|${at.dimension}=${at.stratum}|${chart}|${direction}|${p.month}|${s.scale}|k=${s.k}|h=${s.h}|lambda=${s.lambda}|L=${s.L}`;
    if (seen.has(alarmId)) return;
    seen.add(alarmId);
    alarms.push({
      alarmId,
      chart,
      biomarkerId: at.biomarkerId,
      dimension: at.dimension,
      stratum: at.stratum,
      month: p.month,
      direction,
      caseNumber: i + 1,
      measurementId: p.measurementId,
      occurredAt: p.occurredAt,
      statistic: stat,
      threshold,
      expectedBias: ctrl.bias,
      expectedSd: ctrl.sd,
      scale: s.scale,
      k: s.k,
      h: s.h,
      lambda: s.lambda,
      L: s.L,
    });
  };
  for (const i of c.upperAlarms) add('CUSUM', 'INCREASE', i, c.upper[i] as number, s.h);
  for (const i of c.lowerAlarms) add('CUSUM', 'DECREASE', i, c.lower[i] as number, s.h);
  for (const i of e.upperAlarms) add('EWMA', 'INCREASE', i, e.statistic[i] as number, e.upperLimit[i] as number);
  for (const i of e.lowerAlarms) add('EWMA', 'DECREASE', i, e.statistic[i] as number, e.lowerLimit[i] as number);
  alarms.sort((a, b) => a.caseNumber - b.caseNumber || a.chart.localeCompare(b.chart) || a.direction.localeCompare(b.direction));
  return {
    months: points.map((p) => p.month),
    differences: values,
    cusumUpper: c.upper,
    cusumLower: c.lower,
    cusumUpperAlarms: c.upperAlarms,
    cusumLowerAlarms: c.lowerAlarms,
    ewma: e.statistic,
    ewmaUpper: e.upperLimit,
    ewmaLower: e.lowerLimit,
    alarms,
  };
}

/**
 * Bias and Bland–Altman limits of agreement of a set of differences (bias ± 1.96 SD, each with its 95 % CI,
 * Bland & Altman 1999). libs/biostat's blandAltman takes the two readings; given the differences and zeros it
 * computes exactly the same bias, SD and intervals, on whichever scale the differences are.
 */
export function agreementOf(differences: readonly number[], field = 'agreement') {
  return statistic(field, () => {
    const r = blandAltman(
      differences,
      differences.map(() => 0),
    );
    return { n: r.n, bias: r.bias, sd: r.sd, lower: r.lower, upper: r.upper, biasCi: r.biasCi, lowerCi: r.lowerCi, upperCi: r.upperCi };
  });
}

/** Per month (YYYY-MM order): the pairs and their agreement; null agreement below 2 pairs. */
export function monthlyAgreement(points: readonly DriftPoint[]) {
  const byMonth = new Map<string, number[]>();
  for (const p of points) {
    const list = byMonth.get(p.month);
    if (list) list.push(p.difference);
    else byMonth.set(p.month, [p.difference]);
  }
  return [...byMonth.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, d]) => ({ month, n: d.length, agreement: d.length >= 2 ? agreementOf(d) : null }));
}
