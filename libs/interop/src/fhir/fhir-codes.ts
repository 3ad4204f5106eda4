import type { CodeableConcept, Coding } from '@medplum/fhirtypes';
import type { CodedConcept } from '../model/measurement-report.model.js';
import { REGISTRY_CODE_SCHEME } from '../rows/measurement-row.columns.js';

/**
 * The registry's own code system: `Observation.code` with this system and a catalogue biomarker's `code` names that
 * biomarker (scheme REGISTRY, as a CSV row without biomarker_scheme), for AI tools configured against this registry
 * rather than emitting DICOM / SNOMED / LOINC concepts.
 */
export const REGISTRY_CODE_SYSTEM = 'urn:biomarker-registry:biomarker-code';

/**
 * FHIR code system URIs ↔ DICOM Coding Scheme Designators (PS3.16 Table 8-1), so a concept has one spelling in the
 * neutral model whichever format carried it. Unknown systems stay as their URI (the catalogue may use it as scheme).
 */
export const SYSTEM_TO_SCHEME: Readonly<Record<string, string>> = {
  'http://dicom.nema.org/resources/ontology/DCM': 'DCM',
  'http://snomed.info/sct': 'SCT',
  'http://loinc.org': 'LN',
  'http://radlex.org': 'RADLEX',
  'http://www.radlex.org': 'RADLEX',
  'http://unitsofmeasure.org': 'UCUM',
  'http://terminology.hl7.org/CodeSystem/umls': 'UMLS',
  'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl': 'NCIt',
  [REGISTRY_CODE_SYSTEM]: REGISTRY_CODE_SCHEME,
};
export const SCHEME_TO_SYSTEM: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(SYSTEM_TO_SCHEME)
    .filter(([system]) => system !== 'http://www.radlex.org')
    .map(([system, scheme]) => [scheme, system]),
);
export const UCUM_SYSTEM = 'http://unitsofmeasure.org';
export const DICOM_UID_SYSTEM = 'urn:dicom:uid';

export function schemeOf(system: string | undefined, systems: Readonly<Record<string, string>> = SYSTEM_TO_SCHEME): string | null {
  if (!system) return null;
  return systems[system] ?? SYSTEM_TO_SCHEME[system] ?? system;
}

export function codingToConcept(coding: Coding | undefined, systems?: Readonly<Record<string, string>>): CodedConcept | null {
  const scheme = schemeOf(coding?.system, systems);
  if (!coding?.code || !scheme) return null;
  return { scheme, value: coding.code, meaning: coding.display ?? '' };
}

/** The first coding with a system and a code (a CodeableConcept may carry several translations). */
export function conceptOf(cc: CodeableConcept | undefined, systems?: Readonly<Record<string, string>>): CodedConcept | null {
  for (const coding of cc?.coding ?? []) {
    const c = codingToConcept(coding, systems);
    if (c) return c;
  }
  return null;
}

export function hasCoding(cc: CodeableConcept | undefined, scheme: string, code: string): boolean {
  return (cc?.coding ?? []).some((c) => schemeOf(c.system) === scheme && c.code === code);
}

/** `urn:oid:1.2.3` (how FHIR writes DICOM UIDs) → `1.2.3`; a bare UID is accepted as is. */
export function uidOf(value: string | undefined): string | null {
  if (!value) return null;
  return value.startsWith('urn:oid:') ? value.slice('urn:oid:'.length) : value;
}
