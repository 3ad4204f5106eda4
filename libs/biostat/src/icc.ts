import { BiostatError } from './biostat.errors.js';
import { fQuantile, fUpperP } from './distributions.js';
import { assertFiniteArray, assertLevel } from './input-checks.js';

/** One Shrout–Fleiss form with its F test and confidence interval, as psych::ICC (lmer = FALSE). */
export interface IccEstimate {
  readonly icc: number;
  /** `null` when a mean square is zero and the F ratio is infinite. */
  readonly f: number | null;
  readonly df1: number;
  readonly df2: number;
  readonly p: number;
  readonly lower: number | null;
  readonly upper: number | null;
}

/**
 * Shrout & Fleiss (1979) intraclass correlations from the two-way ANOVA of an n subjects × k raters table:
 * ICC1 one-way random, ICC2 two-way random (absolute agreement), ICC3 two-way mixed (consistency), and the
 * k-rater (average) forms.
 */
export interface IccResult {
  readonly subjects: number;
  readonly raters: number;
  readonly icc1: IccEstimate;
  readonly icc2: IccEstimate;
  readonly icc3: IccEstimate;
  readonly icc1k: IccEstimate;
  readonly icc2k: IccEstimate;
  readonly icc3k: IccEstimate;
  readonly meanSquares: { readonly subjects: number; readonly within: number; readonly raters: number; readonly error: number };
  readonly level: number;
}

/** `ratings[i][j]` is rater j's rating of subject i; every subject is rated by every rater. */
export function intraclassCorrelation(ratings: readonly (readonly number[])[], level = 0.95): IccResult {
  assertLevel(level);
  const n = ratings.length;
  const k = ratings[0]?.length ?? 0;
  ratings.forEach((row, i) => {
    if (row.length !== k) {
      throw new BiostatError('UNEQUAL_LENGTHS', `subject ${i} has ${row.length} ratings but subject 0 has ${k}`);
    }
    assertFiniteArray(row, `ratings[${i}]`);
  });
  if (n < 2 || k < 2) throw new BiostatError('INSUFFICIENT_DATA', `ICC needs at least 2 subjects and 2 raters, got ${n} × ${k}`);

  let grand = 0;
  const rowMeans = ratings.map((row) => row.reduce((a, v) => a + v, 0) / k);
  const colMeans = new Array<number>(k).fill(0);
  for (const row of ratings) row.forEach((v, j) => (colMeans[j] = (colMeans[j] as number) + v / n));
  for (const m of rowMeans) grand += m / n;
  let ssTotal = 0;
  for (const row of ratings) for (const v of row) ssTotal += (v - grand) ** 2;
  const ssRows = k * rowMeans.reduce((a, m) => a + (m - grand) ** 2, 0);
  const ssCols = n * colMeans.reduce((a, m) => a + (m - grand) ** 2, 0);
  const ssError = Math.max(0, ssTotal - ssRows - ssCols);
  const msb = ssRows / (n - 1);
  const msj = ssCols / (k - 1);
  const mse = ssError / ((n - 1) * (k - 1));
  const msw = (ssCols + ssError) / (n * (k - 1));
  if (!(msb > 0)) {
    throw new BiostatError('NO_VARIATION', 'all subjects have the same mean rating: the ICC is not defined');
  }

  const icc1 = (msb - msw) / (msb + (k - 1) * msw);
  const icc2 = (msb - mse) / (msb + (k - 1) * mse + (k * (msj - mse)) / n);
  const icc3 = (msb - mse) / (msb + (k - 1) * mse);
  const icc1k = (msb - msw) / msb;
  const icc2k = (msb - mse) / (msb + (msj - mse) / n);
  const icc3k = (msb - mse) / msb;

  // Confidence limits transcribed from psych::ICC so that they agree with it to the last digit.
  const alpha = 1 - level;
  const f11 = msb / msw;
  const df11n = n - 1;
  const df11d = n * (k - 1);
  const p11 = fUpperP(f11, df11n, df11d);
  const f21 = msb / mse;
  const df21n = n - 1;
  const df21d = (n - 1) * (k - 1);
  const p21 = fUpperP(f21, df21n, df21d);
  const f1L = f11 / fQuantile(1 - alpha / 2, df11n, df11d);
  const f1U = f11 * fQuantile(1 - alpha / 2, df11d, df11n);
  const f3L = f21 / fQuantile(1 - alpha / 2, df21n, df21d);
  const f3U = f21 * fQuantile(1 - alpha / 2, df21d, df21n);
  const fj = msj / mse;
  const vn = (k - 1) * (n - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2;
  const vd = (n - 1) * k ** 2 * icc2 ** 2 * fj ** 2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2;
  const v = vn / vd;
  const f2U = fQuantile(1 - alpha / 2, n - 1, v);
  const f2L = fQuantile(1 - alpha / 2, v, n - 1);
  const l2 = (n * (msb - f2U * mse)) / (f2U * (k * msj + (k * n - k - n) * mse) + n * msb);
  const u2 = (n * (f2L * msb - mse)) / (k * msj + (k * n - k - n) * mse + n * f2L * msb);

  const oneWay = { f: f11, df1: df11n, df2: df11d, p: p11 };
  const twoWay = { f: f21, df1: df21n, df2: df21d, p: p21 };
  return {
    subjects: n,
    raters: k,
    icc1: estimate(icc1, oneWay, (f1L - 1) / (f1L + k - 1), (f1U - 1) / (f1U + k - 1)),
    icc2: estimate(icc2, twoWay, l2, u2),
    icc3: estimate(icc3, twoWay, (f3L - 1) / (f3L + k - 1), (f3U - 1) / (f3U + k - 1)),
    icc1k: estimate(icc1k, oneWay, 1 - 1 / f1L, 1 - 1 / f1U),
    icc2k: estimate(icc2k, twoWay, (l2 * k) / (1 + l2 * (k - 1)), (u2 * k) / (1 + u2 * (k - 1))),
    icc3k: estimate(icc3k, twoWay, 1 - 1 / f3L, 1 - 1 / f3U),
    meanSquares: { subjects: msb, within: msw, raters: msj, error: mse },
    level,
  };
}

function estimate(icc: number, test: { f: number; df1: number; df2: number; p: number }, lower: number, upper: number): IccEstimate {
  // A zero error mean square (perfect consistency) makes F infinite; the limits are then undefined, not NaN.
  const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
  return { icc, f: finite(test.f), df1: test.df1, df2: test.df2, p: Number.isFinite(test.f) ? test.p : 0, lower: finite(lower), upper: finite(upper) };
}
