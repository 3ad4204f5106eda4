import type { Bundle, CapabilityStatement, OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { MeasurementReportItem } from '../model/measurement-report.model.js';
import type { InteropProblem } from '../model/interop.problems.js';
import { fhirIssueType } from './fhir-bundle.mapper.js';
import { REGISTRY_CODE_SYSTEM, UCUM_SYSTEM } from './fhir-codes.js';

// What a FHIR server answers to a Bundle of imaging measurements (pure builders; the API's /fhir routes send them):
// the refusal OperationOutcome with a FHIRPath per issue, the transaction-response Bundle, the CapabilityStatement.

/** The code system of `OperationOutcome.issue.details.coding`: the registry's stable SCREAMING_SNAKE problem codes. */
export const ISSUE_CODE_SYSTEM = 'urn:biomarker-registry:issue-code';

/** One issue of a refusal: a stable code, the FHIRPath of the offending element, the entry it is in (when one). */
export interface FhirIssue {
  readonly code: string;
  readonly expression: string;
  readonly message: string;
  readonly entry?: number;
  readonly type: OperationOutcomeIssue['code'];
}

/**
 * FHIRPath of an interop problem. Mapping problems carry one already; resolution problems are `<entry path>#<field of
 * the neutral item>` (resolve-report.ts) and name the Observation element that field came from, so a client sees
 * `Bundle.entry[3].resource.valueQuantity.code` rather than `…#value.unit`.
 */
export function fhirExpressionOf(problem: InteropProblem, item: MeasurementReportItem | undefined): string {
  const hash = problem.path.indexOf('#');
  if (hash < 0) return problem.path;
  const base = problem.path.slice(0, hash);
  const field = problem.path.slice(hash + 1);
  const valueElement =
    item?.value.kind === 'coded'
      ? 'valueCodeableConcept'
      : item?.value.kind === 'text'
        ? 'valueString'
        : item?.value.kind === 'quantity'
          ? 'valueQuantity'
          : 'value';
  const element = ((): string => {
    switch (field) {
      case 'subject':
        return 'subject';
      case 'study':
        return 'derivedFrom';
      case 'observer':
        return item?.observer.kind === 'person' ? 'performer' : 'device';
      case 'algorithm':
        return 'device';
      case 'concept':
        return 'code';
      case 'value':
        return valueElement;
      case 'value.unit':
        return item?.value.kind === 'quantity' ? 'valueQuantity.code' : valueElement;
      case 'timePoint':
        // The Subject Time Point Identifier (DCM 126070) component, on the Observation or its measurement group.
        return 'component';
      case 'lesion.uid':
      case 'lesionRole':
        return 'identifier';
      default:
        return '';
    }
  })();
  return element ? `${base}.${element}` : base;
}

/** The issues of a refused Bundle: every mapping and resolution problem, in FHIRPath terms, with its entry. */
export function issuesOfProblems(problems: readonly InteropProblem[], items: readonly MeasurementReportItem[]): FhirIssue[] {
  const byEntry = new Map<number, MeasurementReportItem>();
  for (const item of items) if (item.source.kind === 'fhir') byEntry.set(item.source.entry, item);
  return problems.map((p) => ({
    code: p.code,
    expression: fhirExpressionOf(p, p.entry === undefined ? undefined : byEntry.get(p.entry)),
    message: p.message,
    ...(p.entry === undefined ? {} : { entry: p.entry }),
    type: fhirIssueType(p.code),
  }));
}

/** One OperationOutcome listing every issue (error severity), as a FHIR server answers a refused transaction. */
export function refusalOutcome(issues: readonly FhirIssue[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((i): OperationOutcomeIssue => ({
      severity: 'error',
      code: i.type,
      details: { coding: [{ system: ISSUE_CODE_SYSTEM, code: i.code }], text: i.message },
      ...(i.expression ? { expression: [i.expression] } : {}),
    })),
  };
}

/** An informational OperationOutcome (the `outcome` of a transaction-response entry). */
export function informationOutcome(text: string, code?: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'information',
        code: 'informational',
        details: { ...(code ? { coding: [{ system: ISSUE_CODE_SYSTEM, code }] } : {}), text },
      },
    ],
  };
}

export interface TransactionEntryResult {
  /** HTTP status line of the entry: `201 Created`, `200 OK`. */
  readonly status: string;
  readonly location?: string;
  readonly etag?: string;
  readonly lastModified?: string;
  readonly outcome: OperationOutcome;
}

