import { describe, expect, it } from '@jest/globals';
import { coxRegression, type CoxResult } from './cox.js';
import { aml, lung } from './testing/r-datasets.js';
import { amlCox, lungCoxAgeSexEcog, lungCoxBreslowSex, lungCoxSex } from './testing/r-reference.js';
import { expectClose, expectNoNaN } from './testing/expect-finite.js';

type Reference = {
  readonly terms: readonly { coef: number; hr: number; se: number; z: number; p: number; lower: number; upper: number }[];
  readonly concordance: number;
  readonly logLik: number;
  readonly lrtChisq: number;
  readonly lrtP: number;
};

function expectMatchesR(fit: CoxResult, ref: Reference): void {
  expect(fit.terms).toHaveLength(ref.terms.length);
  fit.terms.forEach((t, i) => {
    const r = ref.terms[i]!;
    expectClose(t.coef, r.coef, 1e-8);
    expectClose(t.hr, r.hr, 1e-8);
    expectClose(t.se, r.se, 1e-8);
    expectClose(t.z, r.z, 1e-8);
    expectClose(t.p, r.p, 1e-7);
    expectClose(t.lower, r.lower, 1e-8);
    expectClose(t.upper, r.upper, 1e-8);
  });
  expectClose(fit.concordance, ref.concordance, 1e-12);
  expectClose(fit.logLik, ref.logLik, 1e-10);
  expectClose(fit.likelihoodRatio.chisq, ref.lrtChisq, 1e-7);
  expectClose(fit.likelihoodRatio.p, ref.lrtP, 1e-7);
  expectNoNaN(fit);
}

describe('Cox regression against R coxph', () => {
  it('aml (non-maintained vs maintained): coef 0.9155, HR 2.4981, se 0.5119', () => {
    const fit = coxRegression({ time: aml.time, event: aml.event, covariates: { nonmaintained: aml.group } });
    expectMatchesR(fit, amlCox);
    const t = fit.terms[0]!;
    expect([t.coef.toFixed(4), t.hr.toFixed(4), t.se.toFixed(4)]).toEqual(['0.9155', '2.4981', '0.5119']);
  });

  it('lung ~ sex (Efron): coef −0.5310, HR 0.588, CI 0.4237–0.816, concordance 0.579', () => {
    const fit = coxRegression({ time: lung.time, event: lung.event, covariates: { sex: lung.sex } });
    expectMatchesR(fit, lungCoxSex);
    const t = fit.terms[0]!;
    expect([t.coef.toFixed(4), t.hr.toFixed(3), t.lower.toFixed(4), t.upper.toFixed(3), fit.concordance?.toFixed(3)]).toEqual([
      '-0.5310',
      '0.588',
      '0.4237',
      '0.816',
      '0.579',
    ]);
  });

  it('lung ~ sex with Breslow ties', () => {
    expectMatchesR(coxRegression({ time: lung.time, event: lung.event, covariates: { sex: lung.sex } }, { ties: 'breslow' }), lungCoxBreslowSex);
  });

  it('lung replicated 4× (the large-n path) with Breslow ties: same coefficient as R, standard error halved', () => {
    const rep = <T>(xs: readonly T[]) => [...xs, ...xs, ...xs, ...xs];
    const fit = coxRegression({ time: rep(lung.time), event: rep(lung.event), covariates: { sex: rep(lung.sex) } }, { ties: 'breslow' });
    const t = fit.terms[0]!;
    const r = lungCoxBreslowSex.terms[0]!;
    expectClose(t.coef, r.coef, 1e-8);
    expectClose(t.se, r.se / 2, 1e-8);
    // Each comparable pair appears 16 times and copies of one subject are not comparable (same time and status): C is R's.
    expectClose(fit.concordance, lungCoxBreslowSex.concordance, 1e-12);
  });

  it('lung ~ age + sex + ph.ecog (complete cases): three covariates at once', () => {
    const keep = lung.phEcog.map((v) => v !== null);
    const pick = <T>(xs: readonly T[]) => xs.filter((_, i) => keep[i]);
    const fit = coxRegression({
      time: pick(lung.time),
      event: pick(lung.event),
      covariates: { age: pick(lung.age), sex: pick(lung.sex), 'ph.ecog': pick(lung.phEcog) as number[] },
    });
    expect(fit.terms.map((t) => t.name)).toEqual(['age', 'sex', 'ph.ecog']);
    expectMatchesR(fit, lungCoxAgeSexEcog);
  });

  it('a shifted or rescaled covariate changes the coefficient exactly as it should', () => {
    const base = coxRegression({ time: lung.time, event: lung.event, covariates: { sex: lung.sex } }).terms[0]!;
    const shifted = coxRegression({ time: lung.time, event: lung.event, covariates: { sex: lung.sex.map((s) => s + 100) } }).terms[0]!;
    const doubled = coxRegression({ time: lung.time, event: lung.event, covariates: { sex: lung.sex.map((s) => 2 * s) } }).terms[0]!;
    expectClose(shifted.coef, base.coef, 1e-8);
    expectClose(doubled.coef, base.coef / 2, 1e-8);
    expectClose(doubled.p, base.p, 1e-8);
  });
});

