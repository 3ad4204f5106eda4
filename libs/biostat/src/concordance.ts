import { BiostatError } from './biostat.errors.js';
import { assertFiniteArray } from './input-checks.js';
import { stableOrder } from './sort-order.js';
import { assertSurvivalData, orderByTime, type SurvivalData } from './survival-input.js';

/**
 * Harrell's C as R's `concordance()` with the default timewt = "n": a pair is comparable when the shorter
 * time is an event (an event tied in time with a censoring counts; two tied events do not); ties in the risk
 * score count one half. `tiedRisk` is R's `tied.x`.
 */
export interface ConcordanceResult {
  readonly concordance: number;
  readonly concordant: number;
  readonly discordant: number;
  readonly tiedRisk: number;
  readonly comparable: number;
}

export interface ConcordanceOptions {
  /** `true` (default) when a higher score predicts an earlier event, as a Cox linear predictor does. */
  readonly higherIsRisk?: boolean;
}

export function concordanceIndex(data: SurvivalData, score: readonly number[], options: ConcordanceOptions = {}): ConcordanceResult {
  assertSurvivalData(data, { score: score.length });
  assertFiniteArray(score, 'score');
  const result = concordanceCounts(data, score, orderByTime(data.time), options.higherIsRisk ?? true);
  if (result === null) {
    throw new BiostatError('INSUFFICIENT_DATA', 'no comparable pairs: concordance needs an event followed by a longer follow-up');
  }
  return result;
}

/**
 * The pair counts behind `concordanceIndex` for validated input and its ascending time order (stable);
 * null when no pair is comparable. Shared with the Cox fit, which has both at hand already.
 */
export function concordanceCounts(data: SurvivalData, score: ArrayLike<number>, timeOrder: Uint32Array, higherIsRisk: boolean): ConcordanceResult | null {
  // Rank-compress the scores so a Fenwick tree counts, among subjects still at risk, how many score lower,
  // equal or higher than an event: O(n log n) rather than all pairs.
  const n = timeOrder.length;
  const byScore = stableOrder(score);
  const rank = new Uint32Array(n);
  let distinct = 0;
  for (let k = 0; k < n; k++) {
    const s = byScore[k] as number;
    if (k === 0 || score[s] !== score[byScore[k - 1] as number]) distinct++;
    rank[s] = distinct;
  }
  const tree = new Float64Array(distinct + 1);
  const add = (r: number): void => {
    for (let i = r; i <= distinct; i += i & -i) tree[i] = (tree[i] as number) + 1;
  };
  const below = (r: number): number => {
    let s = 0;
    for (let i = r; i > 0; i -= i & -i) s += tree[i] as number;
    return s;
  };

  const { time, event } = data;
  let inserted = 0;
  let concordant = 0;
  let discordant = 0;
  let tied = 0;
  for (let end = n; end > 0;) {
    const t = time[timeOrder[end - 1] as number];
    let start = end - 1;
    while (start > 0 && time[timeOrder[start - 1] as number] === t) start--;
    // Censored subjects tied with an event outlived it; tied events are not comparable with each other.
    for (let k = start; k < end; k++) {
      const s = timeOrder[k] as number;
      if (event[s] === 0) {
        add(rank[s] as number);
        inserted++;
      }
    }
    for (let k = start; k < end; k++) {
      const s = timeOrder[k] as number;
      if (event[s] !== 1) continue;
      const r = rank[s] as number;
      const lower = below(r - 1);
      const equal = below(r) - lower;
      const higher = inserted - lower - equal;
      // The event happened first, so it should carry the higher risk.
      concordant += higherIsRisk ? lower : higher;
      discordant += higherIsRisk ? higher : lower;
      tied += equal;
    }
    for (let k = start; k < end; k++) {
      const s = timeOrder[k] as number;
      if (event[s] === 1) {
        add(rank[s] as number);
        inserted++;
      }
    }
    end = start;
  }
  const comparable = concordant + discordant + tied;
  if (comparable === 0) return null;
  return { concordance: (concordant + tied / 2) / comparable, concordant, discordant, tiedRisk: tied, comparable };
}
