import { proportionOrNull, wilsonInterval, type Proportion } from '#biostat';
import type { KpiTarget } from '#domain';

/** Counts of one round at one site (or of a roll-up), as aggregated in SQL. */
export interface KpiCounts {
  /** Invitations are per round, not per site: null on site rows. */
  readonly invited: number | null;
  readonly screened: number;
  readonly recalled: number;
  readonly screenDetected: number;
  /** Interval cancers after a negative screen of this round, by months since that screen. */
  readonly interval0to11: number;
  readonly interval12to23: number;
}

export type RoundType = 'FIRST' | 'SUBSEQUENT' | 'ALL';

export const KPI_NAMES = [
  'PARTICIPATION_RATE',
  'RECALL_RATE',
  'CANCER_DETECTION_RATE',
  'PPV_OF_RECALL',
  'INTERVAL_CANCER_RATE_0_11',
  'INTERVAL_CANCER_RATE_12_23',
  'PROGRAMME_SENSITIVITY',
] as const;
export type KpiName = (typeof KPI_NAMES)[number];

/** Which programme target (domain KPI name) applies to each reported KPI. */
const TARGET_KPI: Record<KpiName, KpiTarget['kpi'] | null> = {
  PARTICIPATION_RATE: 'participation_rate',
  RECALL_RATE: 'recall_rate',
  CANCER_DETECTION_RATE: 'cancer_detection_rate',
  PPV_OF_RECALL: 'ppv_of_recall',
  INTERVAL_CANCER_RATE_0_11: 'interval_cancer_rate',
  INTERVAL_CANCER_RATE_12_23: null,
  PROGRAMME_SENSITIVITY: 'programme_sensitivity',
};

/** Per 1000 for detection and interval cancer rates (as the programme targets are), fractions otherwise. */
const PER_1000: ReadonlySet<KpiName> = new Set(['CANCER_DETECTION_RATE', 'INTERVAL_CANCER_RATE_0_11', 'INTERVAL_CANCER_RATE_12_23']);

export type KpiFlag = 'DESIRABLE' | 'ACCEPTABLE' | 'NOT_ACCEPTABLE' | 'NO_TARGET' | 'NO_DATA';

export interface KpiValue {
  readonly kpi: KpiName;
  readonly numerator: number | null;
  readonly denominator: number | null;
  readonly estimate: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
  readonly scale: 1 | 1000;
  readonly acceptable: number | null;
  readonly desirable: number | null;
  readonly direction: 'at_least' | 'at_most' | null;
  readonly flag: KpiFlag;
  /** Why there is no value (e.g. no invitations counted per site), when there is none. */
  readonly note: string | null;
}

export function add(a: KpiCounts, b: KpiCounts): KpiCounts {
  return {
    invited: a.invited === null || b.invited === null ? null : a.invited + b.invited,
    screened: a.screened + b.screened,
    recalled: a.recalled + b.recalled,
    screenDetected: a.screenDetected + b.screenDetected,
    interval0to11: a.interval0to11 + b.interval0to11,
    interval12to23: a.interval12to23 + b.interval12to23,
  };
}

export const ZERO: KpiCounts = { invited: 0, screened: 0, recalled: 0, screenDetected: 0, interval0to11: 0, interval12to23: 0 };

export function targetFor(targets: readonly KpiTarget[], kpi: KpiName, roundType: RoundType): KpiTarget | null {
  const name = TARGET_KPI[kpi];
  if (name === null) return null;
  const scope = roundType === 'FIRST' ? 'first_round' : roundType === 'SUBSEQUENT' ? 'subsequent_rounds' : 'all_rounds';
  return targets.find((t) => t.kpi === name && t.scope === scope) ?? targets.find((t) => t.kpi === name && t.scope === 'all_rounds') ?? null;
}

export function flagFor(estimate: number, target: KpiTarget | null): KpiFlag {
  if (!target) return 'NO_TARGET';
  const meets = (bound: number) => (target.direction === 'at_least' ? estimate >= bound : estimate <= bound);
  if (meets(target.desirable)) return 'DESIRABLE';
  if (meets(target.acceptable)) return 'ACCEPTABLE';
  return 'NOT_ACCEPTABLE';
}

function value(kpi: KpiName, x: number | null, n: number | null, targets: readonly KpiTarget[], roundType: RoundType, missing: string): KpiValue {
  const scale = PER_1000.has(kpi) ? 1000 : 1;
  const target = targetFor(targets, kpi, roundType);
  const base = { kpi, scale, acceptable: target?.acceptable ?? null, desirable: target?.desirable ?? null, direction: target?.direction ?? null } as const;
  if (x === null || n === null || n === 0) {
    return {
      ...base,
      numerator: x,
      denominator: n,
      estimate: null,
      lower: null,
      upper: null,
      flag: 'NO_DATA',
      note: n === 0 ? 'the denominator is zero' : missing,
    };
  }
  if (x > n) {
    // Inconsistent source counts (e.g. more screened than invited): report it rather than a rate above 100 %.
    return {
      ...base,
      numerator: x,
      denominator: n,
      estimate: null,
      lower: null,
      upper: null,
      flag: 'NO_DATA',
      note: `numerator ${x} exceeds denominator ${n}`,
    };
  }
  const p: Proportion = wilsonInterval(x, n);
  const estimate = p.estimate * scale;
  return { ...base, numerator: x, denominator: n, estimate, lower: p.lower * scale, upper: p.upper * scale, flag: flagFor(estimate, target), note: null };
}

/**
 * EU guideline KPIs (domain-reference §4) with Wilson CIs: participation = screened / invited; recall rate =
 * recalled / screened; detection rate = screen-detected / screened per 1000; PPV = screen-detected / recalled;
 * interval cancer rate = interval cancers / negative screens (screened − screen-detected) per 1000, split 0–11 and
 * 12–23 months; programme sensitivity = screen-detected / (screen-detected + interval cancers within 24 months).
 */
export function kpis(c: KpiCounts, targets: readonly KpiTarget[], roundType: RoundType): KpiValue[] {
  const negative = c.screened - c.screenDetected;
  const intervals = c.interval0to11 + c.interval12to23;
  return [
    value('PARTICIPATION_RATE', c.screened, c.invited, targets, roundType, 'invitations are counted per round, not per site'),
    value('RECALL_RATE', c.recalled, c.screened, targets, roundType, ''),
    value('CANCER_DETECTION_RATE', c.screenDetected, c.screened, targets, roundType, ''),
    value('PPV_OF_RECALL', c.screenDetected, c.recalled, targets, roundType, ''),
    value('INTERVAL_CANCER_RATE_0_11', c.interval0to11, negative, targets, roundType, ''),
    value('INTERVAL_CANCER_RATE_12_23', c.interval12to23, negative, targets, roundType, ''),
    value('PROGRAMME_SENSITIVITY', c.screenDetected, c.screenDetected + intervals, targets, roundType, ''),
  ];
}

export { proportionOrNull };
