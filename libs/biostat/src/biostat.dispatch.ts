import { z } from 'zod';
import { blandAltman } from './bland-altman.js';
import { calibration } from './calibration.js';
import { BiostatError } from './biostat.errors.js';
import { coxRegression } from './cox.js';
import { intraclassCorrelation } from './icc.js';
import { kaplanMeier } from './kaplan-meier.js';
import { logisticWithAuc } from './logistic.js';
import { logRank } from './log-rank.js';
import { mcnemar } from './mcnemar.js';
import { nestedCox } from './nested-cox.js';
import { roc } from './roc.js';
import { wilsonInterval } from './wilson.js';

// The CLI contract (README, issue 6): one JSON object in, one JSON object out. zod checks the shape and the
// types; the methods themselves check the statistics (lengths, 0/1 labels, enough data) with stable codes.
// Objects are strict so that a misspelt key ("events") fails loudly instead of being ignored.

const numbers = z.array(z.number());
const covariates = z.record(z.string().min(1), numbers);

const schemas = {
  km: z.strictObject({ time: numbers, event: numbers }),
  logrank: z.strictObject({ time: numbers, event: numbers, group: z.array(z.union([z.number(), z.string()])) }),
  cox: z.strictObject({ time: numbers, event: numbers, covariates }),
  lrt: z.strictObject({ time: numbers, event: numbers, covariates, base: z.array(z.string()) }),
  'cindex-delta': z.strictObject({ time: numbers, event: numbers, covariates, base: z.array(z.string()) }),
  logistic: z.strictObject({ outcome: numbers, covariates }),
  calibration: z.strictObject({ outcome: numbers, predicted: numbers }),
  mcnemar: z.strictObject({ a: numbers, b: numbers }),
  roc: z.strictObject({ score: numbers, label: numbers }),
  wilson: z.strictObject({ x: z.number(), n: z.number() }),
  'bland-altman': z.strictObject({ a: numbers, b: numbers }),
  icc: z.strictObject({ ratings: z.array(numbers) }),
} as const;

export type BiostatMethod = keyof typeof schemas;
export const BIOSTAT_METHODS = Object.keys(schemas) as BiostatMethod[];

const handlers: { [M in BiostatMethod]: (input: z.infer<(typeof schemas)[M]>) => unknown } = {
  km: (input) => {
    const r = kaplanMeier(input);
    return {
      time: r.time,
      survival: r.survival,
      lower: r.lower,
      upper: r.upper,
      atRisk: r.atRisk,
      median: r.median,
      medianLower: r.medianLower,
      medianUpper: r.medianUpper,
    };
  },
  logrank: (input) => {
    const r = logRank(input);
    return { chisq: r.chisq, df: r.df, p: r.p };
  },
  cox: (input) => {
    const r = coxRegression(input);
    return {
      terms: r.terms.map((t) => ({ name: t.name, coef: t.coef, hr: t.hr, se: t.se, lower: t.lower, upper: t.upper, p: t.p })),
      concordance: r.concordance,
    };
  },
  lrt: (input) => {
    const r = nestedCox(input);
    return { chisq: r.lrt.chisq, df: r.lrt.df, p: r.lrt.p };
  },
  'cindex-delta': (input) => {
    const r = nestedCox(input);
    return { full: r.cFull, base: r.cBase, delta: r.delta };
  },
  logistic: (input) => {
    const r = logisticWithAuc(input);
    return {
      terms: r.terms.map((t) => ({ name: t.name, coef: t.coef, or: t.or, se: t.se, lower: t.lower, upper: t.upper, p: t.p })),
      auc: r.auc,
    };
  },
  calibration: (input) => {
    const r = calibration(input);
    return { intercept: r.intercept, slope: r.slope, brier: r.brier };
  },
  mcnemar: (input) => {
    const r = mcnemar(input.a, input.b);
    return { statistic: r.statistic, p: r.p };
  },
  roc: (input) => {
    const r = roc(input);
    return { auc: r.auc, lower: r.lower, upper: r.upper };
  },
  wilson: (input) => {
    const r = wilsonInterval(input.x, input.n);
    return { estimate: r.estimate, lower: r.lower, upper: r.upper };
  },
  'bland-altman': (input) => {
    const r = blandAltman(input.a, input.b);
    return { bias: r.bias, sd: r.sd, lower: r.lower, upper: r.upper };
  },
  icc: (input) => {
    const r = intraclassCorrelation(input.ratings);
    return { icc1: r.icc1.icc, icc2: r.icc2.icc, icc3: r.icc3.icc, icc1k: r.icc1k.icc, icc2k: r.icc2k.icc, icc3k: r.icc3k.icc };
  },
};

function isMethod(method: string): method is BiostatMethod {
  return Object.hasOwn(schemas, method);
}

/** Validates `input` for `method` and runs it; throws `BiostatError` (codes INVALID_INPUT, UNKNOWN_METHOD, …). */
export function runBiostatMethod(method: string, input: unknown): unknown {
  if (!isMethod(method)) {
    throw new BiostatError('UNKNOWN_METHOD', `unknown method "${method}"; expected one of ${BIOSTAT_METHODS.join(', ')}`);
  }
  const parsed = schemas[method].safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(input)'}: ${i.message}`);
    throw new BiostatError('INVALID_INPUT', issues.join('; '));
  }
  return (handlers[method] as (input: unknown) => unknown)(parsed.data);
}
