import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, Observation } from '@medplum/fhirtypes';
import { InteropProblems } from '../model/interop.problems.js';
import { resolveMeasurementReport } from '../resolve/resolve-report.js';
import { mapDicomSrPart10 } from '../dicom-sr/tid1500.mapper.js';
import { fakeResolver } from '../testing/fake-registry.resolver.js';
import { followUpBundle, TEST_SCHEME_SYSTEM } from '../testing/fhir-bundle.fixtures.js';
import { ALGORITHM_VERSION_ID, lungRegistry, SUBJECT_ID } from '../testing/lung-registry.fixture.js';
import { buildTid1500Part10 } from '../testing/tid1500.builder.js';
import { Concepts, followUpReport, PSEUDONYM, Uids } from '../testing/tid1500.fixtures.js';
import { mapFhirBundle, operationOutcomesFor } from './fhir-bundle.mapper.js';
import { loadFhirValidator, type FhirValidator } from './fhir-validator.js';

const systems = { [TEST_SCHEME_SYSTEM]: '99REGTEST' };
let validate: FhirValidator;

// This suite runs without --experimental-websocket on Node 20: loadFhirValidator's stand-in makes @medplum/core load.
beforeAll(async () => {
  validate = await loadFhirValidator();
}, 60_000);

describe('FHIR R4 Bundle of imaging measurement Observations → measurement report items', () => {
  it('the @medplum validator works offline and finds wrong types, unknown properties and missing required elements', () => {
    const issues = validate({ resourceType: 'Observation', code: { text: 'x' }, valueQuantity: { value: 'twelve' }, colour: 'red' } as unknown as Observation);
    // (medplum names the choice element by its base path: Observation.value[x].value)
    expect(issues.map((i) => i.expression?.[0])).toEqual(expect.arrayContaining(['Observation.status', 'Observation.colour', 'Observation.value[x].value']));
    // A valid measurement has no error; medplum warns that it cannot check the target type of urn:uuid references.
    expect(validate(followUpBundle().entry![3]!.resource!).filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('maps a transaction Bundle: group members inherit tracking, body site, finding and time point; device → algorithm; subject by pseudonym', () => {
    const { report, problems } = mapFhirBundle(followUpBundle(), validate, { systems });
    expect(problems).toEqual([]);
    expect(report.documentKey).toBe(`urn:dicom:uid|urn:oid:${Uids.followUpSr}`);
    expect(report.items.map((i) => [i.source.path, i.concept.value, i.value])).toEqual([
      ['Bundle.entry[3].resource', Concepts.longAxis.value, { kind: 'quantity', value: 18.5, unit: 'mm', unitMeaning: 'mm' }],
      ['Bundle.entry[4].resource', Concepts.shortAxis.value, { kind: 'quantity', value: 1.1, unit: 'cm', unitMeaning: 'cm' }],
      ['Bundle.entry[5].resource', Concepts.lungRads.value, { kind: 'coded', code: Concepts.lungRads4A }],
    ]);
    expect(report.items[0]).toMatchObject({
      idempotencyKey: 'urn:dicom:uid|1.2.826.0.1.3680043.10.543.8.14',
      subject: { kind: 'pseudonym', pseudonym: PSEUDONYM },
      study: { studyInstanceUid: Uids.followUpStudy, seriesInstanceUid: Uids.followUpCtSeries },
      observer: { kind: 'device', uid: Uids.device, manufacturer: 'Acme Imaging AI', modelName: 'NoduleAI CT', softwareVersion: '2.1.0', name: 'NoduleAI' },
      lesion: { label: 'Liver lesion 2', uid: Uids.lesion2 },
      findingSite: Concepts.liver,
      finding: Concepts.neoplasm,
      derivation: Concepts.maximum,
      timePoint: 'WEEK12',
      occurredAt: '2026-04-06T09:30:00.000Z',
      group: { template: null, key: `urn:dicom:uid|urn:oid:${Uids.followUpSr}/urn:uuid:7d0b6f1e-0000-4000-8000-000000000003` },
    });
    expect(report.items[2]!.lesion).toBeNull();
  });

  it('gives the same commands as the TID 1500 SR of the same follow-up (same Observation UIDs, same measurement ids)', async () => {
    const fromFhir = await resolveMeasurementReport(mapFhirBundle(followUpBundle(), validate, { systems }).report, fakeResolver(lungRegistry()));
    const sr = mapDicomSrPart10(buildTid1500Part10(followUpReport())).report;
    const fromSr = await resolveMeasurementReport(sr, fakeResolver(lungRegistry()));
    if (!fromFhir.ok || !fromSr.ok) throw new Error('both must resolve');
    const comparable = (c: (typeof fromSr.measurements)[number]['command']) => ({ ...c, measurementId: undefined, seriesInstanceUid: undefined });
    for (const m of fromFhir.measurements) {
      const twin = fromSr.measurements.find((s) => s.command.biomarkerId === m.command.biomarkerId)!;
      expect(comparable(m.command)).toEqual(comparable(twin.command));
    }
    expect(fromFhir.measurements[0]!.command).toMatchObject({
      subjectId: SUBJECT_ID,
      method: 'ai',
      algorithmVersionId: ALGORITHM_VERSION_ID,
      lesion: { trackingUid: Uids.lesion2, role: 'target' },
      // Device.deviceName (model-name) + Device.version: the same extraction software as the SR's device.
      extraction: { software: { name: 'NoduleAI CT', version: '2.1.0' } },
    });
  });

  it('lists every problem of a bad Bundle with entry and FHIRPath, and answers one OperationOutcome per entry', async () => {
    const bundle = followUpBundle();
    const entries = bundle.entry!;
    const long = entries[3]!.resource as Observation;
    delete (long as Partial<Observation>).status; // validator: required
    long.valueQuantity = { value: 18.5, unit: 'millimetre' }; // no UCUM system/code
    const short = entries[4]!.resource as Observation;
    short.derivedFrom = [{ reference: 'urn:uuid:not-in-bundle' }];
    delete (short as Partial<Observation>).subject;
    entries.push({ fullUrl: 'urn:uuid:condition', resource: { resourceType: 'Condition', subject: { reference: 'Patient/1' } } });
    const bad: Bundle = { ...bundle, entry: entries };
    const { report, problems } = mapFhirBundle(bad, validate, { systems });
    expect(problems.map((p) => [p.entry, p.code, p.path])).toEqual([
      [3, InteropProblems.FHIR_INVALID_RESOURCE, 'Bundle.entry[3].resource.status'],
      [6, InteropProblems.FHIR_UNSUPPORTED_RESOURCE, 'Bundle.entry[6].resource'],
      [3, InteropProblems.INVALID_UCUM_UNIT, 'Bundle.entry[3].resource.valueQuantity'],
      [4, InteropProblems.FHIR_UNRESOLVED_REFERENCE, 'Bundle.entry[4].resource.derivedFrom[0]'],
    ]);
    // The short axis still has its group's subject; only the lung-RADS entry maps fully, but nothing is accepted:
    const resolved = await resolveMeasurementReport(report, fakeResolver(lungRegistry()), { mappingProblems: problems });
    expect(resolved.ok).toBe(false);
    const outcomes = operationOutcomesFor(entries.length, resolved.ok ? [] : resolved.problems);
    expect(outcomes).toHaveLength(7);
    expect(outcomes[3]!.issue.map((i) => [i.severity, i.code, i.details?.coding?.[0]?.code, i.expression?.[0]])).toEqual([
      ['error', 'structure', 'FHIR_INVALID_RESOURCE', 'Bundle.entry[3].resource.status'],
      ['error', 'invalid', 'INVALID_UCUM_UNIT', 'Bundle.entry[3].resource.valueQuantity'],
    ]);
    expect(outcomes[6]!.issue[0]).toMatchObject({ severity: 'error', code: 'not-supported' });
    expect(outcomes[5]!.issue).toEqual([
      { severity: 'information', code: 'informational', details: { text: 'This entry maps, but the Bundle was refused as a whole' } },
    ]);
  });

  it('refuses a Bundle of another type, a non-Bundle, and an Observation with no identity to make it idempotent', () => {
    expect(mapFhirBundle({ resourceType: 'Patient' }, validate).problems.map((p) => [p.code, p.path])).toEqual([
      [InteropProblems.FHIR_INVALID_RESOURCE, 'Bundle'],
    ]);
    const searchset = { ...followUpBundle(), type: 'searchset' as const };
    expect(mapFhirBundle(searchset, validate, { systems }).problems.map((p) => p.path)).toContain('Bundle.type');
    const anonymous = followUpBundle();
    delete anonymous.identifier;
    (anonymous.entry![5]!.resource as Observation).identifier = [];
    expect(mapFhirBundle(anonymous, validate, { systems }).problems.map((p) => [p.code, p.path])).toEqual([
      [InteropProblems.MISSING_ELEMENT, 'Bundle.entry[5].resource.identifier'],
    ]);
  });

  it('a subject given as a Patient entry with an identifier, or as Patient/<id> outside the Bundle', () => {
    const bundle = followUpBundle();
    bundle.entry!.push({
      fullUrl: 'urn:uuid:patient',
      resource: { resourceType: 'Patient', identifier: [{ system: 'urn:registry:pseudonym', value: 'LUNG-0099' }] },
    });
    (bundle.entry![4]!.resource as Observation).subject = { reference: 'urn:uuid:patient' };
    (bundle.entry![5]!.resource as Observation).subject = { reference: 'Patient/subject-7' };
    const items = mapFhirBundle(bundle, validate, { systems }).report.items;
    expect(items.map((i) => i.subject)).toEqual([
      { kind: 'pseudonym', pseudonym: PSEUDONYM },
      { kind: 'pseudonym', pseudonym: 'LUNG-0099' },
      { kind: 'id', subjectId: 'subject-7' },
    ]);
  });
});
