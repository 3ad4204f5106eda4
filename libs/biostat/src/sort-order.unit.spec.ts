import { describe, expect, it } from '@jest/globals';
import { runStarts, stableOrder } from './sort-order.js';

const comparatorOrder = (v: readonly number[]): number[] => v.map((_, i) => i).sort((a, b) => (v[a] as number) - (v[b] as number) || a - b);

// A small deterministic generator, so a failure reproduces.
function generator(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('stableOrder', () => {
  it('equals the stable comparator sort on the radix path: negatives, ±0, ties, subnormals, huge and tiny values', () => {
    const rnd = generator(7);
    const specials = [0, -0, Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 1e-300, -1e-300, 1, -1];
    const values = Array.from({ length: 5000 }, (_, i) => {
      const u = rnd();
      if (i % 11 === 0) return specials[i % specials.length] as number;
      if (u < 0.3) return Math.floor(rnd() * 20) - 10; // many ties
      return (rnd() - 0.5) * 10 ** Math.floor(rnd() * 12 - 6);
    });
    expect(Array.from(stableOrder(values))).toEqual(comparatorOrder(values));
  });

  it('equals the comparator sort below the radix threshold and when every value is equal', () => {
    const rnd = generator(3);
    const small = Array.from({ length: 100 }, () => Math.round(rnd() * 10) / 2);
    expect(Array.from(stableOrder(small))).toEqual(comparatorOrder(small));
    const same = new Array<number>(2000).fill(42.5);
    expect(Array.from(stableOrder(same))).toEqual(comparatorOrder(same));
    expect(Array.from(stableOrder([]))).toEqual([]);
  });

  it('keeps index order among −0 and +0, as a − b does', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? -0 : 0));
    expect(Array.from(stableOrder(values))).toEqual(values.map((_, i) => i));
  });
});

describe('runStarts', () => {
  it('marks where each run of equal values begins along the order, with n last', () => {
    const values = [3, 1, 3, 2, 1, -0, 0];
    const order = stableOrder(values);
    expect(Array.from(order)).toEqual([5, 6, 1, 4, 3, 0, 2]);
    expect(Array.from(runStarts(values, order))).toEqual([0, 2, 4, 5, 7]);
  });
});
