import jStat from 'jstat';

// Thin wrappers over jstat so the rest of the library names what it means (upper tails for p-values)
// and so tiny p-values come from erfc / the incomplete gamma rather than from 1 - cdf.

/** Standard normal quantile. */
export function normalQuantile(p: number): number {
  return jStat.normal.inv(p, 0, 1);
}

/** Two-sided p-value of a standard normal statistic. */
export function normalTwoSidedP(z: number): number {
  return Math.min(1, jStat.erfc(Math.abs(z) / Math.SQRT2));
}

/** Upper tail P(X ≥ x) of a chi-square with `df` degrees of freedom. */
export function chiSquareUpperP(x: number, df: number): number {
  if (x <= 0) return 1;
  if (df === 1) return normalTwoSidedP(Math.sqrt(x));
  return Math.max(0, 1 - jStat.lowRegGamma(df / 2, x / 2));
}

/** Student t quantile. */
export function tQuantile(p: number, df: number): number {
  return jStat.studentt.inv(p, df);
}

/** F quantile and upper-tail p-value. */
export function fQuantile(p: number, df1: number, df2: number): number {
  return jStat.centralF.inv(p, df1, df2);
}

export function fUpperP(x: number, df1: number, df2: number): number {
  if (x <= 0) return 1;
  return Math.max(0, 1 - jStat.centralF.cdf(x, df1, df2));
}

/** z for a two-sided interval at `level` (0.95 → 1.959964). */
export function zFor(level: number): number {
  return normalQuantile(1 - (1 - level) / 2);
}
