import {
  BiostatError,
  concordanceIndex,
  coxRegression,
  kaplanMeier,
  logRank,
  performanceAtThreshold,
  roc,
  type DiagnosticPerformance,
  type KaplanMeierResult,
  type LogRankResult,
  type Proportion,
  type RocResult,
} from '#biostat';
import { finiteOrNull, statistic } from './statistics-errors.js';

/** One subject of a validation study's analysis dataset (dates already turned into days from the index scan). */
export interface StudyRow {
  readonly subjectId: string;
  readonly value: number;
  /** Days from the index measurement to the event or censoring; null without follow-up. */
  readonly time: number | null;
  readonly event: 0 | 1 | null;
  /** Binary endpoint: 1 = event within the horizon, 0 = event-free through it, null = not evaluable. */
  readonly label: 0 | 1 | null;
}

export interface StrataSpec {
  readonly threshold?: number | null;
  readonly quantiles?: number | null;
}

export interface StudyOptions {
  readonly higherIsPositive: boolean;
  readonly threshold?: number | null;
  readonly strata?: StrataSpec | null;
}

const binaryRows = (rows: readonly StudyRow[]) => rows.filter((r): r is StudyRow & { label: 0 | 1 } => r.label !== null);
const survivalRows = (rows: readonly StudyRow[]) => rows.filter((r): r is StudyRow & { time: number; event: 0 | 1 } => r.time !== null && r.event !== null);

// The ROC of a dataset is needed by both the roc and performance fields (and the plot): compute it once per rows array.
const rocCache = new WeakMap<readonly StudyRow[], { higher: boolean; result: RocResult }>();

function rocOf(rows: readonly StudyRow[], higherIsPositive: boolean): RocResult {
  const hit = rocCache.get(rows);
  if (hit && hit.higher === higherIsPositive) return hit.result;
  const data = binaryRows(rows);
  const result = roc({ score: data.map((d) => d.value), label: data.map((d) => d.label) }, { higherIsPositive });
  rocCache.set(rows, { higher: higherIsPositive, result });
  return result;
}

/** As #biostat youdenThreshold (first maximum in the curve's threshold order), read off an already computed curve. */
function youdenOf(r: RocResult): { threshold: number; youden: number } {
  let best: { threshold: number; youden: number } | null = null;
  for (const p of r.curve) {
    if (!Number.isFinite(p.threshold)) continue;
    const youden = p.sensitivity + p.specificity - 1;
    if (best === null || youden > best.youden + 1e-12) best = { threshold: p.threshold, youden };
  }
  if (best === null) throw new BiostatError('NO_VARIATION', 'all scores are equal: no threshold separates the classes');
  return best;
}

export function rocSection(rows: readonly StudyRow[], options: StudyOptions) {
  return statistic('roc', () => {
    const r = rocOf(rows, options.higherIsPositive);
    return {
      auc: r.auc,
      lower: r.lower,
      upper: r.upper,
      se: r.se,
      nPositive: r.nPositive,
      nNegative: r.nNegative,
      // Only the two ends (±∞) need a new object with a null threshold; the other points are shared with the cached curve.
      curve: r.curve.map((p) =>
        Number.isFinite(p.threshold) ? p : { threshold: finiteOrNull(p.threshold), sensitivity: p.sensitivity, specificity: p.specificity },
      ),
    };
  });
}

export interface PerformanceSection extends DiagnosticPerformance {
  readonly threshold: number;
  readonly thresholdSource: 'GIVEN' | 'YOUDEN';
  readonly youden: number | null;
}

export function performanceSection(rows: readonly StudyRow[], options: StudyOptions): PerformanceSection {
  return statistic('performance', () => {
    const data = binaryRows(rows);
    const input = { score: data.map((d) => d.value), label: data.map((d) => d.label) };
    const higherIsPositive = options.higherIsPositive;
    let threshold: number;
    let youden: number | null = null;
    if (options.threshold !== undefined && options.threshold !== null) threshold = options.threshold;
    else {
      const best = youdenOf(rocOf(rows, higherIsPositive));
      threshold = best.threshold;
      youden = best.youden;
    }
    return {
      ...performanceAtThreshold(input, threshold, { higherIsPositive }),
      threshold,
      thresholdSource: options.threshold == null ? 'YOUDEN' : 'GIVEN',
      youden,
    };
  });
}

/** R's quantile type 7 (the default): linear interpolation between order statistics. */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

export interface Stratum {
  readonly label: string;
  readonly lower: number | null;
  readonly upper: number | null;
}

/**
 * Strata of the biomarker: two at a threshold (below / at or above), or k quantile groups (Q1 lowest); empty
 * groups (ties at a cut) are dropped. Default: split at the median.
 */
