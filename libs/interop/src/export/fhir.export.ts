import type { Bundle, BundleEntry, CodeableConcept, Coding, Device, DiagnosticReport, ImagingStudy, Observation, Patient, Reference } from '@medplum/fhirtypes';
import { v5 as uuidV5 } from 'uuid';
import { SrCodes } from '../dicom-sr/sr.codes.js';
import { DICOM_UID_SYSTEM, REGISTRY_CODE_SYSTEM, SCHEME_TO_SYSTEM, UCUM_SYSTEM } from '../fhir/fhir-codes.js';
import type { FhirValidator } from '../fhir/fhir-validator.js';
import { exportContext, type ExportContext } from './export-context.js';
import { isoDateTime, type ExportChunk, type ExportDataset, type ExportMeasurement, type ExportSubject } from './export-dataset.model.js';

/**
 * FHIR R4: one `collection` Bundle per subject, in the shapes `mapFhirBundle` reads (HL7 "DICOM SR to FHIR"), so an
 * exported Bundle imports back as the same measurements:
 * - Patient with the pseudonym identifier only (no name, birth date or gender: those stay sealed);
 * - ImagingStudy per study (Study Instance UID as `urn:dicom:uid`, its series with their modality);
 * - Device per algorithm version (URI and DICOM UID identifiers, manufacturer, name, version);
 * - Observation per measurement: `code` = the catalogue code (system `urn:biomarker-registry:biomarker-code` (REGISTRY_CODE_SYSTEM)) then the biomarker's coded
 *   concepts, `valueQuantity` (UCUM) or `valueString` (category), `bodySite` (finding site), tracking identifier and
 *   UID in `identifier`, the time point as a DICOM 126070 component, `device` / `performer` (reader id), `derivedFrom`
 *   → the ImagingStudy; status `amended` after a correction;
 * - DiagnosticReport per RECIST assessment (every time point after baseline), `result` → that visit's lesion
 *   Observations, `conclusionCode` the overall response.
 * Not carried: the lesion's RECIST role (FHIR and TID 1500 have no element for it), the original value and unit.
 * Full URLs are `urn:uuid:` v5 of the registry ids, so the same snapshot gives byte-identical Bundles.
 */
export const PSEUDONYM_SYSTEM = 'urn:registry:pseudonym';
export const MEASUREMENT_ID_SYSTEM = 'urn:registry:measurement';
export const READER_ID_SYSTEM = 'urn:registry:reader';
export const RECIST_RESPONSE_SYSTEM = 'urn:registry:recist-response';
export const FHIR_BUNDLE_FILE = 'bundles.ndjson';

/** Namespace of the export's urn:uuid full URLs (a fixed random UUID). */
const NAMESPACE = '0f7c3f5e-4a1b-4f0e-9d43-5c2b8e7a9d10';
const urn = (kind: string, id: string) => `urn:uuid:${uuidV5(`${kind}/${id}`, NAMESPACE)}`;
const DCM = SCHEME_TO_SYSTEM['DCM']!;
const dcm = (c: { value: string; meaning: string }): CodeableConcept => ({ coding: [{ system: DCM, code: c.value, display: c.meaning }] });

export interface FhirExportOptions {
  /** When given, every resource is validated and an invalid one stops the export (it would be our bug). */
  readonly validate?: FhirValidator;
}

export async function* fhirBundles(dataset: ExportDataset, options: FhirExportOptions = {}): AsyncGenerator<Bundle> {
  const ctx = exportContext(dataset);
  for await (const s of dataset.subjects) {
    const bundle = subjectBundle(dataset, ctx, s);
    if (options.validate) {
      bundle.entry?.forEach((e, i) => {
        const errors = options.validate!(e.resource!).filter((x) => x.severity === 'error' || x.severity === 'fatal');
        if (errors.length)
          throw new Error(
            `FHIR export of ${s.pseudonym}: entry ${i} (${e.resource!.resourceType}) is invalid: ${errors.map((x) => `${x.expression?.[0] ?? ''} ${x.details?.text ?? ''}`).join('; ')}`,
          );
      });
    }
    yield bundle;
  }
}

/** NDJSON: one Bundle per line in `bundles.ndjson`. */
export async function* fhirExport(dataset: ExportDataset, options: FhirExportOptions = {}): AsyncGenerator<ExportChunk> {
  for await (const bundle of fhirBundles(dataset, options)) yield { file: FHIR_BUNDLE_FILE, text: `${JSON.stringify(bundle)}\n` };
}

