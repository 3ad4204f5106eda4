import { BiostatError } from './biostat.errors.js';
import { coxRegression, type ChiSquareTest, type CoxInput, type CoxOptions, type CoxResult } from './cox.js';
import { chiSquareUpperP, normalQuantile } from './distributions.js';
import { seededUniform } from './random.js';

/** A Cox model and the nested one with only the `base` covariates (the biomarker's incremental value over them). */
export interface NestedCoxInput extends CoxInput {
  /** Names of `covariates` kept in the base model; may be empty (the null model). */
  readonly base: readonly string[];
}

export interface NestedCoxResult {
  readonly full: CoxResult;
  /** null when `base` is empty. */
  readonly baseFit: CoxResult | null;
  /** Likelihood-ratio test of the full against the base model (R: anova(base, full)). */
  readonly lrt: ChiSquareTest;
  /** Harrell's C of each model's linear predictor; the null model's is ½ (every pair tied). */
  readonly cFull: number;
  readonly cBase: number;
  readonly delta: number;
}

function baseCovariates(input: NestedCoxInput): Record<string, readonly number[]> {
  const names = Object.keys(input.covariates);
  const base = new Set(input.base);
  for (const b of input.base) {
    if (!Object.hasOwn(input.covariates, b))
      throw new BiostatError('INVALID_ARGUMENT', `base covariate ${b} is not among the covariates`, { field: 'base', term: b });
  }
  if (base.size === names.length) throw new BiostatError('INVALID_ARGUMENT', 'the base model has every covariate: nothing is added to test', { field: 'base' });
  return Object.fromEntries(names.filter((n) => base.has(n)).map((n) => [n, input.covariates[n] as readonly number[]]));
}

export function nestedCox(input: NestedCoxInput, options: CoxOptions = {}): NestedCoxResult {
  const baseCov = baseCovariates(input);
  const full = coxRegression({ time: input.time, event: input.event, covariates: input.covariates }, options);
  const baseFit = Object.keys(baseCov).length === 0 ? null : coxRegression({ time: input.time, event: input.event, covariates: baseCov }, options);
  const baseLogLik = baseFit === null ? full.logLikNull : baseFit.logLik;
  const chisq = Math.max(0, 2 * (full.logLik - baseLogLik));
  const df = full.terms.length - (baseFit?.terms.length ?? 0);
  const cFull = cOf(full);
  const cBase = baseFit === null ? 0.5 : cOf(baseFit);
  return { full, baseFit, lrt: { chisq, df, p: chiSquareUpperP(chisq, df) }, cFull, cBase, delta: cFull - cBase };
}

function cOf(fit: CoxResult): number {
  if (fit.concordance === null) throw new BiostatError('INSUFFICIENT_DATA', 'no comparable pairs: the C-index is undefined');
  return fit.concordance;
}

export interface BootstrapOptions extends CoxOptions {
  /** Resamples (default 200). */
  readonly replicates?: number;
  /** Seed of the resampling (default 1): the same seed and data give the same interval. */
  readonly seed?: number;
  readonly level?: number;
}

export interface BootstrapDeltaResult {
  /** ΔC on the original data. */
  readonly delta: number;
  /** Percentile interval of ΔC over the resamples. */
  readonly lower: number;
  readonly upper: number;
  /** SD of ΔC over the resamples (the bootstrap standard error). */
  readonly se: number;
  readonly replicates: number;
  /** Resamples whose fit failed (no convergence, constant covariate, no comparable pair); left out, counted here. */
  readonly failed: number;
  readonly seed: number;
  readonly level: number;
  /**
   * Approximate Monte Carlo standard error of each percentile limit: se · √(q(1−q)/B) / φ(z_q), the SE of a sample
   * quantile under a normal bootstrap distribution. Another seed moves a limit by about this much.
   */
  readonly monteCarloError: number;
}

/** Nonparametric bootstrap (subjects resampled with replacement) of the ΔC-index of nested Cox models. */
export function bootstrapCIndexDelta(input: NestedCoxInput, options: BootstrapOptions = {}): BootstrapDeltaResult {
  const replicates = options.replicates ?? 200;
  const seed = options.seed ?? 1;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(replicates) || replicates < 20 || replicates > 10_000) {
    throw new BiostatError('INVALID_ARGUMENT', 'bootstrap replicates must be an integer from 20 to 10000', { field: 'replicates' });
  }
  const original = nestedCox(input, options);
  const n = input.time.length;
  const random = seededUniform(seed);
  const names = Object.keys(input.covariates);
  const deltas: number[] = [];
  let failed = 0;
  for (let r = 0; r < replicates; r++) {
    const pick = new Uint32Array(n);
    for (let i = 0; i < n; i++) pick[i] = Math.floor(random() * n);
    const take = (xs: readonly number[]) => Array.from(pick, (k) => xs[k] as number);
    try {
      const res = nestedCox(
        {
          time: take(input.time),
          event: take(input.event),
          covariates: Object.fromEntries(names.map((nm) => [nm, take(input.covariates[nm] as readonly number[])])),
          base: input.base,
        },
        options,
      );
      deltas.push(res.delta);
    } catch (error) {
      if (!(error instanceof BiostatError)) throw error;
      failed++;
    }
  }
  if (deltas.length < Math.ceil(replicates / 2)) {
    throw new BiostatError('INSUFFICIENT_DATA', `${failed} of ${replicates} bootstrap resamples could not be fitted`, { failed });
  }
  const sorted = Float64Array.from(deltas).sort();
  const alpha = (1 - level) / 2;
  const mean = deltas.reduce((a, d) => a + d, 0) / deltas.length;
  const se = Math.sqrt(deltas.reduce((a, d) => a + (d - mean) ** 2, 0) / (deltas.length - 1));
  const zq = normalQuantile(1 - alpha);
  const density = Math.exp((-zq * zq) / 2) / Math.sqrt(2 * Math.PI);
  return {
    delta: original.delta,
    lower: typeSevenQuantile(sorted, alpha),
    upper: typeSevenQuantile(sorted, 1 - alpha),
    se,
    replicates,
    failed,
    seed,
    level,
    monteCarloError: (se * Math.sqrt((alpha * (1 - alpha)) / deltas.length)) / density,
  };
}

/** R's quantile(type = 7). */
function typeSevenQuantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}