describe('Cox edge cases give a clear error, never NaN', () => {
  it('perfect separation (monotone likelihood) is reported as NOT_CONVERGED', () => {
    const input = { time: [1, 2, 3, 4, 5, 6], event: [1, 1, 1, 1, 1, 1], covariates: { x: [1, 1, 1, 0, 0, 0] } };
    expect(() => coxRegression(input)).toThrow(expect.objectContaining({ code: 'NOT_CONVERGED' }));
  });

  it('separation with censoring is also caught', () => {
    const input = { time: [2, 3, 5, 7, 8, 9, 11, 12], event: [1, 1, 0, 1, 0, 1, 0, 0], covariates: { x: [1, 1, 1, 1, 0, 0, 0, 0] } };
    expect(() => coxRegression(input)).toThrow(expect.objectContaining({ code: 'NOT_CONVERGED' }));
  });

  it('all censored', () => {
    expect(() => coxRegression({ time: [1, 2, 3], event: [0, 0, 0], covariates: { x: [0, 1, 0] } })).toThrow(
      expect.objectContaining({ code: 'INSUFFICIENT_DATA' }),
    );
  });

  it('a constant covariate (also the n = 1 case)', () => {
    expect(() => coxRegression({ time: [1, 2, 3], event: [1, 1, 0], covariates: { x: [1, 1, 1] } })).toThrow(expect.objectContaining({ code: 'NO_VARIATION' }));
    expect(() => coxRegression({ time: [1], event: [1], covariates: { x: [1] } })).toThrow(expect.objectContaining({ code: 'NO_VARIATION' }));
  });

  it('collinear covariates', () => {
    const x = lung.sex;
    expect(() => coxRegression({ time: lung.time, event: lung.event, covariates: { a: x, b: x.map((v) => 3 * v - 1) } })).toThrow(
      expect.objectContaining({ code: 'SINGULAR_MATRIX' }),
    );
  });

  it('no covariates, unequal lengths, non-finite values', () => {
    expect(() => coxRegression({ time: [1, 2], event: [1, 1], covariates: {} })).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
    expect(() => coxRegression({ time: [1, 2], event: [1, 1], covariates: { x: [1] } })).toThrow(expect.objectContaining({ code: 'UNEQUAL_LENGTHS' }));
    expect(() => coxRegression({ time: [1, 2], event: [1, 1], covariates: { x: [1, Number.POSITIVE_INFINITY] } })).toThrow(
      expect.objectContaining({ code: 'INVALID_NUMBER' }),
    );
  });

  it('ties at every time still fit (Efron handles the tied deaths)', () => {
    const fit = coxRegression({
      time: [5, 5, 5, 5, 5, 9, 9, 9, 9, 9],
      event: [1, 1, 0, 1, 0, 1, 1, 0, 1, 1],
      covariates: { x: [0, 1, 0, 1, 1, 0, 1, 0, 0, 1] },
    });
    expectNoNaN(fit);
  });
});
