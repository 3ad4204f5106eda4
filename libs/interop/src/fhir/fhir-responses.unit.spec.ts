import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Observation, Resource } from '@medplum/fhirtypes';
import { InteropProblems, type InteropProblem } from '../model/interop.problems.js';
import type { MeasurementReportItem } from '../model/measurement-report.model.js';
import { resolveMeasurementReport } from '../resolve/resolve-report.js';
import { fakeResolver } from '../testing/fake-registry.resolver.js';
import { followUpBundle, TEST_SCHEME_SYSTEM } from '../testing/fhir-bundle.fixtures.js';
import { lungRegistry } from '../testing/lung-registry.fixture.js';
import { mapFhirBundle } from './fhir-bundle.mapper.js';
import { REGISTRY_CODE_SYSTEM, SYSTEM_TO_SCHEME } from './fhir-codes.js';
import {
  capabilityStatement,
  fhirExpressionOf,
  informationOutcome,
  ISSUE_CODE_SYSTEM,
  issuesOfProblems,
  refusalOutcome,
  transactionResponse,
} from './fhir-responses.js';
import { loadFhirValidator, type FhirValidator } from './fhir-validator.js';

let validate: FhirValidator;
const errors = (r: Resource) => validate(r).filter((i) => i.severity === 'error' || i.severity === 'fatal');

beforeAll(async () => {
  validate = await loadFhirValidator();
}, 60_000);

const item = (value: MeasurementReportItem['value'], observer: 'device' | 'person' = 'device') =>
  ({
    source: { kind: 'fhir', entry: 3, path: 'Bundle.entry[3].resource' },
    value,
    observer: observer === 'device' ? { kind: 'device' } : { kind: 'person' },
  }) as unknown as MeasurementReportItem;
const problem = (path: string): InteropProblem => ({ code: InteropProblems.UNKNOWN_SUBJECT, path, entry: 3, message: 'x' });