/** The `transaction-response` Bundle: one entry per request entry, in the same order (FHIR R4 §3.1.0.11.4). */
export function transactionResponse(entries: readonly TransactionEntryResult[], id?: string): Bundle {
  return {
    resourceType: 'Bundle',
    ...(id ? { id } : {}),
    type: 'transaction-response',
    entry: entries.map((e) => ({
      response: {
        status: e.status,
        ...(e.location ? { location: e.location } : {}),
        ...(e.etag ? { etag: e.etag } : {}),
        ...(e.lastModified ? { lastModified: e.lastModified } : {}),
        outcome: e.outcome,
      },
    })),
  };
}

export interface CapabilityOptions {
  readonly softwareVersion: string;
  /** When the statement was published (ISO date-time); the server's start is good enough. */
  readonly date: string;
  /** Largest Bundle accepted, in bytes, and most measurements per Bundle. */
  readonly maxBundleBytes: number;
  readonly maxMeasurements: number;
}

/**
 * What the /fhir endpoint supports: R4 (4.0.1), JSON only, Bundles of imaging measurement Observations posted to
 * `/fhir` or `/fhir/Bundle` (transaction, or collection processed as one), no reads or searches (the registry is read
 * through GraphQL). Observation.code: the registry's own code system (catalogue codes) or a coded concept of a
 * catalogue biomarker.
 */
export function capabilityStatement(o: CapabilityOptions): CapabilityStatement {
  const referenced = (type: 'Device' | 'ImagingStudy' | 'Patient' | 'Practitioner', what: string) => ({
    type,
    documentation: `Only inside a posted Bundle, as what a measurement Observation references: ${what}. Not stored as a resource.`,
  });
  return {
    resourceType: 'CapabilityStatement',
    name: 'BiomarkerRegistryFhirImport',
    title: 'Biomarker Registry: imaging measurements in, FHIR R4',
    status: 'active',
    experimental: false,
    date: o.date,
    publisher: 'Biomarker Registry',
    kind: 'instance',
    software: { name: 'Biomarker Registry', version: o.softwareVersion },
    implementation: { description: 'Imaging measurement import (HL7 "DICOM SR to FHIR" shapes): POST /fhir or /fhir/Bundle' },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'application/json'],
    rest: [
      {
        mode: 'server',
        documentation:
          `Post a transaction Bundle (or a collection, processed the same way) of imaging measurement Observations to /fhir or ` +
          `/fhir/Bundle. The Bundle is all or nothing: it is validated (R4 StructureDefinitions), mapped and resolved against the ` +
          `registry, and either every measurement is recorded (transaction-response, 201 per new Observation, 200 for one recorded ` +
          `before) or nothing is (OperationOutcome listing every issue with its FHIRPath; 400 invalid, 422 not acceptable). ` +
          `The same Bundle again records nothing; changed content under the same identifiers is refused. One subject per Bundle, ` +
          `at most ${o.maxMeasurements} measurements and ${o.maxBundleBytes} bytes. Observation.code: system ${REGISTRY_CODE_SYSTEM} ` +
          `with a catalogue biomarker code, or a coded concept (DCM, SNOMED CT, LOINC, RadLex) a catalogue biomarker carries. ` +
          `valueQuantity in UCUM (${UCUM_SYSTEM}), converted to the biomarker's unit. Measurements are read back through GraphQL.`,
        security: {
          cors: false,
          description:
            'Authorization: Bearer <JWT> (the registry tokens of the GraphQL API). Roles that may record measurements ' +
            '(coordinator, reader, admin, …) within their trial, programme and site scope; others get 403.',
        },
        resource: [
          {
            type: 'Bundle',
            interaction: [{ code: 'create', documentation: 'POST /fhir/Bundle: a transaction or collection Bundle, processed as a transaction' }],
          },
          {
            type: 'Observation',
            profile: 'http://hl7.org/fhir/StructureDefinition/Observation',
            documentation:
              'Created only through a posted Bundle. Measurement: code, valueQuantity (UCUM) / valueCodeableConcept / valueString, ' +
              'subject (pseudonym identifier), derivedFrom (ImagingStudy by Study Instance UID), device (the algorithm) or ' +
              'performer (the reader), bodySite, effectiveDateTime, identifier (Observation UID: the idempotency key), ' +
              'component DCM 126070 (time point). Group: hasMember, identifier DCM 112039 / 112040 (lesion tracking), component DCM 121071 (finding).',
          },
          referenced('Device', 'the algorithm (manufacturer, model-name, version), matched to a registered, active algorithm version'),
          referenced('ImagingStudy', "the study (identifier urn:dicom:uid), matched to the subject's registered imaging study"),
          referenced('Patient', 'the subject, by its pseudonym identifier, within your scope'),
          referenced('Practitioner', 'the reader'),
        ],
        interaction: [{ code: 'transaction', documentation: 'POST /fhir with a transaction (or collection) Bundle' }],
      },
    ],
  };
}
