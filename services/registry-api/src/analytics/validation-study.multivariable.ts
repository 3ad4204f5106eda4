import {
  BiostatError,
  bootstrapCIndexDelta,
  calibration,
  chiSquareUpperP,
  coxRiskAt,
  deLongTest,
  INTERCEPT,
  logisticWithAuc,
  nestedCox,
  statusAtHorizon,
  timeDependentAuc,
  type ChiSquareTest,
  type CoxTerm,
  type LogisticTerm,
} from '#biostat';
import { statistic } from './statistics-errors.js';
import type { StudyRow } from './validation-study.statistics.js';

/**
 * The multivariable part of a validation study (issue 20): the biomarker beside clinical covariates and other
 * biomarkers. Pure: the covariate values are read by validation-study.covariates.ts; every number comes from #biostat
 * (locked to R there). Missing covariates are handled by complete-case analysis, and the excluded subjects are
 * counted per covariate, never imputed.
 */

/** One covariate as the models see it: a value per dataset row (null = missing), with why a value can be missing. */
export interface CovariateColumn {
  /** Term name in the models (unique, never "biomarker"). */
  readonly name: string;
  readonly values: readonly (number | null)[];
  /** How the values were coded (e.g. "years at the index scan", "1 = male, 0 = female"). */
  readonly coding: string;
}

export interface MultivariableOptions {
  /** Horizons (days) of the time-dependent AUC; empty for none. */
  readonly horizonsDays: readonly number[];
  /** Horizon of the calibration of the Cox model's predicted risk; null for none. */
  readonly calibrationHorizonDays: number | null;
  readonly bootstrapReplicates: number;
  readonly bootstrapSeed: number;
}

/** The biomarker's term name in every model. */
export const BIOMARKER_TERM = 'biomarker';

export interface CompleteCases {
  /** Rows eligible for the endpoint (time to event or a binary label). */
  readonly eligible: number;
  /** Of those, rows with every covariate. */
  readonly complete: number;
  readonly excluded: number;
  /** Eligible rows lacking each covariate (a row lacking two counts under both). */
  readonly missingByCovariate: { readonly covariate: string; readonly count: number }[];
}

interface Design {
  readonly cases: CompleteCases;
  readonly index: number[];
  readonly covariates: Record<string, number[]>;
  /** Names of the covariates without the biomarker: the base model. */
  readonly base: string[];
}

function design(rows: readonly StudyRow[], columns: readonly CovariateColumn[], eligible: (r: StudyRow) => boolean): Design {
  const idx: number[] = [];
  const missing = columns.map(() => 0);
  let eligibleCount = 0;
  rows.forEach((r, i) => {
    if (!eligible(r)) return;
    eligibleCount++;
    let complete = true;
    columns.forEach((c, k) => {
      if (c.values[i] === null || c.values[i] === undefined) {
        missing[k] = (missing[k] as number) + 1;
        complete = false;
      }
    });
    if (complete) idx.push(i);
  });
  const covariates: Record<string, number[]> = { [BIOMARKER_TERM]: idx.map((i) => (rows[i] as StudyRow).value) };
  for (const c of columns) covariates[c.name] = idx.map((i) => c.values[i] as number);
  return {
    cases: {
      eligible: eligibleCount,
      complete: idx.length,
      excluded: eligibleCount - idx.length,
      missingByCovariate: columns.map((c, k) => ({ covariate: c.name, count: missing[k] as number })),
    },
    index: idx,
    covariates,
    base: columns.map((c) => c.name),
  };
}

export interface ModelTerm {
  readonly name: string;
  readonly coef: number;
  /** Hazard ratio (Cox) or odds ratio (logistic) per unit of the covariate. */
  readonly ratio: number;
  readonly se: number;
  readonly lower: number;
  readonly upper: number;
  /** Wald p-value. */
  readonly p: number;
}

const term = (t: CoxTerm | LogisticTerm): ModelTerm => ({
  name: t.name,
  coef: t.coef,
  ratio: 'hr' in t ? t.hr : t.or,
  se: t.se,
  lower: t.lower,
  upper: t.upper,
  p: t.p,
});
const test = (t: ChiSquareTest): ChiSquareTest => ({ chisq: t.chisq, df: t.df, p: t.p });

const survivalEligible = (r: StudyRow) => r.time !== null && r.event !== null;
const binaryEligible = (r: StudyRow) => r.label !== null;

export function survivalCompleteCases(rows: readonly StudyRow[], columns: readonly CovariateColumn[]): CompleteCases {
  return design(rows, columns, survivalEligible).cases;
}

export function binaryCompleteCases(rows: readonly StudyRow[], columns: readonly CovariateColumn[]): CompleteCases {
  return design(rows, columns, binaryEligible).cases;
}

/**
 * Multivariable Cox model of the biomarker and the covariates, its incremental value over the covariates (LRT of
 * the nested models, ΔC-index with a seeded percentile bootstrap), the calibration of its predicted risk at a horizon
 * and its time-dependent AUC at the stated horizons (all apparent: on the data the model was fitted to).
 */
