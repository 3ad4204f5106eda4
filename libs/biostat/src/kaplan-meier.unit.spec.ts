import { describe, expect, it } from '@jest/globals';
import { BiostatError } from './biostat.errors.js';
import { kaplanMeier, survivalQuantile } from './kaplan-meier.js';
import { aml, lung } from './testing/r-datasets.js';
import { amlKm, lungKm } from './testing/r-reference.js';
import { expectAllClose, expectClose, expectNoNaN, seededRandom, subset } from './testing/expect-finite.js';

const amlGroup = (g: number) => {
  const keep = aml.group.map((x) => x === g);
  return { time: subset(aml.time, keep), event: subset(aml.event, keep) };
};
const lungSex = (s: number) => {
  const keep = lung.sex.map((x) => x === s);
  return { time: subset(lung.time, keep), event: subset(lung.event, keep) };
};

describe('Kaplan–Meier against R survfit(conf.type = "log-log")', () => {
  it.each([
    ['aml maintained', amlGroup(0), amlKm.maintained],
    ['aml non-maintained', amlGroup(1), amlKm.nonmaintained],
    ['lung male', lungSex(1), lungKm.male],
    ['lung female', lungSex(2), lungKm.female],
  ])('%s: every step, Greenwood SE, log-log limits and the median with its CI', (_, data, ref) => {
    const km = kaplanMeier(data);
    expect(km.time).toEqual([...ref.time]);
    expect(km.atRisk).toEqual([...ref.atRisk]);
    expectAllClose(km.survival, ref.survival);
    // R reports NaN/NA after the curve reaches 0; we report null there.
    expectAllClose(
      km.stdErr,
      ref.stdErrLogSurvival.map((v) => (v === null || Number.isNaN(v) ? null : v)),
    );
    expectAllClose(km.lower, ref.lower);
    expectAllClose(km.upper, ref.upper);
    expectClose(km.median, ref.median);
    expectClose(km.medianLower, ref.medianLower);
    expectClose(km.medianUpper, ref.medianUpper);
    expectNoNaN(km);
  });

  it('gives the published medians: aml 31 and 23, lung 270 and 426 days', () => {
    expect([amlGroup(0), amlGroup(1), lungSex(1), lungSex(2)].map((d) => kaplanMeier(d).median)).toEqual([31, 23, 270, 426]);
  });
});

