import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, DiagnosticReport, Observation, Patient } from '@medplum/fhirtypes';
import { mapFhirBundle } from '../fhir/fhir-bundle.mapper.js';
import { loadFhirValidator, type FhirValidator } from '../fhir/fhir-validator.js';
import { EXPORT_MEASUREMENT_ROWS, exportDataset } from '../testing/export-dataset.fixture.js';
import { collectFiles } from '../testing/export-dataset.fixture.js';
import { FHIR_BUNDLE_FILE, fhirBundles, fhirExport } from './fhir.export.js';

describe('fhirExport', () => {
  let validate: FhirValidator;
  beforeAll(async () => {
    validate = await loadFhirValidator();
  }, 60000);

  const bundles = async (): Promise<Bundle[]> => {
    const out: Bundle[] = [];
    for await (const b of fhirBundles(exportDataset(), { validate })) out.push(b);
    return out;
  };

  it('writes one Bundle per subject that the FHIR R4 validator accepts, the Patient with its pseudonym identifier only', async () => {
    const all = await bundles();
    expect(all).toHaveLength(3);
    for (const b of all) for (const e of b.entry!) expect(validate(e.resource!).filter((i) => i.severity === 'error')).toEqual([]);
    const patient = all[0]!.entry![0]!.resource as Patient;
    expect(patient).toEqual({ resourceType: 'Patient', identifier: [{ system: 'urn:registry:pseudonym', value: 'EXP-001' }] });
    const types = all[0]!.entry!.map((e) => e.resource!.resourceType);
    expect(types.filter((t) => t === 'ImagingStudy')).toHaveLength(2);
    expect(types.filter((t) => t === 'Device')).toHaveLength(1);
    expect(types.filter((t) => t === 'Observation')).toHaveLength(5);
    expect(types.filter((t) => t === 'DiagnosticReport')).toHaveLength(1);
  });

  it('links the RECIST DiagnosticReport to the lesion Observations of its visit and states the overall response', async () => {
    const [first] = await bundles();
    const report = first!.entry!.find((e) => e.resource!.resourceType === 'DiagnosticReport')!.resource as DiagnosticReport;
    expect(report.conclusionCode?.[0]?.coding?.[0]?.code).toBe('PR');
    const byUrl = new Map(first!.entry!.map((e) => [e.fullUrl, e.resource]));
    const results = report.result!.map((r) => byUrl.get(r.reference) as Observation);
    expect(results.map((o) => o.identifier![0]!.value)).toEqual(['m-004', 'm-005']);
    // A correction shows as amended.
    expect(results[0]!.status).toBe('amended');
  });

  it('round-trips: the mapper that imports FHIR reads back every exported measurement', async () => {
    for (const bundle of await bundles()) {
      const { report, problems } = mapFhirBundle(bundle, validate);
      expect(problems).toEqual([]);
      const pseudonym = (bundle.entry![0]!.resource as Patient).identifier![0]!.value;
      const subjectId = { 'EXP-001': 'subj-001', 'EXP-002': 'subj-002', 'EXP-003': 'subj-003' }[pseudonym!];
      const exported = EXPORT_MEASUREMENT_ROWS.filter((m) => m.subjectId === subjectId);
      expect(report.items).toHaveLength(exported.length);
      report.items.forEach((item, i) => {
        const m = exported[i]!;
        expect(item.idempotencyKey).toBe(`urn:registry:measurement|${m.measurementId}`);
        expect(item.subject).toEqual({ kind: 'pseudonym', pseudonym });
        expect(item.concept).toMatchObject({ scheme: 'REGISTRY', value: m.biomarkerCode });
        expect(item.value).toEqual(
          m.valueKind === 'quantitative' ? { kind: 'quantity', value: m.value, unit: m.unit, unitMeaning: m.unit } : { kind: 'text', text: m.category },
        );
        expect(item.study).toEqual({ studyInstanceUid: m.studyInstanceUid, seriesInstanceUid: m.seriesInstanceUid, sopInstanceUids: [] });
        expect(item.timePoint).toBe(m.timePoint);
        expect(item.occurredAt).toBe(m.occurredAt);
        expect(item.lesion).toEqual(m.lesionTrackingUid ? { label: m.lesionLabel, uid: m.lesionTrackingUid } : null);
        expect(item.findingSite).toEqual(m.lesionFindingSite ? { scheme: 'REGISTRY', value: m.lesionFindingSite, meaning: m.lesionFindingSite } : null);
        if (m.algorithmVersionId)
          expect(item.observer).toMatchObject({
            kind: 'device',
            manufacturer: 'Acme AI',
            name: 'BodyComp',
            softwareVersion: '3.1.0',
            uid: '1.2.826.0.1.3680043.10.543.7.1',
          });
        else expect(item.observer).toEqual({ kind: 'person', name: null, id: m.readerId, organization: null });
      });
    }
  });

  it('streams NDJSON, one Bundle per line, identical for the same snapshot', async () => {
    const a = (await collectFiles(fhirExport(exportDataset()))).get(FHIR_BUNDLE_FILE)!;
    const b = (await collectFiles(fhirExport(exportDataset()))).get(FHIR_BUNDLE_FILE)!;
    expect(a).toBe(b);
    const lines = a.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect((JSON.parse(lines[1]!) as Bundle).identifier).toEqual({ system: 'urn:registry:export', value: 'snapshot:snap-1/TRIAL-EXP/EXP-002' });
  });
});
