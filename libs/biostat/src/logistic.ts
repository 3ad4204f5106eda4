import { BiostatError } from './biostat.errors.js';
import { chiSquareUpperP, normalTwoSidedP, zFor } from './distributions.js';
import { assertBinary, assertFiniteArray, assertLevel, assertSameLength } from './input-checks.js';
import { cholesky, choleskyInverse, choleskySolve, type Matrix } from './linear-algebra.js';
import { roc } from './roc.js';

export interface LogisticInput {
  /** 0/1 outcome per subject. */
  readonly outcome: readonly number[];
  /** One array per covariate, parallel to `outcome`; insertion order is the order of `terms` after `(Intercept)`. */
  readonly covariates: Readonly<Record<string, readonly number[]>>;
}

export interface LogisticOptions {
  /** A known part of the linear predictor (R: `offset =`), e.g. logit(predicted) for calibration-in-the-large. */
  readonly offset?: readonly number[];
  /** Fit without `(Intercept)` (R: `~ 0 + …`). */
  readonly noIntercept?: boolean;
  readonly level?: number;
  /** R's glm.control defaults: 25 iterations, relative deviance change 1e-8. */
  readonly maxIterations?: number;
  readonly tolerance?: number;
}

export interface LogisticTerm {
  readonly name: string;
  readonly coef: number;
  /** exp(coef): the odds ratio (for `(Intercept)`, the odds at all covariates 0). */
  readonly or: number;
  readonly se: number;
  readonly z: number;
  /** Wald limits of the odds ratio (R: `exp(confint.default(fit))`). */
  readonly lower: number;
  readonly upper: number;
  readonly p: number;
}

/** As R's `summary(glm(outcome ~ covariates, family = binomial))`. */
export interface LogisticResult {
  readonly terms: LogisticTerm[];
  /** Fitted probabilities, parallel to the input. */
  readonly fitted: number[];
  readonly deviance: number;
  readonly nullDeviance: number;
  readonly aic: number;
  /** Likelihood-ratio test of the model against the intercept-only one (df = number of covariates). */
  readonly likelihoodRatio: { readonly chisq: number; readonly df: number; readonly p: number };
  readonly iterations: number;
  readonly n: number;
  readonly events: number;
}

export const INTERCEPT = '(Intercept)';

