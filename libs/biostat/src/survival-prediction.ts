import { BiostatError } from './biostat.errors.js';
import { coxRegression, type CoxInput, type CoxOptions } from './cox.js';
import { assertFiniteArray } from './input-checks.js';
import { roc } from './roc.js';
import { stableOrder } from './sort-order.js';
import { assertSurvivalData, type SurvivalData } from './survival-input.js';

/** Which subjects have a known status at `horizon`: cases (event by then), controls (followed beyond it), the rest excluded. */
export interface HorizonStatus {
  /** 1 = event at or before the horizon, 0 = followed to the horizon without event, null = censored earlier. */
  readonly label: (0 | 1 | null)[];
  readonly cases: number;
  readonly controls: number;
  readonly excluded: number;
}

export function statusAtHorizon(data: SurvivalData, horizon: number): HorizonStatus {
  if (!(horizon > 0) || !Number.isFinite(horizon)) throw new BiostatError('INVALID_ARGUMENT', 'the horizon must be a positive number', { field: 'horizon' });
  let cases = 0;
  let controls = 0;
  const label = data.time.map((t, i): 0 | 1 | null => {
    if (data.event[i] === 1 && t <= horizon) {
      cases++;
      return 1;
    }
    if (t >= horizon) {
      controls++;
      return 0;
    }
    return null;
  });
  return { label, cases, controls, excluded: data.time.length - cases - controls };
}

export interface TimeDependentAuc {
  readonly horizon: number;
  readonly auc: number;
  /** DeLong limits of the AUC among the subjects with known status. */
  readonly lower: number;
  readonly upper: number;
  readonly cases: number;
  readonly controls: number;
  /** Censored before the horizon: their status is unknown and they are left out (no IPCW weighting). */
  readonly excluded: number;
}

/**
 * Cumulative/dynamic AUC at a horizon (Heagerty & Zheng 2005) in its complete-case form: cases have the event by
 * the horizon, controls are still event-free at it, subjects censored earlier are left out. It is pROC's AUC of the
 * score on those labels, so it is checked against pROC; an inverse-probability-of-censoring weighted version
 * (timeROC) would keep the censored subjects' information and differs when censoring is heavy before the horizon.
 */
export function timeDependentAuc(data: SurvivalData, score: readonly number[], horizon: number): TimeDependentAuc {
  assertSurvivalData(data, { score: score.length });
  assertFiniteArray(score, 'score');
  const status = statusAtHorizon(data, horizon);
  const keep = status.label.flatMap((l, i) => (l === null ? [] : [i]));
  const r = roc({ score: keep.map((i) => score[i] as number), label: keep.map((i) => status.label[i] as number) });
  return { horizon, auc: r.auc, lower: r.lower, upper: r.upper, cases: status.cases, controls: status.controls, excluded: status.excluded };
}

export interface CoxPrediction {
  /** Linear predictor per subject, covariates centred at their means (R: predict(fit, type = "lp")). */
  readonly linearPredictor: number[];
  /** Breslow cumulative baseline hazard at the horizon, at the covariate means. */
  readonly baselineHazard: number;
  /** Predicted probability of the event by the horizon: 1 − exp(−H₀(t)·exp(lp)) (R: 1 − survfit(fit, newdata, ctype = 1)). */
  readonly risk: number[];
}

/** Predicted risks at `horizon` from a Cox fit of `input`, with the Breslow (Nelson–Aalen type) baseline hazard. */
export function coxRiskAt(input: CoxInput, horizon: number, options: CoxOptions = {}): CoxPrediction {
  if (!(horizon > 0) || !Number.isFinite(horizon)) throw new BiostatError('INVALID_ARGUMENT', 'the horizon must be a positive number', { field: 'horizon' });
  const fit = coxRegression(input, options);
  const names = Object.keys(input.covariates);
  const n = input.time.length;
  const means = names.map((nm) => (input.covariates[nm] as readonly number[]).reduce((a, v) => a + v, 0) / n);
  const lp = Array.from({ length: n }, (_, s) =>
    names.reduce((acc, nm, i) => acc + (fit.terms[i]?.coef as number) * (((input.covariates[nm] as readonly number[])[s] as number) - (means[i] as number)), 0),
  );
  const risk = lp.map(Math.exp);
  // Latest time first: the risk set of time t is everyone with time ≥ t, accumulated as we go down.
  const order = stableOrder(input.time);
  let atRisk = 0;
  let hazard = 0;
  for (let k = n - 1; k >= 0;) {
    const t = input.time[order[k] as number] as number;
    let deaths = 0;
    let j = k;
    for (; j >= 0 && input.time[order[j] as number] === t; j--) {
      atRisk += risk[order[j] as number] as number;
      deaths += input.event[order[j] as number] as number;
    }
    if (t <= horizon && deaths > 0) hazard += deaths / atRisk;
    k = j;
  }
  return { linearPredictor: lp, baselineHazard: hazard, risk: lp.map((v) => 1 - Math.exp(-hazard * Math.exp(v))) };
}