function subjectBundle(dataset: ExportDataset, ctx: ExportContext, s: ExportSubject): Bundle {
  const entries: BundleEntry[] = [];
  const patientUrl = urn('subject', s.subjectId);
  const patient: Patient = { resourceType: 'Patient', identifier: [{ system: PSEUDONYM_SYSTEM, value: s.pseudonym }] };
  entries.push({ fullUrl: patientUrl, resource: patient });
  const subject: Reference<Patient> = { reference: patientUrl };

  const studyUrls = new Map<string, string>();
  for (const st of s.studies) {
    const url = urn('study', st.studyInstanceUid);
    studyUrls.set(st.studyInstanceUid, url);
    const modality: Coding = { system: DCM, code: st.modality };
    const study: ImagingStudy = {
      resourceType: 'ImagingStudy',
      status: 'available',
      identifier: [{ system: DICOM_UID_SYSTEM, value: `urn:oid:${st.studyInstanceUid}` }],
      subject,
      started: isoDateTime(st.occurredAt),
      modality: [modality],
      ...(st.seriesInstanceUids.length ? { series: st.seriesInstanceUids.map((uid) => ({ uid, modality })) } : {}),
    };
    entries.push({ fullUrl: url, resource: study });
  }

  const deviceUrls = new Map<string, string>();
  for (const m of s.measurements) {
    const a = ctx.algorithm(m.algorithmVersionId);
    if (!a || deviceUrls.has(a.algorithmVersionId)) continue;
    const url = urn('algorithm', a.algorithmVersionId);
    deviceUrls.set(a.algorithmVersionId, url);
    const device: Device = {
      resourceType: 'Device',
      identifier: [{ system: 'urn:ietf:rfc:3986', value: a.uri }, ...(a.deviceUid ? [{ system: DICOM_UID_SYSTEM, value: `urn:oid:${a.deviceUid}` }] : [])],
      manufacturer: a.manufacturer,
      deviceName: [{ name: a.name, type: 'user-friendly-name' }],
      version: [{ value: a.version }],
    };
    entries.push({ fullUrl: url, resource: device });
  }

  const observationUrls = new Map<string, string>();
  for (const m of s.measurements) {
    const url = urn('measurement', m.measurementId);
    observationUrls.set(m.measurementId, url);
    entries.push({ fullUrl: url, resource: observation(ctx, m, subject, studyUrls, deviceUrls) });
  }

  if (s.recist) {
    const { input, result } = s.recist;
    result.timePoints.forEach((tp, i) => {
      if (tp.isBaseline || tp.overallResponse === null) return;
      const lesions = new Set(input.lesions.map((l) => l.id));
      const used = s.measurements.filter((m) => m.timePoint === tp.visit && m.lesionTrackingUid !== null && lesions.has(m.lesionTrackingUid));
      const parts = [
        `Overall response ${tp.overallResponse}`,
        tp.targetResponse ? `target ${tp.targetResponse}` : null,
        tp.nonTargetResponse ? `non-target ${tp.nonTargetResponse}` : null,
        `new lesion ${tp.newLesion ? 'yes' : 'no'}`,
        tp.sumOfDiameters !== null ? `sum of diameters ${tp.sumOfDiameters} mm` : null,
      ].filter((x) => x !== null);
      const report: DiagnosticReport = {
        resourceType: 'DiagnosticReport',
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'RAD' }] }],
        code: { text: 'RECIST 1.1 tumour response assessment' },
        subject,
        effectiveDateTime: tp.date,
        ...(used.length ? { result: used.map((m) => ({ reference: observationUrls.get(m.measurementId)! })) } : {}),
        conclusion: parts.join('; '),
        conclusionCode: [{ coding: [{ system: RECIST_RESPONSE_SYSTEM, code: tp.overallResponse }], text: tp.overallResponse }],
      };
      entries.push({ fullUrl: urn('recist', `${s.subjectId}/${i}`), resource: report });
    });
  }

  return {
    resourceType: 'Bundle',
    type: 'collection',
    identifier: {
      system: 'urn:registry:export',
      value: `${dataset.snapshot ? `snapshot:${dataset.snapshot.snapshotId}` : `position:${dataset.position}`}/${ctx.studyId}/${s.pseudonym}`,
    },
    entry: entries,
  };
}

function observation(
  ctx: ExportContext,
  m: ExportMeasurement,
  subject: Reference<Patient>,
  studies: Map<string, string>,
  devices: Map<string, string>,
): Observation {
  const biomarker = ctx.biomarker(m.biomarkerId);
  const study = studies.get(m.studyInstanceUid);
  if (!study) throw new Error(`Measurement ${m.measurementId} is on study ${m.studyInstanceUid}, which is not among its subject's studies`);
  const device = m.algorithmVersionId === null ? undefined : devices.get(m.algorithmVersionId);
  const lesion = [
    ...(m.lesionLabel ? [{ type: dcm(SrCodes.trackingIdentifier), value: m.lesionLabel }] : []),
    ...(m.lesionTrackingUid ? [{ type: dcm(SrCodes.trackingUniqueIdentifier), system: DICOM_UID_SYSTEM, value: `urn:oid:${m.lesionTrackingUid}` }] : []),
  ];
  return {
    resourceType: 'Observation',
    identifier: [{ system: MEASUREMENT_ID_SYSTEM, value: m.measurementId }, ...lesion],
    status: m.correctionCount > 0 ? 'amended' : 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'imaging' }] }],
    code: {
      // The catalogue code first: an importer takes the first coding, and the registry resolves its own codes.
      coding: [
        { system: REGISTRY_CODE_SYSTEM, code: m.biomarkerCode, ...(biomarker ? { display: biomarker.name } : {}) },
        ...m.concepts.map((c) => ({ system: SCHEME_TO_SYSTEM[c.scheme] ?? c.scheme, code: c.value, display: c.meaning })),
      ],
      ...(biomarker ? { text: biomarker.name } : {}),
    },
    subject,
    effectiveDateTime: isoDateTime(m.occurredAt),
    ...(m.valueKind === 'quantitative' && m.value !== null && m.unit !== null
      ? { valueQuantity: { value: m.value, unit: m.unit, system: UCUM_SYSTEM, code: m.unit } }
      : m.category !== null
        ? { valueString: m.category }
        : {}),
    ...(m.lesionFindingSite
      ? { bodySite: { coding: [{ system: REGISTRY_CODE_SYSTEM, code: m.lesionFindingSite, display: m.lesionFindingSite }], text: m.lesionFindingSite } }
      : {}),
    ...(device ? { device: { reference: device } } : {}),
    ...(m.readerId ? { performer: [{ identifier: { system: READER_ID_SYSTEM, value: m.readerId } }] } : {}),
    derivedFrom: [{ reference: study }],
    component: [{ code: dcm(SrCodes.subjectTimePointIdentifier), valueString: m.timePoint }],
  };
}