describe('FHIR answers: FHIRPaths of problems, transaction-response, OperationOutcome, CapabilityStatement', () => {
  it('names the Observation element a resolution problem is about, as FHIRPath', () => {
    const q = item({ kind: 'quantity', value: 1, unit: 'mm', unitMeaning: null });
    const at = (field: string, i = q) => fhirExpressionOf(problem(`Bundle.entry[3].resource#${field}`), i);
    expect(at('subject')).toBe('Bundle.entry[3].resource.subject');
    expect(at('study')).toBe('Bundle.entry[3].resource.derivedFrom');
    expect(at('observer')).toBe('Bundle.entry[3].resource.device');
    expect(at('observer', item(q.value, 'person'))).toBe('Bundle.entry[3].resource.performer');
    expect(at('concept')).toBe('Bundle.entry[3].resource.code');
    expect(at('value')).toBe('Bundle.entry[3].resource.valueQuantity');
    expect(at('value.unit')).toBe('Bundle.entry[3].resource.valueQuantity.code');
    expect(at('value', item({ kind: 'coded', code: { scheme: 'SCT', value: '1', meaning: '' } }))).toBe('Bundle.entry[3].resource.valueCodeableConcept');
    expect(at('value', item({ kind: 'text', text: 'x' }))).toBe('Bundle.entry[3].resource.valueString');
    expect(at('timePoint')).toBe('Bundle.entry[3].resource.component');
    expect(at('lesion.uid')).toBe('Bundle.entry[3].resource.identifier');
    expect(at('')).toBe('Bundle.entry[3].resource');
    // Mapping problems are FHIRPaths already.
    expect(fhirExpressionOf(problem('Bundle.entry[3].resource.status'), q)).toBe('Bundle.entry[3].resource.status');
  });

  it('the registry code system names the catalogue code (scheme REGISTRY)', () => {
    expect(SYSTEM_TO_SCHEME[REGISTRY_CODE_SYSTEM]).toBe('REGISTRY');
  });

  it('builds R4-valid answers: refusal OperationOutcome, transaction-response, CapabilityStatement', async () => {
    const bundle = followUpBundle();
    const broken = bundle.entry![4]!.resource as Observation;
    broken.valueQuantity = { value: 3, system: 'http://unitsofmeasure.org', code: 'kg' };
    const { report, problems } = mapFhirBundle(bundle, validate, { systems: { [TEST_SCHEME_SYSTEM]: '99REGTEST' } });
    const resolved = await resolveMeasurementReport(report, fakeResolver(lungRegistry()), { mappingProblems: problems });
    expect(resolved.ok).toBe(false);
    const issues = issuesOfProblems(resolved.ok ? [] : resolved.problems, report.items);
    expect(issues).toEqual([
      { code: 'UNIT_NOT_CONVERTIBLE', expression: 'Bundle.entry[4].resource.valueQuantity.code', message: expect.any(String), entry: 4, type: 'invalid' },
    ]);
    const outcome = refusalOutcome(issues);
    expect(errors(outcome)).toEqual([]);
    expect(outcome.issue[0]).toMatchObject({
      severity: 'error',
      code: 'invalid',
      details: { coding: [{ system: ISSUE_CODE_SYSTEM, code: 'UNIT_NOT_CONVERTIBLE' }] },
      expression: ['Bundle.entry[4].resource.valueQuantity.code'],
    });
    const response = transactionResponse([
      {
        status: '201 Created',
        location: 'Observation/0b0d7c57-5e58-5b7b-9a8c-0f0d0a0b0c0d/_history/1',
        etag: 'W/"1"',
        outcome: informationOutcome('Recorded', 'RECORDED'),
      },
      { status: '200 OK', outcome: informationOutcome('Referenced') },
    ]);
    expect(errors(response)).toEqual([]);
    expect(response).toMatchObject({ type: 'transaction-response', entry: [{ response: { status: '201 Created' } }, { response: { status: '200 OK' } }] });
    const statement = capabilityStatement({ softwareVersion: '0.1.0', date: '2026-12-03T10:00:00.000Z', maxBundleBytes: 1024, maxMeasurements: 10 });
    expect(errors(statement)).toEqual([]);
  });

  it('never throws on hostile Bundles (mapping and resolution), and refuses those that are not imaging measurements', async () => {
    const garbage: unknown[] = [null, 5, 'x', [], {}, [null], [5], [{}], { reference: 5 }, { coding: [null] }, [{ reference: {} }], { value: {} }];
    const hostile: unknown[] = [
      null,
      5,
      'Bundle',
      [],
      { resourceType: 'Bundle', type: 'transaction', entry: 'x' },
      { resourceType: 'Bundle', type: 'transaction', entry: [null, 1, 'x', [], {}] },
      { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: 'x' }, { resource: 5 }, { resource: null }, { resource: [] }, { fullUrl: 5 }] },
      { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 5 } }, { resource: { resourceType: 'Nope' } }, { resource: {} }] },
    ];
    const base = followUpBundle() as unknown as { entry: { fullUrl: string; resource: Record<string, unknown> }[] };
    const clone = () => JSON.parse(JSON.stringify(base)) as typeof base;
    for (let e = 0; e < base.entry.length; e++) {
      for (const key of Object.keys(base.entry[e]!.resource)) {
        if (key === 'resourceType') continue;
        for (const g of garbage) {
          const b = clone();
          b.entry[e]!.resource[key] = g;
          hostile.push(b);
          // one level down: the first element / property of the element
          const inner = base.entry[e]!.resource[key];
          if (inner && typeof inner === 'object') {
            const nested = clone();
            const target = nested.entry[e]!.resource[key] as Record<string, unknown> | unknown[];
            if (Array.isArray(target)) target[0] = g;
            else target[Object.keys(target)[0]!] = g;
            hostile.push(nested);
          }
        }
      }
      for (const g of garbage) {
        const b = clone();
        (b.entry[e] as unknown as Record<string, unknown>)['fullUrl'] = g;
        hostile.push(b);
      }
    }
    let refused = 0;
    for (const body of hostile) {
      const { report, problems } = mapFhirBundle(body, validate, { systems: { [TEST_SCHEME_SYSTEM]: '99REGTEST' } });
      const resolved = await resolveMeasurementReport(report, fakeResolver(lungRegistry()), { mappingProblems: problems });
      if (!resolved.ok) {
        refused += 1;
        refusalOutcome(issuesOfProblems(resolved.problems, report.items));
      }
    }
    // Some replacements are harmless (a display name, a category, an optional element emptied): those may still map.
    expect(hostile.length).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(hostile.length * 0.85);
    // A status the validator lets through (it checks no bindings) is refused by the mapper.
    for (const status of ['x', 'entered-in-error', 'cancelled', 'preliminary']) {
      const b = followUpBundle();
      (b.entry![4]!.resource as Observation).status = status as Observation['status'];
      const { problems } = mapFhirBundle(b, validate, { systems: { [TEST_SCHEME_SYSTEM]: '99REGTEST' } });
      expect(problems.map((p) => [p.code, p.path])).toEqual([[InteropProblems.INVALID_VALUE, 'Bundle.entry[4].resource.status']]);
    }
  }, 120_000);
});
