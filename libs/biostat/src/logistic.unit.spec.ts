import { describe, expect, it } from '@jest/globals';
import { logisticRegression, logisticWithAuc } from './logistic.js';
import { expectAllClose, expectClose, expectNoNaN } from './testing/expect-finite.js';
import { aSAH, aSAHLogistic, infert, infertLogistic, infertLogisticOne } from './testing/r-multivariable.js';

const TOL = 1e-6;

type Ref = typeof aSAHLogistic | typeof infertLogistic | typeof infertLogisticOne;
function expectMatchesGlm(fit: ReturnType<typeof logisticWithAuc>, ref: Ref): void {
  expect(fit.terms.map((t) => t.name)).toEqual(ref.terms.map((t) => t.name));
  fit.terms.forEach((t, i) => {
    const e = ref.terms[i]!;
    for (const k of ['coef', 'or', 'se', 'p', 'lower', 'upper'] as const) expectClose(t[k], e[k], TOL);
  });
  expectClose(fit.auc, ref.auc, 1e-12);
  expectClose(fit.deviance, ref.deviance, 1e-9);
  expectClose(fit.nullDeviance, ref.nullDeviance, 1e-9);
  expectClose(fit.aic, ref.aic, 1e-9);
  expectAllClose(fit.fitted, ref.fitted, 1e-7);
  expectNoNaN(fit);
}

describe('logistic regression against R glm(family = binomial)', () => {
  it('aSAH: outcome ~ age + female + s100b + ndka (four covariates)', () => {
    const fit = logisticWithAuc({ outcome: aSAH.outcome, covariates: { age: aSAH.age, female: aSAH.female, s100b: aSAH.s100b, ndka: aSAH.ndka } });
    expectMatchesGlm(fit, aSAHLogistic);
    expect(fit.terms[0]!.name).toBe('(Intercept)');
  });

  it('infert: case ~ age + parity + induced + spontaneous, and case ~ spontaneous', () => {
    expectMatchesGlm(
      logisticWithAuc({
        outcome: infert.case,
        covariates: { age: infert.age, parity: infert.parity, induced: infert.induced, spontaneous: infert.spontaneous },
      }),
      infertLogistic,
    );
    expectMatchesGlm(logisticWithAuc({ outcome: infert.case, covariates: { spontaneous: infert.spontaneous } }), infertLogisticOne);
  });

  it('the likelihood-ratio test is the drop in deviance', () => {
    const fit = logisticRegression({ outcome: infert.case, covariates: { spontaneous: infert.spontaneous } });
    expect(fit.likelihoodRatio.df).toBe(1);
    expectClose(fit.likelihoodRatio.chisq, infertLogisticOne.nullDeviance - infertLogisticOne.deviance, 1e-9);
  });

  it('refuses complete separation, a constant covariate and a constant outcome with stable codes', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(() => logisticRegression({ outcome: [0, 0, 0, 0, 1, 1, 1, 1], covariates: { x } })).toThrow(expect.objectContaining({ code: 'NOT_CONVERGED' }));
    expect(() => logisticRegression({ outcome: [0, 1, 0, 1, 1, 0, 1, 0], covariates: { x: x.map(() => 2) } })).toThrow(
      expect.objectContaining({ code: 'NO_VARIATION' }),
    );
    expect(() => logisticRegression({ outcome: x.map(() => 1), covariates: { x } })).toThrow(expect.objectContaining({ code: 'NO_VARIATION' }));
    expect(() => logisticRegression({ outcome: [0, 1, 2], covariates: {} })).toThrow(expect.objectContaining({ code: 'INVALID_LABEL' }));
  });
});
