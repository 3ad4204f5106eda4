import { describe, expect, it } from '@jest/globals';
import { calibration } from './calibration.js';
import { coxRiskAt, statusAtHorizon, timeDependentAuc } from './survival-prediction.js';
import { expectAllClose, expectClose } from './testing/expect-finite.js';
import { veteran, veteranHorizon } from './testing/r-multivariable.js';

const input = { time: veteran.time, event: veteran.event, covariates: { karno: veteran.karno, age: veteran.age, trt: veteran.trt } };

describe('Cox predicted risk, calibration and time-dependent AUC at a horizon against R', () => {
  it.each([
    [100, veteranHorizon.h100],
    [200, veteranHorizon.h200],
  ] as const)('veteran ~ karno + age + trt at %i days', (horizon, ref) => {
    const pred = coxRiskAt(input, horizon);
    expectAllClose(pred.linearPredictor, ref.lp, 1e-6);
    expectAllClose(pred.risk, ref.risk, 1e-6);
    const status = statusAtHorizon(input, horizon);
    expect([status.cases + status.controls, status.cases, status.excluded]).toEqual([ref.known, ref.cases, ref.excluded]);
    const keep = status.label.flatMap((l, i) => (l === null ? [] : [i]));
    const cal = calibration({ outcome: keep.map((i) => status.label[i] as number), predicted: keep.map((i) => pred.risk[i] as number) });
    expectClose(cal.intercept, ref.calibration.intercept, 1e-5);
    expectClose(cal.slope, ref.calibration.slope, 1e-5);
    expectClose(cal.brier, ref.calibration.brier, 1e-6);
    const auc = timeDependentAuc(input, pred.linearPredictor, horizon);
    expectClose(auc.auc, ref.auc.auc, 1e-9);
    expectClose(auc.lower, ref.auc.lower, 1e-6);
    expectClose(auc.upper, ref.auc.upper, 1e-6);
    expect(auc.excluded).toBe(ref.excluded);
  });

  it('refuses a horizon that is not positive', () => {
    expect(() => coxRiskAt(input, 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
