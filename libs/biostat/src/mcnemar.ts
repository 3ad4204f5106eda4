import { BiostatError } from './biostat.errors.js';
import { chiSquareUpperP } from './distributions.js';
import { assertBinary, assertSameLength } from './input-checks.js';

export interface McNemarResult {
  readonly statistic: number;
  readonly df: 1;
  readonly p: number;
  /** Discordant pairs: a = 1, b = 0 and a = 0, b = 1. */
  readonly onlyA: number;
  readonly onlyB: number;
  readonly correct: boolean;
}

/**
 * McNemar's test of paired binary results (e.g. AI and human reader on the same screens), as R's
 * `mcnemar.test(table(a, b))`: with the continuity correction by default, which R skips when the two discordant
 * counts are equal (the statistic is then 0 either way).
 */
export function mcnemar(a: readonly number[], b: readonly number[], options: { readonly correct?: boolean } = {}): McNemarResult {
  assertSameLength({ a: a.length, b: b.length });
  assertBinary(a, 'a');
  assertBinary(b, 'b');
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === 1 && b[i] === 0) onlyA++;
    else if (a[i] === 0 && b[i] === 1) onlyB++;
  }
  const discordant = onlyA + onlyB;
  if (discordant === 0) throw new BiostatError('INSUFFICIENT_DATA', 'no discordant pairs: McNemar’s statistic is undefined (R gives NaN)');
  const correct = (options.correct ?? true) && onlyA !== onlyB;
  const statistic = (Math.abs(onlyA - onlyB) - (correct ? 1 : 0)) ** 2 / discordant;
  return { statistic, df: 1, p: chiSquareUpperP(statistic, 1), onlyA, onlyB, correct };
}
