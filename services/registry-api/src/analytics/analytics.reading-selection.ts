import { ACCEPTED_READING_POLICIES, type AcceptedReadingPolicy, type ReadingSelection } from '#domain';
import { ApiError } from '../graphql/error-mapping.js';

// The pure core (candidates, resolution, provenance) is libs/domain's (recist/reading-selection.ts): the RECIST
// mapping of the exports needs it too. Re-exported so the analyses keep one import.
export {
  ACCEPTED_READING_POLICIES,
  describeSelection,
  isCandidate,
  provenanceOf,
  resolveReadings,
  type AcceptedReadingPolicy,
  type RaterKind,
  type ReadingCandidate,
  type ReadingProvenance,
  type ReadingSelection,
} from '#domain';

/**
 * Which readings an analysis reads: the one mechanism behind every analysis (validation study index test, each side
 * of an agreement, the algorithm version of surveillance, the RECIST reader). A subject may carry readings of the
 * same thing by several raters (a reader, an AI algorithm version, a second reader); an analysis that picked one of
 * them by id order, or mixed them, would change its result with ids and silently compare different instruments. So
 * the caller names exactly one rater, or the adjudicated reading under a stated policy, and a unit of analysis with
 * two candidate readings under that choice is refused (AMBIGUOUS_READING) instead of resolved by a hidden rule.
 */

/** The GraphQL input (graphql/analytics.graphql `ReadingSelectionInput`): exactly one field. */
export interface ReadingSelectionInput {
  readonly algorithmVersionId?: string | null;
  readonly readerId?: string | null;
  readonly accepted?: AcceptedReadingPolicy | null;
}

/** Parses the input of `field` into a selection; anything but exactly one choice is INVALID_READING_SELECTION. */
export function readingSelection(input: ReadingSelectionInput | null | undefined, field: string): ReadingSelection {
  const given = (v: unknown): boolean => v !== undefined && v !== null;
  const choices = input ? [given(input.algorithmVersionId), given(input.readerId), given(input.accepted)].filter(Boolean).length : 0;
  if (!input || choices !== 1) {
    throw new ApiError(
      'INVALID_READING_SELECTION',
      `${field} must name exactly one of: algorithmVersionId (an AI algorithm version), readerId (a human reader) or accepted (the adjudicated reading, ACCEPTED or ACCEPTED_OR_ONLY); got ${choices}`,
      field,
    );
  }
  const nonEmpty = (v: string, sub: string): string => {
    if (v.trim().length === 0) throw new ApiError('INVALID_READING_SELECTION', `${field}.${sub} must not be empty`, `${field}.${sub}`);
    return v;
  };
  if (given(input.algorithmVersionId)) return { kind: 'algorithm', algorithmVersionId: nonEmpty(input.algorithmVersionId as string, 'algorithmVersionId') };
  if (given(input.readerId)) return { kind: 'reader', readerId: nonEmpty(input.readerId as string, 'readerId') };
  const policy = input.accepted as AcceptedReadingPolicy;
  if (!ACCEPTED_READING_POLICIES.includes(policy))
    throw new ApiError('INVALID_READING_SELECTION', `${field}.accepted must be one of ${ACCEPTED_READING_POLICIES.join(', ')}`, `${field}.accepted`);
  return { kind: 'accepted', policy };
}

/**
 * The SQL condition of `isCandidate` on a read_model.measurements alias, with its parameters numbered from
 * `firstParam` (always exactly one parameter, so callers can number what follows).
 */
export function readingSql(alias: string, selection: ReadingSelection, firstParam: number): { sql: string; params: unknown[] } {
  const p = `$${firstParam}::text`;
  switch (selection.kind) {
    case 'algorithm':
      return { sql: `(${alias}.method = 'ai' AND ${alias}.algorithm_version_id = ${p})`, params: [selection.algorithmVersionId] };
    case 'reader':
      return { sql: `(${alias}.method <> 'ai' AND ${alias}.reader_id = ${p})`, params: [selection.readerId] };
    case 'accepted':
      // The parameter is the adjudication value a candidate must not have (ACCEPTED: anything but accepted).
      return selection.policy === 'ACCEPTED'
        ? { sql: `(${alias}.adjudication IS NOT DISTINCT FROM ${p})`, params: ['accepted'] }
        : { sql: `(${alias}.adjudication IS DISTINCT FROM ${p})`, params: ['not_accepted'] };
  }
}
