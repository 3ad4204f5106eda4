import { BiostatError } from './biostat.errors.js';
import { tQuantile } from './distributions.js';
import { assertFiniteArray, assertLevel, assertSameLength, meanAndVariance } from './input-checks.js';

export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

/**
 * Bland & Altman (Lancet 1986): differences a − b, their mean (bias) and SD, limits of agreement
 * bias ± multiplier·SD, and approximate t-based intervals: SE(bias) = SD/√n, SE(limit) ≈ SD·√(3/n).
 */
export interface BlandAltmanResult {
  readonly n: number;
  readonly bias: number;
  readonly sd: number;
  /** Lower and upper limits of agreement. */
  readonly lower: number;
  readonly upper: number;
  readonly biasCi: Interval;
  readonly lowerCi: Interval;
  readonly upperCi: Interval;
  readonly multiplier: number;
  readonly level: number;
  /** Per pair, for the plot: (a + b)/2 and a − b. */
  readonly means: number[];
  readonly differences: number[];
}

export interface BlandAltmanOptions {
  /** Width of the limits in SDs; 1.96 as in the 1986 paper. */
  readonly multiplier?: number;
  /** Confidence level of the intervals around the bias and the limits. */
  readonly level?: number;
}

export function blandAltman(a: readonly number[], b: readonly number[], options: BlandAltmanOptions = {}): BlandAltmanResult {
  assertSameLength({ a: a.length, b: b.length });
  assertFiniteArray(a, 'a');
  assertFiniteArray(b, 'b');
  const multiplier = options.multiplier ?? 1.96;
  const level = options.level ?? 0.95;
  assertLevel(level);
  if (!(multiplier > 0) || !Number.isFinite(multiplier)) throw new BiostatError('INVALID_ARGUMENT', 'multiplier must be a positive number');
  const n = a.length;
  if (n < 2) throw new BiostatError('INSUFFICIENT_DATA', `Bland–Altman needs at least 2 pairs, got ${n}`);
  const differences = a.map((x, i) => x - (b[i] as number));
  const means = a.map((x, i) => (x + (b[i] as number)) / 2);
  const { mean: bias, variance } = meanAndVariance(differences);
  const sd = Math.sqrt(variance);
  const t = tQuantile(1 - (1 - level) / 2, n - 1);
  const seBias = sd / Math.sqrt(n);
  const seLimit = sd * Math.sqrt(3 / n);
  const lower = bias - multiplier * sd;
  const upper = bias + multiplier * sd;
  return {
    n,
    bias,
    sd,
    lower,
    upper,
    biasCi: { lower: bias - t * seBias, upper: bias + t * seBias },
    lowerCi: { lower: lower - t * seLimit, upper: lower + t * seLimit },
    upperCi: { lower: upper - t * seLimit, upper: upper + t * seLimit },
    multiplier,
    level,
    means,
    differences,
  };
}
