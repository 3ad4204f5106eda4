import { BiostatError, cusum, proportionOrNull, type Proportion } from '#biostat';
import { statistic } from './statistics-errors.js';

/** Counts of one algorithm version at one site in one month, as aggregated in SQL. */
export interface SurveillanceCounts {
  readonly siteId: string | null;
  readonly month: string;
  readonly readings: number;
  readonly aiPositive: number;
  /** Readings followed by a confirmed cancer: screen-detected, or an interval cancer after that screening. */
  readonly cancers: number;
  readonly truePositive: number;
  readonly trueNegative: number;
  /** Readings where the AI call equals the human reading's result. */
  readonly readerAgreement: number;
  readonly aiMeasurements: number;
  readonly correctedMeasurements: number;
}

export const SURVEILLANCE_METRICS = ['AI_POSITIVE_RATE', 'READER_DISAGREEMENT_RATE', 'FALSE_NEGATIVE_RATE'] as const;
export type SurveillanceMetric = (typeof SURVEILLANCE_METRICS)[number];

export interface CusumSettings {
  readonly metric: SurveillanceMetric;
  /** Reference value and decision interval in standard deviations of the monthly rate. */
  readonly k: number;
  readonly h: number;
  /** The in-control rate; default: the rate over the first `baselineMonths` months. */
  readonly expectedRate?: number | null;
  readonly baselineMonths?: number | null;
}

export interface SurveillanceAlarm {
  readonly alarmId: string;
  readonly metric: SurveillanceMetric;
  readonly siteId: string | null;
  readonly month: string;
  readonly direction: 'INCREASE' | 'DECREASE';
  readonly statistic: number;
  readonly expectedRate: number;
  readonly observedRate: number;
  readonly k: number;
  readonly h: number;
}

export function add(a: SurveillanceCounts, b: SurveillanceCounts, siteId: string | null, month: string): SurveillanceCounts {
  return {
    siteId,
    month,
    readings: a.readings + b.readings,
    aiPositive: a.aiPositive + b.aiPositive,
    cancers: a.cancers + b.cancers,
    truePositive: a.truePositive + b.truePositive,
    trueNegative: a.trueNegative + b.trueNegative,
    readerAgreement: a.readerAgreement + b.readerAgreement,
    aiMeasurements: a.aiMeasurements + b.aiMeasurements,
    correctedMeasurements: a.correctedMeasurements + b.correctedMeasurements,
  };
}

export const EMPTY = (siteId: string | null, month: string): SurveillanceCounts => ({
  siteId,
  month,
  readings: 0,
  aiPositive: 0,
  cancers: 0,
  truePositive: 0,
  trueNegative: 0,
  readerAgreement: 0,
  aiMeasurements: 0,
  correctedMeasurements: 0,
});

/** Rates with Wilson CIs for one cell; a rate whose denominator is 0 is null (never NaN). */
export function rates(c: SurveillanceCounts) {
  return {
    ...c,
    aiPositiveRate: proportionOrNull(c.aiPositive, c.readings),
    sensitivity: proportionOrNull(c.truePositive, c.cancers),
    specificity: proportionOrNull(c.trueNegative, c.readings - c.cancers),
    readerAgreementRate: proportionOrNull(c.readerAgreement, c.readings),
    correctionRate: proportionOrNull(c.correctedMeasurements, c.aiMeasurements),
  };
}

function metricCounts(c: SurveillanceCounts, metric: SurveillanceMetric): { x: number; n: number } {
  switch (metric) {
    case 'AI_POSITIVE_RATE':
      return { x: c.aiPositive, n: c.readings };
    case 'READER_DISAGREEMENT_RATE':
      return { x: c.readings - c.readerAgreement, n: c.readings };
    case 'FALSE_NEGATIVE_RATE':
      return { x: c.cancers - c.truePositive, n: c.cancers };
  }
}

export interface CusumSeries {
  readonly siteId: string | null;
  readonly metric: SurveillanceMetric;
  readonly expectedRate: number;
  readonly k: number;
  readonly h: number;
  readonly months: string[];
  readonly observedRates: number[];
  readonly upper: number[];
  readonly lower: number[];
  readonly upperAlarms: number[];
  readonly lowerAlarms: number[];
  readonly alarms: SurveillanceAlarm[];
}

