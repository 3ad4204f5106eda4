import { describe, expect, it } from '@jest/globals';
import dcmjs from 'dcmjs';
import { InteropProblems } from '../model/interop.problems.js';
import { measurementIdFor, resolveMeasurementReport } from '../resolve/resolve-report.js';
import { fakeResolver } from '../testing/fake-registry.resolver.js';
import { ALGORITHM_VERSION_ID, CALIPER_VERSION_ID, lungRegistry, SUBJECT_ID } from '../testing/lung-registry.fixture.js';
import { buildTid1500Dataset, buildTid1500Part10, type BuiltReport } from '../testing/tid1500.builder.js';
import { baselineReport, Concepts, followUpReport, PSEUDONYM, Uids } from '../testing/tid1500.fixtures.js';
import { dicomDateTimeToIso } from './sr-content-tree.js';
import { stowRsResponse, StowFailureReason } from './stow-rs.response.js';
import { mapDicomSrPart10, mapTid1500Dataset } from './tid1500.mapper.js';

const byConcept = <T extends { concept: { value: string } }>(items: readonly T[], value: string): T[] => items.filter((i) => i.concept.value === value);

describe('DICOM SR TID 1500 → measurement report items', () => {
  it('maps volumetric, planar and TID 1501 groups: concepts, values, UCUM units, lesions, finding sites, time point, study and series', () => {
    const { report, problems } = mapDicomSrPart10(buildTid1500Part10(baselineReport()));
    expect(problems).toEqual([]);
    expect(report.documentKey).toBe(Uids.baselineSr);
    expect(report.procedureReported).toEqual([{ scheme: 'SCT', value: '77477000', meaning: 'CT' }]);
    expect(report.items.map((i) => [i.source.path, i.concept.meaning, i.group?.template])).toEqual([
      ['1.10.1.7', 'Volume', '1411'],
      ['1.10.1.8', 'Attenuation Coefficient', '1411'],
      ['1.10.1.9', 'Nodule composition', '1411'],
      ['1.10.2.6', 'Long axis', '1410'],
      ['1.10.2.7', 'Short axis', '1410'],
      ['1.10.3.1', 'Malignancy likelihood score', '1501'],
      ['1.10.3.2', 'Lung-RADS category', '1501'],
    ]);
    const [volume] = byConcept(report.items, Concepts.volume.value);
    expect(volume).toMatchObject({
      idempotencyKey: `${Uids.baselineSr}/1.2.826.0.1.3680043.10.543.8.1`,
      subject: { kind: 'pseudonym', pseudonym: PSEUDONYM },
      study: { studyInstanceUid: Uids.baselineStudy, seriesInstanceUid: Uids.baselineCtSeries, sopInstanceUids: [Uids.baselineSeg] },
      observer: { kind: 'device', uid: Uids.device, manufacturer: 'Acme Imaging AI', modelName: 'NoduleAI CT', softwareVersion: '2.1.0' },
      value: { kind: 'quantity', value: 523.6, unit: 'mm3' },
      // The label has characters dcmjs's high-level Measurement template refuses.
      lesion: { label: 'Nodule #1 (RUL, 3/7)', uid: Uids.nodule1 },
      finding: Concepts.nodule,
      findingSite: Concepts.lung,
      timePoint: 'BASELINE',
      occurredAt: '2026-01-05T10:15:00.000Z',
    });
    expect(byConcept(report.items, Concepts.meanAttenuation.value)[0]!.derivation).toEqual(Concepts.mean);
    expect(byConcept(report.items, Concepts.longAxis.value)[0]).toMatchObject({
      study: { studyInstanceUid: Uids.baselineStudy, seriesInstanceUid: Uids.baselineCtSeries, sopInstanceUids: [Uids.baselineCt] },
      lesion: { label: 'Liver lesion 2', uid: Uids.lesion2 },
      findingSite: Concepts.liver,
      derivation: Concepts.maximum,
    });
    expect(byConcept(report.items, Concepts.noduleComposition.value)[0]!.value).toEqual({ kind: 'coded', code: Concepts.solid });
    expect(byConcept(report.items, Concepts.lungRads.value)[0]).toMatchObject({ value: { kind: 'coded', code: Concepts.lungRads4A }, lesion: null });
  });

  it('keeps the lesion identity across two time points while time point, study and keys change', () => {
    const base = mapDicomSrPart10(buildTid1500Part10(baselineReport())).report.items;
    const follow = mapDicomSrPart10(buildTid1500Part10(followUpReport())).report.items;
    const lesions = (items: typeof base) => [...new Set(items.flatMap((i) => (i.lesion?.uid ? [i.lesion.uid] : [])))];
    expect(lesions(follow)).toEqual(lesions(base));
    expect(lesions(base)).toEqual([Uids.nodule1, Uids.lesion2]);
    expect(new Set(follow.map((i) => i.timePoint))).toEqual(new Set(['WEEK12']));
    expect(new Set(follow.map((i) => i.study.studyInstanceUid))).toEqual(new Set([Uids.followUpStudy]));
    expect(byConcept(follow, Concepts.volume.value)[0]!.value).toMatchObject({ value: 1150.2 });
    const keys = new Set(base.map((i) => i.idempotencyKey));
    expect(follow.some((i) => keys.has(i.idempotencyKey))).toBe(false);
  });

  it('resolves every item into a RecordMeasurement (ai, active algorithm version, categorical codes, lesion role) with stable ids', async () => {
    const buffer = buildTid1500Part10(baselineReport());
    const { report, problems } = mapDicomSrPart10(buffer);
    const resolved = await resolveMeasurementReport(report, fakeResolver(lungRegistry()), { mappingProblems: problems });
    if (!resolved.ok) throw new Error(JSON.stringify(resolved.problems));
    const commands = resolved.measurements.map((m) => m.command);
    expect(commands).toHaveLength(7);
    expect(new Set(commands.map((c) => [c.subjectId, c.method, c.algorithmVersionId, c.timePoint].join()))).toEqual(
      new Set([`${SUBJECT_ID},ai,${ALGORITHM_VERSION_ID},BASELINE`]),
    );
    // The extraction software is the device's (TID 1004 model name, Software Versions); TID 1500 states no IBSI flag,
    // harmonisation or segmentation method, so those stay unstated.
    expect(new Set(commands.map((c) => JSON.stringify(c.extraction)))).toEqual(
      new Set([JSON.stringify({ software: { name: 'NoduleAI CT', version: '2.1.0' } })]),
    );
    expect(commands.find((c) => c.biomarkerId === 'LESION_SA')).toMatchObject({
      value: { value: 1.5, unit: 'cm' },
      lesion: { trackingUid: Uids.lesion2, label: 'Liver lesion 2', findingSite: 'Liver', role: 'target' },
      seriesInstanceUid: Uids.baselineCtSeries,
    });
    expect(commands.find((c) => c.biomarkerId === 'NODULE_COMPOSITION')).toMatchObject({ biomarkerVersion: 2, value: { category: 'solid' } });
    expect(commands.find((c) => c.biomarkerId === 'LUNG_RADS')).toMatchObject({ value: { category: '4A' }, lesion: null });
    expect(resolved.studiesToRegister).toEqual([]);
    // The same file again gives the same measurement ids: the registry appends nothing the second time.
    const again = await resolveMeasurementReport(mapDicomSrPart10(buffer).report, fakeResolver(lungRegistry()));
    expect(again.ok && again.measurements.map((m) => m.command.measurementId)).toEqual(commands.map((c) => c.measurementId));
    expect(commands[0]!.measurementId).toBe(measurementIdFor(`${Uids.baselineSr}/1.2.826.0.1.3680043.10.543.8.1`));
  });

  it('asks the resolver once per subject, study and device however many measurements the report holds', async () => {
    const calls: string[] = [];
    await resolveMeasurementReport(mapDicomSrPart10(buildTid1500Part10(baselineReport())).report, fakeResolver(lungRegistry(), calls));
    expect(calls.filter((c) => c.startsWith('subject'))).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('study'))).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('algorithm'))).toHaveLength(1);
  });

  it('a person observer with the algorithm named on the measurement (TID 4019) is semi-automatic', async () => {
    const r = baselineReport();
    const personal: BuiltReport = {
      ...r,
      observer: { kind: 'person', name: 'Smith^Anna' },
      groups: [{ ...r.groups[1]!, measurements: [{ ...r.groups[1]!.measurements![0]!, algorithm: { name: 'LesionCaliper', version: '2.1.0' } }] }],
    };
    const { report, problems } = mapDicomSrPart10(buildTid1500Part10(personal));
    expect(problems).toEqual([]);
    expect(report.items[0]!.observer).toEqual({ kind: 'person', name: 'Smith^Anna', id: null, organization: null });
    const resolved = await resolveMeasurementReport(report, fakeResolver(lungRegistry()));
    expect(resolved.ok && resolved.measurements[0]!.command).toMatchObject({
      method: 'semi_automatic',
      readerId: 'reader-anna',
      algorithmVersionId: CALIPER_VERSION_ID,
    });
  });

  it('refuses an unmapped and malformed report with every problem listed (content item path, code, concept) and no command', async () => {
    const r = baselineReport();
    const bad: BuiltReport = {
      ...r,
      softwareVersions: '1.0.0', // registered but retired
      groups: [
        {
          ...r.groups[0]!,
          trackingUid: '1.2.03.4', // leading zero: not a UID
          measurements: [
            { concept: Concepts.volume, value: '12', unit: { code: 'mm', meaning: 'millimeter' } }, // does not convert to mm3
            { concept: { scheme: 'LN', value: '99999-9', meaning: 'Unknown thing' }, value: '3', unit: { code: 'mm', meaning: 'mm' } },
            { concept: Concepts.longAxis, value: '0', unit: { code: 'MM', meaning: 'mm', scheme: '99LOCAL' } },
            { concept: Concepts.shortAxis, value: '0', unit: null, noValue: true },
            { concept: Concepts.malignancyScore, value: '7', unit: { code: '1', meaning: 'no units' } }, // outside [0, 1]
          ],
          qualitative: [{ concept: Concepts.noduleComposition, value: { scheme: '99REGTEST', value: 'CALCIFIED', meaning: 'Calcified' } }],
        },
      ],
    };
    const mapped = mapDicomSrPart10(buildTid1500Part10(bad, (ds) => delete ds.PatientID));
    expect(mapped.problems.map((p) => [p.code, p.path, p.concept?.meaning])).toEqual([
      [InteropProblems.MISSING_ELEMENT, 'PatientID', undefined],
      [InteropProblems.INVALID_DICOM_UID, '1.10.1.2', 'Tracking Unique Identifier'],
      [InteropProblems.INVALID_UCUM_UNIT, '1.10.1.9', 'Long axis'],
      [InteropProblems.MISSING_ELEMENT, '1.10.1.10', 'Short axis'],
    ]);
    const resolved = await resolveMeasurementReport(mapped.report, fakeResolver(lungRegistry({ subjects: {} })), { mappingProblems: mapped.problems });
    expect(resolved.ok).toBe(false);
    if (resolved.ok) return;
    const resolution = resolved.problems.slice(mapped.problems.length);
    expect(resolution.map((p) => [p.code, p.path])).toEqual([
      [InteropProblems.UNKNOWN_SUBJECT, '1.10.1.7#subject'],
      [InteropProblems.UNKNOWN_ALGORITHM, '1.10.1.7#observer'],
      [InteropProblems.UNIT_NOT_CONVERTIBLE, '1.10.1.7#value.unit'],
      [InteropProblems.UNKNOWN_SUBJECT, '1.10.1.8#subject'],
      [InteropProblems.UNKNOWN_ALGORITHM, '1.10.1.8#observer'],
      [InteropProblems.UNMAPPED_CONCEPT, '1.10.1.8#concept'],
      [InteropProblems.UNKNOWN_SUBJECT, '1.10.1.11#subject'],
      [InteropProblems.UNKNOWN_ALGORITHM, '1.10.1.11#observer'],
      [InteropProblems.IMPLAUSIBLE_VALUE, '1.10.1.11#value'],
      [InteropProblems.UNKNOWN_SUBJECT, '1.10.1.12#subject'],
      [InteropProblems.UNKNOWN_ALGORITHM, '1.10.1.12#observer'],
      [InteropProblems.UNKNOWN_CATEGORY, '1.10.1.12#value'],
    ]);
    expect(resolution.find((p) => p.code === InteropProblems.UNKNOWN_ALGORITHM)!.message).toContain('not active');
    expect(resolution.find((p) => p.code === InteropProblems.UNMAPPED_CONCEPT)!.concept).toEqual({ scheme: 'LN', value: '99999-9', meaning: 'Unknown thing' });
  });

  it('refuses what is not a TID 1500 SR, saying which', () => {
    expect(mapDicomSrPart10(new TextEncoder().encode('not a dicom file at all')).problems.map((p) => p.code)).toEqual([InteropProblems.NOT_DICOM]);
    const ct = buildTid1500Part10(baselineReport(), (ds) => (ds.SOPClassUID = '1.2.840.10008.5.1.4.1.1.2'));
    expect(mapDicomSrPart10(ct).problems.map((p) => [p.code, p.path])).toEqual([[InteropProblems.NOT_AN_SR, 'SOPClassUID']]);
    const other = buildTid1500Dataset(baselineReport());
    other.ConceptNameCodeSequence = [{ CodeValue: '18748-4', CodingSchemeDesignator: 'LN', CodeMeaning: 'Diagnostic imaging study' }];
    other.ContentTemplateSequence = [{ MappingResource: 'DCMR', TemplateIdentifier: '2000' }];
    expect(mapTid1500Dataset(other).problems.map((p) => [p.code, p.path, p.concept?.value])).toEqual([[InteropProblems.NOT_TID_1500, '1', '18748-4']]);
  });

  it('an SR whose evidence lists two studies and whose group references none of their images is ambiguous', () => {
    const r = baselineReport();
    const twoStudies: BuiltReport = {
      ...r,
      evidence: [
        ...r.evidence,
        {
          studyInstanceUid: Uids.followUpStudy,
          series: [{ seriesInstanceUid: Uids.followUpCtSeries, sops: [{ classUid: '1.2.840.10008.5.1.4.1.1.2', instanceUid: Uids.followUpCt }] }],
        },
      ],
      groups: [r.groups[2]!],
    };
    expect(mapDicomSrPart10(buildTid1500Part10(twoStudies)).problems.map((p) => [p.code, p.path])).toEqual([
      [InteropProblems.AMBIGUOUS_STUDY, '1.10.1.1'],
      [InteropProblems.AMBIGUOUS_STUDY, '1.10.1.2'],
    ]);
  });

  it('reads a naturalized dataset the way dcmjs gives it back from a file (arrays with accessors, PN objects)', () => {
    const file = buildTid1500Part10({ ...baselineReport(), observer: { kind: 'person', name: 'Smith^Anna' } });
    const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(file.buffer as ArrayBuffer).dict);
    expect(mapTid1500Dataset(ds).report.items[0]!.observer).toMatchObject({ kind: 'person', name: 'Smith^Anna' });
  });

  it('converts DICOM DT values to ISO-8601 and refuses impossible dates', () => {
    expect(dicomDateTimeToIso('20260105101500')).toBe('2026-01-05T10:15:00.000Z');
    expect(dicomDateTimeToIso('20260105101500.25+0100')).toBe('2026-01-05T09:15:00.250Z');
    expect(dicomDateTimeToIso('20260105')).toBe('2026-01-05T00:00:00.000Z');
    expect(dicomDateTimeToIso('20260231120000')).toBeNull();
    expect(dicomDateTimeToIso('2026-01-05')).toBeNull();
  });

  it('builds the STOW-RS response: stored instances in Referenced SOP Sequence, refused ones in Failed SOP Sequence with a reason', async () => {
    const good = mapDicomSrPart10(buildTid1500Part10(baselineReport()));
    const junk = mapDicomSrPart10(new Uint8Array([1, 2, 3]));
    const unmapped = mapDicomSrPart10(buildTid1500Part10(followUpReport()));
    const refused = await resolveMeasurementReport(unmapped.report, fakeResolver(lungRegistry({ biomarkers: [] })), { mappingProblems: unmapped.problems });
    const response = stowRsResponse(
      [
        {
          sopClassUid: good.sopClassUid,
          sopInstanceUid: good.report.documentKey,
          problems: null,
          retrieveUrl: 'https://registry.example/dicomweb/studies/1/series/2/instances/3',
        },
        { sopClassUid: junk.sopClassUid, sopInstanceUid: null, problems: junk.problems },
        { sopClassUid: unmapped.sopClassUid, sopInstanceUid: unmapped.report.documentKey, problems: refused.ok ? [] : refused.problems },
      ],
      null,
    );
    expect(response).toEqual({
      '00081198': {
        vr: 'SQ',
        Value: [
          { '00081150': { vr: 'UI' }, '00081155': { vr: 'UI' }, '00081197': { vr: 'US', Value: [StowFailureReason.CANNOT_UNDERSTAND] } },
          {
            '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.88.34'] },
            '00081155': { vr: 'UI', Value: [Uids.followUpSr] },
            '00081197': { vr: 'US', Value: [0x0110] },
          },
        ],
      },
      '00081199': {
        vr: 'SQ',
        Value: [
          {
            '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.88.34'] },
            '00081155': { vr: 'UI', Value: [Uids.baselineSr] },
            '00081190': { vr: 'UR', Value: ['https://registry.example/dicomweb/studies/1/series/2/instances/3'] },
          },
        ],
      },
    });
    // With the problem list: a private block on each failed item, the standard attributes unchanged.
    const withProblems = stowRsResponse([{ sopClassUid: junk.sopClassUid, sopInstanceUid: null, problems: junk.problems }], null, { includeProblems: true });
    const failedItem = (withProblems['00081198']!.Value as Record<string, { vr: string; Value: unknown[] }>[])[0]!;
    expect(failedItem['00090010']).toEqual({ vr: 'LO', Value: ['BIOMARKER REGISTRY 1'] });
    expect(JSON.parse(failedItem['00091001']!.Value[0] as string)).toEqual([expect.objectContaining({ code: 'NOT_DICOM', path: '' })]);
    expect(failedItem['00081197']).toEqual({ vr: 'US', Value: [StowFailureReason.CANNOT_UNDERSTAND] });
  });
});
