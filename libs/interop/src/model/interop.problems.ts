import type { CodedConcept } from './coded-concept.js';

/**
 * Why a source was refused. Stable SCREAMING_SNAKE codes: the endpoints return them per problem (STOW-RS failure
 * reason, OperationOutcome issue detail, refused-rows CSV) and clients may branch on them.
 */
export const InteropProblems = {
  // ---- reading the container
  NOT_DICOM: 'NOT_DICOM',
  NOT_AN_SR: 'NOT_AN_SR',
  NOT_TID_1500: 'NOT_TID_1500',
  INVALID_JSON: 'INVALID_JSON',
  INVALID_CSV: 'INVALID_CSV',
  FHIR_INVALID_RESOURCE: 'FHIR_INVALID_RESOURCE',
  FHIR_UNSUPPORTED_RESOURCE: 'FHIR_UNSUPPORTED_RESOURCE',
  FHIR_UNRESOLVED_REFERENCE: 'FHIR_UNRESOLVED_REFERENCE',
  // ---- structure and values
  MISSING_ELEMENT: 'MISSING_ELEMENT',
  INVALID_VALUE: 'INVALID_VALUE',
  INVALID_DICOM_UID: 'INVALID_DICOM_UID',
  INVALID_UCUM_UNIT: 'INVALID_UCUM_UNIT',
  INVALID_DATE_TIME: 'INVALID_DATE_TIME',
  AMBIGUOUS_STUDY: 'AMBIGUOUS_STUDY',
  UNKNOWN_COLUMN: 'UNKNOWN_COLUMN',
  // ---- resolution against the registry (resolve/)
  UNMAPPED_CONCEPT: 'UNMAPPED_CONCEPT',
  UNKNOWN_ALGORITHM: 'UNKNOWN_ALGORITHM',
  UNKNOWN_READER: 'UNKNOWN_READER',
  UNKNOWN_SUBJECT: 'UNKNOWN_SUBJECT',
  UNKNOWN_IMAGING_STUDY: 'UNKNOWN_IMAGING_STUDY',
  UNIT_NOT_CONVERTIBLE: 'UNIT_NOT_CONVERTIBLE',
  VALUE_KIND_MISMATCH: 'VALUE_KIND_MISMATCH',
  UNKNOWN_CATEGORY: 'UNKNOWN_CATEGORY',
  IMPLAUSIBLE_VALUE: 'IMPLAUSIBLE_VALUE',
  DUPLICATE_IDEMPOTENCY_KEY: 'DUPLICATE_IDEMPOTENCY_KEY',
} as const;
export type InteropProblemCode = (typeof InteropProblems)[keyof typeof InteropProblems];

/** One reason to refuse, with where it is: every problem of a source is listed, not only the first. */
export interface InteropProblem {
  readonly code: InteropProblemCode;
  /**
   * Where, in the source's own terms: a DICOM content item position ("1.4.2.3", dsrdump's numbering) or attribute
   * keyword ("CurrentRequestedProcedureEvidenceSequence"), a FHIRPath (`Bundle.entry[2].resource.valueQuantity`),
   * or a CSV/NDJSON column name.
   */
  readonly path: string;
  /** CSV/NDJSON data row (1-based), FHIR entry index: present when the source has them. */
  readonly row?: number;
  readonly entry?: number;
  /** The concept concerned (the measurement's concept name, the unmapped code). */
  readonly concept?: CodedConcept;
  readonly message: string;
}

/** Collects problems during a single pass; mappers never throw for bad input. */
export class ProblemList {
  readonly problems: InteropProblem[] = [];

  add(problem: InteropProblem): void {
    this.problems.push(problem);
  }

  get empty(): boolean {
    return this.problems.length === 0;
  }
}

export function formatConcept(concept: CodedConcept): string {
  return `(${concept.value}, ${concept.scheme}, "${concept.meaning}")`;
}
