/**
 * `#biostat`: survival, diagnostic-accuracy and agreement statistics in pure TypeScript.
 *
 * Every method validates its input and either returns finite numbers (with `null` exactly where R reports NA)
 * or throws a `BiostatError` with a stable `code`; no result ever contains NaN. Distributions come from jstat.
 * Which outputs are locked to R (survival, pROC, psych) is listed in libs/biostat/README.md.
 */
export { BiostatError, type BiostatErrorCode } from './biostat.errors.js';
export type { SurvivalData } from './survival-input.js';

/** Kaplan–Meier with Greenwood SE, log-log CIs and the median with its CI (R survfit / print.survfit). */
export { kaplanMeier, survivalQuantile, type KaplanMeierOptions, type KaplanMeierResult } from './kaplan-meier.js';
/** Log-rank test for k groups (R survdiff). */
export { logRank, type GroupLabel, type LogRankGroup, type LogRankInput, type LogRankResult } from './log-rank.js';
/** Cox proportional hazards, Efron ties, Newton–Raphson (R coxph). */
export { coxRegression, type ChiSquareTest, type CoxInput, type CoxOptions, type CoxResult, type CoxTerm } from './cox.js';
/** Nested Cox models: likelihood-ratio test, ΔC-index and its bootstrap CI (R anova.coxph, concordance). */
export { bootstrapCIndexDelta, nestedCox, type BootstrapDeltaResult, type BootstrapOptions, type NestedCoxInput, type NestedCoxResult } from './nested-cox.js';
/** Cox predicted risk at a horizon (Breslow baseline), time-dependent AUC (R survfit.coxph, pROC). */
export { coxRiskAt, statusAtHorizon, timeDependentAuc, type CoxPrediction, type HorizonStatus, type TimeDependentAuc } from './survival-prediction.js';
/** Logistic regression by IRLS (R glm binomial), calibration slope / in-the-large / Brier, McNemar (R mcnemar.test). */
export {
  INTERCEPT,
  expit,
  logisticRegression,
  logisticWithAuc,
  logit,
  type LogisticInput,
  type LogisticOptions,
  type LogisticResult,
  type LogisticTerm,
} from './logistic.js';
export { calibration, type CalibrationInput, type CalibrationResult } from './calibration.js';
export { mcnemar, type McNemarResult } from './mcnemar.js';
export { seededUniform } from './random.js';
/** Upper tails and quantiles (jstat) under the names the library uses. */
export { chiSquareUpperP, normalQuantile, normalTwoSidedP } from './distributions.js';
/** Harrell's C (R concordance). */
export { concordanceIndex, type ConcordanceOptions, type ConcordanceResult } from './concordance.js';
/** ROC, AUC with DeLong CI, DeLong paired test, Youden threshold, performance at a threshold (pROC). */
export {
  deLongTest,
  performanceAtThreshold,
  performanceFromCounts,
  roc,
  youdenThreshold,
  type ConfusionCounts,
  type DeLongTestResult,
  type DiagnosticPerformance,
  type RocInput,
  type RocOptions,
  type RocPoint,
  type RocResult,
  type YoudenResult,
} from './roc.js';
/** Wilson score interval for a proportion (R prop.test, correct = FALSE). */
export { proportionOrNull, wilsonInterval, type Proportion } from './wilson.js';
/** Bland–Altman bias, limits of agreement and their approximate CIs. */
export { blandAltman, type BlandAltmanOptions, type BlandAltmanResult, type Interval } from './bland-altman.js';
/** Shrout–Fleiss ICC1, ICC2, ICC3 and the k-rater forms with F tests and CIs (psych::ICC). */
export { intraclassCorrelation, type IccEstimate, type IccResult } from './icc.js';
/** QIBA test–retest repeatability: wSD, RC, wCV, %RC. */
export { RC_FACTOR, repeatability, type RepeatabilityResult } from './repeatability.js';
/** Page's upper and lower CUSUM with alarms. */
export { cusum, type CusumOptions, type CusumResult } from './cusum.js';
/** The JSON-in/JSON-out dispatcher behind `npm run biostat -- <method>`. */
export { BIOSTAT_METHODS, runBiostatMethod, type BiostatMethod } from './biostat.dispatch.js';
