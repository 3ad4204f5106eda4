import { describe, expect, it } from '@jest/globals';
import { cusum } from './cusum.js';

describe('CUSUM (Page 1954)', () => {
  it('hand case: upper sum accumulates excess over target + k and alarms above h', () => {
    const r = cusum([0, 2, 2, 2, 0], { target: 0, k: 0.5, h: 2, resetAfterAlarm: false });
    expect(r.upper).toEqual([0, 1.5, 3, 4.5, 4]);
    expect(r.lower).toEqual([0, 0, 0, 0, 0]);
    expect(r.upperAlarms).toEqual([2, 3, 4]);
    expect(r.lowerAlarms).toEqual([]);
  });

  it('restarts after an alarm by default, so each alarm marks a new run', () => {
    const r = cusum([0, 2, 2, 2, 2], { target: 0, k: 0.5, h: 2 });
    expect(r.upper).toEqual([0, 1.5, 3, 1.5, 3]);
    expect(r.upperAlarms).toEqual([2, 4]);
  });

  it('the lower sum detects a drop, and standardising by sd puts k and h in SDs', () => {
    const r = cusum([10, 6, 6, 6], { target: 10, k: 0.5, h: 2, sd: 2 });
    expect(r.lower).toEqual([0, 1.5, 3, 1.5]);
    expect(r.lowerAlarms).toEqual([2]);
    expect(r.upperAlarms).toEqual([]);
  });

  it('an in-control series at the target never alarms; empty input gives empty series', () => {
    expect(cusum([5, 5, 5, 5], { target: 5, k: 0, h: 1 })).toEqual({ upper: [0, 0, 0, 0], lower: [0, 0, 0, 0], upperAlarms: [], lowerAlarms: [] });
    expect(cusum([], { target: 0, k: 0.5, h: 4 }).upper).toEqual([]);
  });

  it('rejects h ≤ 0, k < 0, sd ≤ 0 and non-finite values', () => {
    expect(() => cusum([1], { target: 0, k: 0.5, h: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => cusum([1], { target: 0, k: -1, h: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => cusum([1], { target: 0, k: 0, h: 1, sd: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => cusum([Number.NaN], { target: 0, k: 0, h: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_NUMBER' }));
  });
});
