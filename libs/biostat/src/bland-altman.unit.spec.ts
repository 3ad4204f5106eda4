import { describe, expect, it } from '@jest/globals';
import { blandAltman } from './bland-altman.js';
import { tQuantile } from './distributions.js';
import { pefr } from './testing/published-datasets.js';
import { expectNoNaN } from './testing/expect-finite.js';

describe('Bland–Altman', () => {
  it('PEFR (Bland & Altman 1986): mean difference −2.1, SD 38.8', () => {
    const r = blandAltman(pefr.wright, pefr.miniWright);
    expect(r.n).toBe(17);
    expect(r.bias.toFixed(1)).toBe('-2.1');
    expect(r.sd.toFixed(1)).toBe('38.8');
    expect(r.bias).toBeCloseTo(-36 / 17, 12);
    expect(r.lower).toBeCloseTo(r.bias - 1.96 * r.sd, 12);
    expect(r.upper).toBeCloseTo(r.bias + 1.96 * r.sd, 12);
    expect([r.lower.toFixed(1), r.upper.toFixed(1)]).toEqual(['-78.1', '73.9']);
    expectNoNaN(r);
  });

  it('intervals use t(n−1) with SE(bias) = SD/√n and SE(limit) = SD·√(3/n)', () => {
    const r = blandAltman(pefr.wright, pefr.miniWright);
    const t = tQuantile(0.975, 16);
    expect(t).toBeCloseTo(2.119905, 5);
    expect(r.biasCi.upper - r.biasCi.lower).toBeCloseTo((2 * t * r.sd) / Math.sqrt(17), 10);
    expect(r.lowerCi.upper - r.lowerCi.lower).toBeCloseTo(2 * t * r.sd * Math.sqrt(3 / 17), 10);
    expect((r.upperCi.lower + r.upperCi.upper) / 2).toBeCloseTo(r.upper, 10);
  });

  it('swapping the methods negates the bias and mirrors the limits', () => {
    const ab = blandAltman(pefr.wright, pefr.miniWright);
    const ba = blandAltman(pefr.miniWright, pefr.wright);
    expect(ba.bias).toBeCloseTo(-ab.bias, 12);
    expect(ba.sd).toBeCloseTo(ab.sd, 12);
    expect(ba.lower).toBeCloseTo(-ab.upper, 12);
  });

  it('identical methods: bias 0, SD 0, limits collapse — finite, not NaN', () => {
    const r = blandAltman([1, 2, 3], [1, 2, 3]);
    expect([r.bias, r.sd, r.lower, r.upper]).toEqual([0, 0, 0, 0]);
    expectNoNaN(r);
  });

  it('rejects n = 1, unequal lengths and non-finite values', () => {
    expect(() => blandAltman([1], [2])).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
    expect(() => blandAltman([1, 2], [2])).toThrow(expect.objectContaining({ code: 'UNEQUAL_LENGTHS' }));
    expect(() => blandAltman([1, Number.NaN], [2, 3])).toThrow(expect.objectContaining({ code: 'INVALID_NUMBER' }));
  });
});
