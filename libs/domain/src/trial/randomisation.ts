import { InputErrors } from '../biomarker/input.guards.js';
import { reject } from '../domain.errors.js';
import { TrialErrors } from './trial.errors.js';

/**
 * Randomisation the registry performs (issue 20): pure allocation rules. Randomness is injected as `draw`, a
 * function from a label to a uniform number in [0, 1): the registry derives it from a seed it holds
 * (HMAC-SHA256(seed, trial | label), services/registry-api/src/trials/randomisation-draws.ts), so the whole
 * sequence can be reproduced for audit from the seed and the order of enrolment, and nothing here can be predicted
 * without the seed. Labels name what is drawn (the stratum and block, or the allocation number), so a draw never
 * depends on how many other draws were made before it.
 */
export type Draw = (label: string) => number;

export interface ArmRatio {
  readonly armCode: string;
  /** Relative allocation weight, a positive integer: arms A 2, B 1 allocate 2:1. */
  readonly ratio: number;
}

export type AllocationScheme =
  | {
      readonly kind: 'permuted_blocks';
      readonly arms: readonly ArmRatio[];
      /**
       * Block sizes as multiples of the sum of the ratios (1:1 with [1, 2, 3] gives blocks of 2, 4 or 6), each block's
       * size drawn at random so the end of a block cannot be guessed from the count.
       */
      readonly blockMultiples: readonly number[];
      /** Factors stratified by (e.g. "site", "stage"): each combination of levels has its own sequence of blocks. */
      readonly stratifyBy: readonly string[];
    }
  | {
      readonly kind: 'minimisation';
      readonly arms: readonly ArmRatio[];
      /** Factors whose marginal balance is minimised (Pocock & Simon 1975). */
      readonly factors: readonly string[];
      /** Probability of allocating to the arm that minimises the imbalance (the random element), in (0.5, 1]. */
      readonly probability: number;
    };

export interface Allocation {
  readonly subjectId: string;
  readonly armCode: string;
  /** The subject's factor levels at randomisation. */
  readonly factors: Readonly<Record<string, string>>;
  /** Stratum key ("site=S1|stage=II"; "all" without stratification). */
  readonly stratum: string;
  /** 1-based position of the allocation in the trial's sequence. */
  readonly sequenceNumber: number;
}

const MAX_ARMS = 10;
const MAX_RATIO = 10;

/** Validates a scheme against the trial's arms; every problem names its field. */
export function requireAllocationScheme(scheme: AllocationScheme, armCodes: readonly string[], field = 'scheme'): AllocationScheme {
  if (scheme.arms.length < 2 || scheme.arms.length > MAX_ARMS) reject(InputErrors.OUT_OF_RANGE, `${field}.arms`, `A scheme allocates to 2 to ${MAX_ARMS} arms`);
  const seen = new Set<string>();
  scheme.arms.forEach((a, i) => {
    if (!armCodes.includes(a.armCode)) reject(TrialErrors.ARM_NOT_FOUND, `${field}.arms[${i}].armCode`, `Arm ${a.armCode} is not an arm of the trial`);
    if (seen.has(a.armCode)) reject(InputErrors.DUPLICATE_VALUE, `${field}.arms[${i}].armCode`, `Arm ${a.armCode} is listed twice`);
    seen.add(a.armCode);
    if (!Number.isInteger(a.ratio) || a.ratio < 1 || a.ratio > MAX_RATIO) {
      reject(InputErrors.OUT_OF_RANGE, `${field}.arms[${i}].ratio`, `A ratio is a whole number from 1 to ${MAX_RATIO}`);
    }
  });
  switch (scheme.kind) {
    case 'permuted_blocks':
      if (scheme.blockMultiples.length === 0 || scheme.blockMultiples.some((m) => !Number.isInteger(m) || m < 1 || m > 8)) {
        reject(InputErrors.OUT_OF_RANGE, `${field}.blockMultiples`, 'Block multiples are one or more whole numbers from 1 to 8');
      }
      if (new Set(scheme.stratifyBy).size !== scheme.stratifyBy.length) reject(InputErrors.DUPLICATE_VALUE, `${field}.stratifyBy`, 'A factor is listed twice');
      return scheme;
    case 'minimisation':
      if (scheme.factors.length === 0 || new Set(scheme.factors).size !== scheme.factors.length) {
        reject(InputErrors.FIELD_REQUIRED, `${field}.factors`, 'Minimisation needs one or more distinct factors');
      }
      if (!(scheme.probability > 0.5 && scheme.probability <= 1)) {
        reject(InputErrors.OUT_OF_RANGE, `${field}.probability`, 'The probability of the minimising arm lies in (0.5, 1]');
      }
      return scheme;
  }
}

/** The factor levels a scheme needs, each present and non-empty (FIELD_REQUIRED on `factors.<name>`). */
export function requireFactors(scheme: AllocationScheme, factors: Readonly<Record<string, string>>, field = 'factors'): Record<string, string> {
  const needed = scheme.kind === 'permuted_blocks' ? scheme.stratifyBy : scheme.factors;
  const out: Record<string, string> = {};
  for (const f of needed) {
    const v = factors[f];
    if (typeof v !== 'string' || v.trim().length === 0) reject(InputErrors.FIELD_REQUIRED, `${field}.${f}`, `The scheme needs the level of ${f}`);
    out[f] = v.trim();
  }
  return out;
}

