import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { EVENT_STORE, type EventStore } from '#event-store';
import { loadConfig, type AppConfig } from '#runtime';
import { buildTid1500Part10, type BuiltReport } from '../../libs/interop/src/testing/tid1500.builder.js';
import { baselineReport, Concepts, followUpReport, PSEUDONYM, Uids } from '../../libs/interop/src/testing/tid1500.fixtures.js';
import { issueLocalToken, type TokenClaims } from '../../services/registry-api/src/auth/local-signing-key.js';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { uploadDicomSrFiles } from '../../services/registry-api/src/interop/dicom-sr-upload.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Issue 16, DICOM SR TID 1500: POST /dicomweb/studies (STOW-RS multipart/related, and one application/dicom file) on
 * PostgreSQL with the projector running. Reports built with the test builder (planar + volumetric groups, two
 * lesions, two time points, a qualitative finding, a coded value) and one made by DCMTK's xml2dsr from a hand-written
 * XML document map through the catalogue's coded concepts and are read back through GraphQL with the lesions'
 * tracking identity across time points; the same report twice appends nothing, a changed one with the same UIDs and
 * an unmapped one are refused with every problem and nothing stored.
 */
describe('POST /dicomweb/studies (DICOM SR TID 1500)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let store: EventStore;
  let owner: pg.Client;
  let base: string;
  let subjectId = '';
  const tokens: Record<string, string> = {};
  const T = 'T-STOW';
  const week24Study = '1.2.826.0.1.3680043.10.543.1.3';
  const week24Sr = '1.2.826.0.1.3680043.10.543.1.3.9.1';

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

  type Stow = {
    status: number;
    json: Record<string, { vr: string; Value?: unknown[] }> & { errors?: { extensions: { code: string } }[] };
    type: string | null;
  };
  async function send(body: Uint8Array, contentType: string, who = 'coordinator', headers: Record<string, string> = {}): Promise<Stow> {
    const res = await fetch(`${base}/dicomweb/studies`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}), ...headers },
      body,
    });
    return { status: res.status, json: (await res.json()) as Stow['json'], type: res.headers.get('content-type') };
  }
  const BOUNDARY = 'stow-e2e-3f1c';
  const STOW = `multipart/related; type="application/dicom"; boundary=${BOUNDARY}`;
  function multipart(...parts: (Uint8Array | { type: string; body: Uint8Array })[]): Uint8Array {
    const chunks: Buffer[] = [Buffer.from('preamble, ignored\r\n')];
    for (const p of parts) {
      const { type, body } = p instanceof Uint8Array ? { type: 'application/dicom', body: p } : p;
      chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Type: ${type}\r\n\r\n`), Buffer.from(body), Buffer.from('\r\n'));
    }
    chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
    return Buffer.concat(chunks);
  }
  const sequence = (r: Stow, tag: '00081198' | '00081199') => (r.json[tag]?.Value ?? []) as Record<string, { vr: string; Value?: unknown[] }>[];
  const storedUids = (r: Stow) => sequence(r, '00081199').map((i) => i['00081155']!.Value![0]);
  const failures = (r: Stow) =>
    sequence(r, '00081198').map((i) => ({
      sopInstanceUid: i['00081155']!.Value?.[0] ?? null,
      reason: i['00081197']!.Value![0],
      problems: JSON.parse(i['00091001']!.Value![0] as string) as { code: string; path: string; message: string }[],
    }));

  const recorded = async () => (await store.readStream(`subject-${subjectId}`)).filter((e) => e.type === 'MeasurementRecorded').length;
  async function caughtUp(expected: number): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const { rows } = await owner.query(`SELECT count(*)::int AS n FROM read_model.measurements WHERE subject_id = $1`, [subjectId]);
      if (rows[0].n >= expected) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('read model not caught up');
  }
  type Row = {
    biomarkerId: string;
    timePoint: string;
    value: number | null;
    unit: string | null;
    originalValue: number | null;
    originalUnit: string | null;
    category: string | null;
    method: string;
    algorithmVersionId: string | null;
    readerId: string | null;
    studyInstanceUid: string;
    lesion: { trackingUid: string; label: string; findingSite: string | null; role: string } | null;
    extraction: { software: { name: string; version: string } | null; ibsiCompliant: boolean | null } | null;
  };
  async function measurements(filter: Record<string, unknown>): Promise<Row[]> {
    const res = await gql(
      'admin',
      `query($f: MeasurementFilter) { measurements(filter: $f, first: 100) { nodes {
        biomarkerId timePoint value unit originalValue originalUnit category method algorithmVersionId readerId studyInstanceUid
        lesion { trackingUid label findingSite role } extraction { software { name version } ibsiCompliant } } } }`,
      { f: { subjectId, ...filter } },
    );
    expect(res.errors).toBeUndefined();
    return (res.data!['measurements'] as { nodes: Row[] }).nodes;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-stow-'));
    // As the app login (a member of registry_app), in the separate event-store layout too when the run asks for it.
    config = loadConfig({ ...db.appEnv, PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, PROJECTOR: 'embedded', RATE_LIMIT_PER_MINUTE: '100000' });
    registry = await startRegistry(config);
    base = registry.url.replace(/\/graphql$/, '');
    store = registry.app.get<EventStore>(EVENT_STORE);
    owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    const claims: Record<string, TokenClaims> = {
      admin: { sub: 'alice-admin', role: 'admin' },
      coordinator: { sub: 'carl-coord', role: 'coordinator', trials: [T], sites: ['S1'] },
      regulator: { sub: 'rita-reg', role: 'regulator' },
    };
    for (const [name, c] of Object.entries(claims)) tokens[name] = await issueLocalToken(config, c);

    // The catalogue, with the coded concepts the reports code their measurements with.
    const quantitative = (biomarkerId: string, concept: { scheme: string; value: string; meaning: string }, unit: string, min: number, max: number) =>
      ok('admin', 'defineBiomarker', {
        biomarkerId,
        code: biomarkerId.toUpperCase().replace(/-/g, '_'),
        name: concept.meaning,
        modality: 'CT',
        valueType: { kind: 'QUANTITATIVE', unit, plausibleRange: { min, max } },
        codedConcepts: [concept],
      });
    const categorical = (biomarkerId: string, concept: { scheme: string; value: string; meaning: string }, categories: string[]) =>
      ok('admin', 'defineBiomarker', {
        biomarkerId,
        code: biomarkerId.toUpperCase().replace(/-/g, '_'),
        name: concept.meaning,
        modality: 'CT',
        valueType: { kind: 'CATEGORICAL', categories },
        codedConcepts: [concept],
      });
    await quantitative('nodule-volume', Concepts.volume, 'mm3', 0, 5_000_000);
    await quantitative('mean-hu', Concepts.meanAttenuation, "[hnsf'U]", -1024, 3071);
    await quantitative('lesion-ld', Concepts.longAxis, 'mm', 0, 500);
    await quantitative('lesion-sa', Concepts.shortAxis, 'mm', 0, 500);
    await quantitative('ai-malignancy', Concepts.malignancyScore, '1', 0, 1);
    await categorical('nodule-composition', Concepts.noduleComposition, ['Solid', 'Part-solid', 'Ground-glass']);
    await categorical('lung-rads', Concepts.lungRads, ['1', '2', '3', '4A', '4B', '4X']);
    await ok('admin', 'registerAlgorithmVersion', {
      algorithmVersionId: 'noduleai-2.1.0',
      manufacturer: 'Acme Imaging AI',
      name: 'NoduleAI CT',
      version: '2.1.0',
      intendedUse: 'Lung nodule measurement on CT',
      regulatory: { status: 'INVESTIGATIONAL' },
      biomarkerIds: ['nodule-volume', 'mean-hu', 'lesion-ld', 'lesion-sa', 'ai-malignancy', 'nodule-composition', 'lung-rads'],
    });
    await ok('coordinator', 'registerTrial', {
      trialId: T,
      identifiers: [{ system: 'OTHER', value: T }],
      title: 'STOW-RS trial',
      phase: 'PHASE_II',
      sponsor: 'Test',
      primaryEndpoint: 'None',
    });
    await ok('coordinator', 'addTrialArm', { trialId: T, armCode: 'A', name: 'A', armType: 'EXPERIMENTAL', plannedSize: 10 });
    await ok('coordinator', 'activateTrialSite', { trialId: T, siteId: 'S1', name: 'Site one', country: 'NL' });
    await ok('coordinator', 'openEnrolment', { trialId: T });
    subjectId = (await ok('coordinator', 'enrolSubject', { trialId: T, siteId: 'S1', pseudonym: PSEUDONYM, consentVersion: 'v1', consentDate: '2025-12-10' }))
      .id;
    for (const [uid, at] of [
      [Uids.baselineStudy, '2026-01-05'],
      [Uids.followUpStudy, '2026-04-06'],
      [week24Study, '2026-07-06'],
    ] as const) {
      await ok('coordinator', 'registerImagingStudy', {
        studyInstanceUid: uid,
        subjectId,
        modality: 'CT',
        acquisitionDateTime: at,
        siteId: 'S1',
        scanner: { manufacturer: 'Siemens', model: 'Somatom' },
      });
    }
    for (let i = 0; i < 200; i++) {
      const { rows } = await owner.query(
        `SELECT (SELECT count(*)::int FROM read_model.imaging_studies WHERE subject_id = $1) AS studies,
                (SELECT count(*)::int FROM read_model.biomarkers WHERE coded_concepts <> '[]') AS biomarkers,
                (SELECT count(*)::int FROM read_model.algorithm_versions) AS algorithms`,
        [subjectId],
      );
      if (rows[0].studies === 3 && rows[0].biomarkers === 7 && rows[0].algorithms === 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 120_000);
  afterAll(async () => {
    await owner?.end();
    await registry?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows the coded concepts on the catalogue', async () => {
    const res = await gql('coordinator', `{ biomarkers { nodes { id codedConcepts { scheme value meaning } } } }`);
    const nodes = (res.data!['biomarkers'] as { nodes: { id: string; codedConcepts: unknown[] }[] }).nodes;
    expect(nodes.find((n) => n.id === 'lesion-ld')?.codedConcepts).toEqual([Concepts.longAxis]);
    // A second biomarker cannot carry a concept another one carries.
    const dup = await gql('admin', `mutation($i: DefineBiomarkerInput!) { defineBiomarker(input: $i) { id } }`, {
      i: {
        commandId: randomUUID(),
        code: 'OTHER_LD',
        name: 'Other',
        modality: 'CT',
        valueType: { kind: 'QUANTITATIVE', unit: 'mm', plausibleRange: { min: 0, max: 1 } },
        codedConcepts: [Concepts.longAxis],
      },
    });
    expect(dup.errors).toMatchObject([{ extensions: { code: 'CODED_CONCEPT_IN_USE', field: 'codedConcepts.0' } }]);
  });

  it('stores a baseline and a follow-up report sent through STOW-RS, and GraphQL shows the lesions tracked across the time points', async () => {
    const before = await store.countEvents();
    const res = await send(multipart(buildTid1500Part10(baselineReport()), buildTid1500Part10(followUpReport())), STOW, 'coordinator', {
      accept: 'application/dicom+json',
      'x-correlation-id': 'stow-e2e-first',
    });
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/dicom\+json/);
    expect(storedUids(res)).toEqual([Uids.baselineSr, Uids.followUpSr]);
    expect(res.json['00081198']).toBeUndefined();
    expect(await recorded()).toBe(14);
    // 14 measurements in one batch per report; nothing else but the access log (not an event) was written.
    expect(await store.countEvents()).toBe(before + 14);
    await caughtUp(14);

    const nodule = await measurements({ lesionTrackingUid: Uids.nodule1 });
    const byTimePoint = (rows: Row[], biomarkerId: string) =>
      rows
        .filter((r) => r.biomarkerId === biomarkerId)
        .map((r) => [r.timePoint, r.value ?? r.category])
        .sort();
    expect(byTimePoint(nodule, 'nodule-volume')).toEqual([
      ['BASELINE', 523.6],
      ['WEEK12', 1150.2],
    ]);
    expect(byTimePoint(nodule, 'mean-hu')).toEqual([
      ['BASELINE', -12.5],
      ['WEEK12', 8.25],
    ]);
    expect(byTimePoint(nodule, 'nodule-composition')).toEqual([
      ['BASELINE', 'Solid'],
      ['WEEK12', 'Part-solid'],
    ]);
    expect(new Set(nodule.map((r) => JSON.stringify(r.lesion)))).toEqual(
      new Set([JSON.stringify({ trackingUid: Uids.nodule1, label: 'Nodule #1 (RUL, 3/7)', findingSite: 'Lung', role: 'target' })]),
    );
    expect(new Set(nodule.map((r) => `${r.method}/${r.algorithmVersionId}/${r.readerId}`))).toEqual(new Set(['AI/noduleai-2.1.0/null']));
    // The SR's device names the extraction software; it states no IBSI compliance.
    expect(new Set(nodule.map((r) => JSON.stringify(r.extraction)))).toEqual(
      new Set([JSON.stringify({ software: { name: 'NoduleAI CT', version: '2.1.0' }, ibsiCompliant: null })]),
    );

    const lesion = await measurements({ lesionTrackingUid: Uids.lesion2 });
    expect(byTimePoint(lesion, 'lesion-ld')).toEqual([
      ['BASELINE', 24],
      ['WEEK12', 18.5],
    ]);
    // Reported in cm, kept as reported and converted to the biomarker's canonical mm.
    expect(lesion.filter((r) => r.biomarkerId === 'lesion-sa').map((r) => [r.timePoint, r.value, r.unit, r.originalValue, r.originalUnit])).toEqual(
      expect.arrayContaining([
        ['BASELINE', 15, 'mm', 1.5, 'cm'],
        ['WEEK12', 11, 'mm', 1.1, 'cm'],
      ]),
    );
    expect(new Set(lesion.map((r) => r.lesion?.label))).toEqual(new Set(['Liver lesion 2']));
    // The TID 1501 group: a score and a coded value, no lesion.
    const unlinked = (await measurements({})).filter((r) => r.lesion === null);
    expect(unlinked.map((r) => [r.biomarkerId, r.timePoint, r.value ?? r.category, r.studyInstanceUid]).sort()).toEqual([
      ['ai-malignancy', 'BASELINE', 0.62, Uids.baselineStudy],
      ['ai-malignancy', 'WEEK12', 0.81, Uids.followUpStudy],
      ['lung-rads', 'BASELINE', '4A', Uids.baselineStudy],
      ['lung-rads', 'WEEK12', '4A', Uids.followUpStudy],
    ]);

    const { rows: logged } = await owner.query(`SELECT channel, operation_name, actor_id FROM audit.access_log WHERE correlation_id = $1`, ['stow-e2e-first']);
    expect(logged).toEqual([{ channel: 'http-dicomweb', operation_name: 'stowRs', actor_id: 'carl-coord' }]);
  });

  it('the same reports again: stored (200), nothing appended', async () => {
    const before = await store.countEvents();
    const res = await send(multipart(buildTid1500Part10(followUpReport()), buildTid1500Part10(baselineReport())), STOW);
    expect(res.status).toBe(200);
    expect(storedUids(res)).toEqual([Uids.followUpSr, Uids.baselineSr]);
    expect(await store.countEvents()).toBe(before);
  });

  it('a changed report with the same SOP Instance UID and Observation UIDs is refused (409, REPORT_CHANGED), nothing appended', async () => {
    const before = await store.countEvents();
    const r = baselineReport();
    const changed: BuiltReport = {
      ...r,
      groups: r.groups.map((g, i) => (i === 1 ? { ...g, measurements: g.measurements!.map((m, j) => (j === 0 ? { ...m, value: '25' } : m)) } : g)),
    };
    const res = await send(buildTid1500Part10(changed), 'application/dicom');
    expect(res.status).toBe(409);
    const [failure] = failures(res);
    expect(failure).toMatchObject({ sopInstanceUid: Uids.baselineSr, reason: 0x0110 });
    expect(failure!.problems).toEqual([expect.objectContaining({ code: 'REPORT_CHANGED', path: '1.10.2.6' })]);
    expect(await store.countEvents()).toBe(before);
  });

  it('an unmapped, implausible report from an unknown device is refused with every problem listed, and nothing is stored', async () => {
    const before = await store.countEvents();
    const r = baselineReport();
    const bad: BuiltReport = {
      ...r,
      sopInstanceUid: '1.2.826.0.1.3680043.10.543.1.1.9.77',
      observer: { kind: 'device', uid: Uids.device, name: 'Other', manufacturer: 'Unknown Corp', modelName: 'Nodule Finder' },
      groups: [
        { ...r.groups[0]!, measurements: [{ ...r.groups[0]!.measurements![0]!, value: '9000000' }, r.groups[0]!.measurements![1]!] },
        {
          ...r.groups[1]!,
          measurements: [
            { ...r.groups[1]!.measurements![0]!, concept: { scheme: '99REGTEST', value: 'NOPE', meaning: 'Unknown measurement' } },
            { ...r.groups[1]!.measurements![1]!, unit: { code: "[hnsf'U]", meaning: 'Hounsfield unit' } },
          ],
        },
      ],
    };
    const junk = { type: 'application/dicom', body: Buffer.from('not a DICOM file') };
    const wrongType = { type: 'application/json', body: Buffer.from('{}') };
    const res = await send(multipart(buildTid1500Part10(bad), junk, wrongType), STOW);
    expect(res.status).toBe(409);
    const [unmapped, unreadable, notDicom] = failures(res);
    expect(unmapped).toMatchObject({ sopInstanceUid: '1.2.826.0.1.3680043.10.543.1.1.9.77', reason: 0x0110 });
    const listed = unmapped!.problems.map((p) => `${p.code}@${p.path}`);
    // Every measurement names the unknown device; each bad item its own problem, at dsrdump's content item position.
    expect(listed).toEqual(
      expect.arrayContaining([
        'UNKNOWN_ALGORITHM@1.10.1.7#observer',
        'IMPLAUSIBLE_VALUE@1.10.1.7#value',
        'UNMAPPED_CONCEPT@1.10.2.6#concept',
        'UNIT_NOT_CONVERTIBLE@1.10.2.7#value.unit',
      ]),
    );
    expect(listed.filter((p) => p.startsWith('UNKNOWN_ALGORITHM'))).toHaveLength(5);
    expect(unreadable).toMatchObject({ sopInstanceUid: null, reason: 0xc000, problems: [expect.objectContaining({ code: 'NOT_DICOM' })] });
    expect(notDicom).toMatchObject({
      reason: 0xc000,
      problems: [{ code: 'NOT_DICOM', path: 'part 3', message: 'Part 3 is application/json, not application/dicom' }],
    });
    expect(await store.countEvents()).toBe(before);
    // Only unreadable parts: bad syntax, 400.
    expect((await send(multipart(junk), STOW)).status).toBe(400);
  });

  it('accepts one application/dicom file made by DCMTK xml2dsr from a hand-written TID 1500 XML, and a STOW-RS with it and a bad part (202)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stow-xml2dsr-'));
    try {
      const file = join(dir, 'ai-week24.dcm');
      execFileSync('xml2dsr', [join(process.cwd(), 'test/fixtures/dicom-sr/tid1500-ai-week24.xml'), file]);
      const sr = await readFile(file);
      const res = await send(sr, 'application/dicom');
      expect(res.status).toBe(200);
      expect(storedUids(res)).toEqual([week24Sr]);
      await caughtUp(17);
      const week24 = (await measurements({ timePoint: 'WEEK24' })).map((r) => [
        r.biomarkerId,
        r.value ?? r.category,
        r.unit,
        r.originalValue,
        r.originalUnit,
        r.lesion?.trackingUid,
        r.algorithmVersionId,
        r.studyInstanceUid,
      ]);
      expect(week24.sort()).toEqual([
        ['mean-hu', 15.5, "[hnsf'U]", 15.5, "[hnsf'U]", Uids.nodule1, 'noduleai-2.1.0', week24Study],
        ['nodule-composition', 'Solid', null, null, null, Uids.nodule1, 'noduleai-2.1.0', week24Study],
        ['nodule-volume', 1420, 'mm3', 1.42, 'cm3', Uids.nodule1, 'noduleai-2.1.0', week24Study],
      ]);
      // The nodule's volume now at three time points, the third from the other toolkit's report.
      const volumes = (await measurements({ lesionTrackingUid: Uids.nodule1, biomarkerId: 'nodule-volume' })).map((r) => [r.timePoint, r.value]).sort();
      expect(volumes).toEqual([
        ['BASELINE', 523.6],
        ['WEEK12', 1150.2],
        ['WEEK24', 1420],
      ]);

      const before = await store.countEvents();
      const mixed = await send(multipart(sr, { type: 'application/dicom', body: Buffer.from('DICM?') }), STOW);
      expect(mixed.status).toBe(202);
      expect(storedUids(mixed)).toEqual([week24Sr]);
      expect(failures(mixed).map((f) => f.reason)).toEqual([0xc000]);
      expect(await store.countEvents()).toBe(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses the request itself with a stable code: media type, boundary, syntax, Accept, token, role', async () => {
    const sr = buildTid1500Part10(baselineReport());
    const codeOf = (r: Stow) => r.json.errors?.[0]?.extensions.code;
    const plain = await send(sr, 'text/plain');
    expect([plain.status, codeOf(plain)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const xml = await send(sr, `multipart/related; type="application/dicom+xml"; boundary=${BOUNDARY}`);
    expect([xml.status, codeOf(xml)]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const noBoundary = await send(sr, 'multipart/related; type="application/dicom"');
    expect([noBoundary.status, codeOf(noBoundary)]).toEqual([400, 'MULTIPART_MALFORMED']);
    const cut = await send(multipart(sr).subarray(0, 2000), STOW);
    expect([cut.status, codeOf(cut)]).toEqual([400, 'MULTIPART_MALFORMED']);
    const empty = await send(Buffer.from(`--${BOUNDARY}--\r\n`), STOW);
    expect([empty.status, codeOf(empty)]).toEqual([400, 'NO_INSTANCES']);
    const accept = await send(sr, STOW, 'coordinator', { accept: 'application/dicom+xml' });
    expect([accept.status, codeOf(accept)]).toEqual([406, 'NOT_ACCEPTABLE']);
    const anonymous = await send(sr, 'application/dicom', '');
    expect(anonymous.status).toBe(401);
    const regulator = await send(sr, 'application/dicom', 'regulator');
    expect(regulator.status).toBe(403);
  });

  it('npm run import:dicom-sr: posts every file of a folder tree (skipping what is not DICOM), with progress and a summary', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'stow-cli-'));
    try {
      await mkdir(join(dir, 'week12', 'nested'), { recursive: true });
      await writeFile(join(dir, 'baseline.dcm'), buildTid1500Part10(baselineReport()));
      await writeFile(join(dir, 'week12', 'nested', 'IM0001'), buildTid1500Part10(followUpReport()));
      await writeFile(join(dir, 'README.txt'), 'reports of LUNG-0042');
      const r = baselineReport();
      const unmapped: BuiltReport = {
        ...r,
        sopInstanceUid: '1.2.826.0.1.3680043.10.543.1.1.9.78',
        groups: [
          { ...r.groups[2]!, qualitative: [], measurements: [{ ...r.groups[2]!.measurements![0]!, concept: { scheme: 'LN', value: '0000-0', meaning: 'x' } }] },
        ],
      };
      await writeFile(join(dir, 'week12', 'unmapped.dcm'), buildTid1500Part10(unmapped));
      const before = await store.countEvents();
      const lines: string[] = [];
      const summary = await uploadDicomSrFiles([dir], { url: registry.url, token: tokens['coordinator']!, progress: (l) => lines.push(l) });
      expect({ files: summary.files, stored: summary.stored, failed: summary.failed, skipped: summary.skipped }).toEqual({
        files: 4,
        stored: 2,
        failed: 1,
        skipped: 1,
      });
      expect(summary.outcomes.find((o) => o.outcome === 'failed')).toMatchObject({
        file: join(dir, 'week12', 'unmapped.dcm'),
        status: 409,
        sopInstanceUid: '1.2.826.0.1.3680043.10.543.1.1.9.78',
        problems: [expect.objectContaining({ code: 'UNMAPPED_CONCEPT', path: '1.10.1.1#concept' })],
      });
      expect(lines).toEqual([
        `skipped ${join(dir, 'README.txt')}: not a DICOM Part 10 file`,
        `[1/3] stored ${join(dir, 'baseline.dcm')} (${Uids.baselineSr})`,
        `[2/3] stored ${join(dir, 'week12', 'nested', 'IM0001')} (${Uids.followUpSr})`,
        `[3/3] failed ${join(dir, 'week12', 'unmapped.dcm')} (1.2.826.0.1.3680043.10.543.1.1.9.78): UNMAPPED_CONCEPT@1.10.1.1#concept`,
      ]);
      // Both stored reports were stored before: nothing new.
      expect(await store.countEvents()).toBe(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
