import { describe, expect, it } from '@jest/globals';
import { logRank } from './log-rank.js';
import { aml, lung } from './testing/r-datasets.js';
import { amlLogrank, lungLogrankEcog, lungLogrankSex } from './testing/r-reference.js';
import { expectClose, expectNoNaN } from './testing/expect-finite.js';

describe('log-rank against R survdiff', () => {
  it('aml: chi² 3.3964 on 1 df, p 0.0653', () => {
    const r = logRank(aml);
    expectClose(r.chisq, amlLogrank.chisq);
    expectClose(r.p, amlLogrank.p);
    expect(r.df).toBe(1);
    expect(Number(r.chisq.toFixed(4))).toBe(3.3964);
    expect(Number(r.p.toFixed(4))).toBe(0.0653);
    expect(r.groups.map((g) => g.observed)).toEqual([7, 11]);
    expectClose(r.groups[0]?.expected, 10.689335992300723);
  });

  it('lung by sex: chi² 10.33, p 0.00131', () => {
    const r = logRank({ time: lung.time, event: lung.event, group: lung.sex });
    expectClose(r.chisq, lungLogrankSex.chisq);
    expectClose(r.p, lungLogrankSex.p);
    expect(Number(r.chisq.toFixed(2))).toBe(10.33);
  });

  it('lung by ph.ecog: four groups, one of them a single subject, 3 df', () => {
    const keep = lung.phEcog.map((v) => v !== null);
    const pick = <T>(xs: readonly T[]) => xs.filter((_, i) => keep[i]);
    const r = logRank({ time: pick(lung.time), event: pick(lung.event), group: pick(lung.phEcog) as number[] });
    expect(r.df).toBe(lungLogrankEcog.df);
    expectClose(r.chisq, lungLogrankEcog.chisq);
    expectClose(r.p, lungLogrankEcog.p, 1e-7);
  });
});

describe('log-rank properties and edge cases', () => {
  it('does not depend on how the groups are labelled or ordered', () => {
    const labels = aml.group.map((g) => (g === 0 ? 'maintained' : 'control'));
    expectClose(logRank({ ...aml, group: labels }).chisq, amlLogrank.chisq);
    const order = aml.time.map((_, i) => i).reverse();
    expectClose(
      logRank({ time: order.map((i) => aml.time[i]!), event: order.map((i) => aml.event[i]!), group: order.map((i) => aml.group[i]!) }).chisq,
      amlLogrank.chisq,
    );
  });

  it('identical groups give chi² 0 and p 1', () => {
    const r = logRank({ time: [1, 2, 3, 1, 2, 3], event: [1, 1, 0, 1, 1, 0], group: [0, 0, 0, 1, 1, 1] });
    expect(r.chisq).toBeCloseTo(0, 12);
    expect(r.p).toBeCloseTo(1, 12);
  });

  it('ties at every time still give a finite statistic', () => {
    const r = logRank({ time: [5, 5, 5, 5, 9, 9, 9, 9], event: [1, 1, 1, 0, 1, 0, 1, 1], group: [0, 1, 0, 1, 0, 1, 0, 1] });
    expectNoNaN(r);
    expect(r.df).toBe(1);
  });

  it('one group empty (only one group present) is a clear error', () => {
    expect(() => logRank({ time: [1, 2, 3], event: [1, 1, 0], group: [1, 1, 1] })).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
  });

  it('all censored is a clear error, not a NaN', () => {
    expect(() => logRank({ time: [1, 2, 3, 4], event: [0, 0, 0, 0], group: [0, 1, 0, 1] })).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
  });

  it('n = 1 is a clear error', () => {
    expect(() => logRank({ time: [1], event: [1], group: [0] })).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_DATA' }));
  });

  it('rejects a group array of another length', () => {
    expect(() => logRank({ time: [1, 2], event: [1, 1], group: [0] })).toThrow(expect.objectContaining({ code: 'UNEQUAL_LENGTHS' }));
  });
});