export function stratumOf(stratifyBy: readonly string[], factors: Readonly<Record<string, string>>): string {
  return stratifyBy.length === 0 ? 'all' : stratifyBy.map((f) => `${f}=${factors[f] ?? ''}`).join('|');
}

/**
 * The next allocation under `scheme`, given every earlier allocation of the trial (in sequence order) and the
 * subject's factor levels. Deterministic in (scheme, history, factors, draw): replaying the trial's allocations with
 * the same draws reproduces every arm.
 */
export function allocate(
  scheme: AllocationScheme,
  history: readonly Allocation[],
  subjectId: string,
  factors: Readonly<Record<string, string>>,
  draw: Draw,
): Allocation {
  const levels = requireFactors(scheme, factors);
  const sequenceNumber = history.length + 1;
  switch (scheme.kind) {
    case 'permuted_blocks': {
      const stratum = stratumOf(scheme.stratifyBy, levels);
      const position = history.reduce((n, a) => (a.stratum === stratum ? n + 1 : n), 0);
      return { subjectId, armCode: permutedBlockArm(scheme, stratum, position, draw), factors: levels, stratum, sequenceNumber };
    }
    case 'minimisation':
      return { subjectId, armCode: minimisationArm(scheme, history, levels, sequenceNumber, draw), factors: levels, stratum: 'all', sequenceNumber };
  }
}

/**
 * The arm at 0-based `position` of a stratum's sequence: blocks follow one another, each of a size drawn from the
 * allowed multiples, holding every arm ratio × multiple times in a random order (Fisher–Yates on the draws).
 */
export function permutedBlockArm(scheme: Extract<AllocationScheme, { kind: 'permuted_blocks' }>, stratum: string, position: number, draw: Draw): string {
  const perMultiple = scheme.arms.reduce((sum, a) => sum + a.ratio, 0);
  let start = 0;
  for (let block = 0; ; block++) {
    const multiple = scheme.blockMultiples[Math.floor(draw(`${stratum}|block ${block}|size`) * scheme.blockMultiples.length)] as number;
    const size = perMultiple * multiple;
    if (position < start + size) {
      const cells = scheme.arms.flatMap((a) => new Array<string>(a.ratio * multiple).fill(a.armCode));
      // Only as much of the Fisher–Yates shuffle as fixes the cell asked for (from the end down to it).
      const target = position - start;
      for (let i = cells.length - 1; i >= target && i > 0; i--) {
        const j = Math.floor(draw(`${stratum}|block ${block}|swap ${i}`) * (i + 1));
        [cells[i], cells[j]] = [cells[j] as string, cells[i] as string];
      }
      return cells[target] as string;
    }
    start += size;
  }
}

/**
 * Pocock–Simon minimisation with a random element: for each arm, the imbalance the allocation would leave is the sum
 * over factors of the range of the ratio-adjusted counts (count / ratio) of subjects sharing the new subject's level.
 * With probability `probability` the arm of least imbalance is chosen (ties at random, weighted by ratio); otherwise
 * one of the other arms, weighted by ratio. The first allocation, with nothing to balance, is by ratio.
 */
export function minimisationArm(
  scheme: Extract<AllocationScheme, { kind: 'minimisation' }>,
  history: readonly Allocation[],
  levels: Readonly<Record<string, string>>,
  sequenceNumber: number,
  draw: Draw,
): string {
  const arms = scheme.arms;
  const counts = scheme.factors.map((f) => {
    const c = new Map<string, number>(arms.map((a) => [a.armCode, 0]));
    for (const h of history) if (h.factors[f] === levels[f] && c.has(h.armCode)) c.set(h.armCode, (c.get(h.armCode) as number) + 1);
    return c;
  });
  const imbalance = arms.map((candidate) =>
    counts.reduce((sum, c) => {
      const adjusted = arms.map((a) => ((c.get(a.armCode) as number) + (a.armCode === candidate.armCode ? 1 : 0)) / a.ratio);
      return sum + Math.max(...adjusted) - Math.min(...adjusted);
    }, 0),
  );
  const least = Math.min(...imbalance);
  const best = arms.filter((_, i) => (imbalance[i] as number) - least < 1e-12);
  const others = arms.filter((_, i) => (imbalance[i] as number) - least >= 1e-12);
  const label = `allocation ${sequenceNumber}`;
  const pool = others.length === 0 || draw(`${label}|follow`) < scheme.probability ? best : others;
  return weighted(pool, draw(`${label}|arm`));
}

function weighted(arms: readonly ArmRatio[], u: number): string {
  const total = arms.reduce((s, a) => s + a.ratio, 0);
  let x = u * total;
  for (const a of arms) {
    if (x < a.ratio) return a.armCode;
    x -= a.ratio;
  }
  return (arms.at(-1) as ArmRatio).armCode;
}
