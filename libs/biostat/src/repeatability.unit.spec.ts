import { describe, expect, it } from '@jest/globals';
import { repeatability } from './repeatability.js';

describe('test–retest repeatability (QIBA)', () => {
  it('hand case: pairs (10, 12), (20, 18), (30, 33)', () => {
    const r = repeatability([10, 20, 30], [12, 18, 33]);
    const wsd = Math.sqrt((4 + 4 + 9) / 6);
    const wcv = Math.sqrt((4 / (2 * 11 ** 2) + 4 / (2 * 19 ** 2) + 9 / (2 * 31.5 ** 2)) / 3);
    expect(r.wsd).toBeCloseTo(wsd, 14);
    expect(r.rc).toBeCloseTo(2.77 * wsd, 14);
    expect(r.wcv).toBeCloseTo(wcv, 14);
    expect(r.percentRc).toBeCloseTo(277 * wcv, 12);
    expect(r.meanDifference).toBeCloseTo(-1, 14);
  });

  it('swapping test and retest changes nothing but the sign of the mean difference; scaling keeps wCV', () => {
    const a = [12.1, 30.5, 8.2, 44.0];
    const b = [11.4, 31.9, 8.9, 41.7];
    const r = repeatability(a, b);
    const swapped = repeatability(b, a);
    expect(swapped.wsd).toBeCloseTo(r.wsd, 14);
    expect(swapped.meanDifference).toBeCloseTo(-r.meanDifference, 14);
    const scaled = repeatability(
      a.map((x) => 10 * x),
      b.map((x) => 10 * x),
    );
    expect(scaled.wsd).toBeCloseTo(10 * r.wsd, 12);
    expect(scaled.wcv).toBeCloseTo(r.wcv!, 14);
  });

  it('a pair with mean 0 leaves wCV undefined (null), not NaN; n = 1 works', () => {
    expect(repeatability([0, 5], [0, 6])).toMatchObject({ wcv: null, percentRc: null });
    expect(repeatability([5], [5]).wsd).toBe(0);
  });

  it('rejects empty input, unequal lengths and non-finite values', () => {
    expect(() => repeatability([], [])).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
    expect(() => repeatability([1, 2], [1])).toThrow(expect.objectContaining({ code: 'UNEQUAL_LENGTHS' }));
    expect(() => repeatability([1, Number.POSITIVE_INFINITY], [1, 2])).toThrow(expect.objectContaining({ code: 'INVALID_NUMBER' }));
  });
});
