import { BiostatError } from './biostat.errors.js';
import { zFor } from './distributions.js';
import { assertLevel } from './input-checks.js';

/** A proportion x/n with its Wilson score interval (R: `prop.test(x, n, correct = FALSE)$conf.int`). */
export interface Proportion {
  readonly x: number;
  readonly n: number;
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

export function wilsonInterval(x: number, n: number, level = 0.95): Proportion {
  if (!Number.isInteger(x) || !Number.isInteger(n)) {
    throw new BiostatError('INVALID_NUMBER', `x and n must be integers, got x = ${x}, n = ${n}`);
  }
  if (n < 1) throw new BiostatError('INSUFFICIENT_DATA', 'a proportion needs n ≥ 1');
  if (x < 0 || x > n) throw new BiostatError('INVALID_ARGUMENT', `x must lie in 0..n, got x = ${x}, n = ${n}`);
  assertLevel(level);
  const z = zFor(level);
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  // At x = 0 or x = n the bound is exactly 0 or 1; pin it so rounding cannot leave it a hair outside.
  return {
    x,
    n,
    estimate: p,
    lower: x === 0 ? 0 : Math.max(0, centre - half),
    upper: x === n ? 1 : Math.min(1, centre + half),
  };
}

/** `wilsonInterval`, or `null` when the denominator is zero (e.g. PPV when nothing tested positive). */
export function proportionOrNull(x: number, n: number, level = 0.95): Proportion | null {
  return n === 0 ? null : wilsonInterval(x, n, level);
}
