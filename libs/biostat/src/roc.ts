import { BiostatError } from './biostat.errors.js';
import { normalTwoSidedP, zFor } from './distributions.js';
import { assertBinary, assertFiniteArray, assertLevel, assertSameLength } from './input-checks.js';
import { proportionOrNull, type Proportion } from './wilson.js';

/** A continuous score and the true class (1 = positive/case, 0 = negative/control). */
export interface RocInput {
  readonly score: readonly number[];
  readonly label: readonly number[];
}

export interface RocOptions {
  readonly level?: number;
  /**
   * `true` (default): a higher score means positive (pROC direction "<"). The direction is fixed rather than
   * chosen from the data, because choosing it after looking inflates the AUC.
   */
  readonly higherIsPositive?: boolean;
}

export interface RocPoint {
  /** Classify positive when the score is ≥ threshold (≤ when `higherIsPositive` is false); ±Infinity at the ends. */
  readonly threshold: number;
  readonly sensitivity: number;
  readonly specificity: number;
}

/** As pROC's `roc()` + `ci.auc(method = "delong")`. */
export interface RocResult {
  readonly auc: number;
  readonly lower: number;
  readonly upper: number;
  /** DeLong standard error of the AUC. */
  readonly se: number;
  readonly nPositive: number;
  readonly nNegative: number;
  readonly level: number;
  /** Thresholds as pROC: midpoints between consecutive distinct scores, plus −Infinity and +Infinity. */
  readonly curve: RocPoint[];
}

interface Placements {
  readonly auc: number;
  /** DeLong structural components V10 (one per positive) and V01 (one per negative). */
  readonly v10: Float64Array;
  readonly v01: Float64Array;
}

export function roc(input: RocInput, options: RocOptions = {}): RocResult {
  const level = options.level ?? 0.95;
  assertLevel(level);
  const { positives, negatives } = split(input, options.higherIsPositive ?? true);
  const placements = placementValues(positives, negatives);
  const variance = variance1(placements.v10) / positives.length + variance1(placements.v01) / negatives.length;
  const se = Math.sqrt(variance);
  const z = zFor(level);
  return {
    auc: placements.auc,
    // pROC clips the interval to [0, 1].
    lower: Math.max(0, placements.auc - z * se),
    upper: Math.min(1, placements.auc + z * se),
    se,
    nPositive: positives.length,
    nNegative: negatives.length,
    level,
    curve: rocCurve(positives, negatives, options.higherIsPositive ?? true),
  };
}

export interface DeLongTestResult {
  readonly auc1: number;
  readonly auc2: number;
  readonly difference: number;
  readonly z: number;
  readonly p: number;
}

/** DeLong test of two correlated AUCs on the same subjects (pROC `roc.test(method = "delong", paired = TRUE)`). */
export function deLongTest(
  score1: readonly number[],
  score2: readonly number[],
  label: readonly number[],
  options: Pick<RocOptions, 'higherIsPositive'> = {},
): DeLongTestResult {
  assertSameLength({ score1: score1.length, score2: score2.length, label: label.length });
  const higher = options.higherIsPositive ?? true;
  const a = split({ score: score1, label }, higher);
  const b = split({ score: score2, label }, higher);
  const pa = placementValues(a.positives, a.negatives);
  const pb = placementValues(b.positives, b.negatives);
  const n1 = a.positives.length;
  const n0 = a.negatives.length;
  const var1 = variance1(pa.v10) / n1 + variance1(pa.v01) / n0;
  const var2 = variance1(pb.v10) / n1 + variance1(pb.v01) / n0;
  const cov = covariance1(pa.v10, pb.v10) / n1 + covariance1(pa.v01, pb.v01) / n0;
  const difference = pa.auc - pb.auc;
  const denominator = var1 + var2 - 2 * cov;
  if (!(denominator > 1e-15)) {
    if (Math.abs(difference) < 1e-15) return { auc1: pa.auc, auc2: pb.auc, difference, z: 0, p: 1 };
    throw new BiostatError('NO_VARIATION', 'the two AUCs differ but their DeLong variance is zero: the test is undefined');
  }
  const z = difference / Math.sqrt(denominator);
  return { auc1: pa.auc, auc2: pb.auc, difference, z, p: normalTwoSidedP(z) };
}

export interface YoudenResult extends RocPoint {
  readonly youden: number;
}

/** The threshold maximising sensitivity + specificity − 1 (the first, in ascending threshold order, on ties). */
export function youdenThreshold(input: RocInput, options: Pick<RocOptions, 'higherIsPositive'> = {}): YoudenResult {
  const higher = options.higherIsPositive ?? true;
  const { positives, negatives } = split(input, higher);
  let best: YoudenResult | null = null;
  for (const point of rocCurve(positives, negatives, higher)) {
    if (!Number.isFinite(point.threshold)) continue;
    const youden = point.sensitivity + point.specificity - 1;
    if (best === null || youden > best.youden + 1e-12) best = { ...point, youden };
  }
  if (best === null) {
    throw new BiostatError('NO_VARIATION', 'all scores are equal: no threshold separates the classes');
  }
  return best;
}

export interface ConfusionCounts {
  readonly truePositive: number;
  readonly falsePositive: number;
  readonly trueNegative: number;
  readonly falseNegative: number;
}

/** Each proportion carries its Wilson interval; `null` when its denominator is zero. */
export interface DiagnosticPerformance extends ConfusionCounts {
  readonly sensitivity: Proportion | null;
  readonly specificity: Proportion | null;
  readonly ppv: Proportion | null;
  readonly npv: Proportion | null;
}

