import { describe, expect, it } from '@jest/globals';
import { wilsonInterval } from './wilson.js';
import { wilson } from './testing/r-reference.js';
import { expectClose } from './testing/expect-finite.js';

describe('Wilson score interval', () => {
  it.each(wilson.map((w) => ({ ...w })))('$x/$n matches R prop.test(correct = FALSE)', (ref) => {
    const r = wilsonInterval(ref.x, ref.n);
    expectClose(r.lower, ref.lower, 1e-9);
    expectClose(r.upper, ref.upper, 1e-9);
  });

  it('gives the published five-digit limits', () => {
    const fmt = (x: number, n: number) => [wilsonInterval(x, n).lower.toFixed(5), wilsonInterval(x, n).upper.toFixed(5)];
    expect(fmt(18, 20)).toEqual(['0.69897', '0.97213']);
    expect(fmt(4, 20)).toEqual(['0.08066', '0.41602']);
    expect(fmt(0, 30)).toEqual(['0.00000', '0.11351']);
  });

  it('is exact at the boundaries and mirror-symmetric', () => {
    expect(wilsonInterval(0, 30).lower).toBe(0);
    expect(wilsonInterval(30, 30).upper).toBe(1);
    const a = wilsonInterval(4, 20);
    const b = wilsonInterval(16, 20);
    expect(a.lower).toBeCloseTo(1 - b.upper, 14);
    expect(a.upper).toBeCloseTo(1 - b.lower, 14);
    expect(wilsonInterval(1, 1)).toMatchObject({ estimate: 1, upper: 1 });
  });

  it('rejects n = 0, x outside 0..n and non-integers', () => {
    expect(() => wilsonInterval(0, 0)).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
    expect(() => wilsonInterval(5, 4)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => wilsonInterval(-1, 4)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => wilsonInterval(1.5, 4)).toThrow(expect.objectContaining({ code: 'INVALID_NUMBER' }));
    expect(() => wilsonInterval(Number.NaN, 4)).toThrow(expect.objectContaining({ code: 'INVALID_NUMBER' }));
  });
});
