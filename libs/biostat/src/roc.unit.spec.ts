import { describe, expect, it } from '@jest/globals';
import { deLongTest, performanceAtThreshold, performanceFromCounts, roc, youdenThreshold } from './roc.js';
import { wilsonInterval } from './wilson.js';
import { aSAH } from './testing/r-datasets.js';
import { aSAHDelongTest, aSAHRoc, aSAHYouden } from './testing/r-reference.js';
import { expectClose, expectNoNaN, seededRandom } from './testing/expect-finite.js';

describe('ROC against pROC (aSAH, 41 poor / 72 good outcomes)', () => {
  it.each([
    ['s100b', aSAH.s100b, aSAHRoc.s100b],
    ['ndka', aSAH.ndka, aSAHRoc.ndka],
    ['wfns', aSAH.wfns, aSAHRoc.wfns],
  ])('%s: AUC and DeLong 95%% CI', (_, score, ref) => {
    const r = roc({ score, label: aSAH.label });
    expect([r.nPositive, r.nNegative]).toEqual([41, 72]);
    expectClose(r.auc, ref.auc, 1e-12);
    expectClose(r.lower, ref.lower, 1e-9);
    expectClose(r.upper, ref.upper, 1e-9);
    expectNoNaN({ ...r, curve: r.curve.slice(1, -1) });
  });

  it('s100b reproduces the published 0.7314 (0.6301–0.8326)', () => {
    const r = roc({ score: aSAH.s100b, label: aSAH.label });
    expect([r.auc.toFixed(4), r.lower.toFixed(4), r.upper.toFixed(4)]).toEqual(['0.7314', '0.6301', '0.8326']);
  });

  it('DeLong paired test s100b vs ndka matches roc.test', () => {
    const t = deLongTest(aSAH.s100b, aSAH.ndka, aSAH.label);
    expectClose(t.z, aSAHDelongTest.z, 1e-9);
    expectClose(t.p, aSAHDelongTest.p, 1e-9);
  });

  it('Youden threshold for s100b matches coords(best): 0.205', () => {
    const y = youdenThreshold({ score: aSAH.s100b, label: aSAH.label });
    expectClose(y.threshold, aSAHYouden.threshold, 1e-12);
    expectClose(y.sensitivity, aSAHYouden.sensitivity, 1e-12);
    expectClose(y.specificity, aSAHYouden.specificity, 1e-12);
  });

  it('performance at the Youden threshold carries Wilson intervals of the underlying counts', () => {
    const p = performanceAtThreshold({ score: aSAH.s100b, label: aSAH.label }, 0.205);
    expect([p.truePositive, p.falseNegative, p.trueNegative, p.falsePositive]).toEqual([26, 15, 58, 14]);
    expect(p.sensitivity).toEqual(wilsonInterval(26, 41));
    expect(p.specificity).toEqual(wilsonInterval(58, 72));
    expect(p.ppv).toEqual(wilsonInterval(26, 40));
    expect(p.npv).toEqual(wilsonInterval(58, 73));
  });
});

