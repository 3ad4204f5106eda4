import { expect } from '@jest/globals';

/** Walks a result and fails on any NaN or infinite number (null is allowed: it is R's NA). */
export function expectNoNaN(value: unknown, path = 'result'): void {
  if (typeof value === 'number') {
    expect({ path, finite: Number.isFinite(value) }).toEqual({ path, finite: true });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => expectNoNaN(v, `${path}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) expectNoNaN(v, `${path}.${k}`);
  }
}

/** Relative closeness for reference values that are not near zero. */
export function expectClose(actual: number | null | undefined, expected: number | null, relative = 1e-9): void {
  if (expected === null) {
    expect(actual).toBeNull();
    return;
  }
  expect(typeof actual).toBe('number');
  const tolerance = Math.max(Math.abs(expected) * relative, 1e-12);
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(tolerance);
}

export function expectAllClose(actual: readonly (number | null)[], expected: readonly (number | null)[], relative = 1e-9): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((e, i) => expectClose(actual[i], e, relative));
}

/** Deterministic PRNG (mulberry32) so randomised property tests are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function subset<T>(values: readonly T[], keep: readonly boolean[]): T[] {
  return values.filter((_, i) => keep[i]);
}
