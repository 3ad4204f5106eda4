import { BiostatError } from './biostat.errors.js';
import { assertFiniteArray, assertSameLength } from './input-checks.js';

/**
 * Test–retest repeatability as QIBA (Raunig et al. 2015): wSD² = Σd²/(2n), RC = 2.77·wSD, and the
 * within-subject CV from each pair's SD over its mean, wCV² = mean(d²/(2·m²)); %RC = 2.77·wCV·100.
 */
export interface RepeatabilityResult {
  readonly n: number;
  readonly wsd: number;
  readonly rc: number;
  /** `null` when a pair has mean 0, where a coefficient of variation has no meaning. */
  readonly wcv: number | null;
  readonly percentRc: number | null;
  readonly meanDifference: number;
}

/** QIBA's rounded 1.96·√2. */
export const RC_FACTOR = 2.77;

export function repeatability(test: readonly number[], retest: readonly number[]): RepeatabilityResult {
  assertSameLength({ test: test.length, retest: retest.length });
  assertFiniteArray(test, 'test');
  assertFiniteArray(retest, 'retest');
  const n = test.length;
  if (n < 1) throw new BiostatError('INSUFFICIENT_DATA', 'repeatability needs at least one test–retest pair');
  let sumD2 = 0;
  let sumCv2 = 0;
  let sumD = 0;
  let cvDefined = true;
  for (let i = 0; i < n; i++) {
    const a = test[i] as number;
    const b = retest[i] as number;
    const d = a - b;
    const m = (a + b) / 2;
    sumD += d;
    sumD2 += d * d;
    if (m === 0) cvDefined = false;
    else sumCv2 += (d * d) / (2 * m * m);
  }
  const wsd = Math.sqrt(sumD2 / (2 * n));
  const wcv = cvDefined ? Math.sqrt(sumCv2 / n) : null;
  return {
    n,
    wsd,
    rc: RC_FACTOR * wsd,
    wcv,
    percentRc: wcv === null ? null : RC_FACTOR * wcv * 100,
    meanDifference: sumD / n,
  };
}
