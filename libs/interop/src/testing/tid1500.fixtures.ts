import type { CodedConcept } from '../model/measurement-report.model.js';
import { CT_IMAGE_STORAGE, SEGMENTATION_STORAGE, type BuiltReport } from './tid1500.builder.js';

/**
 * Two time points of one subject, as an AI tool would report them: a volumetric nodule (TID 1411), a planar lesion
 * (TID 1410), a qualitative finding and a coded value (TID 1501). The lesions keep their Tracking Unique Identifiers
 * from baseline to follow-up, which is what RECIST needs.
 */
export const Concepts = {
  volume: { scheme: 'SCT', value: '118565006', meaning: 'Volume' },
  longAxis: { scheme: 'SCT', value: '103339001', meaning: 'Long axis' },
  shortAxis: { scheme: 'SCT', value: '103340004', meaning: 'Short axis' },
  meanAttenuation: { scheme: 'DCM', value: '112031', meaning: 'Attenuation Coefficient' },
  malignancyScore: { scheme: '99REGTEST', value: 'MALIG', meaning: 'Malignancy likelihood score' },
  noduleComposition: { scheme: '99REGTEST', value: 'COMPOSITION', meaning: 'Nodule composition' },
  solid: { scheme: '99REGTEST', value: 'SOLID', meaning: 'Solid' },
  partSolid: { scheme: '99REGTEST', value: 'PARTSOLID', meaning: 'Part-solid' },
  lungRads: { scheme: '99REGTEST', value: 'LUNGRADS', meaning: 'Lung-RADS category' },
  lungRads4A: { scheme: '99REGTEST', value: '4A', meaning: 'Lung-RADS 4A' },
  nodule: { scheme: 'SCT', value: '27925004', meaning: 'Nodule' },
  neoplasm: { scheme: 'SCT', value: '108369006', meaning: 'Neoplasm' },
  lung: { scheme: 'SCT', value: '39607008', meaning: 'Lung' },
  liver: { scheme: 'SCT', value: '10200004', meaning: 'Liver' },
  maximum: { scheme: 'SCT', value: '56851009', meaning: 'Maximum' },
  mean: { scheme: 'SCT', value: '373098007', meaning: 'Mean' },
} as const satisfies Record<string, CodedConcept>;

export const Uids = {
  baselineStudy: '1.2.826.0.1.3680043.10.543.1.1',
  baselineCtSeries: '1.2.826.0.1.3680043.10.543.1.1.2',
  baselineCt: '1.2.826.0.1.3680043.10.543.1.1.2.7',
  baselineSeg: '1.2.826.0.1.3680043.10.543.1.1.3.1',
  baselineSegSeries: '1.2.826.0.1.3680043.10.543.1.1.3',
  baselineSrSeries: '1.2.826.0.1.3680043.10.543.1.1.9',
  baselineSr: '1.2.826.0.1.3680043.10.543.1.1.9.1',
  followUpStudy: '1.2.826.0.1.3680043.10.543.1.2',
  followUpCtSeries: '1.2.826.0.1.3680043.10.543.1.2.2',
  followUpCt: '1.2.826.0.1.3680043.10.543.1.2.2.7',
  followUpSeg: '1.2.826.0.1.3680043.10.543.1.2.3.1',
  followUpSegSeries: '1.2.826.0.1.3680043.10.543.1.2.3',
  followUpSrSeries: '1.2.826.0.1.3680043.10.543.1.2.9',
  followUpSr: '1.2.826.0.1.3680043.10.543.1.2.9.1',
  nodule1: '1.2.826.0.1.3680043.10.543.7.1',
  lesion2: '1.2.826.0.1.3680043.10.543.7.2',
  device: '1.2.826.0.1.3680043.10.543.99',
} as const;

export const PSEUDONYM = 'LUNG-0042';

const mm = { code: 'mm', meaning: 'millimeter' };

