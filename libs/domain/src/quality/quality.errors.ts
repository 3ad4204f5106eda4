export const DataQualityErrors = {
  /** Neither or both of trialId and programmeId. */
  DATA_QUALITY_SCOPE_REQUIRED: 'DATA_QUALITY_SCOPE_REQUIRED',
  /** A visit-based rule (required measurement, visit window) on a programme, which has no visit schedule. */
  RULE_KIND_NEEDS_TRIAL: 'RULE_KIND_NEEDS_TRIAL',
  /** The expression is not valid JSON or not a json-logic expression. */
  INVALID_RULE_EXPRESSION: 'INVALID_RULE_EXPRESSION',
  /** A range rule needs at least one bound, and min ≤ max. */
  INVALID_RULE_RANGE: 'INVALID_RULE_RANGE',
  DATA_QUALITY_RULE_EXISTS: 'DATA_QUALITY_RULE_EXISTS',
  DATA_QUALITY_RULE_NOT_FOUND: 'DATA_QUALITY_RULE_NOT_FOUND',
  DATA_QUALITY_RULE_RETIRED: 'DATA_QUALITY_RULE_RETIRED',
  /** The change names a different trial or programme than the rule's. */
  DATA_QUALITY_SCOPE_MISMATCH: 'DATA_QUALITY_SCOPE_MISMATCH',
  DATA_QUERY_NOT_FOUND: 'DATA_QUERY_NOT_FOUND',
  /** The query's state does not allow the step (e.g. answering a closed query, reopening an open one). */
  DATA_QUERY_INVALID_TRANSITION: 'DATA_QUERY_INVALID_TRANSITION',
} as const;
export type DataQualityErrorCode = (typeof DataQualityErrors)[keyof typeof DataQualityErrors];