describe('Kaplan–Meier edge cases', () => {
  it('all censored: S = 1 throughout, no interval, no median', () => {
    const km = kaplanMeier({ time: [3, 5, 8], event: [0, 0, 0] });
    expect(km.survival).toEqual([1, 1, 1]);
    expect(km.lower).toEqual([null, null, null]);
    expect(km.median).toBeNull();
    expect(km.medianLower).toBeNull();
    expectNoNaN(km);
  });

  it('ties at every time: everyone dies at once, S drops to 0 and the SE is undefined rather than NaN', () => {
    const km = kaplanMeier({ time: [4, 4, 4, 4], event: [1, 1, 1, 1] });
    expect(km.time).toEqual([4]);
    expect(km.nEvent).toEqual([4]);
    expect(km.survival).toEqual([0]);
    expect(km.stdErr).toEqual([null]);
    expect(km.median).toBe(4);
    expectNoNaN(km);
  });

  it('takes the midpoint where the curve is flat at exactly one half (survival findq)', () => {
    // S = 0.75, 0.5, 0.25, 0 at t = 1..4: R's median is (2 + 3) / 2.
    expect(kaplanMeier({ time: [1, 2, 3, 4], event: [1, 1, 1, 1] }).median).toBe(2.5);
    // Flat at 0.5 to the last (censored) follow-up: midpoint with the last time, as R gives 4.
    expect(kaplanMeier({ time: [1, 7], event: [1, 0] }).median).toBe(4);
    // Never reaching one half: no median (R: NA).
    expect(kaplanMeier({ time: [1, 2, 9, 9], event: [1, 0, 0, 0] }).median).toBeNull();
  });

  it('survivalQuantile equals the literal findq (de-duplicate the levels first) on curves with repeats, nulls and flat halves', () => {
    const TOL = Math.sqrt(Number.EPSILON);
    const findq = (time: number[], surv: (number | null)[], p: number, xmax: number): number | null => {
      const xs = [0, ...time];
      const ys = [0, ...surv.map((v) => (v === null ? null : 1 - v))];
      if (Math.max(...ys.filter((y): y is number => y !== null)) < p) return null;
      const seen = new Set<number | null>();
      const keep = ys.map((y) => (seen.has(y) ? false : (seen.add(y), true)));
      const kx = xs.filter((_, i) => keep[i]);
      const ky = ys.filter((_, i) => keep[i]);
      const first = (t: number) => {
        const i = ky.findIndex((y) => y !== null && y >= t);
        return i < 0 ? null : i;
      };
      const i1 = first(p - TOL);
      const i2 = first(p + TOL);
      const last = ky[ky.length - 1];
      if (i1 !== null && last !== null && last !== undefined && Math.abs(p - last) < TOL) return (kx[i1]! + xmax) / 2;
      return i1 === null || i2 === null ? null : (kx[i1]! + kx[i2]!) / 2;
    };
    const rnd = seededRandom(11);
    const levels = [1, 0.75, 0.5, 0.5, 0.25, 0, null];
    for (let trial = 0; trial < 200; trial++) {
      // Long enough for the radix path in some trials; levels drawn from a small set so they repeat out of order.
      const n = 1 + Math.floor(rnd() * (trial % 10 === 0 ? 1500 : 30));
      const time = Array.from({ length: n }, (_, i) => i + 1);
      const surv = Array.from({ length: n }, () => (rnd() < 0.7 ? (levels[Math.floor(rnd() * levels.length)] as number | null) : rnd()));
      if (trial % 2 === 0) {
        // Every other curve non-increasing, as estimates are (the fast path), nulls left where they fell.
        const sorted = surv.filter((v): v is number => v !== null).sort((a, b) => b - a);
        let k = 0;
        surv.forEach((v, i) => (surv[i] = v === null ? null : (sorted[k++] as number)));
      }
      const xmax = n + 5;
      for (const p of [0.25, 0.5, 0.75]) expect(survivalQuantile(time, surv, p, xmax)).toBe(findq(time, surv, p, xmax));
    }
  });

  it('n = 1 gives a single step', () => {
    expect(kaplanMeier({ time: [10], event: [1] })).toMatchObject({ n: 1, survival: [0], median: 10 });
    expect(kaplanMeier({ time: [10], event: [0] })).toMatchObject({ n: 1, survival: [1], median: null });
  });

  it('is invariant to the order of the input rows', () => {
    const data = amlGroup(1);
    const reversed = { time: [...data.time].reverse(), event: [...data.event].reverse() };
    expect(kaplanMeier(reversed)).toEqual(kaplanMeier(data));
  });

  it.each([
    ['no observations', { time: [], event: [] }, 'INSUFFICIENT_DATA'],
    ['unequal lengths', { time: [1, 2], event: [1] }, 'UNEQUAL_LENGTHS'],
    ['event not 0/1', { time: [1, 2], event: [1, 2] }, 'INVALID_LABEL'],
    ['NaN time', { time: [1, Number.NaN], event: [1, 0] }, 'INVALID_NUMBER'],
    ['negative time', { time: [1, -2], event: [1, 0] }, 'INVALID_NUMBER'],
  ])('rejects %s with a code', (_, data, code) => {
    expect(() => kaplanMeier(data)).toThrow(BiostatError);
    expect(() => kaplanMeier(data)).toThrow(expect.objectContaining({ code }));
  });

  it('rejects a confidence level outside (0, 1)', () => {
    expect(() => kaplanMeier({ time: [1], event: [1] }, { level: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
