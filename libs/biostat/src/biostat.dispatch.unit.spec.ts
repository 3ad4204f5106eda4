import { describe, expect, it } from '@jest/globals';
import { BIOSTAT_METHODS, runBiostatMethod } from './biostat.dispatch.js';
import { aml, aSAH } from './testing/r-datasets.js';
import { amlCox, amlLogrank, aSAHRoc } from './testing/r-reference.js';
import { pefr, shroutFleiss } from './testing/published-datasets.js';

const keys = (x: unknown) => Object.keys(x as object).sort();

describe('CLI dispatch: the documented input and output shapes', () => {
  it('lists the twelve methods', () => {
    expect(BIOSTAT_METHODS).toEqual([
      'km',
      'logrank',
      'cox',
      'lrt',
      'cindex-delta',
      'logistic',
      'calibration',
      'mcnemar',
      'roc',
      'wilson',
      'bland-altman',
      'icc',
    ]);
  });

  it('km', () => {
    const out = runBiostatMethod('km', { time: aml.time, event: aml.event });
    expect(keys(out)).toEqual(['atRisk', 'lower', 'median', 'medianLower', 'medianUpper', 'survival', 'time', 'upper']);
  });

  it('logrank', () => {
    const out = runBiostatMethod('logrank', aml) as { chisq: number };
    expect(keys(out)).toEqual(['chisq', 'df', 'p']);
    expect(out.chisq).toBeCloseTo(amlLogrank.chisq, 10);
  });

  it('cox', () => {
    const out = runBiostatMethod('cox', { time: aml.time, event: aml.event, covariates: { x: aml.group } }) as { terms: { coef: number }[] };
    expect(keys(out)).toEqual(['concordance', 'terms']);
    expect(keys(out.terms[0])).toEqual(['coef', 'hr', 'lower', 'name', 'p', 'se', 'upper']);
    expect(out.terms[0]?.coef).toBeCloseTo(amlCox.terms[0].coef, 8);
  });

  it('roc, wilson, bland-altman, icc', () => {
    expect((runBiostatMethod('roc', { score: aSAH.s100b, label: aSAH.label }) as { auc: number }).auc).toBeCloseTo(aSAHRoc.s100b.auc, 12);
    expect(keys(runBiostatMethod('wilson', { x: 4, n: 20 }))).toEqual(['estimate', 'lower', 'upper']);
    expect(keys(runBiostatMethod('bland-altman', { a: pefr.wright, b: pefr.miniWright }))).toEqual(['bias', 'lower', 'sd', 'upper']);
    expect(keys(runBiostatMethod('icc', { ratings: shroutFleiss }))).toEqual(['icc1', 'icc1k', 'icc2', 'icc2k', 'icc3', 'icc3k']);
  });

  it.each([
    ['unknown method', 'anova', {}, 'UNKNOWN_METHOD'],
    ['prototype key as a method', 'toString', {}, 'UNKNOWN_METHOD'],
    ['not an object', 'km', [1, 2], 'INVALID_INPUT'],
    ['a string where numbers belong', 'km', { time: [1, '2'], event: [1, 0] }, 'INVALID_INPUT'],
    ['a misspelt key', 'km', { time: [1, 2], events: [1, 0] }, 'INVALID_INPUT'],
    ['unequal lengths', 'roc', { score: [1, 2, 3], label: [0, 1] }, 'UNEQUAL_LENGTHS'],
    ['labels other than 0/1', 'roc', { score: [1, 2, 3, 4], label: [0, 1, 1, 3] }, 'INVALID_LABEL'],
    ['an event other than 0/1', 'logrank', { time: [1, 2], event: [1, -1], group: [0, 1] }, 'INVALID_LABEL'],
    ['a fractional count', 'wilson', { x: 1.5, n: 3 }, 'INVALID_NUMBER'],
  ])('rejects %s with a code', (_, method, input, code) => {
    expect(() => runBiostatMethod(method, input)).toThrow(expect.objectContaining({ code }));
  });
});
