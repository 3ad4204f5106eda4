import dcmjs, { type NaturalDataset } from 'dcmjs';
import type { CodedConcept } from '../model/measurement-report.model.js';
import { SrCodes } from '../dicom-sr/sr.codes.js';

/**
 * Test-only builder of TID 1500 Measurement Reports as dcmjs naturalized datasets and Part 10 files. It writes the
 * content tree from the SR value types directly (not through dcmjs's `sr.templates`, which refuses some valid
 * Tracking Identifiers and cannot put one in a measurement group: dcmjs issue #434). The tests check what it
 * writes with dcmtk (dsrdump / dsr2xml), so they do not only agree with themselves.
 */
export const COMPREHENSIVE_3D_SR = '1.2.840.10008.5.1.4.1.1.88.34';
export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
export const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';

export interface BuiltMeasurement {
  readonly concept: CodedConcept;
  readonly value: number | string;
  readonly unit: { readonly code: string; readonly meaning: string; readonly scheme?: string } | null;
  readonly observationUid?: string;
  readonly derivation?: CodedConcept;
  readonly method?: CodedConcept;
  readonly algorithm?: { readonly name: string; readonly version: string };
  /** Drop the Measured Value Sequence (a NUM with no value). */
  readonly noValue?: boolean;
}

export interface BuiltGroup {
  readonly template: '1410' | '1411' | '1501';
  readonly trackingIdentifier?: string;
  readonly trackingUid?: string;
  readonly finding?: CodedConcept;
  readonly findingSite?: CodedConcept;
  readonly timePoint?: string;
  readonly observationUid?: string;
  /** TID 1411: Source series for segmentation + Referenced Segment (a SEG instance). */
  readonly sourceSeriesUid?: string;
  readonly segmentationSopUid?: string;
  /** TID 1410: the CT image the planar ROI (a polyline) is drawn on. */
  readonly regionImageSopUid?: string;
  readonly measurements?: readonly BuiltMeasurement[];
  readonly qualitative?: readonly { readonly concept: CodedConcept; readonly value: CodedConcept; readonly observationUid?: string }[];
}

export interface BuiltReport {
  readonly sopInstanceUid: string;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly patientId: string;
  /** DICOM DT, e.g. 20260105101500 */
  readonly contentDateTime: string;
  readonly observer:
    | { readonly kind: 'device'; readonly uid: string; readonly name: string; readonly manufacturer: string; readonly modelName: string }
    | { readonly kind: 'person'; readonly name: string };
  readonly softwareVersions?: string;
  readonly timePoint?: string;
  readonly procedureReported?: CodedConcept;
  readonly evidence: readonly {
    readonly studyInstanceUid: string;
    readonly series: readonly { readonly seriesInstanceUid: string; readonly sops: readonly { readonly classUid: string; readonly instanceUid: string }[] }[];
  }[];
  readonly groups: readonly BuiltGroup[];
}

const code = (c: CodedConcept) => [{ CodeValue: c.value, CodingSchemeDesignator: c.scheme, CodeMeaning: c.meaning }];
const item = (relationship: string, valueType: string, concept: CodedConcept, rest: Record<string, unknown> = {}) => ({
  RelationshipType: relationship,
  ValueType: valueType,
  ConceptNameCodeSequence: code(concept),
  ...rest,
});
const textItem = (relationship: string, concept: CodedConcept, value: string) => item(relationship, 'TEXT', concept, { TextValue: value });
const codeItem = (relationship: string, concept: CodedConcept, value: CodedConcept, rest: Record<string, unknown> = {}) =>
  item(relationship, 'CODE', concept, { ConceptCodeSequence: code(value), ...rest });

