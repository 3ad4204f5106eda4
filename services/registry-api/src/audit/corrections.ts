import { canonicalJson, type JsonObject, type JsonValue } from '#event-store';

export interface FieldChange {
  readonly field: string;
  readonly previous: string | null;
  readonly new: string | null;
}

interface StreamEvent {
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
}

/** Bookkeeping fields of a correction, not values of the corrected record. */
const NOT_VALUES = new Set(['reason', 'correctedAt', 'previous', 'previousResult', 'plausibilityOverrideReason', 'occurredAtOfCorrection']);

export function isCorrection(type: string): boolean {
  return /Corrected$/.test(type);
}

/** The ids that name the corrected record (measurementId, outcomeId, …): string fields ending in "Id". */
function recordKey(data: JsonObject): [string, string][] {
  return Object.entries(data).filter((e): e is [string, string] => /Id$/.test(e[0]) && typeof e[1] === 'string');
}

const json = (v: JsonValue | undefined): string | null => (v === undefined ? null : canonicalJson(v));

/**
 * Previous and new values of every correction in one stream (events in revision order). The previous value is
 * what the stream said before — folded from the record's first event and any earlier corrections of it — not
 * what the correction event claims it was, so an auditor sees the registry's own earlier state.
 */
export function describeCorrections(events: readonly StreamEvent[]): Map<string, FieldChange[]> {
  const result = new Map<string, FieldChange[]>();
  events.forEach((event, index) => {
    if (!isCorrection(event.type)) return;
    const key = recordKey(event.data);
    const state: Record<string, JsonValue> = {};
    for (const earlier of events.slice(0, index)) {
      if (key.length > 0 && key.every(([k, v]) => earlier.data[k] === v)) Object.assign(state, earlier.data);
    }
    const changes: FieldChange[] = [];
    for (const [field, value] of Object.entries(event.data)) {
      if (NOT_VALUES.has(field) || key.some(([k]) => k === field)) continue;
      const before = json(state[field]);
      const after = json(value);
      if (before !== after) changes.push({ field, previous: before, new: after });
    }
    result.set(event.id, changes);
  });
  return result;
}
