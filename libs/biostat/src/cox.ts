import { BiostatError } from './biostat.errors.js';
import { concordanceCounts } from './concordance.js';
import { chiSquareUpperP, normalTwoSidedP, zFor } from './distributions.js';
import { assertFiniteArray, assertLevel } from './input-checks.js';
import { cholesky, choleskyInverse, choleskySolve, type Matrix } from './linear-algebra.js';
import { runStarts, stableOrder } from './sort-order.js';
import { assertSurvivalData, type SurvivalData } from './survival-input.js';

export interface CoxInput extends SurvivalData {
  /** One array per covariate, parallel to `time`; insertion order is the order of `terms`. */
  readonly covariates: Readonly<Record<string, readonly number[]>>;
}

export interface CoxOptions {
  /** Tie handling; R's default (and ours) is Efron. */
  readonly ties?: 'efron' | 'breslow';
  readonly level?: number;
  /** R's coxph.control defaults: 20 iterations, relative log-likelihood change 1e-9. */
  readonly maxIterations?: number;
  readonly tolerance?: number;
}

export interface CoxTerm {
  readonly name: string;
  readonly coef: number;
  readonly hr: number;
  readonly se: number;
  readonly z: number;
  /** Wald confidence limits of the hazard ratio. */
  readonly lower: number;
  readonly upper: number;
  /** Two-sided Wald p-value. */
  readonly p: number;
}

export interface ChiSquareTest {
  readonly chisq: number;
  readonly df: number;
  readonly p: number;
}

/** As R's `summary(coxph(Surv(time, event) ~ covariates))`. */
export interface CoxResult {
  readonly terms: CoxTerm[];
  /** Harrell's C of the linear predictor (R: `fit$concordance`); null when no pair is comparable. */
  readonly concordance: number | null;
  readonly n: number;
  readonly events: number;
  readonly logLik: number;
  readonly logLikNull: number;
  readonly likelihoodRatio: ChiSquareTest;
  /** The global Wald test β′·I(β)·β (R: summary(fit)$waldtest). */
  readonly wald: ChiSquareTest;
  /** The score test at β = 0; with one binary covariate and no ties it is the log-rank test. */
  readonly score: ChiSquareTest;
  readonly iterations: number;
  readonly ties: 'efron' | 'breslow';
  readonly level: number;
}