/** Binary logistic regression by iteratively reweighted least squares, as R's glm.fit (same start, same stopping rule). */
export function logisticRegression(input: LogisticInput, options: LogisticOptions = {}): LogisticResult {
  const names = Object.keys(input.covariates);
  const y = input.outcome;
  const n = y.length;
  assertSameLength({
    outcome: n,
    ...Object.fromEntries(names.map((nm) => [nm, (input.covariates[nm] as readonly number[]).length])),
    ...(options.offset ? { offset: options.offset.length } : {}),
  });
  if (n === 0) throw new BiostatError('INSUFFICIENT_DATA', 'no observations');
  assertBinary(y, 'outcome');
  const level = options.level ?? 0.95;
  assertLevel(level);
  const offset = options.offset ?? new Array<number>(n).fill(0);
  assertFiniteArray(offset, 'offset');
  const columns: { name: string; x: readonly number[] }[] = [];
  if (!options.noIntercept) columns.push({ name: INTERCEPT, x: new Array<number>(n).fill(1) });
  for (const name of names) {
    const values = input.covariates[name] as readonly number[];
    assertFiniteArray(values, name);
    if (values.every((v) => v === values[0])) {
      throw new BiostatError('NO_VARIATION', `covariate ${name} is constant: its odds ratio is not estimable`, { term: name });
    }
    columns.push({ name, x: values });
  }
  const events = y.reduce<number>((a, v) => a + v, 0);
  if (events === 0 || events === n) throw new BiostatError('NO_VARIATION', 'the outcome is all 0 or all 1: no odds ratio is estimable');
  const p = columns.length;
  if (n <= p) throw new BiostatError('INSUFFICIENT_DATA', `${n} observations cannot estimate ${p} coefficients`);
  const maxIterations = options.maxIterations ?? 25;
  const tolerance = options.tolerance ?? 1e-8;

  const deviance = (mu: readonly number[]): number => {
    let d = 0;
    for (let i = 0; i < n; i++) d -= 2 * ((y[i] as number) === 1 ? Math.log(mu[i] as number) : Math.log(1 - (mu[i] as number)));
    return d;
  };
  // binomial()$initialize: mu = (y + 0.5) / 2, eta = logit(mu); the first step is then a weighted LS fit from there.
  let eta = Array.from(y, (v) => Math.log((v + 0.5) / 2 / (1 - (v + 0.5) / 2)));
  let mu = eta.map(expit);
  let devOld = deviance(mu);
  let beta = new Array<number>(p).fill(0);
  let xtwx: Matrix = [];
  let converged = false;
  let iterations = 0;
  for (iterations = 1; iterations <= maxIterations; iterations++) {
    xtwx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    const xtwz = new Array<number>(p).fill(0);
    for (let i = 0; i < n; i++) {
      const m = mu[i] as number;
      const w = m * (1 - m);
      const z = (eta[i] as number) - (offset[i] as number) + ((y[i] as number) - m) / w;
      for (let a = 0; a < p; a++) {
        const xa = (columns[a] as { x: readonly number[] }).x[i] as number;
        xtwz[a] = (xtwz[a] as number) + w * xa * z;
        const row = xtwx[a] as number[];
        for (let b = 0; b <= a; b++) row[b] = (row[b] as number) + w * xa * ((columns[b] as { x: readonly number[] }).x[i] as number);
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) (xtwx[b] as number[])[a] = (xtwx[a] as number[])[b] as number;
    beta = choleskySolve(cholesky(xtwx, 'the information matrix (collinear covariates?)'), xtwz);
    eta = linearPredictor(columns, beta, offset);
    mu = eta.map(expit);
    const dev = deviance(mu);
    if (!Number.isFinite(dev)) break;
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < tolerance) {
      converged = true;
      devOld = dev;
      break;
    }
    devOld = dev;
  }
  // Separation: glm warns "fitted probabilities numerically 0 or 1" and reports a huge coefficient; we refuse
  // instead. A probability at the bounds that the offset alone already puts there (a predicted risk of 1 − 1e-17 in
  // calibration-in-the-large) is not separation: the coefficients are finite.
  const eps = 10 * Number.EPSILON;
  const atBound = (m: number) => m < eps || m > 1 - eps;
  if (!converged || mu.some((m, i) => atBound(m) && !atBound(expit(offset[i] as number)))) {
    throw new BiostatError('NOT_CONVERGED', 'the logistic model did not converge: fitted probabilities reach 0 or 1 (separation)', {
      terms: columns.map((c) => c.name),
    });
  }
  // As R's summary.glm: the variance comes from the weights of the last iteration (the matrix of the last solve).
  const variance = choleskyInverse(cholesky(xtwx, 'the information matrix'));
  const zq = zFor(level);
  const terms = columns.map(({ name }, a) => {
    const b = beta[a] as number;
    const se = Math.sqrt((variance[a] as number[])[a] as number);
    return { name, coef: b, or: Math.exp(b), se, z: b / se, lower: Math.exp(b - zq * se), upper: Math.exp(b + zq * se), p: normalTwoSidedP(b / se) };
  });
  const nullDeviance = nullDevianceOf(y, offset, !options.noIntercept);
  const lrt = Math.max(0, nullDeviance - devOld);
  const df = options.noIntercept ? p : p - 1;
  return {
    terms,
    fitted: mu,
    deviance: devOld,
    nullDeviance,
    aic: devOld + 2 * p,
    likelihoodRatio: { chisq: lrt, df, p: df > 0 ? chiSquareUpperP(lrt, df) : 1 },
    iterations,
    n,
    events,
  };
}

/** `logisticRegression` plus the AUC (pROC, DeLong irrelevant here) of its fitted probabilities. */
export function logisticWithAuc(input: LogisticInput, options: LogisticOptions = {}): LogisticResult & { readonly auc: number } {
  const fit = logisticRegression(input, options);
  return { ...fit, auc: roc({ score: fit.fitted, label: input.outcome }).auc };
}

function linearPredictor(columns: readonly { x: readonly number[] }[], beta: readonly number[], offset: readonly number[]): number[] {
  return offset.map((o, i) => {
    let v = o;
    for (let a = 0; a < columns.length; a++) v += (beta[a] as number) * ((columns[a] as { x: readonly number[] }).x[i] as number);
    return v;
  });
}

/** Deviance of the intercept-only model (R's null.deviance: with an offset, the intercept is fitted with it). */
function nullDevianceOf(y: readonly number[], offset: readonly number[], intercept: boolean): number {
  const n = y.length;
  const dev = (b: number) => {
    let d = 0;
    for (let i = 0; i < n; i++) {
      const m = expit(b + (offset[i] as number));
      d -= 2 * ((y[i] as number) === 1 ? Math.log(m) : Math.log(1 - m));
    }
    return d;
  };
  if (!intercept) return dev(0);
  if (offset.every((o) => o === 0)) {
    const m = y.reduce<number>((a, v) => a + v, 0) / n;
    return dev(Math.log(m / (1 - m)));
  }
  // One-parameter Newton for the intercept with the offset.
  let b = 0;
  for (let it = 0; it < 50; it++) {
    let u = 0;
    let info = 0;
    for (let i = 0; i < n; i++) {
      const m = expit(b + (offset[i] as number));
      u += (y[i] as number) - m;
      info += m * (1 - m);
    }
    const step = u / info;
    b += step;
    if (Math.abs(step) < 1e-12) break;
  }
  return dev(b);
}

export function expit(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

export function logit(p: number): number {
  return Math.log(p / (1 - p));
}
