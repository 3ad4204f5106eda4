import { BiostatError } from './biostat.errors.js';
import { zFor } from './distributions.js';
import { assertLevel } from './input-checks.js';
import { stableOrder } from './sort-order.js';
import { assertSurvivalData, orderByTime, type SurvivalData } from './survival-input.js';

/**
 * Kaplan–Meier estimate, one entry per distinct observed time (event or censoring), as R's
 * `summary(survfit(..., conf.type = "log-log"), censored = TRUE)`.
 * `null` marks what R reports as NA: the interval where S = 1 (no event yet) or S = 0, a median the
 * curve never reaches.
 */
export interface KaplanMeierResult {
  readonly n: number;
  readonly events: number;
  readonly time: number[];
  readonly atRisk: number[];
  readonly nEvent: number[];
  readonly nCensor: number[];
  readonly survival: number[];
  /** Greenwood standard error of the cumulative hazard −log S (R's `std.err` of survfit). */
  readonly stdErr: (number | null)[];
  readonly lower: (number | null)[];
  readonly upper: (number | null)[];
  readonly median: number | null;
  readonly medianLower: number | null;
  readonly medianUpper: number | null;
  readonly level: number;
}

export interface KaplanMeierOptions {
  /** Confidence level of the pointwise log-log intervals; default 0.95. */
  readonly level?: number;
}

export function kaplanMeier(data: SurvivalData, options: KaplanMeierOptions = {}): KaplanMeierResult {
  assertSurvivalData(data);
  const level = options.level ?? 0.95;
  assertLevel(level);
  const z = zFor(level);
  const order = orderByTime(data.time);
  const n = order.length;

  const time: number[] = [];
  const atRisk: number[] = [];
  const nEvent: number[] = [];
  const nCensor: number[] = [];
  const survival: number[] = [];
  const stdErr: (number | null)[] = [];
  const lower: (number | null)[] = [];
  const upper: (number | null)[] = [];

  let s = 1;
  let varH = 0;
  let events = 0;
  for (let i = 0; i < n;) {
    const t = data.time[order[i] as number] as number;
    let d = 0;
    let c = 0;
    let j = i;
    while (j < n && data.time[order[j] as number] === t) {
      if (data.event[order[j] as number] === 1) d++;
      else c++;
      j++;
    }
    const r = n - i;
    if (d > 0) {
      s *= 1 - d / r;
      // Greenwood: the term is infinite when everyone at risk dies, after which S = 0 and no interval exists.
      varH = r > d ? varH + d / (r * (r - d)) : Number.POSITIVE_INFINITY;
    }
    events += d;
    time.push(t);
    atRisk.push(r);
    nEvent.push(d);
    nCensor.push(c);
    survival.push(s);
    stdErr.push(Number.isFinite(varH) ? Math.sqrt(varH) : null);
    const ci = logLogInterval(s, varH, z);
    lower.push(ci?.lower ?? null);
    upper.push(ci?.upper ?? null);
    i = j;
  }

  const xmax = time[time.length - 1] as number;
  return {
    n,
    events,
    time,
    atRisk,
    nEvent,
    nCensor,
    survival,
    stdErr,
    lower,
    upper,
    median: survivalQuantile(time, survival, 0.5, xmax),
    // The lower confidence curve reaches one half first, so it gives the lower limit of the median.
    medianLower: survivalQuantile(time, lower, 0.5, xmax),
    medianUpper: survivalQuantile(time, upper, 0.5, xmax),
    level,
  };
}

/** R's conf.type = "log-log": a symmetric interval for log(−log S). */
function logLogInterval(s: number, varH: number, z: number): { lower: number; upper: number } | null {
  if (!(s > 0 && s < 1) || !Number.isFinite(varH)) return null;
  const h = -Math.log(s);
  const half = (z * Math.sqrt(varH)) / h;
  return { lower: Math.exp(-Math.exp(Math.log(h) + half)), upper: Math.exp(-Math.exp(Math.log(h) - half)) };
}

const TOLERANCE = Math.sqrt(Number.EPSILON);

/**
 * The time at which a survival curve first falls to 1 − p, as survival's `findq`: where the curve is flat at
 * exactly 1 − p the quantile is the midpoint of that flat stretch (or of the stretch to the last follow-up).
 */
export function survivalQuantile(time: readonly number[], surv: readonly (number | null)[], p: number, xmax: number): number | null {
  if (!(p > 0 && p < 1)) throw new BiostatError('INVALID_ARGUMENT', `quantile probability must lie in (0, 1), got ${p}`);
  // The curve with a leading (0, 0): x_0 = 0, y_0 = 0, then x_i = time[i − 1], y_i = 1 − surv[i − 1] (null stays null).
  // Read through accessors rather than copied into arrays: a copy with nulls boxes every number.
  const n = time.length + 1;
  const y = (i: number): number | null => {
    if (i === 0) return 0;
    const v = surv[i - 1];
    return v === null || v === undefined ? null : 1 - v;
  };
  const x = (i: number): number => (i === 0 ? 0 : (time[i - 1] as number));
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = y(i);
    if (v !== null && v > max) max = v;
  }
  if (max < p) return null;

  // R keeps the first time each cumulative-probability level is reached (y[!duplicated(y)]). The first level at or
  // above a threshold is a first occurrence, so the search can run on the full curve; only the last kept level
  // needs the de-duplication.
  const firstAtLeast = (threshold: number): number | null => {
    for (let i = 0; i < n; i++) {
      const v = y(i);
      if (v !== null && v >= threshold) return i;
    }
    return null;
  };
  const i1 = firstAtLeast(p - TOLERANCE);
  const i2 = firstAtLeast(p + TOLERANCE);
  const last = y(latestFirstOccurrence(n, y));
  if (i1 !== null && last !== null && Math.abs(p - last) < TOLERANCE) {
    return (x(i1) + xmax) / 2;
  }
  if (i1 === null || i2 === null) return null;
  return (x(i1) + x(i2)) / 2;
}

/**
 * Index of the last element of y(0..n−1) whose value (null included) does not occur before it, i.e. the last entry of
 * R's y[!duplicated(y)]. A curve's levels are usually non-decreasing (the estimate always is), and then each new level
 * is simply where the value changes; otherwise a stable sort groups equal values with their first occurrence leading.
 * Either way O(n), where a Set of 25,000 doubles per curve was the slowest part of a Kaplan–Meier fit.
 */
function latestFirstOccurrence(n: number, y: (i: number) => number | null): number {
  // null and NaN are single levels each (as in a Set); the rest are compared as numbers.
  let firstNull = -1;
  let firstNaN = -1;
  let monotone = true;
  let previous: number | null = null;
  let latestChange = -1;
  for (let i = 0; i < n; i++) {
    const v = y(i);
    if (v === null) {
      if (firstNull < 0) firstNull = i;
    } else if (Number.isNaN(v)) {
      if (firstNaN < 0) firstNaN = i;
    } else {
      if (previous !== null && v < previous) monotone = false;
      if (previous === null || v !== previous) latestChange = i;
      previous = v;
    }
  }
  if (monotone) return Math.max(latestChange, firstNull, firstNaN);

  const index: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = y(i);
    if (v !== null && !Number.isNaN(v)) {
      index.push(i);
      values.push(v);
    }
  }
  const order = stableOrder(values);
  let latest = -1;
  for (let k = 0; k < order.length; k++) {
    if (k > 0 && values[order[k] as number] === values[order[k - 1] as number]) continue;
    const i = index[order[k] as number] as number;
    if (i > latest) latest = i;
  }
  return Math.max(latest, firstNull, firstNaN);
}
