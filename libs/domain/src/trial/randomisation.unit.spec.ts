import { describe, expect, it } from '@jest/globals';
import { allocate, minimisationArm, requireAllocationScheme, type Allocation, type AllocationScheme, type Draw } from './randomisation.js';

// The registry's draws are HMAC-SHA256(seed, label); here a pure stand-in with the same shape (a label → a uniform
// number, independent of the order of draws): FNV-1a over seed and label, finished by splitmix-style mixing.
function draws(seed: number): Draw {
  return (label) => {
    let h = 0x811c9dc5 ^ seed;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
    let l = Math.imul(h ^ seed ^ 0x9e3779b9, 0x27d4eb2d);
    l ^= l >>> 15;
    return ((h >>> 0) * 2 ** 21 + ((l >>> 0) >>> 11)) / 2 ** 53;
  };
}

/** Enrols `n` subjects with factor levels from `levels(i)` and returns the allocations. */
function simulate(
  scheme: AllocationScheme,
  n: number,
  seed: number,
  levels: (i: number) => Record<string, string>,
): (Allocation & { levels: Record<string, string> })[] {
  const draw = draws(seed);
  const history: (Allocation & { levels: Record<string, string> })[] = [];
  const u = draws(seed + 1_000_003);
  for (let i = 0; i < n; i++) {
    const l = levels(Math.floor(u(`subject ${i}`) * 1e9));
    history.push({ ...allocate(scheme, history, `S${i}`, l, draw), levels: l });
  }
  return history;
}

const blocks11: AllocationScheme = {
  kind: 'permuted_blocks',
  arms: [
    { armCode: 'A', ratio: 1 },
    { armCode: 'B', ratio: 1 },
  ],
  blockMultiples: [1, 2, 3],
  stratifyBy: ['site'],
};
const blocks21: AllocationScheme = {
  kind: 'permuted_blocks',
  arms: [
    { armCode: 'A', ratio: 2 },
    { armCode: 'B', ratio: 1 },
  ],
  blockMultiples: [1, 2],
  stratifyBy: ['site', 'stage'],
};
const site = (k: number) => ({ site: `S${k % 4}`, stage: ['I', 'II', 'III'][k % 3] as string });

describe('permuted blocks with random block sizes, stratified', () => {
  it('given 1:1 blocks of 2, 4 or 6 per site, when 600 subjects are enrolled (6 seeds), then no stratum is ever more than 3 apart, and every block size occurs', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const allocations = simulate(blocks11, 600, seed, site);
      const diff = new Map<string, number>();
      for (const a of allocations) {
        const d = (diff.get(a.stratum) ?? 0) + (a.armCode === 'A' ? 1 : -1);
        diff.set(a.stratum, d);
        expect(Math.abs(d)).toBeLessThanOrEqual(3);
      }
      expect([...diff.keys()].sort()).toEqual(['site=S0', 'site=S1', 'site=S2', 'site=S3']);
    }
    // Block sizes: the lengths between the points where a stratum is exactly balanced include 2, 4 and 6.
    const seq = simulate(blocks11, 600, 5, () => ({ site: 'S0' })).map((a) => a.armCode);
    const balancedAt: number[] = [];
    let d = 0;
    seq.forEach((arm, i) => {
      d += arm === 'A' ? 1 : -1;
      if (d === 0) balancedAt.push(i + 1);
    });
    const gaps = new Set(balancedAt.map((p, i) => p - (balancedAt[i - 1] ?? 0)));
    expect([2, 4, 6].every((g) => gaps.has(g))).toBe(true);
  });

  it('given a 2:1 ratio stratified by site and stage, the counts in each stratum stay within one block of 2:1 and overall match 2/3 (binomial, |z| < 4)', () => {
    let a = 0;
    let n = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const allocations = simulate(blocks21, 600, seed, site);
      const byStratum = new Map<string, { a: number; b: number }>();
      for (const x of allocations) {
        const c = byStratum.get(x.stratum) ?? { a: 0, b: 0 };
        if (x.armCode === 'A') c.a++;
        else c.b++;
        byStratum.set(x.stratum, c);
        // Largest block: 6 cells (4 A, 2 B): within it A can lead 2:1 by at most 4/3 of a B, i.e. |A − 2B| ≤ 4.
        expect(Math.abs(c.a - 2 * c.b)).toBeLessThanOrEqual(4);
      }
      a += allocations.filter((x) => x.armCode === 'A').length;
      n += allocations.length;
    }
    const z = (a / n - 2 / 3) / Math.sqrt(2 / 9 / n);
    expect(Math.abs(z)).toBeLessThan(4);
  });

  it('the sequence is random: over 2,000 seeds the first arm of a stratum is A half of the time (|z| < 4), and each of the 6 orders of a 2:1 block of 3 occurs', () => {
    let first = 0;
    const orders = new Map<string, number>();
    const seeds = 2000;
    for (let seed = 1; seed <= seeds; seed++) {
      const allocations = simulate(blocks11, 1, seed, () => ({ site: 'S0' }));
      if (allocations[0]!.armCode === 'A') first++;
      const three = simulate({ ...blocks21, blockMultiples: [1], stratifyBy: [] }, 3, seed, () => ({}))
        .map((x) => x.armCode)
        .join('');
      orders.set(three, (orders.get(three) ?? 0) + 1);
    }
    expect(Math.abs((first / seeds - 0.5) / Math.sqrt(0.25 / seeds))).toBeLessThan(4);
    expect([...orders.keys()].sort()).toEqual(['AAB', 'ABA', 'BAA']);
    // Chi-square (2 df) of the three distinct orders against 1/3 each: below the 0.9999 quantile (18.4).
    const chi = [...orders.values()].reduce((s, o) => s + (o - seeds / 3) ** 2 / (seeds / 3), 0);
    expect(chi).toBeLessThan(18.4);
  });

  it('is reproducible from its seed (the audit replay) and differs under another seed', () => {
    const a = simulate(blocks11, 200, 42, site).map((x) => x.armCode);
    expect(simulate(blocks11, 200, 42, site).map((x) => x.armCode)).toEqual(a);
    expect(simulate(blocks11, 200, 43, site).map((x) => x.armCode)).not.toEqual(a);
  });
});

