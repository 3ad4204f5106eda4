import { BiostatError } from './biostat.errors.js';
import { chiSquareUpperP } from './distributions.js';
import { cholesky, choleskySolve } from './linear-algebra.js';
import { assertSurvivalData, orderByTime, type SurvivalData } from './survival-input.js';

export type GroupLabel = string | number;

export interface LogRankGroup {
  readonly group: GroupLabel;
  readonly n: number;
  readonly observed: number;
  readonly expected: number;
}

/** As R's `survdiff(Surv(time, event) ~ group)` (rho = 0). */
export interface LogRankResult {
  readonly chisq: number;
  readonly df: number;
  readonly p: number;
  readonly groups: LogRankGroup[];
}

export interface LogRankInput extends SurvivalData {
  readonly group: readonly GroupLabel[];
}

export function logRank(input: LogRankInput): LogRankResult {
  assertSurvivalData(input, { group: input.group.length });
  const labels = sortedLabels(input.group);
  if (labels.length < 2) {
    throw new BiostatError('INSUFFICIENT_DATA', `the log-rank test needs at least two groups, got ${labels.length}`);
  }
  const k = labels.length;
  const index = new Map<GroupLabel, number>(labels.map((g, i) => [g, i]));
  const g = input.group.map((label) => index.get(label) as number);

  const order = orderByTime(input.time);
  // Flat typed arrays (variance is k×k, row-major) for the loop that runs once per distinct time.
  const atRisk = new Float64Array(k);
  for (const gi of g) atRisk[gi] = (atRisk[gi] as number) + 1;
  const size = Array.from(atRisk);
  const observed = new Float64Array(k);
  const expected = new Float64Array(k);
  const variance = new Float64Array(k * k);
  const deaths = new Float64Array(k);
  const leaving = new Float64Array(k);
  let total = order.length;

  for (let i = 0; i < order.length;) {
    const t = input.time[order[i] as number];
    for (let a = 0; a < k; a++) {
      deaths[a] = 0;
      leaving[a] = 0;
    }
    let d = 0;
    let j = i;
    while (j < order.length && input.time[order[j] as number] === t) {
      const s = order[j] as number;
      const gs = g[s] as number;
      leaving[gs] = (leaving[gs] as number) + 1;
      if (input.event[s] === 1) {
        deaths[gs] = (deaths[gs] as number) + 1;
        d++;
      }
      j++;
    }
    if (d > 0) {
      const n = total;
      const hyper = n > 1 ? (d * (n - d)) / (n - 1) : 0;
      for (let a = 0; a < k; a++) {
        const na = atRisk[a] as number;
        observed[a] = (observed[a] as number) + (deaths[a] as number);
        expected[a] = (expected[a] as number) + (d * na) / n;
        for (let b = 0; b < k; b++) {
          const nb = atRisk[b] as number;
          variance[a * k + b] = (variance[a * k + b] as number) + hyper * (na / n) * ((a === b ? 1 : 0) - nb / n);
        }
      }
    }
    for (let a = 0; a < k; a++) atRisk[a] = (atRisk[a] as number) - (leaving[a] as number);
    total -= j - i;
    i = j;
  }

  // As survdiff: drop groups with nothing expected, then the first remaining one (the statistic is invariant).
  const kept = labels.map((_, i) => i).filter((i) => (expected[i] as number) > 0);
  if (kept.length < 2) {
    throw new BiostatError('INSUFFICIENT_DATA', 'the log-rank test needs events while at least two groups are at risk');
  }
  const use = kept.slice(1);
  const diff = use.map((i) => (observed[i] as number) - (expected[i] as number));
  const v = use.map((a) => use.map((b) => variance[a * k + b] as number));
  const solved = choleskySolve(cholesky(v, 'the log-rank variance matrix'), diff);
  const chisq = Math.max(
    0,
    diff.reduce((acc, x, i) => acc + x * (solved[i] as number), 0),
  );
  const df = kept.length - 1;
  return {
    chisq,
    df,
    p: chiSquareUpperP(chisq, df),
    groups: labels.map((group, i) => ({
      group,
      n: size[i] as number,
      observed: observed[i] as number,
      expected: expected[i] as number,
    })),
  };
}

/** Distinct labels, numbers ascending before strings in code-point order (R sorts factor levels likewise). */
export function sortedLabels(labels: readonly GroupLabel[]): GroupLabel[] {
  const distinct = [...new Set(labels)];
  for (const l of distinct) {
    if (typeof l === 'number' ? !Number.isFinite(l) : typeof l !== 'string') {
      throw new BiostatError('INVALID_LABEL', `group label ${String(l)} is neither a finite number nor a string`);
    }
  }
  return distinct.sort((a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (typeof a === 'number') return -1;
    if (typeof b === 'number') return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}
