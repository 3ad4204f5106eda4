import { reject } from '../domain.errors.js';

/**
 * Which readings an analysis reads (the pure core; the API parses its GraphQL input into a `ReadingSelection` and
 * adds the SQL twin). A subject may carry readings of the same thing by several raters (a reader, an AI algorithm
 * version, a second reader); an analysis that picked one of them by id order, or mixed them, would change its result
 * with ids and silently compare different instruments. So the caller names exactly one rater, or the adjudicated
 * reading under a stated policy, and a unit of analysis with two candidate readings under that choice is refused
 * (AMBIGUOUS_READING) instead of resolved by a hidden rule. Here, in libs/domain, because the RECIST mapping needs it
 * both in the API's analytics and in the export builders' input (architecture.md §2: pure code two deployables share).
 */

/** How the adjudicated reading (acceptMeasurementReading) is chosen. */
export type AcceptedReadingPolicy = 'ACCEPTED' | 'ACCEPTED_OR_ONLY';
export const ACCEPTED_READING_POLICIES: readonly AcceptedReadingPolicy[] = ['ACCEPTED', 'ACCEPTED_OR_ONLY'];

export const ReadingErrors = { AMBIGUOUS_READING: 'AMBIGUOUS_READING' } as const;

export type ReadingSelection =
  | { readonly kind: 'algorithm'; readonly algorithmVersionId: string }
  | { readonly kind: 'reader'; readonly readerId: string }
  | { readonly kind: 'accepted'; readonly policy: AcceptedReadingPolicy };

/** What a reading must tell about itself to be selected (a read-model row or a folded event). */
export interface ReadingCandidate {
  readonly measurementId: string;
  readonly method: string;
  readonly algorithmVersionId: string | null;
  readonly readerId: string | null;
  /** 'accepted' / 'not_accepted' after acceptMeasurementReading, null when never adjudicated. */
  readonly adjudication: string | null;
}

export type RaterKind = 'AI' | 'READER';

/** Which reading an analysis used (returned beside every value, so a result can be traced to its rater). */
export interface ReadingProvenance {
  readonly measurementId: string;
  readonly raterKind: RaterKind;
  readonly method: string;
  readonly readerId: string | null;
  readonly algorithmVersionId: string | null;
  readonly adjudication: 'ACCEPTED' | 'NOT_ACCEPTED' | null;
}

/**
 * Whether a reading is a candidate under the selection (the API's `readingSql` is its SQL twin).
 * - An algorithm version's readings are its AI outputs only: a semi-automatic reading names the tool that assisted
 *   a reader, but it is the reader's reading.
 * - A reader's readings are their manual and semi-automatic ones: an AI output uploaded by a reader carries the
 *   reader's id, but the rater is the algorithm.
 * - Adjudication does not remove a rater's own readings: the algorithm's performance is that of all its outputs.
 */
export function isCandidate(selection: ReadingSelection, r: ReadingCandidate): boolean {
  switch (selection.kind) {
    case 'algorithm':
      return r.method === 'ai' && r.algorithmVersionId === selection.algorithmVersionId;
    case 'reader':
      return r.method !== 'ai' && r.readerId === selection.readerId;
    case 'accepted':
      return selection.policy === 'ACCEPTED' ? r.adjudication === 'accepted' : r.adjudication !== 'not_accepted';
  }
}

/**
 * One reading per unit of analysis (a subject, a study × lesion, a lesion × time point). Under ACCEPTED_OR_ONLY a
 * unit with an accepted reading keeps only that; one never adjudicated keeps its only reading. Two or more left is
 * AMBIGUOUS_READING with `field` (the selection's input) and the unit and readings in `details`.
 * `candidates` must already satisfy `isCandidate` (the SQL filtered them, or the caller did).
 */
export function resolveReadings<T extends ReadingCandidate>(
  candidates: Iterable<T>,
  unitOf: (c: T) => string,
  selection: ReadingSelection,
  field: string,
): Map<string, T> {
  const byUnit = new Map<string, T[]>();
  for (const c of candidates) {
    const unit = unitOf(c);
    const list = byUnit.get(unit);
    if (list) list.push(c);
    else byUnit.set(unit, [c]);
  }
  const chosen = new Map<string, T>();
  for (const [unit, list] of byUnit) {
    let left = list;
    if (selection.kind === 'accepted' && selection.policy === 'ACCEPTED_OR_ONLY' && list.length > 1) {
      const accepted = list.filter((c) => c.adjudication === 'accepted');
      if (accepted.length > 0) left = accepted;
    }
    if (left.length > 1) {
      const ids = left.map((c) => c.measurementId).sort();
      reject(
        ReadingErrors.AMBIGUOUS_READING,
        field,
        `${left.length} readings of ${unit} match ${describeSelection(selection)} (${ids.join(', ')}): choose a single rater, or adjudicate them with acceptMeasurementReading`,
        { unit, measurementIds: ids },
      );
    }
    chosen.set(unit, left[0] as T);
  }
  return chosen;
}

export function provenanceOf(r: ReadingCandidate): ReadingProvenance {
  return {
    measurementId: r.measurementId,
    raterKind: r.method === 'ai' ? 'AI' : 'READER',
    method: r.method,
    readerId: r.readerId,
    algorithmVersionId: r.algorithmVersionId,
    adjudication: r.adjudication === 'accepted' ? 'ACCEPTED' : r.adjudication === 'not_accepted' ? 'NOT_ACCEPTED' : null,
  };
}

export function describeSelection(selection: ReadingSelection): string {
  switch (selection.kind) {
    case 'algorithm':
      return `algorithm version ${selection.algorithmVersionId}`;
    case 'reader':
      return `reader ${selection.readerId}`;
    case 'accepted':
      return selection.policy === 'ACCEPTED' ? 'the accepted reading' : 'the accepted reading, else the only one';
  }
}