export function stratify(values: readonly number[], spec: StrataSpec | null | undefined): { strata: Stratum[]; assignment: number[] } {
  if (spec?.threshold !== undefined && spec?.threshold !== null) {
    const t = spec.threshold;
    if (!Number.isFinite(t)) throw new BiostatError('INVALID_NUMBER', 'the strata threshold must be finite');
    const strata: Stratum[] = [
      { label: `< ${fmt(t)}`, lower: null, upper: t },
      { label: `≥ ${fmt(t)}`, lower: t, upper: null },
    ];
    return { strata, assignment: values.map((v) => (v < t ? 0 : 1)) };
  }
  const k = spec?.quantiles ?? 2;
  if (!Number.isInteger(k) || k < 2 || k > 10) throw new BiostatError('INVALID_ARGUMENT', 'quantiles must be an integer from 2 to 10');
  if (values.length === 0) throw new BiostatError('INSUFFICIENT_DATA', 'no subjects to stratify');
  // A typed-array sort is numeric and native: a comparator sort of 100,000 values costs far more.
  const sorted = Float64Array.from(values).sort();
  const cuts = Array.from({ length: k - 1 }, (_, i) => quantile(sorted, (i + 1) / k));
  const group = (v: number): number => {
    let g = 0;
    while (g < cuts.length && v > (cuts[g] as number)) g++;
    return g;
  };
  const raw = values.map(group);
  const present = new Array<boolean>(k).fill(false);
  for (const g of raw) present[g] = true;
  const used = present.flatMap((p, g) => (p ? [g] : []));
  const strata = used.map((g) => ({
    label: `Q${g + 1} (${g === 0 ? `≤ ${fmt(cuts[0] as number)}` : g === k - 1 ? `> ${fmt(cuts[g - 1] as number)}` : `${fmt(cuts[g - 1] as number)}–${fmt(cuts[g] as number)}`})`,
    lower: g === 0 ? null : (cuts[g - 1] as number),
    upper: g === k - 1 ? null : (cuts[g] as number),
  }));
  const index = new Array<number>(k).fill(-1);
  used.forEach((g, i) => (index[g] = i));
  return { strata, assignment: raw.map((g) => index[g] as number) };
}

function fmt(v: number): string {
  return String(Number(v.toPrecision(4)));
}

export interface KmStratum {
  readonly label: string;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly km: KaplanMeierResult;
}

export function survivalSection(rows: readonly StudyRow[], options: StudyOptions): { strata: KmStratum[]; logRank: LogRankResult | null } {
  return statistic('kaplanMeier', () => {
    const data = survivalRows(rows);
    const { strata, assignment } = stratify(
      data.map((d) => d.value),
      options.strata,
    );
    // One pass splits the subjects by stratum (in row order, as a filter per stratum would).
    const byStratum = strata.map(() => ({ time: [] as number[], event: [] as (0 | 1)[] }));
    const time = new Array<number>(data.length);
    const event = new Array<0 | 1>(data.length);
    for (let i = 0; i < data.length; i++) {
      const d = data[i] as (typeof data)[number];
      const target = byStratum[assignment[i] as number] as { time: number[]; event: (0 | 1)[] };
      target.time.push(d.time);
      target.event.push(d.event);
      time[i] = d.time;
      event[i] = d.event;
    }
    const result = strata.map((s, g) => ({ ...s, km: kaplanMeier(byStratum[g] as { time: number[]; event: (0 | 1)[] }) }));
    const lr = strata.length >= 2 ? logRank({ time, event, group: assignment }) : null;
    return { strata: result, logRank: lr };
  });
}

/** Two-sided 95 % normal quantile (the level coxRegression uses by default). */
const Z_95 = 1.959963984540054;

export interface HazardRatio {
  readonly coef: number;
  readonly hr: number;
  readonly se: number;
  readonly lower: number;
  readonly upper: number;
  readonly p: number;
}

export function coxSection(rows: readonly StudyRow[], options: StudyOptions) {
  return statistic('cox', () => {
    const data = survivalRows(rows);
    const values = data.map((d) => d.value);
    const fit = coxRegression({ time: data.map((d) => d.time), event: data.map((d) => d.event), covariates: { biomarker: values } });
    const term = fit.terms[0];
    if (!term) throw new BiostatError('INSUFFICIENT_DATA', 'the Cox model returned no term');
    const n = values.length;
    const mean = values.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
    if (!(sd > 0)) throw new BiostatError('NO_VARIATION', 'the biomarker does not vary');
    // The HR per SD is the same fit rescaled: β·SD with SE·SD, so its Wald p equals the per-unit one.
    const z = Z_95;
    const coefSd = term.coef * sd;
    const seSd = term.se * sd;
    const perSd: HazardRatio = {
      coef: coefSd,
      hr: Math.exp(coefSd),
      se: seSd,
      lower: Math.exp(coefSd - z * seSd),
      upper: Math.exp(coefSd + z * seSd),
      p: term.p,
    };
    const perUnit: HazardRatio = { coef: term.coef, hr: term.hr, se: term.se, lower: term.lower, upper: term.upper, p: term.p };
    // With one covariate the fit's C (of β·x) is the biomarker's C in the direction of β; reversing the direction
    // swaps concordant and discordant pairs (tied ones count ½ either way), so C becomes 1 − C.
    let concordance: number;
    if (term.coef !== 0 && fit.concordance !== null) concordance = term.coef > 0 === options.higherIsPositive ? fit.concordance : 1 - fit.concordance;
    else
      concordance = concordanceIndex({ time: data.map((d) => d.time), event: data.map((d) => d.event) }, values, {
        higherIsRisk: options.higherIsPositive,
      }).concordance;
    return { n: fit.n, events: fit.events, sd, perUnit, perSd, concordance };
  });
}

/** A proportion for the response, or null when its denominator is 0 (GraphQL has no NaN). */
export function proportion(p: Proportion | null) {
  return p === null ? null : { x: p.x, n: p.n, estimate: p.estimate, lower: p.lower, upper: p.upper };
}