export function multivariableCox(rows: readonly StudyRow[], columns: readonly CovariateColumn[], options: MultivariableOptions) {
  return statistic('multivariable.cox', () => {
    const d = design(rows, columns, survivalEligible);
    const time = d.index.map((i) => (rows[i] as StudyRow).time as number);
    const event = d.index.map((i) => (rows[i] as StudyRow).event as number);
    const input = { time, event, covariates: d.covariates, base: d.base };
    const nested = nestedCox(input);
    const boot = bootstrapCIndexDelta(input, { replicates: options.bootstrapReplicates, seed: options.bootstrapSeed });
    const survival = { time, event };
    // Linear predictor and predicted risk (at the calibration horizon) of the full model, when either is asked for.
    const horizon = options.calibrationHorizonDays ?? options.horizonsDays[0] ?? null;
    const prediction = horizon === null ? null : coxRiskAt(input, horizon);
    return {
      n: nested.full.n,
      events: nested.full.events,
      terms: nested.full.terms.map(term),
      likelihoodRatio: test(nested.full.likelihoodRatio),
      wald: test(nested.full.wald),
      score: test(nested.full.score),
      incremental: {
        lrt: test(nested.lrt),
        concordance: nested.cFull,
        baseConcordance: nested.cBase,
        delta: nested.delta,
        bootstrap: {
          lower: boot.lower,
          upper: boot.upper,
          se: boot.se,
          replicates: boot.replicates,
          failed: boot.failed,
          seed: boot.seed,
          monteCarloError: boot.monteCarloError,
        },
      },
      calibration:
        options.calibrationHorizonDays === null || prediction === null ? null : horizonCalibration(survival, prediction.risk, options.calibrationHorizonDays),
      timeDependentAuc: options.horizonsDays.map((h) => {
        const r = timeDependentAuc(survival, (prediction as { linearPredictor: number[] }).linearPredictor, h);
        return { horizonDays: h, auc: r.auc, lower: r.lower, upper: r.upper, cases: r.cases, controls: r.controls, excluded: r.excluded };
      }),
    };
  });
}

function horizonCalibration(survival: { time: number[]; event: number[] }, risk: readonly number[], horizon: number) {
  const status = statusAtHorizon(survival, horizon);
  const keep = status.label.flatMap((l, i) => (l === null ? [] : [i]));
  // A predicted risk that rounds to exactly 0 or 1 in double precision has an infinite logit (R's glm would fail on
  // it too); it is held a hair inside the interval, which changes nothing but the digits beyond the 12th.
  const inside = (r: number) => Math.min(1 - 1e-12, Math.max(1e-12, r));
  const c = calibration({ outcome: keep.map((i) => status.label[i] as number), predicted: keep.map((i) => inside(risk[i] as number)) });
  return { horizonDays: horizon, n: c.n, events: c.events, excluded: status.excluded, intercept: c.intercept, slope: c.slope, brier: c.brier };
}

/**
 * Logistic model of the binary endpoint (event within the horizon): odds ratios, the AUC of the fitted
 * probabilities, the biomarker's incremental value (LRT of the nested models, AUC of both with DeLong's paired test)
 * and the apparent calibration. On the data it was fitted to, a logistic model with an intercept has slope 1 and
 * calibration-in-the-large 0 by its score equations; the Brier score is the informative number there.
 */
export function multivariableLogistic(rows: readonly StudyRow[], columns: readonly CovariateColumn[]) {
  return statistic('multivariable.logistic', () => {
    const d = design(rows, columns, binaryEligible);
    const outcome = d.index.map((i) => (rows[i] as StudyRow).label as number);
    const full = logisticWithAuc({ outcome, covariates: d.covariates });
    const base = d.base.length === 0 ? null : logisticWithAuc({ outcome, covariates: Object.fromEntries(d.base.map((n) => [n, d.covariates[n] as number[]])) });
    const baseDeviance = base === null ? full.nullDeviance : base.deviance;
    const chisq = Math.max(0, baseDeviance - full.deviance);
    const df = full.terms.length - (base?.terms.length ?? 1);
    const delong = base === null ? null : deLongTest(full.fitted, base.fitted, outcome);
    const cal = calibration({ outcome, predicted: full.fitted });
    if (full.terms[0]?.name !== INTERCEPT) throw new BiostatError('INSUFFICIENT_DATA', 'the logistic model has no intercept');
    return {
      n: full.n,
      events: full.events,
      terms: full.terms.map(term),
      likelihoodRatio: test(full.likelihoodRatio),
      auc: full.auc,
      incremental: {
        lrt: { chisq, df, p: chiSquareUpperP(chisq, df) },
        baseAuc: base === null ? 0.5 : base.auc,
        deltaAuc: full.auc - (base === null ? 0.5 : base.auc),
        deLongP: delong?.p ?? null,
      },
      calibration: { intercept: cal.intercept, slope: cal.slope, brier: cal.brier },
    };
  });
}
