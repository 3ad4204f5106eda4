/** A coded concept as DICOM and FHIR both carry it: (scheme, value, meaning), e.g. (DCM, 112039, "Tracking Identifier"). */
export interface CodedConcept {
  /** DICOM Coding Scheme Designator (DCM, SCT, LN, RADLEX, UCUM…); for FHIR the system URI is mapped to it (see codes). */
  readonly scheme: string;
  readonly value: string;
  readonly meaning: string;
}
