import { describe, expect, it } from '@jest/globals';
import { concordanceIndex } from './concordance.js';
import { aml } from './testing/r-datasets.js';
import { seededRandom } from './testing/expect-finite.js';

/** The definition, pair by pair, to check the O(n log n) implementation against. */
function bruteForce(time: number[], event: number[], score: number[]) {
  let concordant = 0;
  let discordant = 0;
  let tied = 0;
  for (let i = 0; i < time.length; i++) {
    for (let j = 0; j < time.length; j++) {
      if (event[i] !== 1) continue;
      const comparable = time[i]! < time[j]! || (time[i] === time[j] && event[j] === 0);
      if (!comparable) continue;
      if (score[i]! > score[j]!) concordant++;
      else if (score[i]! < score[j]!) discordant++;
      else tied++;
    }
  }
  return { concordant, discordant, tiedRisk: tied };
}

describe("Harrell's C", () => {
  it('aml by group matches R concordance(): 81 concordant, 31 discordant, 98 tied.x → 0.619', () => {
    const r = concordanceIndex(aml, [...aml.group]);
    expect({ concordant: r.concordant, discordant: r.discordant, tiedRisk: r.tiedRisk }).toEqual({ concordant: 81, discordant: 31, tiedRisk: 98 });
    expect(r.concordance).toBeCloseTo(0.6190476190476191, 14);
  });

  it('agrees with the pairwise definition on random data with ties in time and score', () => {
    const rnd = seededRandom(42);
    for (let trial = 0; trial < 20; trial++) {
      const n = 5 + Math.floor(rnd() * 40);
      const time = Array.from({ length: n }, () => Math.floor(rnd() * 10));
      const event = Array.from({ length: n }, () => (rnd() < 0.6 ? 1 : 0));
      const score = Array.from({ length: n }, () => Math.floor(rnd() * 5));
      if (!event.includes(1)) continue;
      const expected = bruteForce(time, event, score);
      if (expected.concordant + expected.discordant + expected.tiedRisk === 0) continue;
      const r = concordanceIndex({ time, event }, score);
      expect({ concordant: r.concordant, discordant: r.discordant, tiedRisk: r.tiedRisk }).toEqual(expected);
    }
  });

  it('agrees with the pairwise definition at a size that takes the radix-sort path (ties, negative and continuous scores)', () => {
    const rnd = seededRandom(5);
    const n = 1500;
    const time = Array.from({ length: n }, () => Math.floor(rnd() * 300) / 3);
    const event = Array.from({ length: n }, () => (rnd() < 0.5 ? 1 : 0));
    const score = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? Math.floor(rnd() * 9) - 4 : rnd() * 10 - 5));
    const r = concordanceIndex({ time, event }, score);
    expect({ concordant: r.concordant, discordant: r.discordant, tiedRisk: r.tiedRisk }).toEqual(bruteForce(time, event, score));
  });

  it('a perfect predictor gives 1 and its negation 0; reversing the direction swaps them', () => {
    const data = { time: [1, 2, 3, 4, 5], event: [1, 1, 1, 1, 0] };
    expect(concordanceIndex(data, [5, 4, 3, 2, 1]).concordance).toBe(1);
    expect(concordanceIndex(data, [1, 2, 3, 4, 5]).concordance).toBe(0);
    expect(concordanceIndex(data, [1, 2, 3, 4, 5], { higherIsRisk: false }).concordance).toBe(1);
  });

  it('no comparable pair (all censored, or one subject) is a clear error', () => {
    expect(() => concordanceIndex({ time: [1, 2], event: [0, 0] }, [1, 2])).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
    expect(() => concordanceIndex({ time: [3], event: [1] }, [1])).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
    // Tied events only: not comparable with each other.
    expect(() => concordanceIndex({ time: [3, 3], event: [1, 1] }, [1, 2])).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
  });
});
