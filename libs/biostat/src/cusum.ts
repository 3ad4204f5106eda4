import { BiostatError } from './biostat.errors.js';
import { assertFiniteArray } from './input-checks.js';

/**
 * Page's (1954) tabular CUSUM around a target mean:
 *   C⁺ₜ = max(0, C⁺ₜ₋₁ + xₜ − target − k),  C⁻ₜ = max(0, C⁻ₜ₋₁ + target − xₜ − k),
 * an alarm whenever a sum exceeds h. With `sd` the values are standardised first, so k and h are in SDs.
 */
export interface CusumOptions {
  readonly target: number;
  /** Reference value (allowance), ≥ 0. */
  readonly k: number;
  /** Decision interval, > 0. */
  readonly h: number;
  readonly sd?: number;
  /** Restart both sums at zero after an alarm (default true), so each alarm marks a new shift. */
  readonly resetAfterAlarm?: boolean;
}

export interface CusumResult {
  readonly upper: number[];
  readonly lower: number[];
  /** Indices into the input where the upper (increase) or lower (decrease) sum exceeded h. */
  readonly upperAlarms: number[];
  readonly lowerAlarms: number[];
}

export function cusum(values: readonly number[], options: CusumOptions): CusumResult {
  assertFiniteArray(values, 'values');
  const { target, k, h } = options;
  const sd = options.sd ?? 1;
  if (![target, k, h, sd].every(Number.isFinite) || k < 0 || h <= 0 || sd <= 0) {
    throw new BiostatError('INVALID_ARGUMENT', 'CUSUM needs a finite target, k ≥ 0, h > 0 and sd > 0');
  }
  const reset = options.resetAfterAlarm ?? true;
  const upper: number[] = [];
  const lower: number[] = [];
  const upperAlarms: number[] = [];
  const lowerAlarms: number[] = [];
  let cPlus = 0;
  let cMinus = 0;
  values.forEach((x, t) => {
    const z = (x - target) / sd;
    cPlus = Math.max(0, cPlus + z - k);
    cMinus = Math.max(0, cMinus - z - k);
    upper.push(cPlus);
    lower.push(cMinus);
    const up = cPlus > h;
    const down = cMinus > h;
    if (up) upperAlarms.push(t);
    if (down) lowerAlarms.push(t);
    if (reset && (up || down)) {
      cPlus = 0;
      cMinus = 0;
    }
  });
  return { upper, lower, upperAlarms, lowerAlarms };
}
