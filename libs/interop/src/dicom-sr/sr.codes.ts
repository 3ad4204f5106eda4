import type { CodedConcept } from '../model/measurement-report.model.js';

const dcm = (value: string, meaning: string): CodedConcept => ({ scheme: 'DCM', value, meaning });
const sct = (value: string, meaning: string): CodedConcept => ({ scheme: 'SCT', value, meaning });

/** The concept names of DICOM PS3.16 that the TID 1500 mapper reads (and the test builder writes). */
export const SrCodes = {
  imagingMeasurementReport: dcm('126000', 'Imaging Measurement Report'),
  language: dcm('121049', 'Language of Content Item and Descendants'),
  // TID 1001 / 1002 / 1004 observation context
  observerType: dcm('121005', 'Observer Type'),
  person: dcm('121006', 'Person'),
  device: dcm('121007', 'Device'),
  personObserverName: dcm('121008', 'Person Observer Name'),
  personObserverOrganization: dcm('121009', "Person Observer's Organization Name"),
  personObserverLoginName: dcm('128774', "Person Observer's Login Name"),
  deviceObserverUid: dcm('121012', 'Device Observer UID'),
  deviceObserverName: dcm('121013', 'Device Observer Name'),
  deviceObserverManufacturer: dcm('121014', 'Device Observer Manufacturer'),
  deviceObserverModelName: dcm('121015', 'Device Observer Model Name'),
  deviceObserverSerialNumber: dcm('121016', 'Device Observer Serial Number'),
  // TID 1500 top level
  procedureReported: dcm('121058', 'Procedure reported'),
  imageLibrary: dcm('111028', 'Image Library'),
  imageLibraryGroup: dcm('126200', 'Image Library Group'),
  imagingMeasurements: dcm('126010', 'Imaging Measurements'),
  qualitativeEvaluations: { scheme: 'UMLS', value: 'C0034375', meaning: 'Qualitative Evaluations' } satisfies CodedConcept,
  measurementGroup: dcm('125007', 'Measurement Group'),
  // TID 1411 / 1410 / 1501 group context
  trackingIdentifier: dcm('112039', 'Tracking Identifier'),
  trackingUniqueIdentifier: dcm('112040', 'Tracking Unique Identifier'),
  finding: dcm('121071', 'Finding'),
  findingSite: sct('363698007', 'Finding Site'),
  measurementMethod: sct('370129005', 'Measurement Method'),
  derivation: dcm('121401', 'Derivation'),
  sourceSeriesForSegmentation: dcm('121232', 'Source series for segmentation'),
  referencedSegment: dcm('121191', 'Referenced Segment'),
  imageRegion: dcm('111030', 'Image Region'),
  // TID 1502 time point context
  timePoint: { scheme: 'UMLS', value: 'C2348792', meaning: 'Time Point' } satisfies CodedConcept,
  subjectTimePointIdentifier: dcm('126070', 'Subject Time Point Identifier'),
  // TID 4019 algorithm identification
  algorithmName: dcm('111001', 'Algorithm Name'),
  algorithmVersion: dcm('111003', 'Algorithm Version'),
  algorithmParameters: dcm('111002', 'Algorithm Parameters'),
} as const;

/** Storage SOP classes of SR documents that can carry TID 1500 (PS3.4 B.5). */
export const SR_SOP_CLASSES: Readonly<Record<string, string>> = {
  '1.2.840.10008.5.1.4.1.1.88.22': 'Enhanced SR',
  '1.2.840.10008.5.1.4.1.1.88.33': 'Comprehensive SR',
  '1.2.840.10008.5.1.4.1.1.88.34': 'Comprehensive 3D SR',
  '1.2.840.10008.5.1.4.1.1.88.35': 'Extensible SR',
};

/** CID 7021 Measurement Report Document Titles: the root concepts of a TID 1500 document. */
export const MEASUREMENT_REPORT_TITLES = new Set(['126000', '126001', '126002', '126003']);
