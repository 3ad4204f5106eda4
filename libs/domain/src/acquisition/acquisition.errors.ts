export const AcquisitionErrors = {
  /** A parameter that the study's modality does not have (a field strength on a CT). */
  PARAMETER_NOT_FOR_MODALITY: 'PARAMETER_NOT_FOR_MODALITY',
  /** Neither or both of trialId and programmeId. */
  PROTOCOL_SCOPE_REQUIRED: 'PROTOCOL_SCOPE_REQUIRED',
  /** A range with min above max, or a rule that constrains nothing. */
  INVALID_PROTOCOL_RULE: 'INVALID_PROTOCOL_RULE',
  /** Two rules of one protocol for the same modality. */
  DUPLICATE_PROTOCOL_MODALITY: 'DUPLICATE_PROTOCOL_MODALITY',
  /** The correction changes nothing. */
  ACQUISITION_UNCHANGED: 'ACQUISITION_UNCHANGED',
} as const;
export type AcquisitionErrorCode = (typeof AcquisitionErrors)[keyof typeof AcquisitionErrors];
