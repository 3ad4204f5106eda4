import { describe, expect, it } from '@jest/globals';
import { calibration } from './calibration.js';
import { logisticRegression } from './logistic.js';
import { mcnemar } from './mcnemar.js';
import { expectClose } from './testing/expect-finite.js';
import { aSAH, aSAHCalibration, infert, infertCalibration, mcnemarCases } from './testing/r-multivariable.js';

describe('calibration against R (glm slope and offset intercept; rms::val.prob)', () => {
  it.each([
    ['infert, plogis(0.4 + 0.6·logit(fitted))', infert.case, infertCalibration],
    ['aSAH, plogis(−2 + 3·s100b)', aSAH.outcome, aSAHCalibration],
  ])('%s', (_, outcome, ref) => {
    const r = calibration({ outcome, predicted: ref.predicted });
    expectClose(r.intercept, ref.intercept, 1e-6);
    expectClose(r.slope, ref.slope, 1e-6);
    expectClose(r.brier, ref.brier, 1e-12);
    // rms fits the slope with lrm (its own convergence rule): the same number to ~1e-8.
    expectClose(r.slope, ref.rmsSlope, 1e-6);
    expectClose(r.brier, ref.rmsBrier, 1e-12);
  });

  it('a logistic model’s own fitted probabilities are calibrated on its data: slope 1, intercept 0 (the score equations)', () => {
    const fit = logisticRegression({ outcome: infert.case, covariates: { age: infert.age, spontaneous: infert.spontaneous } });
    const r = calibration({ outcome: infert.case, predicted: fit.fitted });
    expect(Math.abs(r.slope - 1)).toBeLessThan(1e-6);
    expect(Math.abs(r.intercept)).toBeLessThan(1e-6);
  });

  it('refuses probabilities of exactly 0 or 1 (their logit is infinite)', () => {
    expect(() => calibration({ outcome: [0, 1], predicted: [0, 0.5] })).toThrow(expect.objectContaining({ code: 'INVALID_NUMBER' }));
  });
});

describe('McNemar against R mcnemar.test', () => {
  it.each(mcnemarCases.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const r = mcnemar(c.a, c.b);
    expectClose(r.statistic, c.statistic, 1e-12);
    expectClose(r.p, c.p, 1e-10);
  });

  it('no discordant pair is INSUFFICIENT_DATA (R: NaN)', () => {
    expect(() => mcnemar([1, 0], [1, 0])).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
  });
});
