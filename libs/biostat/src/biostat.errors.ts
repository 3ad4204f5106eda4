/** Stable codes for inputs a method cannot answer; callers map them (GraphQL, CLI) without parsing messages. */
export type BiostatErrorCode =
  | 'INSUFFICIENT_DATA'
  | 'UNEQUAL_LENGTHS'
  | 'INVALID_LABEL'
  | 'INVALID_NUMBER'
  | 'INVALID_ARGUMENT'
  | 'NO_VARIATION'
  | 'SINGULAR_MATRIX'
  | 'NOT_CONVERGED'
  | 'INVALID_INPUT'
  | 'UNKNOWN_METHOD';

/**
 * Thrown instead of returning NaN: every result a method returns is a finite number (or an explicit
 * `null` where R reports NA), so any input that would produce NaN is rejected with a code instead.
 */
export class BiostatError extends Error {
  constructor(
    readonly code: BiostatErrorCode,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'BiostatError';
  }
}
