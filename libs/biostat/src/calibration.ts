import { BiostatError } from './biostat.errors.js';
import { assertBinary, assertFiniteArray, assertSameLength } from './input-checks.js';
import { logisticRegression, logit } from './logistic.js';

export interface CalibrationInput {
  readonly outcome: readonly number[];
  /** Predicted probabilities of outcome 1, strictly between 0 and 1. */
  readonly predicted: readonly number[];
}

export interface CalibrationResult {
  /** Calibration-in-the-large: the intercept of glm(outcome ~ 1, offset = logit(predicted)); 0 when calibrated. */
  readonly intercept: number;
  readonly interceptSe: number;
  /** Calibration slope: the coefficient of logit(predicted) in glm(outcome ~ logit(predicted)); 1 when calibrated. */
  readonly slope: number;
  readonly slopeSe: number;
  /** Mean squared difference of predicted and observed (R: mean((p - y)^2); rms val.prob "Brier"). */
  readonly brier: number;
  readonly n: number;
  readonly events: number;
}

/** Logistic recalibration of predicted probabilities (Cox 1958; Steyerberg, Clinical Prediction Models ch. 15). */
export function calibration(input: CalibrationInput): CalibrationResult {
  const { outcome, predicted } = input;
  assertSameLength({ outcome: outcome.length, predicted: predicted.length });
  if (outcome.length === 0) throw new BiostatError('INSUFFICIENT_DATA', 'no observations');
  assertBinary(outcome, 'outcome');
  assertFiniteArray(predicted, 'predicted');
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i] as number;
    if (!(p > 0 && p < 1)) {
      throw new BiostatError('INVALID_NUMBER', `predicted[${i}] must lie strictly between 0 and 1 (its logit is the calibration covariate)`, {
        field: 'predicted',
        index: i,
      });
    }
  }
  const lp = predicted.map(logit);
  const slopeFit = logisticRegression({ outcome, covariates: { 'logit(predicted)': lp } });
  const slopeTerm = slopeFit.terms[1];
  const citl = logisticRegression({ outcome, covariates: {} }, { offset: lp }).terms[0];
  if (!slopeTerm || !citl) throw new BiostatError('INSUFFICIENT_DATA', 'the recalibration models returned no term');
  let brier = 0;
  for (let i = 0; i < outcome.length; i++) brier += ((predicted[i] as number) - (outcome[i] as number)) ** 2;
  return {
    intercept: citl.coef,
    interceptSe: citl.se,
    slope: slopeTerm.coef,
    slopeSe: slopeTerm.se,
    brier: brier / outcome.length,
    n: outcome.length,
    events: slopeFit.events,
  };
}
