import type { Bundle, BundleEntry, Observation } from '@medplum/fhirtypes';
import { Concepts, PSEUDONYM, Uids } from './tid1500.fixtures.js';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const SCT = 'http://snomed.info/sct';
const UCUM = 'http://unitsofmeasure.org';

const coding = (c: { scheme: string; value: string; meaning: string }) => ({
  system: c.scheme === 'SCT' ? SCT : c.scheme === 'DCM' ? DCM : `urn:scheme:${c.scheme}`,
  code: c.value,
  display: c.meaning,
});

/** The catalogue of the lung fixtures knows the private test scheme under its DICOM designator. */
export const TEST_SCHEME_SYSTEM = 'urn:scheme:99REGTEST';

const measurement = (id: string, observationUid: string, code: Observation['code'], value: Partial<Observation>): BundleEntry => ({
  fullUrl: `urn:uuid:${id}`,
  resource: {
    resourceType: 'Observation',
    identifier: [{ system: 'urn:dicom:uid', value: `urn:oid:${observationUid}` }],
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'imaging' }] }],
    code,
    subject: { identifier: { system: 'urn:registry:pseudonym', value: PSEUDONYM } },
    effectiveDateTime: '2026-04-06T09:30:00Z',
    device: { reference: 'urn:uuid:7d0b6f1e-0000-4000-8000-000000000001' },
    derivedFrom: [{ reference: 'urn:uuid:7d0b6f1e-0000-4000-8000-000000000002' }],
    ...value,
  },
  request: { method: 'POST', url: 'Observation' },
});

/**
 * A transaction Bundle as a "DICOM SR to FHIR" converter would send it for the follow-up: the algorithm Device, the
 * ImagingStudy, a measurement group for the liver lesion (tracking identifier + UID) with two members, and a
 * coded Lung-RADS Observation.
 */
export function followUpBundle(): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    identifier: { system: 'urn:dicom:uid', value: `urn:oid:${Uids.followUpSr}` },
    entry: [
      {
        fullUrl: 'urn:uuid:7d0b6f1e-0000-4000-8000-000000000001',
        resource: {
          resourceType: 'Device',
          identifier: [{ system: 'urn:dicom:uid', value: `urn:oid:${Uids.device}` }],
          manufacturer: 'Acme Imaging AI',
          deviceName: [
            { name: 'NoduleAI CT', type: 'model-name' },
            { name: 'NoduleAI', type: 'user-friendly-name' },
          ],
          version: [{ value: '2.1.0' }],
        },
        request: { method: 'POST', url: 'Device' },
      },
      {
        fullUrl: 'urn:uuid:7d0b6f1e-0000-4000-8000-000000000002',
        resource: {
          resourceType: 'ImagingStudy',
          status: 'available',
          identifier: [{ system: 'urn:dicom:uid', value: `urn:oid:${Uids.followUpStudy}` }],
          subject: { identifier: { system: 'urn:registry:pseudonym', value: PSEUDONYM } },
          series: [{ uid: Uids.followUpCtSeries, modality: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'CT' } }],
        },
        request: { method: 'POST', url: 'ImagingStudy' },
      },
      {
        fullUrl: 'urn:uuid:7d0b6f1e-0000-4000-8000-000000000003',
        resource: {
          resourceType: 'Observation',
          identifier: [
            { type: { coding: [{ system: DCM, code: '112039', display: 'Tracking Identifier' }] }, value: 'Liver lesion 2' },
            {
              type: { coding: [{ system: DCM, code: '112040', display: 'Tracking Unique Identifier' }] },
              system: 'urn:dicom:uid',
              value: `urn:oid:${Uids.lesion2}`,
            },
          ],
          status: 'final',
          code: { coding: [{ system: DCM, code: '125007', display: 'Measurement Group' }] },
          subject: { identifier: { system: 'urn:registry:pseudonym', value: PSEUDONYM } },
          bodySite: { coding: [coding(Concepts.liver)] },
          component: [
            { code: { coding: [{ system: DCM, code: '126070', display: 'Subject Time Point Identifier' }] }, valueString: 'WEEK12' },
            { code: { coding: [{ system: DCM, code: '121071', display: 'Finding' }] }, valueCodeableConcept: { coding: [coding(Concepts.neoplasm)] } },
          ],
          hasMember: [{ reference: 'urn:uuid:7d0b6f1e-0000-4000-8000-000000000004' }, { reference: 'urn:uuid:7d0b6f1e-0000-4000-8000-000000000005' }],
          device: { reference: 'urn:uuid:7d0b6f1e-0000-4000-8000-000000000001' },
          derivedFrom: [{ reference: 'urn:uuid:7d0b6f1e-0000-4000-8000-000000000002' }],
          effectiveDateTime: '2026-04-06T09:30:00Z',
        },
        request: { method: 'POST', url: 'Observation' },
      },
      measurement(
        '7d0b6f1e-0000-4000-8000-000000000004',
        '1.2.826.0.1.3680043.10.543.8.14',
        { coding: [coding(Concepts.longAxis)] },
        {
          valueQuantity: { value: 18.5, unit: 'mm', system: UCUM, code: 'mm' },
          component: [
            { code: { coding: [{ system: DCM, code: '121401', display: 'Derivation' }] }, valueCodeableConcept: { coding: [coding(Concepts.maximum)] } },
          ],
        },
      ),
      measurement(
        '7d0b6f1e-0000-4000-8000-000000000005',
        '1.2.826.0.1.3680043.10.543.8.15',
        { coding: [coding(Concepts.shortAxis)] },
        { valueQuantity: { value: 1.1, unit: 'cm', system: UCUM, code: 'cm' } },
      ),
      measurement(
        '7d0b6f1e-0000-4000-8000-000000000006',
        '1.2.826.0.1.3680043.10.543.8.17',
        { coding: [coding(Concepts.lungRads)] },
        {
          valueCodeableConcept: { coding: [coding(Concepts.lungRads4A)] },
          component: [{ code: { coding: [{ system: DCM, code: '126070', display: 'Subject Time Point Identifier' }] }, valueString: 'WEEK12' }],
        },
      ),
    ],
  };
}