export function buildTid1500Dataset(r: BuiltReport): NaturalDataset {
  const [date, time] = [r.contentDateTime.slice(0, 8), r.contentDateTime.slice(8)];
  const observer =
    r.observer.kind === 'device'
      ? [
          codeItem('HAS OBS CONTEXT', SrCodes.observerType, SrCodes.device),
          item('HAS OBS CONTEXT', 'UIDREF', SrCodes.deviceObserverUid, { UID: r.observer.uid }),
          textItem('HAS OBS CONTEXT', SrCodes.deviceObserverName, r.observer.name),
          textItem('HAS OBS CONTEXT', SrCodes.deviceObserverManufacturer, r.observer.manufacturer),
          textItem('HAS OBS CONTEXT', SrCodes.deviceObserverModelName, r.observer.modelName),
        ]
      : [
          codeItem('HAS OBS CONTEXT', SrCodes.observerType, SrCodes.person),
          item('HAS OBS CONTEXT', 'PNAME', SrCodes.personObserverName, { PersonName: r.observer.name }),
        ];
  const timePoint = (tp: string | undefined) => (tp ? [textItem('HAS OBS CONTEXT', SrCodes.subjectTimePointIdentifier, tp)] : []);
  const allSops = r.evidence.flatMap((s) => s.series.flatMap((se) => se.sops));
  const sopClassOf = (uid: string) => allSops.find((s) => s.instanceUid === uid)?.classUid ?? CT_IMAGE_STORAGE;

  const group = (g: BuiltGroup) => ({
    ...item('CONTAINS', 'CONTAINER', SrCodes.measurementGroup, { ContinuityOfContent: 'SEPARATE' }),
    ...(g.observationUid ? { ObservationUID: g.observationUid } : {}),
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: g.template }],
    ContentSequence: [
      ...(g.trackingIdentifier !== undefined ? [textItem('HAS OBS CONTEXT', SrCodes.trackingIdentifier, g.trackingIdentifier)] : []),
      ...(g.trackingUid !== undefined ? [item('HAS OBS CONTEXT', 'UIDREF', SrCodes.trackingUniqueIdentifier, { UID: g.trackingUid })] : []),
      ...timePoint(g.timePoint),
      ...(g.finding ? [codeItem('CONTAINS', SrCodes.finding, g.finding)] : []),
      ...(g.findingSite ? [codeItem('HAS CONCEPT MOD', SrCodes.findingSite, g.findingSite)] : []),
      ...(g.sourceSeriesUid ? [item('CONTAINS', 'UIDREF', SrCodes.sourceSeriesForSegmentation, { UID: g.sourceSeriesUid })] : []),
      ...(g.segmentationSopUid
        ? [
            item('CONTAINS', 'IMAGE', SrCodes.referencedSegment, {
              ReferencedSOPSequence: [
                { ReferencedSOPClassUID: SEGMENTATION_STORAGE, ReferencedSOPInstanceUID: g.segmentationSopUid, ReferencedSegmentNumber: 1 },
              ],
            }),
          ]
        : []),
      ...(g.regionImageSopUid
        ? [
            item('CONTAINS', 'SCOORD', SrCodes.imageRegion, {
              GraphicType: 'POLYLINE',
              GraphicData: [10, 10, 40, 10, 40, 30, 10, 30, 10, 10],
              ContentSequence: [
                {
                  RelationshipType: 'SELECTED FROM',
                  ValueType: 'IMAGE',
                  ReferencedSOPSequence: [{ ReferencedSOPClassUID: sopClassOf(g.regionImageSopUid), ReferencedSOPInstanceUID: g.regionImageSopUid }],
                },
              ],
            }),
          ]
        : []),
      ...(g.measurements ?? []).map((m) => ({
        ...item('CONTAINS', 'NUM', m.concept),
        ...(m.observationUid ? { ObservationUID: m.observationUid } : {}),
        ...(m.noValue
          ? { NumericValueQualifierCodeSequence: code({ scheme: 'DCM', value: '114006', meaning: 'Measurement failure' }) }
          : {
              MeasuredValueSequence: [
                {
                  MeasurementUnitsCodeSequence: m.unit ? code({ scheme: m.unit.scheme ?? 'UCUM', value: m.unit.code, meaning: m.unit.meaning }) : [],
                  NumericValue: m.value,
                },
              ],
            }),
        ...(m.derivation || m.method || m.algorithm
          ? {
              ContentSequence: [
                ...(m.derivation ? [codeItem('HAS CONCEPT MOD', SrCodes.derivation, m.derivation)] : []),
                ...(m.method ? [codeItem('HAS CONCEPT MOD', SrCodes.measurementMethod, m.method)] : []),
                ...(m.algorithm
                  ? [
                      textItem('HAS CONCEPT MOD', SrCodes.algorithmName, m.algorithm.name),
                      textItem('HAS CONCEPT MOD', SrCodes.algorithmVersion, m.algorithm.version),
                    ]
                  : []),
              ],
            }
          : {}),
      })),
      ...(g.qualitative ?? []).map((q) => ({ ...codeItem('CONTAINS', q.concept, q.value), ...(q.observationUid ? { ObservationUID: q.observationUid } : {}) })),
    ],
  });

  const imageLibrary = item('CONTAINS', 'CONTAINER', SrCodes.imageLibrary, {
    ContinuityOfContent: 'SEPARATE',
    ContentSequence: [
      {
        ...item('CONTAINS', 'CONTAINER', SrCodes.imageLibraryGroup, { ContinuityOfContent: 'SEPARATE' }),
        ContentSequence: allSops.map((s) => ({
          RelationshipType: 'CONTAINS',
          ValueType: 'IMAGE',
          ReferencedSOPSequence: [{ ReferencedSOPClassUID: s.classUid, ReferencedSOPInstanceUID: s.instanceUid }],
        })),
      },
    ],
  });

  return {
    _meta: {},
    _vrMap: {},
    SOPClassUID: COMPREHENSIVE_3D_SR,
    SOPInstanceUID: r.sopInstanceUid,
    Modality: 'SR',
    StudyInstanceUID: r.studyInstanceUid,
    SeriesInstanceUID: r.seriesInstanceUid,
    SeriesNumber: 99,
    InstanceNumber: 1,
    StudyDate: date,
    StudyTime: time,
    StudyID: '1',
    AccessionNumber: '',
    ReferringPhysicianName: '',
    PatientName: '',
    PatientID: r.patientId,
    PatientBirthDate: '',
    PatientSex: '',
    Manufacturer: r.observer.kind === 'device' ? r.observer.manufacturer : 'Registry tests',
    ...(r.softwareVersions ? { SoftwareVersions: r.softwareVersions } : {}),
    ContentDate: date,
    ContentTime: time,
    ValueType: 'CONTAINER',
    ConceptNameCodeSequence: code(SrCodes.imagingMeasurementReport),
    ContinuityOfContent: 'SEPARATE',
    ContentTemplateSequence: [{ MappingResource: 'DCMR', TemplateIdentifier: '1500' }],
    CompletionFlag: 'COMPLETE',
    VerificationFlag: 'UNVERIFIED',
    ReferencedPerformedProcedureStepSequence: [],
    PerformedProcedureCodeSequence: [],
    CurrentRequestedProcedureEvidenceSequence: r.evidence.map((s) => ({
      StudyInstanceUID: s.studyInstanceUid,
      ReferencedSeriesSequence: s.series.map((se) => ({
        SeriesInstanceUID: se.seriesInstanceUid,
        ReferencedSOPSequence: se.sops.map((sop) => ({ ReferencedSOPClassUID: sop.classUid, ReferencedSOPInstanceUID: sop.instanceUid })),
      })),
    })),
    ContentSequence: [
      codeItem('HAS CONCEPT MOD', SrCodes.language, { scheme: 'RFC5646', value: 'en-US', meaning: 'English (United States)' }),
      ...observer,
      ...timePoint(r.timePoint),
      codeItem('HAS CONCEPT MOD', SrCodes.procedureReported, r.procedureReported ?? { scheme: 'SCT', value: '77477000', meaning: 'CT' }),
      imageLibrary,
      { ...item('CONTAINS', 'CONTAINER', SrCodes.imagingMeasurements, { ContinuityOfContent: 'SEPARATE' }), ContentSequence: r.groups.map(group) },
    ],
  };
}

/** A Part 10 file of the dataset, optionally altered first (malformed-input tests). */
export function buildTid1500Part10(r: BuiltReport, alter?: (ds: NaturalDataset) => void): Uint8Array {
  const ds = buildTid1500Dataset(r);
  alter?.(ds);
  return new Uint8Array(dcmjs.data.datasetToBuffer(ds));
}
