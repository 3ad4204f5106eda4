import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { runBiostatMethod } from './biostat.dispatch.js';
import { aml } from './testing/r-datasets.js';
import { expectClose } from './testing/expect-finite.js';
import { aSAH, aSAHLogistic, infert, infertCalibration, lungCc, lungNested, mcnemarCases } from './testing/r-multivariable.js';

// The first test runs the real npm script (compile + node) as a validator would from a fresh clone; the error
// cases then reuse the script it compiled, so the file does not pay for five more compilations.
function biostat(method: string, stdin: string, viaNpm = false) {
  const [command, args] = viaNpm ? ['npm', ['run', '--silent', 'biostat', '--', method]] : [process.execPath, ['dist/libs/biostat/src/biostat.cli.js', method]];
  const r = spawnSync(command, args, { input: stdin, encoding: 'utf8', cwd: process.cwd(), timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run --silent biostat -- <method>', () => {
  it('writes exactly one JSON object on stdout, equal to the in-process result', () => {
    const input = { time: aml.time, event: aml.event, group: aml.group };
    const r = biostat('logrank', JSON.stringify(input), true);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.endsWith('}\n')).toBe(true);
    expect(JSON.parse(r.stdout)).toEqual(runBiostatMethod('logrank', input));
  });

  it.each([
    ['malformed JSON', 'km', '{"time": [1, 2'],
    ['an unknown method', 'anova', '{}'],
    ['unequal lengths', 'km', '{"time": [1, 2], "event": [1]}'],
    ['a label other than 0/1', 'roc', '{"score": [1, 2, 3, 4], "label": [0, 1, 2, 1]}'],
    ['a non-number', 'wilson', '{"x": "4", "n": 20}'],
  ])('%s: non-zero exit, nothing on stdout, one line on stderr', (_, method, stdin) => {
    const r = biostat(method, stdin);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^biostat: [A-Z_]+: [^\n]+\n$/);
  });

  // The multivariable methods of issue 20, through the compiled CLI, against R (generate-r-multivariable.R).
  const lungInput = {
    time: lungCc.time,
    event: lungCc.event,
    covariates: { age: lungCc.age, sex: lungCc.sex, 'ph.ecog': lungCc.phEcog, 'ph.karno': lungCc.phKarno },
  };
  const json = (method: string, input: unknown) => {
    const r = biostat(method, JSON.stringify(input));
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };

  it('cox with four covariates: every term as R coxph', () => {
    const out = json('cox', lungInput) as { terms: Record<string, number | string>[]; concordance: number };
    expect(out.terms.map((t) => t.name)).toEqual(['age', 'sex', 'ph.ecog', 'ph.karno']);
    out.terms.forEach((t, i) => {
      for (const k of ['coef', 'hr', 'se', 'lower', 'upper', 'p'] as const) expectClose(t[k] as number, lungNested.terms[i]![k], 1e-4);
    });
    expectClose(out.concordance, lungNested.cindex.full, 1e-4);
  });

  it('lrt and cindex-delta of nested models', () => {
    const lrt = json('lrt', { ...lungInput, base: ['age', 'sex'] });
    expect(Object.keys(lrt)).toEqual(['chisq', 'df', 'p']);
    expectClose(lrt.chisq as number, lungNested.lrt.chisq, 1e-4);
    expect(lrt.df).toBe(2);
    expectClose(lrt.p as number, lungNested.lrt.p, 1e-4);
    const c = json('cindex-delta', { ...lungInput, base: ['age', 'sex'] });
    expect(Object.keys(c)).toEqual(['full', 'base', 'delta']);
    expectClose(c.full as number, lungNested.cindex.full, 1e-4);
    expectClose(c.base as number, lungNested.cindex.base, 1e-4);
    expectClose(c.delta as number, lungNested.cindex.delta, 1e-4);
  });

  it('logistic: (Intercept) first, OR with Wald limits, auc', () => {
    const out = json('logistic', { outcome: aSAH.outcome, covariates: { age: aSAH.age, female: aSAH.female, s100b: aSAH.s100b, ndka: aSAH.ndka } }) as {
      terms: Record<string, number | string>[];
      auc: number;
    };
    expect(out.terms.map((t) => t.name)).toEqual(['(Intercept)', 'age', 'female', 's100b', 'ndka']);
    out.terms.forEach((t, i) => {
      for (const k of ['coef', 'or', 'se', 'lower', 'upper', 'p'] as const) expectClose(t[k] as number, aSAHLogistic.terms[i]![k], 1e-4);
    });
    expectClose(out.auc, aSAHLogistic.auc, 1e-4);
  });

  it('calibration and mcnemar', () => {
    const cal = json('calibration', { outcome: infert.case, predicted: infertCalibration.predicted });
    expect(Object.keys(cal)).toEqual(['intercept', 'slope', 'brier']);
    expectClose(cal.intercept as number, infertCalibration.intercept, 1e-4);
    expectClose(cal.slope as number, infertCalibration.slope, 1e-4);
    expectClose(cal.brier as number, infertCalibration.brier, 1e-4);
    const m = mcnemarCases[0];
    const mc = json('mcnemar', { a: m.a, b: m.b });
    expect(Object.keys(mc)).toEqual(['statistic', 'p']);
    expectClose(mc.statistic as number, m.statistic, 1e-4);
    expectClose(mc.p as number, m.p, 1e-4);
  });

  it.each([
    ['lrt with a base naming no covariate', 'lrt', JSON.stringify({ time: [1, 2, 3], event: [1, 0, 1], covariates: { x: [1, 2, 3] }, base: ['y'] })],
    ['logistic with separated outcome', 'logistic', JSON.stringify({ outcome: [0, 0, 1, 1], covariates: { x: [1, 2, 3, 4] } })],
    ['calibration with a probability of 1', 'calibration', JSON.stringify({ outcome: [0, 1], predicted: [0.2, 1] })],
    ['mcnemar with a misspelt key', 'mcnemar', JSON.stringify({ a: [1, 0], bb: [0, 1] })],
  ])('%s: non-zero exit and one stderr line', (_, method, stdin) => {
    const r = biostat(method, stdin);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^biostat: [A-Z_]+: [^\n]+\n$/);
  });
});