export function performanceFromCounts(counts: ConfusionCounts, level = 0.95): DiagnosticPerformance {
  const { truePositive: tp, falsePositive: fp, trueNegative: tn, falseNegative: fn } = counts;
  for (const [name, v] of Object.entries(counts)) {
    if (!Number.isInteger(v) || v < 0) throw new BiostatError('INVALID_NUMBER', `${name} must be a non-negative integer`);
  }
  return {
    ...counts,
    sensitivity: proportionOrNull(tp, tp + fn, level),
    specificity: proportionOrNull(tn, tn + fp, level),
    ppv: proportionOrNull(tp, tp + fp, level),
    npv: proportionOrNull(tn, tn + fn, level),
  };
}

/** Sensitivity, specificity, PPV and NPV when "score ≥ threshold" (or ≤) is called positive. */
export function performanceAtThreshold(
  input: RocInput,
  threshold: number,
  options: Pick<RocOptions, 'higherIsPositive' | 'level'> = {},
): DiagnosticPerformance {
  validate(input);
  if (!Number.isFinite(threshold)) throw new BiostatError('INVALID_NUMBER', 'threshold must be a finite number');
  const higher = options.higherIsPositive ?? true;
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  input.score.forEach((s, i) => {
    const calledPositive = higher ? s >= threshold : s <= threshold;
    if (input.label[i] === 1) {
      if (calledPositive) tp++;
      else fn++;
    } else if (calledPositive) fp++;
    else tn++;
  });
  return performanceFromCounts({ truePositive: tp, falsePositive: fp, trueNegative: tn, falseNegative: fn }, options.level);
}

function validate(input: RocInput): void {
  assertSameLength({ score: input.score.length, label: input.label.length });
  assertFiniteArray(input.score, 'score');
  assertBinary(input.label, 'label');
}

/** Positives and negatives on an internal scale where higher always means positive. */
function split(input: RocInput, higherIsPositive: boolean): { positives: number[]; negatives: number[] } {
  validate(input);
  const positives: number[] = [];
  const negatives: number[] = [];
  input.score.forEach((s, i) => (input.label[i] === 1 ? positives : negatives).push(higherIsPositive ? s : -s));
  if (positives.length < 2 || negatives.length < 2) {
    throw new BiostatError(
      'INSUFFICIENT_DATA',
      `the AUC and its DeLong interval need at least 2 positives and 2 negatives, got ${positives.length} and ${negatives.length}`,
    );
  }
  return { positives, negatives };
}

/** Placement values by sorting, O(n log n): ties between a positive and a negative count one half. */
function placementValues(positives: readonly number[], negatives: readonly number[]): Placements {
  const sortedNeg = Float64Array.from(negatives).sort();
  const sortedPos = Float64Array.from(positives).sort();
  const v10 = Float64Array.from(positives, (x) => {
    const below = lowerBound(sortedNeg, x);
    const equal = upperBound(sortedNeg, x) - below;
    return (below + equal / 2) / negatives.length;
  });
  const v01 = Float64Array.from(negatives, (y) => {
    const notAbove = upperBound(sortedPos, y);
    const equal = notAbove - lowerBound(sortedPos, y);
    return (positives.length - notAbove + equal / 2) / positives.length;
  });
  let auc = 0;
  for (const v of v10) auc += v;
  return { auc: auc / positives.length, v10, v01 };
}

function rocCurve(positives: readonly number[], negatives: readonly number[], higherIsPositive: boolean): RocPoint[] {
  const sortedNeg = Float64Array.from(negatives).sort();
  const sortedPos = Float64Array.from(positives).sort();
  const all = new Float64Array(sortedPos.length + sortedNeg.length);
  all.set(sortedPos);
  all.set(sortedNeg, sortedPos.length);
  all.sort();
  // Cuts ascending: −∞, the midpoints between consecutive distinct scores (−0 and +0 are one score), +∞.
  const cuts = [Number.NEGATIVE_INFINITY];
  let previous = all[0] as number;
  for (let i = 1; i < all.length; i++) {
    const v = all[i] as number;
    if (v === previous) continue;
    cuts.push((previous + v) / 2);
    previous = v;
  }
  cuts.push(Number.POSITIVE_INFINITY);
  // One walk along both sorted samples: the count of scores below each ascending cut only grows.
  const points = new Array<RocPoint>(cuts.length);
  let belowPos = 0;
  let belowNeg = 0;
  for (let k = 0; k < cuts.length; k++) {
    const c = cuts[k] as number;
    while (belowPos < sortedPos.length && (sortedPos[belowPos] as number) < c) belowPos++;
    while (belowNeg < sortedNeg.length && (sortedNeg[belowNeg] as number) < c) belowNeg++;
    points[k] = {
      threshold: higherIsPositive ? c : -c,
      sensitivity: (positives.length - belowPos) / positives.length,
      specificity: belowNeg / negatives.length,
    };
  }
  return higherIsPositive ? points : points.reverse();
}

function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function variance1(v: Float64Array): number {
  return covariance1(v, v);
}

function covariance1(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] as number;
    mb += b[i] as number;
  }
  ma /= n;
  mb /= n;
  let s = 0;
  for (let i = 0; i < n; i++) s += ((a[i] as number) - ma) * ((b[i] as number) - mb);
  return s / (n - 1);
}
