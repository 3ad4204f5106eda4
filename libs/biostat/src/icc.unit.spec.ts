import { describe, expect, it } from '@jest/globals';
import { intraclassCorrelation } from './icc.js';
import { shroutFleiss } from './testing/published-datasets.js';
import { shroutFleissIcc } from './testing/r-reference.js';
import { expectClose, expectNoNaN } from './testing/expect-finite.js';

const forms = ['icc1', 'icc2', 'icc3', 'icc1k', 'icc2k', 'icc3k'] as const;

describe('ICC (Shrout & Fleiss 1979)', () => {
  it('reproduces the published two-digit values 0.17, 0.29, 0.71, 0.44, 0.62, 0.91', () => {
    const r = intraclassCorrelation(shroutFleiss);
    expect(forms.map((f) => r[f].icc.toFixed(2))).toEqual(['0.17', '0.29', '0.71', '0.44', '0.62', '0.91']);
  });

  it.each(forms)('%s: estimate, F, df, p and confidence limits match psych::ICC', (form) => {
    const r = intraclassCorrelation(shroutFleiss)[form];
    const ref = shroutFleissIcc[form];
    expectClose(r.icc, ref.icc, 1e-12);
    expectClose(r.f, ref.f, 1e-12);
    expect([r.df1, r.df2]).toEqual([ref.df1, ref.df2]);
    expectClose(r.p, ref.p, 1e-7);
    expectClose(r.lower, ref.lower, 1e-7);
    expectClose(r.upper, ref.upper, 1e-7);
  });

  it('does not depend on the order of subjects or of raters', () => {
    const base = intraclassCorrelation(shroutFleiss);
    const shuffled = [...shroutFleiss].reverse().map((row) => [row[2], row[0], row[3], row[1]] as number[]);
    const r = intraclassCorrelation(shuffled);
    for (const f of forms) expect(r[f].icc).toBeCloseTo(base[f].icc, 12);
  });

  it('perfect agreement gives 1 everywhere and null (not NaN) for the infinite F and its limits', () => {
    const r = intraclassCorrelation([
      [1, 1],
      [2, 2],
      [5, 5],
    ]);
    for (const f of forms) expect(r[f].icc).toBe(1);
    expect(r.icc3.f).toBeNull();
    expectNoNaN(r);
  });

  it('adding a constant to one rater leaves ICC3 unchanged but lowers ICC2 (absolute agreement)', () => {
    const base = intraclassCorrelation(shroutFleiss);
    const biased = intraclassCorrelation(shroutFleiss.map((row) => [row[0] + 5, row[1], row[2], row[3]]));
    expect(biased.icc3.icc).toBeCloseTo(base.icc3.icc, 12);
    expect(biased.icc2.icc).toBeLessThan(base.icc2.icc);
  });

  it('rejects ragged tables, fewer than 2 subjects or raters, identical subjects and NaN', () => {
    expect(() => intraclassCorrelation([[1, 2], [3]])).toThrow(expect.objectContaining({ code: 'UNEQUAL_LENGTHS' }));
    expect(() => intraclassCorrelation([[1, 2, 3]])).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
    expect(() => intraclassCorrelation([[1], [2]])).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
    expect(() => intraclassCorrelation([])).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
    expect(() =>
      intraclassCorrelation([
        [1, 2],
        [1, 2],
      ]),
    ).toThrow(expect.objectContaining({ code: 'NO_VARIATION' }));
    expect(() =>
      intraclassCorrelation([
        [1, 2],
        [1, Number.NaN],
      ]),
    ).toThrow(expect.objectContaining({ code: 'INVALID_NUMBER' }));
  });
});