/**
 * Page's CUSUM on the monthly rate standardised under the binomial: zₜ = (xₜ − nₜp₀)/√(nₜp₀(1 − p₀)), so k and h are
 * in SDs whatever the monthly volume. Months without readings are skipped (they carry no information).
 */
export function cusumSeries(monthly: readonly SurveillanceCounts[], settings: CusumSettings, siteId: string | null): CusumSeries {
  return statistic('cusum', () => {
    const points = monthly.map((c) => ({ month: c.month, ...metricCounts(c, settings.metric) })).filter((p) => p.n > 0);
    if (points.length === 0) throw new BiostatError('INSUFFICIENT_DATA', 'no month has readings for this metric');
    let p0 = settings.expectedRate ?? null;
    if (p0 === null) {
      const base = points.slice(0, settings.baselineMonths ?? 3);
      p0 = base.reduce((a, p) => a + p.x, 0) / base.reduce((a, p) => a + p.n, 0);
    }
    if (!(p0 > 0 && p0 < 1)) throw new BiostatError('INVALID_ARGUMENT', `the expected rate must lie strictly between 0 and 1, got ${p0}`, { expectedRate: p0 });
    const expected = p0;
    const z = points.map((p) => (p.x - p.n * expected) / Math.sqrt(p.n * expected * (1 - expected)));
    const r = cusum(z, { target: 0, k: settings.k, h: settings.h });
    const alarm = (i: number, direction: 'INCREASE' | 'DECREASE'): SurveillanceAlarm => {
      const p = points[i] as (typeof points)[number];
      return {
        alarmId: `${settings.metric}|${siteId ?? '*'}|${p.month}|${direction}|k=${settings.k}|h=${settings.h}`,
        metric: settings.metric,
        siteId,
        month: p.month,
        direction,
        statistic: (direction === 'INCREASE' ? r.upper[i] : r.lower[i]) as number,
        expectedRate: expected,
        observedRate: p.x / p.n,
        k: settings.k,
        h: settings.h,
      };
    };
    return {
      siteId,
      metric: settings.metric,
      expectedRate: expected,
      k: settings.k,
      h: settings.h,
      months: points.map((p) => p.month),
      observedRates: points.map((p) => p.x / p.n),
      upper: r.upper,
      lower: r.lower,
      upperAlarms: r.upperAlarms,
      lowerAlarms: r.lowerAlarms,
      alarms: [...r.upperAlarms.map((i) => alarm(i, 'INCREASE')), ...r.lowerAlarms.map((i) => alarm(i, 'DECREASE'))].sort((a, b) =>
        a.month.localeCompare(b.month),
      ),
    };
  });
}

/** Rolls cells up to one row per month (all sites) and one total, in month order. */
export function rollUp(cells: readonly SurveillanceCounts[]): { monthly: SurveillanceCounts[]; total: SurveillanceCounts } {
  const byMonth = new Map<string, SurveillanceCounts>();
  for (const c of cells) byMonth.set(c.month, add(byMonth.get(c.month) ?? EMPTY(null, c.month), c, null, c.month));
  const monthly = [...byMonth.values()].sort((a, b) => a.month.localeCompare(b.month));
  const total = monthly.reduce((acc, c) => add(acc, c, null, 'all'), EMPTY(null, 'all'));
  return { monthly, total };
}

/**
 * Difference of two independent proportions with Newcombe's hybrid score interval (Newcombe 1998, method 10),
 * built from the two Wilson intervals; null when either proportion is undefined.
 */
export function proportionDifference(a: Proportion | null, b: Proportion | null) {
  if (!a || !b) return null;
  const d = a.estimate - b.estimate;
  return {
    estimate: d,
    lower: d - Math.sqrt((a.estimate - a.lower) ** 2 + (b.upper - b.estimate) ** 2),
    upper: d + Math.sqrt((a.upper - a.estimate) ** 2 + (b.estimate - b.lower) ** 2),
  };
}
