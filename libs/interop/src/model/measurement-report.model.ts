import type { CodedConcept } from './coded-concept.js';
import type { InteropProblem } from './interop.problems.js';

export type { CodedConcept } from './coded-concept.js';

/**
 * The neutral model of what a measurement report says, whatever carried it: a DICOM SR TID 1500 document, a FHIR R4
 * Bundle of imaging measurement Observations, or the rows of a CSV/NDJSON file. The three mappers in libs/interop
 * produce it; `resolveMeasurementReport` (resolve/) turns it into registry commands against a `RegistryResolver`.
 *
 * Nothing here is resolved yet: codes, UIDs, names and pseudonyms are as the source wrote them.
 */

/** Where a fact was found in its source, for error reports and for the idempotency key. */
export type SourceLocation =
  /** DICOM SR: content item position as dcmtk's dsrdump numbers it (root container "1", its first child "1.1"). */
  | { readonly kind: 'dicom-sr'; readonly path: string }
  /** FHIR: the entry index and a FHIRPath-like expression (`Bundle.entry[3].resource.valueQuantity.unit`). */
  | { readonly kind: 'fhir'; readonly entry: number; readonly path: string }
  /** CSV/NDJSON: the 1-based data row number (the CSV header is row 0; an NDJSON file's first line is row 1). */
  | { readonly kind: 'row'; readonly row: number; readonly path: string };

/** Who made the observation: DICOM TID 1002 (person) or TID 1004 (device), FHIR performer / device, CSV reader / algorithm columns. */
export type Observer =
  | {
      readonly kind: 'person';
      /** DICOM PN (family^given…) or a display name; `loginName` / `id` identify the reader better when present. */
      readonly name: string | null;
      readonly id: string | null;
      readonly organization: string | null;
    }
  | {
      readonly kind: 'device';
      /** Device Observer UID (121012). */
      readonly uid: string | null;
      readonly name: string | null;
      readonly manufacturer: string | null;
      readonly modelName: string | null;
      /** Algorithm Version (111003) of TID 4019, else the SR's Software Versions (0018,1020), else FHIR Device.version. */
      readonly softwareVersion: string | null;
      /** Algorithm Name (111001) of TID 4019 when given. */
      readonly algorithmName: string | null;
      /** A registry algorithm version id when the source names it directly (CSV `algorithm_version_id`). */
      readonly algorithmVersionId: string | null;
    };

/** The subject as the source names it: a pseudonym (DICOM Patient ID, FHIR subject identifier) or a registry id. */
export type SubjectReference = { readonly kind: 'pseudonym'; readonly pseudonym: string } | { readonly kind: 'id'; readonly subjectId: string };

/** The imaging study measured on. */
export interface ImagingStudyReference {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string | null;
  /** Referenced SOP Instance UIDs (the images or segmentation the group points at), informational. */
  readonly sopInstanceUids: readonly string[];
}

/** Quantity (NUM content item, valueQuantity, value+unit columns) or a coded/qualitative value (CODE item, valueCodeableConcept). */
export type MeasuredValue =
  | { readonly kind: 'quantity'; readonly value: number; readonly unit: string; readonly unitMeaning: string | null }
  | { readonly kind: 'coded'; readonly code: CodedConcept }
  /** CSV `category` column / FHIR valueString when the biomarker is categorical and the source has no code. */
  | { readonly kind: 'text'; readonly text: string };

export interface LesionTracking {
  /** Tracking Identifier (112039): a human label, e.g. "Nodule 1"; may be any text (dcmjs's high-level helpers refuse some). */
  readonly label: string | null;
  /** Tracking Unique Identifier (112040): the lesion's identity across time points (SDTM TULNKID). */
  readonly uid: string | null;
}

/** One measurement of one biomarker: what becomes one RecordMeasurement. */
export interface MeasurementReportItem {
  /**
   * Stable key: DICOM SR `<SOP Instance UID>/<Observation UID>` (or `<SOP Instance UID>/<content item path>` when the
   * item has no Observation UID), FHIR `<Observation identifier or fullUrl>`, rows `<file key>#<row content hash>`.
   * The same source twice gives the same keys; the API derives the measurement id from it.
   */
  readonly idempotencyKey: string;
  readonly source: SourceLocation;
  readonly subject: SubjectReference;
  readonly study: ImagingStudyReference;
  readonly observer: Observer;
  /** The measured concept: NUM/CODE concept name, Observation.code, the CSV biomarker code. */
  readonly concept: CodedConcept;
  readonly value: MeasuredValue;
  readonly lesion: LesionTracking | null;
  /** Finding (121071), e.g. (SCT 108369006 "Neoplasm"). */
  readonly finding: CodedConcept | null;
  /** Finding Site (363698007), FHIR bodySite, CSV finding_site. */
  readonly findingSite: CodedConcept | null;
  /** Subject Time Point Identifier (126070) / Time Point (C2348792), FHIR extension or CSV time_point; the registry's visit label. */
  readonly timePoint: string | null;
  /** Derivation (121401), e.g. (SCT 56851009 "Maximum"). */
  readonly derivation: CodedConcept | null;
  /** Measurement Method (370129005) as the source codes it (not the registry's manual/semi_automatic/ai). */
  readonly method: CodedConcept | null;
  /** Which template the group followed (TID 1410 / 1411 / 1501), FHIR group Observation id, or null. */
  readonly group: { readonly template: string | null; readonly key: string | null } | null;
  /** Observation DateTime (0040,A032), FHIR effectiveDateTime, CSV occurred_at: ISO-8601, or null. */
  readonly occurredAt: string | null;
  /** CSV `lesion_role` (target / non_target / new); null elsewhere (TID 1500 does not say it). */
  readonly lesionRole: string | null;
  /**
   * TID 4019 Algorithm Identification on the measurement (111001 name, 111003 version, 111002 parameters). With a
   * person observer it makes the measurement semi-automatic; with a device observer it names the device's version.
   * `versionId` is a registry algorithm version id when the source names one (CSV reader_id + algorithm_version_id).
   */
  readonly algorithm: { readonly name: string; readonly version: string | null; readonly parameters: string | null; readonly versionId: string | null } | null;
}

/** A whole document (SR, Bundle) or one file row: the unit that is accepted or refused as a whole. */
export interface MeasurementReport {
  /** The document's own key: the SR SOP Instance UID, the Bundle identifier / id, the file key and row number. */
  readonly documentKey: string;
  readonly format: 'dicom-sr' | 'fhir' | 'csv' | 'ndjson';
  /** The procedure reported (121058), e.g. (SCT 77477000 "CT"); informational. */
  readonly procedureReported: readonly CodedConcept[];
  readonly items: readonly MeasurementReportItem[];
}

/** What a mapper returns for one document: the report (possibly partial) and every problem found on the way. */
export interface MappedReport {
  readonly report: MeasurementReport;
  readonly problems: readonly InteropProblem[];
}
