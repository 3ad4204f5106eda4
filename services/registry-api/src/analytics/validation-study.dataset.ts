import type { ReadingProvenance } from './analytics.reading-selection.js';
import type { StudyRow } from './validation-study.statistics.js';

export type EndpointKind = 'BINARY' | 'TIME_TO_EVENT';

export interface EndpointInput {
  readonly kind: EndpointKind;
  /** Outcome types that count as the event (e.g. death; progression and death for PFS). */
  readonly outcomeTypes: readonly string[];
  /** Binary endpoint: event within this many days of the index scan. Time to event: also gives an ROC at the horizon. */
  readonly horizonDays?: number | null;
}

/** One subject as read from the read models. */
export interface SourceRow {
  readonly subjectId: string;
  readonly trialId: string | null;
  readonly programmeId: string | null;
  readonly armCode: string | null;
  readonly siteId: string | null;
  readonly measurementId: string;
  readonly value: number;
  readonly unit: string | null;
  /** The index date (epoch ms): acquisition time of the measured study. */
  readonly measuredMs: number;
  /** First qualifying outcome after the index date (epoch ms). */
  readonly eventMs: number | null;
  /** Latest time the subject is known alive and followed: last outcome of any type or the index date (epoch ms). */
  readonly lastKnownMs: number | null;
  readonly position: string;
  /** The index reading: which measurement, rater and algorithm version the value comes from. */
  readonly reading: ReadingProvenance;
}

export interface DatasetRow extends SourceRow, StudyRow {
  readonly included: boolean;
  readonly exclusionReason: string | null;
}

const DAY_MS = 86_400_000;

/**
 * Derives time, event and label per subject. Time to event: days to the first qualifying outcome, else censored at
 * last known alive. Binary: 1 if the event falls within the horizon, 0 if the subject is known event-free through
 * it, otherwise not evaluable (too short follow-up) and excluded from the binary statistics.
 */
export function buildDataset(rows: readonly SourceRow[], endpoint: EndpointInput): DatasetRow[] {
  const derive = datasetRowOf(endpoint);
  // A plain loop building each row once: this runs over 100,000 subjects per query.
  const out: DatasetRow[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = derive(rows[i] as SourceRow);
  return out;
}

/**
 * The derivation of `buildDataset` for one row at a time, so a caller reading rows off the wire can build each
 * DatasetRow straight away (the source object, passed inline, need not outlive the call).
 */
export function datasetRowOf(endpoint: EndpointInput): (r: SourceRow) => DatasetRow {
  const horizon = endpoint.horizonDays ?? null;
  const survival = endpoint.kind === 'TIME_TO_EVENT';
  return (r) => {
    const eventDays = r.eventMs === null ? null : (r.eventMs - r.measuredMs) / DAY_MS;
    const lastDays = Math.max(0, ((r.lastKnownMs ?? r.measuredMs) - r.measuredMs) / DAY_MS);
    let label: 0 | 1 | null = null;
    if (horizon !== null) {
      if (eventDays !== null && eventDays <= horizon) label = 1;
      else if ((eventDays ?? lastDays) >= horizon) label = 0;
    }
    const included = survival || label !== null;
    return {
      subjectId: r.subjectId,
      trialId: r.trialId,
      programmeId: r.programmeId,
      armCode: r.armCode,
      siteId: r.siteId,
      measurementId: r.measurementId,
      value: r.value,
      unit: r.unit,
      measuredMs: r.measuredMs,
      eventMs: r.eventMs,
      lastKnownMs: r.lastKnownMs,
      position: r.position,
      reading: r.reading,
      time: survival ? (eventDays ?? lastDays) : null,
      event: survival ? (eventDays !== null ? 1 : 0) : null,
      label,
      included,
      exclusionReason: included ? null : `follow-up of ${lastDays.toFixed(0)} days is shorter than the ${horizon} day horizon and no event was recorded`,
    };
  };
}