export function coxRegression(input: CoxInput, options: CoxOptions = {}): CoxResult {
  const names = Object.keys(input.covariates);
  if (names.length === 0) throw new BiostatError('INSUFFICIENT_DATA', 'the Cox model needs at least one covariate');
  assertSurvivalData(input, Object.fromEntries(names.map((nm) => [nm, (input.covariates[nm] as readonly number[]).length])));
  const level = options.level ?? 0.95;
  assertLevel(level);
  const ties = options.ties ?? 'efron';
  const maxIterations = options.maxIterations ?? 20;
  const tolerance = options.tolerance ?? 1e-9;
  const n = input.time.length;
  const p = names.length;
  const events = input.event.reduce<number>((a, e) => a + e, 0);
  if (events === 0) throw new BiostatError('INSUFFICIENT_DATA', 'the Cox model needs at least one event');

  // Centre the covariates (as R does): the coefficients are unchanged and exp() stays in range.
  const x: Float64Array[] = names.map((name) => {
    const values = input.covariates[name] as readonly number[];
    assertFiniteArray(values, name);
    const mean = values.reduce((a, v) => a + v, 0) / n;
    if (values.every((v) => v === values[0])) {
      throw new BiostatError('NO_VARIATION', `covariate ${name} is constant: its hazard ratio is not estimable`, { term: name });
    }
    return Float64Array.from(values, (v) => v - mean);
  });
  const sorted = sortForRiskSets(input, x);
  const likelihood = (beta: readonly number[]): Likelihood => partialLikelihood(sorted, beta, ties);

  let beta = new Array<number>(p).fill(0);
  const start = likelihood(beta);
  const logLikNull = start.logLik;
  const scoreStep = choleskySolve(cholesky(start.information, 'the information matrix'), start.score);
  const scoreChisq = Math.max(
    0,
    start.score.reduce((a, u, i) => a + u * (scoreStep[i] as number), 0),
  );

  let current = start;
  let newBeta = beta.map((b, i) => b + (scoreStep[i] as number));
  let halving = false;
  let converged = false;
  let iterations = 0;
  let fitted = start;
  for (iterations = 1; iterations <= maxIterations; iterations++) {
    const next = likelihood(newBeta);
    if (!Number.isFinite(next.logLik)) break;
    if (Math.abs(1 - current.logLik / next.logLik) <= tolerance && !halving) {
      converged = true;
      fitted = next;
      break;
    }
    if (iterations === maxIterations) break;
    if (next.logLik < current.logLik) {
      halving = true;
      newBeta = newBeta.map((b, i) => (b + (beta[i] as number)) / 2);
    } else {
      halving = false;
      current = next;
      beta = newBeta;
      const step = choleskySolve(cholesky(next.information, 'the information matrix'), next.score);
      newBeta = beta.map((b, i) => b + (step[i] as number));
    }
  }
  if (!converged) {
    throw new BiostatError(
      'NOT_CONVERGED',
      `the Cox model did not converge in ${maxIterations} iterations (monotone likelihood: a hazard ratio is probably infinite)`,
      {
        terms: names,
      },
    );
  }

  const coef = newBeta;
  const variance = choleskyInverse(cholesky(fitted.information, 'the information matrix'));
  // R's test for an infinite coefficient: the next Newton step would still move it by more than toler.inf·|β|.
  const toleranceInfinite = Math.sqrt(tolerance);
  const infinite = names.filter((_, i) => {
    const step = Math.abs(fitted.score.reduce((a, u, j) => a + u * ((variance[j] as number[])[i] as number), 0));
    return step > tolerance && step > toleranceInfinite * Math.abs(coef[i] as number);
  });
  if (infinite.length > 0) {
    throw new BiostatError('NOT_CONVERGED', `the log-likelihood converged before ${infinite.join(', ')}: the hazard ratio is infinite (complete separation)`, {
      terms: infinite,
    });
  }

  const z = zFor(level);
  const terms = names.map((name, i) => {
    const b = coef[i] as number;
    const se = Math.sqrt((variance[i] as number[])[i] as number);
    return { name, coef: b, hr: Math.exp(b), se, z: b / se, lower: Math.exp(b - z * se), upper: Math.exp(b + z * se), p: normalTwoSidedP(b / se) };
  });
  const linearPredictor = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    let v = 0;
    for (let i = 0; i < p; i++) v += (coef[i] as number) * ((x[i] as Float64Array)[s] as number);
    linearPredictor[s] = v;
  }
  // The input was validated above and is already in time order: count the pairs without checking or sorting again.
  const pairs = concordanceCounts(input, linearPredictor, sorted.timeOrder, true);
  const concordance = pairs === null ? null : pairs.concordance;
  const lrt = Math.max(0, 2 * (fitted.logLik - logLikNull));
  let wald = 0;
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) wald += (coef[i] as number) * ((fitted.information[i] as number[])[j] as number) * (coef[j] as number);
  return {
    terms,
    concordance,
    n,
    events,
    logLik: fitted.logLik,
    logLikNull,
    likelihoodRatio: { chisq: lrt, df: p, p: chiSquareUpperP(lrt, p) },
    wald: { chisq: wald, df: p, p: chiSquareUpperP(wald, p) },
    score: { chisq: scoreChisq, df: p, p: chiSquareUpperP(scoreChisq, p) },
    iterations,
    ties,
    level,
  };
}

interface Likelihood {
  readonly logLik: number;
  readonly score: number[];
  readonly information: Matrix;
}

/**
 * The data once in risk-set order (latest time first, ties by index, as the sort R's coxph uses), so each
 * Newton–Raphson iteration is one sequential pass over typed arrays instead of indexed lookups and a fresh sort.
 */
interface RiskSetData {
  readonly n: number;
  /** Covariates (centred) by risk-set position. */
  readonly x: readonly Float64Array[];
  readonly event: Uint8Array;
  /** Tied-time groups: group g spans positions [groupStart[g], groupStart[g + 1]). */
  readonly groupStart: Uint32Array;
  /** Ascending time order of the original indices (for the concordance). */
  readonly timeOrder: Uint32Array;
}

