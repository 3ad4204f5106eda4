import { BiostatError } from './biostat.errors.js';
import { assertFiniteArray } from './input-checks.js';
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
  const higherIsRisk = options.higherIsRisk ?? true;

  // Rank-compress the scores so a Fenwick tree counts, among subjects still at risk, how many score lower,
  // equal or higher than an event: O(n log n) rather than all pairs.
  const distinct = [...new Set(score)].sort((a, b) => a - b);
  const rank = new Map(distinct.map((v, i) => [v, i + 1]));
  const tree = new Float64Array(distinct.length + 1);
  const add = (r: number): void => {
    for (let i = r; i < tree.length; i += i & -i) tree[i] = (tree[i] as number) + 1;
  };
  const below = (r: number): number => {
    let s = 0;
    for (let i = r; i > 0; i -= i & -i) s += tree[i] as number;
    return s;
  };

  const order = orderByTime(data.time);
  let inserted = 0;
  let concordant = 0;
  let discordant = 0;
  let tied = 0;
  for (let end = order.length; end > 0; ) {
    const t = data.time[order[end - 1] as number];
    let start = end - 1;
    while (start > 0 && data.time[order[start - 1] as number] === t) start--;
    const group = order.slice(start, end);
    // Censored subjects tied with an event outlived it; tied events are not comparable with each other.
    for (const s of group) {
      if (data.event[s] === 0) {
        add(rank.get(score[s] as number) as number);
        inserted++;
      }
    }
    for (const s of group) {
      if (data.event[s] !== 1) continue;
      const r = rank.get(score[s] as number) as number;
      const lower = below(r - 1);
      const equal = below(r) - lower;
      const higher = inserted - lower - equal;
      // The event happened first, so it should carry the higher risk.
      concordant += higherIsRisk ? lower : higher;
      discordant += higherIsRisk ? higher : lower;
      tied += equal;
    }
    for (const s of group) {
      if (data.event[s] === 1) {
        add(rank.get(score[s] as number) as number);
        inserted++;
      }
    }
    end = start;
  }
  const comparable = concordant + discordant + tied;
  if (comparable === 0) {
    throw new BiostatError('INSUFFICIENT_DATA', 'no comparable pairs: concordance needs an event followed by a longer follow-up');
  }
  return { concordance: (concordant + tied / 2) / comparable, concordant, discordant, tiedRisk: tied, comparable };
}
