import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Bundle, BundleEntry, Observation, OperationOutcome, Resource } from '@medplum/fhirtypes';
import pg from 'pg';
import { EVENT_STORE, type EventStore } from '#event-store';
import { loadFhirValidator, REGISTRY_CODE_SYSTEM, type FhirValidator } from '#interop';
import { loadConfig, projectRoot, type AppConfig } from '#runtime';
import { issueLocalToken, type TokenClaims } from '../../services/registry-api/src/auth/local-signing-key.js';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Issue 16, FHIR R4: POST /fhir/Bundle (and POST /fhir) of imaging measurement Observations on PostgreSQL with the
 * projector running. A transaction Bundle with measurement groups (hasMember) and one lesion at two time points is
 * recorded and read back through GraphQL (values converted, lesion tracked); every refusal lists every issue with its
 * FHIRPath and stores nothing; the same Bundle again appends nothing; roles and scopes as for /import. What the API
 * answers (transaction-response, OperationOutcome, CapabilityStatement) is checked with the @medplum validator, so
 * the answers are R4 resources by a second opinion and not only by our own builders.
 */
describe('POST /fhir/Bundle (FHIR R4 imaging measurements)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let store: EventStore;
  let owner: pg.Client;
  let base: string;
  let validate: FhirValidator;
  const tokens: Record<string, string> = {};
  const T = 'T-FHIR';
  const UID = (n: number) => `1.2.826.0.1.3680043.8.498.93${String(n).padStart(3, '0')}`;
  const S = {
    a: { id: '', pseudonym: 'FHIR-A1', site: 'S1', baseline: UID(1), followUp: UID(2) },
    c: { id: '', pseudonym: 'FHIR-C1', site: 'S2', baseline: UID(3), followUp: UID(4) },
  };
  const LESION = UID(900);
  const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
  const UCUM = 'http://unitsofmeasure.org';

  async function gql(who: string, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
    const res = await fetch(registry.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[who]}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
  }
  async function ok(who: string, field: string, input: Record<string, unknown>): Promise<{ id: string }> {
    const type = `${field[0]!.toUpperCase()}${field.slice(1)}Input`;
    const res = await gql(who, `mutation($input: ${type}!) { ${field}(input: $input) { id } }`, { input: { commandId: randomUUID(), ...input } });
    expect(res.errors).toBeUndefined();
    return res.data![field] as { id: string };
  }
  async function post(
    who: string | null,
    body: unknown,
    options: { path?: string; contentType?: string; correlationId?: string } = {},
  ): Promise<{ status: number; json: Resource & Record<string, unknown>; headers: Headers }> {
    const res = await fetch(`${base}${options.path ?? '/fhir/Bundle'}`, {
      method: 'POST',
      headers: {
        'content-type': options.contentType ?? 'application/fhir+json',
        ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}),
        ...(options.correlationId ? { 'x-correlation-id': options.correlationId } : {}),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: JSON.parse(text) as Resource & Record<string, unknown>, headers: res.headers };
  }
  const issuesOf = (json: unknown) =>
    (json as OperationOutcome).issue
      .map((i) => [i.details?.coding?.[0]?.code, i.expression?.[0] ?? '', i.severity])
      .sort((x, y) => (String(x) < String(y) ? -1 : 1));
  const measurementEvents = async (k: 'a' | 'c') => (await store.readStream(`subject-${S[k].id}`)).filter((e) => e.type === 'MeasurementRecorded').length;
  async function caughtUp(sql: string, params: unknown[], expected: number): Promise<void> {
    for (let i = 0; i < 300; i++) {
      if (Number((await owner.query(sql, params)).rows[0].n) >= expected) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`read model not caught up: ${sql}`);
  }
  const noErrors = (resource: Resource) => validate(resource).filter((i) => i.severity === 'error' || i.severity === 'fatal');

  // ---- Bundles as a "DICOM SR to FHIR" converter sends them ------------------------------------------------------
  interface Options {
    readonly pseudonym?: string;
    readonly version?: string;
    readonly bundleId?: string;
    readonly obsPrefix?: string;
  }
  const ref = (id: string) => ({ reference: `urn:uuid:${id}` });
  const subjectRef = (pseudonym: string) => ({ identifier: { system: 'urn:registry:pseudonym', value: pseudonym } });
  const code = (c: string) => ({ coding: [{ system: REGISTRY_CODE_SYSTEM, code: c }] });
  const timePoint = (tp: string) => ({ code: { coding: [{ system: DCM, code: '126070', display: 'Subject Time Point Identifier' }] }, valueString: tp });
  const entry = (id: string, resource: Resource): BundleEntry => ({
    fullUrl: `urn:uuid:${id}`,
    resource,
    request: { method: 'POST', url: resource.resourceType },
  });
  const uuid = (n: number) => `5b0c2a7e-0000-4000-8000-${String(n).padStart(12, '0')}`;
  function measurement(n: number, obsUid: string, biomarker: string, value: number, unit: string, extra: Partial<Observation> = {}): BundleEntry {
    return entry(uuid(n), {
      resourceType: 'Observation',
      identifier: [{ system: 'urn:dicom:uid', value: `urn:oid:${obsUid}` }],
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'imaging' }] }],
      code: code(biomarker),
      valueQuantity: { value, unit, system: UCUM, code: unit },
      ...extra,
    } as Observation);
  }
  function group(n: number, members: number[], tp: string, study: number, pseudonym: string): BundleEntry {
    return entry(uuid(n), {
      resourceType: 'Observation',
      identifier: [
        { type: { coding: [{ system: DCM, code: '112039', display: 'Tracking Identifier' }] }, value: 'Liver lesion 1' },
        { type: { coding: [{ system: DCM, code: '112040', display: 'Tracking Unique Identifier' }] }, system: 'urn:dicom:uid', value: `urn:oid:${LESION}` },
      ],
      status: 'final',
      code: { coding: [{ system: DCM, code: '125007', display: 'Measurement Group' }] },
      subject: subjectRef(pseudonym),
      bodySite: { coding: [{ system: 'http://snomed.info/sct', code: '10200004', display: 'Liver' }] },
      component: [timePoint(tp)],
      hasMember: members.map((m) => ref(uuid(m))),
      device: ref(uuid(1)),
      derivedFrom: [ref(uuid(study))],
      effectiveDateTime: '2026-04-06T09:30:00Z',
    });
  }
  /**
   * Device, two ImagingStudies, a group per time point for one tracked lesion (long axis in mm and short axis in cm at
   * baseline, long axis in cm at week 12), and a standalone volume in cm3 at baseline.
   */
  function lesionBundle(k: 'a' | 'c' = 'a', o: Options = {}): Bundle {
    const pseudonym = o.pseudonym ?? S[k].pseudonym;
    const p = o.obsPrefix ?? '1.2.826.0.1.3680043.8.498.94';
    const study = (n: number, uid: string) =>
      entry(uuid(n), {
        resourceType: 'ImagingStudy',
        status: 'available',
        identifier: [{ system: 'urn:dicom:uid', value: `urn:oid:${uid}` }],
        subject: subjectRef(pseudonym),
      });
    return {
      resourceType: 'Bundle',
      type: 'transaction',
      identifier: { system: 'urn:dicom:uid', value: `urn:oid:${o.bundleId ?? '1.2.826.0.1.3680043.8.498.95001'}` },
      entry: [
        entry(uuid(1), {
          resourceType: 'Device',
          manufacturer: 'Acme Imaging AI',
          deviceName: [{ name: 'NoduleAI CT', type: 'model-name' }],
          version: [{ value: o.version ?? '2.1.0' }],
        }),
        study(2, S[k].baseline),
        study(3, S[k].followUp),
        group(4, [5, 6], 'BASELINE', 2, pseudonym),
        measurement(5, `${p}.1`, 'FH_LD', 21, 'mm'),
        measurement(6, `${p}.2`, 'FH_SA', 1.4, 'cm'),
        group(7, [8], 'WEEK12', 3, pseudonym),
        measurement(8, `${p}.3`, 'FH_LD', 2.5, 'cm'),
        measurement(9, `${p}.4`, 'FH_VOL', 12, 'cm3', {
          subject: subjectRef(pseudonym),
          device: ref(uuid(1)),
          derivedFrom: [ref(uuid(2))],
          component: [timePoint('BASELINE')],
          effectiveDateTime: '2026-04-06T09:30:00Z',
        }),
      ],
    };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-fhir-'));
    config = loadConfig({
      DATABASE_URL: db.url,
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      PROJECTOR: 'embedded',
      RATE_LIMIT_PER_MINUTE: '100000',
      AUDIT_SEAL_INTERVAL_SECONDS: '0',
    });
    registry = await startRegistry(config);
    base = registry.url.replace(/\/graphql$/, '');
    store = registry.app.get<EventStore>(EVENT_STORE);
    owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    validate = await loadFhirValidator();
    const claims: Record<string, TokenClaims> = {
      admin: { sub: 'fiona-admin', role: 'admin' },
      coordinator: { sub: 'fred-coord', role: 'coordinator', trials: [T], sites: ['S1', 'S2'] },
      reader: { sub: 'rose-reader', role: 'reader', sites: ['S1'] },
      regulator: { sub: 'regina', role: 'regulator' },
    };
    for (const [name, c] of Object.entries(claims)) tokens[name] = await issueLocalToken(config, c);
    const quantitative = (unit: string, max: number) => ({ kind: 'QUANTITATIVE', unit, plausibleRange: { min: 0, max } });
    await ok('admin', 'defineBiomarker', { biomarkerId: 'fh-ld', code: 'FH_LD', name: 'Long axis', modality: 'CT', valueType: quantitative('mm', 500) });
    await ok('admin', 'defineBiomarker', { biomarkerId: 'fh-sa', code: 'FH_SA', name: 'Short axis', modality: 'CT', valueType: quantitative('mm', 500) });
    await ok('admin', 'defineBiomarker', { biomarkerId: 'fh-vol', code: 'FH_VOL', name: 'Lesion volume', modality: 'CT', valueType: quantitative('mL', 5000) });
    await ok('admin', 'registerAlgorithmVersion', {
      algorithmVersionId: 'fh-nodule-2.1.0',
      manufacturer: 'Acme Imaging AI',
      name: 'NoduleAI CT',
      version: '2.1.0',
      intendedUse: 'Lesion measurement',
      regulatory: { status: 'INVESTIGATIONAL' },
      biomarkerIds: ['fh-ld', 'fh-sa', 'fh-vol'],
    });
    await ok('coordinator', 'registerTrial', {
      trialId: T,
      identifiers: [{ system: 'OTHER', value: T }],
      title: 'FHIR trial',
      phase: 'PHASE_II',
      sponsor: 'Test',
      primaryEndpoint: 'None',
    });
    await ok('coordinator', 'addTrialArm', { trialId: T, armCode: 'A', name: 'A', armType: 'EXPERIMENTAL', plannedSize: 10 });
    await ok('coordinator', 'activateTrialSite', { trialId: T, siteId: 'S1', name: 'Site one', country: 'NL' });
    await ok('coordinator', 'activateTrialSite', { trialId: T, siteId: 'S2', name: 'Site two', country: 'NL' });
    await ok('coordinator', 'defineVisitSchedule', {
      trialId: T,
      timePoints: [
        { code: 'BASELINE', label: 'Baseline', targetDay: 1, windowBeforeDays: 28, windowAfterDays: 0 },
        { code: 'WEEK12', label: 'Week 12', targetDay: 84, windowBeforeDays: 7, windowAfterDays: 7 },
      ],
    });
    await ok('coordinator', 'openEnrolment', { trialId: T });
    for (const k of ['a', 'c'] as const) {
      S[k].id = (
        await ok('coordinator', 'enrolSubject', { trialId: T, siteId: S[k].site, pseudonym: S[k].pseudonym, consentVersion: 'v1', consentDate: '2025-01-10' })
      ).id;
      for (const [uid, date] of [
        [S[k].baseline, '2025-01-20'],
        [S[k].followUp, '2025-04-14'],
      ] as const)
        await ok('coordinator', 'registerImagingStudy', {
          studyInstanceUid: uid,
          subjectId: S[k].id,
          modality: 'CT',
          acquisitionDateTime: date,
          siteId: S[k].site,
          scanner: { manufacturer: 'Siemens', model: 'Somatom' },
        });
    }
    // The README's quick start: biomarker SMA_L3, algorithm Acme / NoduleAI CT / 2.1.0, subject PT-0001 with study 1.2.3.4.5.
    await ok('admin', 'defineBiomarker', {
      biomarkerId: 'sma-l3',
      code: 'SMA_L3',
      name: 'Skeletal muscle area at L3',
      modality: 'CT',
      bodySite: 'L3 vertebra',
      valueType: { kind: 'QUANTITATIVE', unit: 'cm2', plausibleRange: { min: 20, max: 400 } },
    });
    await ok('admin', 'registerAlgorithmVersion', {
      algorithmVersionId: 'readme-nodule',
      manufacturer: 'Acme',
      name: 'NoduleAI CT',
      version: '2.1.0',
      intendedUse: 'Body composition',
      regulatory: { status: 'INVESTIGATIONAL' },
      biomarkerIds: ['sma-l3'],
    });
    const readme = (
      await ok('coordinator', 'enrolSubject', { trialId: T, siteId: 'S1', pseudonym: 'PT-0001', consentVersion: 'v1', consentDate: '2025-01-10' })
    ).id;
    await ok('coordinator', 'registerImagingStudy', {
      studyInstanceUid: '1.2.3.4.5',
      subjectId: readme,
      modality: 'CT',
      acquisitionDateTime: '2025-01-20',
      siteId: 'S1',
      scanner: { manufacturer: 'Siemens', model: 'Somatom' },
    });
    await caughtUp(`SELECT count(*) AS n FROM read_model.imaging_studies WHERE study_instance_uid = '1.2.3.4.5'`, [], 1);
    await caughtUp(`SELECT count(*) AS n FROM read_model.algorithm_versions WHERE algorithm_version_id = 'readme-nodule'`, [], 1);
    await caughtUp(`SELECT count(*) AS n FROM read_model.imaging_studies WHERE study_instance_uid LIKE '1.2.826.0.1.3680043.8.498.93%'`, [], 4);
    await caughtUp(`SELECT count(*) AS n FROM read_model.biomarkers WHERE code LIKE 'FH_%'`, [], 3);
    await caughtUp(`SELECT count(*) AS n FROM read_model.algorithm_versions WHERE algorithm_version_id = 'fh-nodule-2.1.0'`, [], 1);
  }, 120_000);
  afterAll(async () => {
    await owner?.end();
    await registry?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('records a transaction Bundle (groups, one lesion at two time points) and answers a transaction-response; GraphQL reads it back converted and tracked', async () => {
    const request = lesionBundle();
    expect(request.entry!.flatMap((e) => noErrors(e.resource!))).toEqual([]);
    const res = await post('coordinator', request, { correlationId: 'fhir-e2e-first' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const response = res.json as unknown as Bundle;
    expect(response).toMatchObject({ resourceType: 'Bundle', type: 'transaction-response' });
    expect(noErrors(response)).toEqual([]);
    // One entry per request entry, in order: 201 for each new measurement, 200 for what it references.
    const statuses = response.entry!.map((e) => e.response!.status);
    expect(statuses).toEqual(['200 OK', '200 OK', '200 OK', '200 OK', '201 Created', '201 Created', '200 OK', '201 Created', '201 Created']);
    const locations = response.entry!.flatMap((e) => (e.response!.location ? [e.response!.location] : []));
    expect(locations).toHaveLength(4);
    for (const l of locations) expect(l).toMatch(/^Observation\/[0-9a-f-]{36}\/_history\/1$/);
    expect(response.entry![4]!.response!.outcome).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'information' }] });
    expect(await measurementEvents('a')).toBe(4);

    await caughtUp(`SELECT count(*) AS n FROM read_model.measurements WHERE subject_id = $1`, [S.a.id], 4);
    const read = await gql(
      'coordinator',
      `query($f: MeasurementFilter) { measurements(filter: $f, first: 100) { nodes {
         id biomarkerId timePoint value unit originalValue originalUnit method algorithmVersionId studyInstanceUid
         lesion { trackingUid label } } } }`,
      { f: { subjectId: S.a.id } },
    );
    expect(read.errors).toBeUndefined();
    type Node = {
      id: string;
      biomarkerId: string;
      timePoint: string;
      value: number;
      unit: string;
      originalValue: number;
      originalUnit: string;
      method: string;
      algorithmVersionId: string;
      studyInstanceUid: string;
      lesion: { trackingUid: string; label: string } | null;
    };
    const nodes = (read.data!['measurements'] as { nodes: Node[] }).nodes;
    const rows = nodes
      .map((n) => [n.biomarkerId, n.timePoint, n.value, n.unit, n.originalValue, n.originalUnit, n.studyInstanceUid, n.lesion?.trackingUid ?? null])
      .sort((x, y) => (`${x[0]}|${x[1]}` < `${y[0]}|${y[1]}` ? -1 : 1));
    expect(rows).toEqual([
      ['fh-ld', 'BASELINE', 21, 'mm', 21, 'mm', S.a.baseline, LESION],
      ['fh-ld', 'WEEK12', 25, 'mm', 2.5, 'cm', S.a.followUp, LESION],
      ['fh-sa', 'BASELINE', 14, 'mm', 1.4, 'cm', S.a.baseline, LESION],
      ['fh-vol', 'BASELINE', 12, 'mL', 12, 'cm3', S.a.baseline, null],
    ]);
    // The lesion is one identity across both time points (what RECIST follows), labelled by its Tracking Identifier.
    expect(new Set(nodes.filter((n) => n.lesion).map((n) => `${n.lesion!.trackingUid}|${n.lesion!.label}`))).toEqual(new Set([`${LESION}|Liver lesion 1`]));
    expect(new Set(nodes.map((n) => `${n.method}|${n.algorithmVersionId}`))).toEqual(new Set(['AI|fh-nodule-2.1.0']));
    // The locations name the recorded measurements.
    expect(new Set(locations.map((l) => l.split('/')[1]))).toEqual(new Set(nodes.map((n) => n.id)));
    // One access-log row for the request, as for /import.
    const { rows: logged } = await owner.query(`SELECT channel, operation_name, actor_id FROM audit.access_log WHERE correlation_id = $1`, ['fhir-e2e-first']);
    expect(logged).toEqual([{ channel: 'http-import', operation_name: 'fhir.Bundle', actor_id: 'fred-coord' }]);
  });

  it('the same Bundle again (also at POST /fhir, as application/json) appends nothing and answers 200 per measurement', async () => {
    const before = await store.countEvents();
    const again = await post('coordinator', lesionBundle());
    expect(again.status).toBe(200);
    expect((again.json as unknown as Bundle).entry!.map((e) => e.response!.status).every((s) => s === '200 OK')).toBe(true);
    expect(again.headers.get('x-fhir-replayed')).toBe('4');
    const atBase = await post('coordinator', lesionBundle(), { path: '/fhir', contentType: 'application/json' });
    expect(atBase.status).toBe(200);
    expect(atBase.json).toMatchObject({ resourceType: 'Bundle', type: 'transaction-response' });
    // A collection of the same Observations (another Bundle, same identifiers): recorded before, nothing appended.
    const collection = { ...lesionBundle(), type: 'collection', identifier: { system: 'urn:x', value: 'other' } };
    expect((await post('coordinator', collection)).status).toBe(200);
    expect(await store.countEvents()).toBe(before);
    expect(await measurementEvents('a')).toBe(4);
  });

  it('a Bundle with recorded and new Observations records only the new one', async () => {
    const bundle = lesionBundle();
    bundle.entry!.push(
      measurement(10, '1.2.826.0.1.3680043.8.498.94.5', 'FH_LD', 9, 'mm', {
        subject: subjectRef(S.a.pseudonym),
        device: ref(uuid(1)),
        derivedFrom: [ref(uuid(3))],
        component: [timePoint('WEEK12')],
      }),
    );
    const res = await post('coordinator', bundle);
    expect(res.status).toBe(200);
    expect((res.json as unknown as Bundle).entry!.map((e) => e.response!.status).filter((s) => s === '201 Created')).toHaveLength(1);
    expect(await measurementEvents('a')).toBe(5);
  });

  it('changed content under the same Observation identifiers is refused (409), nothing appended', async () => {
    const before = await store.countEvents();
    const changed = lesionBundle();
    (changed.entry![4]!.resource as Observation).valueQuantity!.value = 22;
    const res = await post('coordinator', changed);
    expect(res.status).toBe(409);
    expect(noErrors(res.json)).toEqual([]);
    expect(issuesOf(res.json)).toEqual([['IMPORT_KEY_CONFLICT', 'Bundle.entry[4].resource.identifier', 'error']]);
    expect(await store.countEvents()).toBe(before);
  });

  it('refuses an invalid Bundle with every issue and its FHIRPath (validator, unknown algorithm, unknown subject, unit that does not convert): 400, nothing stored', async () => {
    const before = await store.countEvents();
    const bad = lesionBundle('a', { version: '9.9.9', obsPrefix: '1.2.826.0.1.3680043.8.498.96' });
    delete (bad.entry![5]!.resource as Partial<Observation>).status; // invalid per the R4 StructureDefinition (status 1..1)
    (bad.entry![7]!.resource as Observation).valueQuantity = { value: 3, unit: 'kg', system: UCUM, code: 'kg' }; // mass is no length
    Object.assign(bad.entry![8]!.resource as Observation, { subject: subjectRef('FHIR-NOBODY') });
    const res = await post('coordinator', bad);
    expect(res.status).toBe(400);
    expect(noErrors(res.json)).toEqual([]);
    expect(issuesOf(res.json)).toEqual([
      ['FHIR_INVALID_RESOURCE', 'Bundle.entry[5].resource.status', 'error'],
      ['UNIT_NOT_CONVERTIBLE', 'Bundle.entry[7].resource.valueQuantity.code', 'error'],
      ['UNKNOWN_ALGORITHM', 'Bundle.entry[4].resource.device', 'error'],
      ['UNKNOWN_ALGORITHM', 'Bundle.entry[5].resource.device', 'error'],
      ['UNKNOWN_ALGORITHM', 'Bundle.entry[7].resource.device', 'error'],
      ['UNKNOWN_ALGORITHM', 'Bundle.entry[8].resource.device', 'error'],
      ['UNKNOWN_SUBJECT', 'Bundle.entry[8].resource.subject', 'error'],
    ]);
    expect(await store.countEvents()).toBe(before);
  });

  it('a valid Bundle the registry cannot accept is 422 with every issue: unknown subject, out of scope (the same answer), time point not in the schedule', async () => {
    const before = await store.countEvents();
    const nobody = await post('coordinator', lesionBundle('a', { pseudonym: 'FHIR-NOBODY', obsPrefix: '1.2.826.0.1.3680043.8.498.97' }));
    expect(nobody.status).toBe(422);
    const subjectIssues = (nobody.json as unknown as OperationOutcome).issue.filter((i) => i.details?.coding?.[0]?.code === 'UNKNOWN_SUBJECT');
    expect(subjectIssues.map((i) => i.expression?.[0])).toEqual([4, 5, 7, 8].map((i) => `Bundle.entry[${i}].resource.subject`));
    // A reader of site S1 sending for a subject of site S2: the same refusal as for a pseudonym nobody has.
    const outOfScope = await post('reader', lesionBundle('c', { obsPrefix: '1.2.826.0.1.3680043.8.498.98' }));
    expect(outOfScope.status).toBe(422);
    const first = (outOfScope.json as unknown as OperationOutcome).issue.find((i) => i.details?.coding?.[0]?.code === 'UNKNOWN_SUBJECT')!;
    expect(first.details!.text).toBe(subjectIssues[0]!.details!.text);
    // Resolved, then refused by the subject's decider (the batch path): the week-12 group says WEEK99.
    const week99 = lesionBundle('a', { obsPrefix: '1.2.826.0.1.3680043.8.498.99' });
    (week99.entry![6]!.resource as Observation).component = [timePoint('WEEK99')];
    const decided = await post('coordinator', week99);
    expect(decided.status).toBe(422);
    expect(issuesOf(decided.json)).toEqual([['UNKNOWN_TIME_POINT', 'Bundle.entry[7].resource.component', 'error']]);
    expect(await store.countEvents()).toBe(before);
  });

  it('one subject per Bundle: a Bundle for two subjects is refused (422), nothing stored', async () => {
    const before = await store.countEvents();
    const two = lesionBundle('a', { obsPrefix: '1.2.826.0.1.3680043.8.498.91' });
    const other = lesionBundle('c', { obsPrefix: '1.2.826.0.1.3680043.8.498.92' });
    // c's standalone volume, with its own study entry, in a's Bundle.
    two.entry!.push(
      { ...other.entry![1]!, fullUrl: `urn:uuid:${uuid(20)}` },
      {
        ...other.entry![8]!,
        fullUrl: `urn:uuid:${uuid(21)}`,
        resource: { ...(other.entry![8]!.resource as Observation), derivedFrom: [ref(uuid(20))] },
      },
    );
    const res = await post('coordinator', two);
    expect(res.status).toBe(422);
    expect(issuesOf(res.json)).toEqual([['BUNDLE_SEVERAL_SUBJECTS', 'Bundle.entry', 'error']]);
    expect(await store.countEvents()).toBe(before);
  });

  it('refuses the request itself as a FHIR server does: token, role, media type, malformed JSON, size, not a transaction Bundle', async () => {
    const before = await store.countEvents();
    const anonymous = await post(null, lesionBundle());
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'security' }] });
    const regulator = await post('regulator', lesionBundle());
    expect(regulator.status).toBe(403);
    expect(issuesOf(regulator.json)[0]![0]).toBe('FORBIDDEN');
    const media = await post('coordinator', JSON.stringify(lesionBundle()), { contentType: 'text/plain' });
    expect(media.status).toBe(415);
    expect(media.json).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'not-supported' }] });
    const r5 = await post('coordinator', lesionBundle(), { contentType: 'application/fhir+json; fhirVersion=5.0' });
    expect(r5.status).toBe(415);
    for (const contentType of ['application/fhir+json', 'application/json']) {
      const malformed = await post('coordinator', '{"resourceType": "Bundle",', { contentType });
      expect(malformed.status).toBe(400);
      expect(issuesOf(malformed.json)[0]![0]).toBe('INVALID_JSON');
      expect(noErrors(malformed.json)).toEqual([]);
    }
    const huge = await post('coordinator', JSON.stringify({ ...lesionBundle(), padding: 'x'.repeat(9 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.json).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'too-costly' }] });
    const bigJson = await post('coordinator', JSON.stringify({ ...lesionBundle(), padding: 'x'.repeat(2 * 1024 * 1024) }), { contentType: 'application/json' });
    expect(bigJson.status).toBe(413);
    expect(bigJson.json).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'too-costly' }] });
    const notBundle = await post('coordinator', { resourceType: 'Patient' });
    expect(notBundle.status).toBe(400);
    expect(issuesOf(notBundle.json)).toContainEqual(['FHIR_INVALID_RESOURCE', 'Bundle', 'error']);
    const batch = await post('coordinator', { ...lesionBundle(), type: 'batch' });
    expect(batch.status).toBe(400);
    expect(issuesOf(batch.json)).toContainEqual(['FHIR_INVALID_RESOURCE', 'Bundle.type', 'error']);
    const array = await post('coordinator', '[1, 2]');
    expect(array.status).toBe(400);
    expect(await store.countEvents()).toBe(before);
  });

  it('no 5xx for hostile Bundles: every element of a measurement, its group, device and study replaced by garbage is answered 4xx or recorded, never 500', async () => {
    const garbage: unknown[] = [null, 5, 'x', [], {}, [5], { coding: [null] }, '__1e999__'];
    const statuses = new Map<number, number>();
    const prefix = (n: number) => `1.2.826.0.1.3680043.8.498.89${n}`;
    let n = 0;
    for (const e of [0, 1, 3, 4]) {
      for (const key of Object.keys(lesionBundle().entry![e]!.resource!)) {
        if (key === 'resourceType') continue;
        for (const g of garbage) {
          const b = lesionBundle('a', { obsPrefix: prefix(n++) }) as unknown as { entry: { resource: Record<string, unknown> }[] };
          b.entry[e]!.resource[key] = g;
          const res = await post('coordinator', JSON.stringify(b).replace('"__1e999__"', '1e999'), { contentType: n % 2 ? 'application/json' : undefined });
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect([200, 400, 409, 422]).toContain(res.status);
          expect(res.json.resourceType).toBe(res.status === 200 ? 'Bundle' : 'OperationOutcome');
        }
      }
    }
    expect(statuses.get(400)).toBeGreaterThan(50);
  }, 120_000);

  it("the README's quick-start Bundle is recorded as written there", async () => {
    const text = await readFile(join(projectRoot(), 'README.md'), 'utf8');
    const json = /cat > bundle\.json <<'JSON'\n([\s\S]*?)\nJSON\n/.exec(text)?.[1];
    expect(json).toBeDefined();
    const res = await post('coordinator', json!);
    expect(res.status).toBe(200);
    expect((res.json as unknown as Bundle).entry!.map((e) => e.response!.status)).toEqual(['200 OK', '200 OK', '201 Created']);
  });

  it('GET /fhir/metadata: a public CapabilityStatement (R4, JSON, Bundle create + transaction) valid per the R4 definitions', async () => {
    const res = await fetch(`${base}/fhir/metadata`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const statement = (await res.json()) as Resource;
    expect(noErrors(statement)).toEqual([]);
    expect(statement).toMatchObject({
      resourceType: 'CapabilityStatement',
      status: 'active',
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: expect.arrayContaining(['application/fhir+json']),
      rest: [{ mode: 'server', interaction: [{ code: 'transaction' }], resource: expect.arrayContaining([expect.objectContaining({ type: 'Bundle' })]) }],
    });
  });
});