describe('ROC properties on small, hand-computable cases', () => {
  it('AUC equals the Mann–Whitney U / (n1·n0), ties counting one half', () => {
    const rnd = seededRandom(7);
    for (let trial = 0; trial < 25; trial++) {
      const n = 6 + Math.floor(rnd() * 30);
      const label = Array.from({ length: n }, (_, i) => (i < 2 ? 1 : i < 4 ? 0 : rnd() < 0.4 ? 1 : 0));
      const score = Array.from({ length: n }, () => Math.round(rnd() * 6));
      let u = 0;
      let n1 = 0;
      let n0 = 0;
      label.forEach((l) => (l === 1 ? n1++ : n0++));
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) if (label[i] === 1 && label[j] === 0) u += score[i]! > score[j]! ? 1 : score[i] === score[j] ? 0.5 : 0;
      expect(roc({ score, label }).auc).toBeCloseTo(u / (n1 * n0), 12);
    }
  });

  it('hand case: positives {3, 4, 2}, negatives {1, 2}: U = 5.5 of 6', () => {
    expect(roc({ score: [3, 4, 2, 1, 2], label: [1, 1, 1, 0, 0] }).auc).toBeCloseTo(5.5 / 6, 14);
  });

  it('is symmetric: swapping the classes gives 1 − AUC, swapping them and the direction gives the AUC back', () => {
    const input = { score: [...aSAH.ndka], label: [...aSAH.label] };
    const flipped = { score: input.score, label: input.label.map((l) => 1 - l) };
    const a = roc(input);
    expect(roc(flipped).auc).toBeCloseTo(1 - a.auc, 14);
    expect(roc(flipped, { higherIsPositive: false }).auc).toBeCloseTo(a.auc, 14);
    expect(roc(flipped, { higherIsPositive: false }).lower).toBeCloseTo(a.lower, 12);
  });

  it('perfect separation: AUC 1 with the defined degenerate interval [1, 1]', () => {
    const r = roc({ score: [0.1, 0.2, 0.3, 0.7, 0.8, 0.9], label: [0, 0, 0, 1, 1, 1] });
    expect([r.auc, r.lower, r.upper, r.se]).toEqual([1, 1, 1, 0]);
    expect(youdenThreshold({ score: [0.1, 0.2, 0.3, 0.7, 0.8, 0.9], label: [0, 0, 0, 1, 1, 1] })).toMatchObject({ threshold: 0.5, youden: 1 });
  });

  it('an uninformative constant score gives 0.5', () => {
    const r = roc({ score: [1, 1, 1, 1], label: [0, 1, 0, 1] });
    expect(r.auc).toBe(0.5);
    expectNoNaN([r.auc, r.lower, r.upper]);
    expect(() => youdenThreshold({ score: [1, 1, 1, 1], label: [0, 1, 0, 1] })).toThrow(expect.objectContaining({ code: 'NO_VARIATION' }));
  });

  it('the curve runs from (sens 1, spec 0) to (sens 0, spec 1) monotonically', () => {
    const { curve } = roc({ score: aSAH.s100b, label: aSAH.label });
    expect(curve[0]).toMatchObject({ sensitivity: 1, specificity: 0 });
    expect(curve[curve.length - 1]).toMatchObject({ sensitivity: 0, specificity: 1 });
    for (let i = 1; i < curve.length; i++) {
      expect(curve[i]!.sensitivity).toBeLessThanOrEqual(curve[i - 1]!.sensitivity);
      expect(curve[i]!.specificity).toBeGreaterThanOrEqual(curve[i - 1]!.specificity);
    }
  });

  it('a score compared with itself: z 0, p 1', () => {
    expect(deLongTest(aSAH.s100b, aSAH.s100b, aSAH.label)).toMatchObject({ z: 0, p: 1, difference: 0 });
  });

  it('rejects too few of a class, labels other than 0/1, unequal lengths and NaN scores', () => {
    expect(() => roc({ score: [1, 2, 3], label: [1, 0, 0] })).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
    expect(() => roc({ score: [1], label: [1] })).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
    expect(() => roc({ score: [1, 2, 3, 4], label: [1, 0, 2, 0] })).toThrow(expect.objectContaining({ code: 'INVALID_LABEL' }));
    expect(() => roc({ score: [1, 2, 3], label: [1, 0, 1, 0] })).toThrow(expect.objectContaining({ code: 'UNEQUAL_LENGTHS' }));
    expect(() => roc({ score: [1, Number.NaN, 3, 4], label: [1, 0, 1, 0] })).toThrow(expect.objectContaining({ code: 'INVALID_NUMBER' }));
    expect(() => deLongTest([1, 2, 3, 4], [1, 2, 3], [1, 0, 1, 0])).toThrow(expect.objectContaining({ code: 'UNEQUAL_LENGTHS' }));
  });

  it('proportions with a zero denominator are null, never NaN', () => {
    const p = performanceFromCounts({ truePositive: 0, falsePositive: 0, trueNegative: 10, falseNegative: 3 });
    expect(p.ppv).toBeNull();
    expect(p.sensitivity).toEqual(wilsonInterval(0, 3));
    expect(() => performanceFromCounts({ truePositive: -1, falsePositive: 0, trueNegative: 1, falseNegative: 1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_NUMBER' }),
    );
  });
});