function report(tp: 'baseline' | 'followUp'): BuiltReport {
  const base = tp === 'baseline';
  const u = <T>(b: T, f: T): T => (base ? b : f);
  return {
    sopInstanceUid: u(Uids.baselineSr, Uids.followUpSr),
    studyInstanceUid: u(Uids.baselineStudy, Uids.followUpStudy),
    seriesInstanceUid: u(Uids.baselineSrSeries, Uids.followUpSrSeries),
    patientId: PSEUDONYM,
    contentDateTime: u('20260105101500', '20260406093000'),
    observer: { kind: 'device', uid: Uids.device, name: 'NoduleAI', manufacturer: 'Acme Imaging AI', modelName: 'NoduleAI CT' },
    softwareVersions: '2.1.0',
    timePoint: u('BASELINE', 'WEEK12'),
    evidence: [
      {
        studyInstanceUid: u(Uids.baselineStudy, Uids.followUpStudy),
        series: [
          {
            seriesInstanceUid: u(Uids.baselineCtSeries, Uids.followUpCtSeries),
            sops: [{ classUid: CT_IMAGE_STORAGE, instanceUid: u(Uids.baselineCt, Uids.followUpCt) }],
          },
          {
            seriesInstanceUid: u(Uids.baselineSegSeries, Uids.followUpSegSeries),
            sops: [{ classUid: SEGMENTATION_STORAGE, instanceUid: u(Uids.baselineSeg, Uids.followUpSeg) }],
          },
        ],
      },
    ],
    groups: [
      {
        template: '1411',
        // A free-text label with characters the dcmjs high-level template refuses.
        trackingIdentifier: 'Nodule #1 (RUL, 3/7)',
        trackingUid: Uids.nodule1,
        finding: Concepts.nodule,
        findingSite: Concepts.lung,
        sourceSeriesUid: u(Uids.baselineCtSeries, Uids.followUpCtSeries),
        segmentationSopUid: u(Uids.baselineSeg, Uids.followUpSeg),
        measurements: [
          {
            concept: Concepts.volume,
            value: u('523.6', '1150.2'),
            unit: { code: 'mm3', meaning: 'cubic millimeter' },
            observationUid: u('1.2.826.0.1.3680043.10.543.8.1', '1.2.826.0.1.3680043.10.543.8.11'),
          },
          {
            concept: Concepts.meanAttenuation,
            value: u('-12.5', '8.25'),
            unit: { code: "[hnsf'U]", meaning: 'Hounsfield unit' },
            derivation: Concepts.mean,
            observationUid: u('1.2.826.0.1.3680043.10.543.8.2', '1.2.826.0.1.3680043.10.543.8.12'),
          },
        ],
        qualitative: [
          {
            concept: Concepts.noduleComposition,
            value: u<CodedConcept>(Concepts.solid, Concepts.partSolid),
            observationUid: u('1.2.826.0.1.3680043.10.543.8.3', '1.2.826.0.1.3680043.10.543.8.13'),
          },
        ],
      },
      {
        template: '1410',
        trackingIdentifier: 'Liver lesion 2',
        trackingUid: Uids.lesion2,
        finding: Concepts.neoplasm,
        findingSite: Concepts.liver,
        regionImageSopUid: u(Uids.baselineCt, Uids.followUpCt),
        measurements: [
          {
            concept: Concepts.longAxis,
            value: u('24', '18.5'),
            unit: mm,
            derivation: Concepts.maximum,
            observationUid: u('1.2.826.0.1.3680043.10.543.8.4', '1.2.826.0.1.3680043.10.543.8.14'),
          },
          {
            concept: Concepts.shortAxis,
            value: u('1.5', '1.1'),
            unit: { code: 'cm', meaning: 'centimeter' },
            observationUid: u('1.2.826.0.1.3680043.10.543.8.5', '1.2.826.0.1.3680043.10.543.8.15'),
          },
        ],
      },
      {
        template: '1501',
        measurements: [
          {
            concept: Concepts.malignancyScore,
            value: u('0.62', '0.81'),
            unit: { code: '1', meaning: 'no units' },
            observationUid: u('1.2.826.0.1.3680043.10.543.8.6', '1.2.826.0.1.3680043.10.543.8.16'),
          },
        ],
        qualitative: [
          { concept: Concepts.lungRads, value: Concepts.lungRads4A, observationUid: u('1.2.826.0.1.3680043.10.543.8.7', '1.2.826.0.1.3680043.10.543.8.17') },
        ],
      },
    ],
  };
}

export const baselineReport = (): BuiltReport => report('baseline');
export const followUpReport = (): BuiltReport => report('followUp');