function sortForRiskSets(input: SurvivalData, x: readonly Float64Array[]): RiskSetData {
  const n = input.time.length;
  const ascending = stableOrder(input.time);
  const runs = runStarts(input.time, ascending);
  const groups = runs.length - 1;
  const position = new Uint32Array(n);
  const groupStart = new Uint32Array(groups + 1);
  let k = 0;
  for (let g = groups - 1; g >= 0; g--) {
    groupStart[groups - 1 - g] = k;
    for (let a = runs[g] as number; a < (runs[g + 1] as number); a++) position[k++] = ascending[a] as number;
  }
  groupStart[groups] = n;
  const event = new Uint8Array(n);
  for (let k2 = 0; k2 < n; k2++) event[k2] = input.event[position[k2] as number] === 1 ? 1 : 0;
  const xs = x.map((col) => {
    const out = new Float64Array(n);
    for (let k2 = 0; k2 < n; k2++) out[k2] = col[position[k2] as number] as number;
    return out;
  });
  return { n, x: xs, event, groupStart, timeOrder: ascending };
}

/** Partial log-likelihood, score and information in one pass over the risk sets, latest time first. */
function partialLikelihood(data: RiskSetData, beta: readonly number[], ties: 'efron' | 'breslow'): Likelihood {
  const { n, x, event, groupStart } = data;
  const p = x.length;
  const eta = new Float64Array(n);
  let maxEta = Number.NEGATIVE_INFINITY;
  for (let s = 0; s < n; s++) {
    let v = 0;
    for (let i = 0; i < p; i++) v += (beta[i] as number) * ((x[i] as Float64Array)[s] as number);
    eta[s] = v;
    if (v > maxEta) maxEta = v;
  }
  // Shifting η by a constant leaves the partial likelihood unchanged and keeps exp() finite.
  const risk = new Float64Array(n);
  for (let s = 0; s < n; s++) risk[s] = Math.exp((eta[s] as number) - maxEta);

  let logLik = 0;
  const score = new Array<number>(p).fill(0);
  const information: Matrix = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  let s0 = 0;
  const s1 = new Float64Array(p);
  const s2 = new Float64Array(p * p);
  const d1 = new Float64Array(p);
  const d2 = new Float64Array(p * p);
  const a1 = new Float64Array(p);

  const groups = groupStart.length - 1;
  for (let g = 0; g < groups; g++) {
    const end = groupStart[g] as number;
    const stop = groupStart[g + 1] as number;
    let deaths = 0;
    let d0 = 0;
    // Plain loops: a builtin fill() call per tied-time group costs more than the group itself when p is 1.
    for (let i = 0; i < p; i++) d1[i] = 0;
    for (let i = 0; i < p * p; i++) d2[i] = 0;
    for (let s = end; s < stop; s++) {
      const r = risk[s] as number;
      s0 += r;
      for (let i = 0; i < p; i++) {
        const xi = (x[i] as Float64Array)[s] as number;
        s1[i] = (s1[i] as number) + r * xi;
        for (let j = 0; j <= i; j++) s2[i * p + j] = (s2[i * p + j] as number) + r * xi * ((x[j] as Float64Array)[s] as number);
      }
      if (event[s] === 1) {
        deaths++;
        d0 += r;
        logLik += (eta[s] as number) - maxEta;
        for (let i = 0; i < p; i++) {
          const xi = (x[i] as Float64Array)[s] as number;
          score[i] = (score[i] as number) + xi;
          d1[i] = (d1[i] as number) + r * xi;
          for (let j = 0; j <= i; j++) d2[i * p + j] = (d2[i * p + j] as number) + r * xi * ((x[j] as Float64Array)[s] as number);
        }
      }
    }
    for (let l = 0; l < deaths; l++) {
      // Efron removes the tied deaths' risk in equal fractions; Breslow keeps the whole risk set.
      const f = ties === 'efron' ? l / deaths : 0;
      const denom = s0 - f * d0;
      logLik -= Math.log(denom);
      for (let i = 0; i < p; i++) {
        a1[i] = ((s1[i] as number) - f * (d1[i] as number)) / denom;
        score[i] = (score[i] as number) - (a1[i] as number);
      }
      for (let i = 0; i < p; i++) {
        for (let j = 0; j <= i; j++) {
          const v = ((s2[i * p + j] as number) - f * (d2[i * p + j] as number)) / denom - (a1[i] as number) * (a1[j] as number);
          (information[i] as number[])[j] = ((information[i] as number[])[j] as number) + v;
        }
      }
    }
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) (information[j] as number[])[i] = (information[i] as number[])[j] as number;
  return { logLik, score, information };
}
