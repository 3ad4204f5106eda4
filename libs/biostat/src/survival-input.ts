import { BiostatError } from './biostat.errors.js';
import { stableOrder } from './sort-order.js';
import { assertBinary, assertFiniteArray, assertNonNegative, assertSameLength } from './input-checks.js';

/** Right-censored survival data: `event[i]` is 1 when subject i had the event at `time[i]`, 0 when censored. */
export interface SurvivalData {
  readonly time: readonly number[];
  readonly event: readonly number[];
}

export function assertSurvivalData(data: SurvivalData, extra: Readonly<Record<string, number>> = {}): void {
  assertSameLength({ time: data.time.length, event: data.event.length, ...extra });
  if (data.time.length === 0) throw new BiostatError('INSUFFICIENT_DATA', 'no observations');
  assertFiniteArray(data.time, 'time');
  assertNonNegative(data.time, 'time');
  assertBinary(data.event, 'event');
}

/** Indices of the subjects sorted by ascending time (stable: ties in index order). */
export function orderByTime(time: readonly number[]): Uint32Array {
  return stableOrder(time);
}