describe('minimisation (Pocock–Simon) with a random element', () => {
  const mini = (probability: number, ratioA = 1): AllocationScheme => ({
    kind: 'minimisation',
    arms: [
      { armCode: 'A', ratio: ratioA },
      { armCode: 'B', ratio: 1 },
    ],
    factors: ['site', 'stage'],
    probability,
  });
  /** Largest |A − B| over the levels of both factors at the end. */
  const marginalImbalance = (allocations: { armCode: string; levels: Record<string, string> }[]) => {
    const d = new Map<string, number>();
    for (const x of allocations)
      for (const f of ['site', 'stage']) d.set(`${f}=${x.levels[f]}`, (d.get(`${f}=${x.levels[f]}`) ?? 0) + (x.armCode === 'A' ? 1 : -1));
    return Math.max(...[...d.values()].map(Math.abs));
  };

  it('given 300 subjects over 4 sites × 3 stages (30 seeds), the marginal imbalance is far below that of simple randomisation', () => {
    let minimised = 0;
    let random = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const m = simulate(mini(0.8), 300, seed, site);
      minimised += marginalImbalance(m);
      // The comparator: a fair coin per subject (simple randomisation) on the same subjects.
      const coin = draws(seed + 7);
      random += marginalImbalance(m.map((x, i) => ({ armCode: coin(`coin ${i}`) < 0.5 ? 'A' : 'B', levels: x.levels })));
      expect(m.every((x) => x.stratum === 'all')).toBe(true);
    }
    expect(minimised / 30).toBeLessThan(4);
    expect(minimised).toBeLessThan(random / 3);
  });

  it('follows the minimising arm with the stated probability (0.8 ± 4 SE) when one arm is best', () => {
    const scheme = mini(0.8) as Extract<AllocationScheme, { kind: 'minimisation' }>;
    let followed = 0;
    const trials = 4000;
    // A history where B is ahead at the new subject's levels: A is the unique minimising arm.
    const history: Allocation[] = [{ subjectId: 'h', armCode: 'B', factors: { site: 'S0', stage: 'I' }, stratum: 'all', sequenceNumber: 1 }];
    for (let seed = 1; seed <= trials; seed++) if (minimisationArm(scheme, history, { site: 'S0', stage: 'I' }, 2, draws(seed)) === 'A') followed++;
    expect(Math.abs((followed / trials - 0.8) / Math.sqrt((0.8 * 0.2) / trials))).toBeLessThan(4);
  });

  it('with a 2:1 ratio the allocations approach 2/3 to A', () => {
    let a = 0;
    let n = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const m = simulate(mini(0.8, 2), 300, seed, site);
      a += m.filter((x) => x.armCode === 'A').length;
      n += m.length;
    }
    expect(Math.abs(a / n - 2 / 3)).toBeLessThan(0.03);
  });

  it('probability 1 is deterministic minimisation: with one level combination the arms are never more than 1 apart', () => {
    let d = 0;
    for (const x of simulate(mini(1), 100, 3, () => ({ site: 'S0', stage: 'I' }))) {
      d += x.armCode === 'A' ? 1 : -1;
      expect(Math.abs(d)).toBeLessThanOrEqual(1);
    }
  });
});

describe('scheme and factor validation', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return { code: (e as { code: string }).code, field: (e as { field: string }).field };
    }
    return null;
  };
  it.each([
    [
      { ...blocks11, arms: [{ armCode: 'A', ratio: 1 }] },
      { code: 'OUT_OF_RANGE', field: 'scheme.arms' },
    ],
    [
      {
        ...blocks11,
        arms: [
          { armCode: 'A', ratio: 1 },
          { armCode: 'C', ratio: 1 },
        ],
      },
      { code: 'ARM_NOT_FOUND', field: 'scheme.arms[1].armCode' },
    ],
    [
      {
        ...blocks11,
        arms: [
          { armCode: 'A', ratio: 0 },
          { armCode: 'B', ratio: 1 },
        ],
      },
      { code: 'OUT_OF_RANGE', field: 'scheme.arms[0].ratio' },
    ],
    [
      { ...blocks11, blockMultiples: [] },
      { code: 'OUT_OF_RANGE', field: 'scheme.blockMultiples' },
    ],
    [
      { kind: 'minimisation', arms: blocks11.arms, factors: ['site'], probability: 0.5 },
      { code: 'OUT_OF_RANGE', field: 'scheme.probability' },
    ],
  ] as [AllocationScheme, unknown][])('refuses %j', (scheme, expected) => {
    expect(code(() => requireAllocationScheme(scheme, ['A', 'B']))).toEqual(expected);
  });

  it('refuses an allocation without a factor level the scheme needs', () => {
    expect(code(() => allocate(blocks11, [], 'S1', {}, draws(1)))).toEqual({ code: 'FIELD_REQUIRED', field: 'factors.site' });
  });
});
