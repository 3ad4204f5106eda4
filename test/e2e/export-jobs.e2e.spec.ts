import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PostgresEventStore } from '#event-store';
import { loadConfig, type AppConfig } from '#runtime';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../migrations/data-source.js';
import { issueLocalToken, type TokenClaims } from '../../services/registry-api/src/auth/local-signing-key.js';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { exportScopeToDirectory } from '../../services/registry-api/src/snapshots/snapshot-export.directory.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Issue 17, exports as long jobs: startExport (freezing implicitly), progress in exportJob, the file downloaded with its
 * checksum and the snapshot's hash in its name, scopes (a coordinator of trial A exports only A), the access log, the
 * commandId's idempotency and the restart of an interrupted job; and the CLI's directory form (one file per table).
 */
describe('export jobs (startExport, exportJob, download) and the CLI directory form', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let owner: pg.Client;
  const tokens: Record<string, string> = {};
  const T = 'T-EXPJOB';
  const OTHER_T = 'T-EXPJOB-OTHER';
  const BM = 'expjob-ldiam';
  const UID = (n: number) => `1.2.826.0.1.3680043.8.498.78${String(n).padStart(3, '0')}`;

  type Gql = { data?: Record<string, any>; errors?: { message: string; extensions?: { code?: string; field?: string } }[] };
  async function gql(who: string, query: string, variables: Record<string, unknown> = {}): Promise<Gql> {
    const res = await fetch(registry.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[who]}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as Gql;
  }
  async function ok(who: string, field: string, input: Record<string, unknown>): Promise<{ id: string; createdIds: string[] }> {
    const type = `${field[0]!.toUpperCase()}${field.slice(1)}Input`;
    const res = await gql(who, `mutation($input: ${type}!) { ${field}(input: $input) { id createdIds } }`, { input: { commandId: randomUUID(), ...input } });
    if (res.errors) throw new Error(`${field}: ${JSON.stringify(res.errors)}`);
    return res.data![field];
  }
  const codeOf = (r: Gql) => [r.errors?.[0]?.extensions?.code, r.errors?.[0]?.extensions?.field];
  const JOB = `id commandId state format trialId snapshotId snapshotContentHash rowsDone rowsTotal attempt errorCode startedBy
    files { name bytes sha256 mediaType url }`;
  const start = (who: string, input: Record<string, unknown>) =>
    gql(who, `mutation($input: StartExportInput!) { startExport(input: $input) { ${JOB} } }`, { input });
  const job = (who: string, id: string) => gql(who, `query($id: ID!) { exportJob(id: $id) { ${JOB} } }`, { id });
  async function settled(who: string, id: string): Promise<Record<string, any>> {
    for (let i = 0; i < 400; i++) {
      const r = await job(who, id);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      if (['SUCCEEDED', 'FAILED'].includes(r.data!['exportJob'].state)) return r.data!['exportJob'];
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`export job ${id} did not finish`);
  }
  const download = async (who: string | null, path: string) => {
    const res = await fetch(new URL(path, registry.url), { headers: who ? { authorization: `Bearer ${tokens[who]}` } : {} });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-export-jobs-'));
    config = loadConfig({ ...db.appEnv, PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, PROJECTOR: 'embedded', RATE_LIMIT_PER_MINUTE: '1000000' });
    registry = await startRegistry(config);
    owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    const claims: Record<string, Omit<TokenClaims, 'sub'>> = {
      admin: { role: 'admin' },
      setup: { role: 'coordinator', trials: [T, OTHER_T], sites: ['*'] },
      coordinatorA: { role: 'coordinator', trials: [T], sites: ['*'] },
      coordinatorOther: { role: 'coordinator', trials: [OTHER_T], sites: ['*'] },
      coordinatorSite: { role: 'coordinator', trials: [T], sites: ['S1'] },
      reader: { role: 'reader', sites: ['*'] },
      biostatistician: { role: 'biostatistician', trials: [T], programmes: [] },
      regulator: { role: 'regulator' },
    };
    for (const [who, c] of Object.entries(claims)) tokens[who] = await issueLocalToken(config, { sub: `xj-${who}`, ...c } as TokenClaims);
    await ok('admin', 'defineBiomarker', {
      biomarkerId: BM,
      code: 'LDIAM',
      name: 'Longest diameter',
      modality: 'CT',
      valueType: { kind: 'QUANTITATIVE', unit: 'mm', plausibleRange: { min: 0, max: 500 } },
    });
    for (const trialId of [T, OTHER_T]) {
      await ok('setup', 'registerTrial', {
        trialId,
        identifiers: [{ system: 'NCT', value: trialId === T ? 'NCT07000027' : 'NCT07000028' }],
        title: `Export trial ${trialId}`,
        phase: 'PHASE_III',
        sponsor: 'Acme',
        primaryEndpoint: 'OS',
      });
      await ok('setup', 'addTrialArm', { trialId, armCode: 'A', name: 'Drug', armType: 'EXPERIMENTAL', plannedSize: 10 });
      await ok('setup', 'activateTrialSite', { trialId, siteId: 'S1', name: 'Site 1' });
      await ok('setup', 'defineVisitSchedule', {
        trialId,
        timePoints: [{ code: 'BASELINE', label: 'Baseline', targetDay: 1, windowBeforeDays: 28, windowAfterDays: 0 }],
      });
      await ok('setup', 'openEnrolment', { trialId });
    }
    for (let i = 0; i < 3; i++) {
      const id = (await ok('setup', 'enrolSubject', { trialId: T, siteId: 'S1', pseudonym: `XJ-${i}`, consentVersion: 'v1', consentDate: '2025-01-10' })).id;
      await ok('setup', 'registerImagingStudy', {
        studyInstanceUid: UID(i),
        subjectId: id,
        modality: 'CT',
        acquisitionDateTime: '2025-01-20',
        siteId: 'S1',
        scanner: { manufacturer: 'Siemens', model: 'Somatom' },
      });
      await ok('reader', 'recordMeasurement', {
        subjectId: id,
        biomarkerId: BM,
        biomarkerVersion: 1,
        value: { value: 10 + i * 7, unit: 'mm' },
        studyInstanceUid: UID(i),
        timePoint: 'BASELINE',
        method: 'MANUAL',
        readerId: 'xj-reader',
      });
    }
  }, 120_000);

  afterAll(async () => {
    await owner?.end();
    await registry?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs an export as a job: frozen now, progress, the file with its checksum, idempotent, logged, in scope only', async () => {
    const commandId = randomUUID();
    const input = { commandId, trialId: T, format: 'CSV_LONG' };
    const started = await start('coordinatorA', input);
    expect(started.errors).toBeUndefined();
    const jobId = started.data!['startExport'].id as string;
    expect(['QUEUED', 'FREEZING', 'EXPORTING', 'SUCCEEDED']).toContain(started.data!['startExport'].state);
    const done = await settled('coordinatorA', jobId);
    expect(done).toMatchObject({ state: 'SUCCEEDED', trialId: T, rowsDone: 3, rowsTotal: 3, attempt: 1, startedBy: 'xj-coordinatorA', errorCode: null });
    const [file] = done['files'] as { name: string; bytes: number; sha256: string; url: string }[];
    expect(file!.name).toBe(`snapshot-${(done['snapshotContentHash'] as string).slice(0, 16)}-csv-long.csv`);

    const got = await download('coordinatorA', file!.url);
    expect(got.status).toBe(200);
    expect(got.headers.get('x-content-sha256')).toBe(file!.sha256);
    expect(sha256(got.body)).toBe(file!.sha256);
    expect(got.body.length).toBe(file!.bytes);
    expect(got.headers.get('content-disposition')).toContain(file!.name);
    expect(got.body.toString('utf8').split('\n').filter(Boolean)).toHaveLength(4); // header + 3 measurements
    // The same bytes as the snapshot's own download route; and again after the file was lost from the disk.
    expect((await download('admin', `/exports/snapshots/${done['snapshotId']}.csv-long`)).body.equals(got.body)).toBe(true);
    await rm(join(dataDir, 'exports', jobId), { recursive: true, force: true });
    expect(sha256((await download('biostatistician', file!.url)).body)).toBe(file!.sha256);

    // Idempotent by commandId: the same job; other content under it is refused.
    const again = await start('coordinatorA', input);
    expect(again.data!['startExport']).toMatchObject({ id: jobId, attempt: 1, state: 'SUCCEEDED', snapshotId: done['snapshotId'] });
    expect(codeOf(await start('coordinatorA', { ...input, format: 'OMOP' }))).toEqual(['IDEMPOTENCY_CONFLICT', 'commandId']);

    // Scopes: a coordinator of trial A exports only A; a site-confined one none; jobs and files of A are not others'.
    expect(codeOf(await start('coordinatorA', { commandId: randomUUID(), trialId: OTHER_T, format: 'CSV_LONG' }))[0]).toBe('FORBIDDEN');
    expect(codeOf(await start('coordinatorSite', { commandId: randomUUID(), trialId: T, format: 'CSV_LONG' }))[0]).toBe('FORBIDDEN');
    expect(codeOf(await start('reader', { commandId: randomUUID(), trialId: T, format: 'CSV_LONG' }))[0]).toBe('FORBIDDEN');
    expect(codeOf(await start('regulator', { commandId: randomUUID(), trialId: T, format: 'CSV_LONG' }))[0]).toBe('FORBIDDEN');
    expect(codeOf(await job('coordinatorOther', jobId))[0]).toBe('FORBIDDEN');
    expect(codeOf(await job('coordinatorOther', randomUUID()))[0]).toBe('FORBIDDEN');
    expect(codeOf(await job('admin', randomUUID()))).toEqual(['EXPORT_JOB_NOT_FOUND', 'id']);
    expect((await download('coordinatorOther', file!.url)).status).toBe(403);
    expect((await download(null, file!.url)).status).toBe(401);
    expect((await download('admin', `/exports/jobs/${jobId}/other.csv`)).status).toBe(404);
    expect(codeOf(await start('admin', { commandId: randomUUID(), trialId: OTHER_T, snapshotId: done['snapshotId'], format: 'CSV_LONG' }))).toEqual([
      'SNAPSHOT_SCOPE_MISMATCH',
      'snapshotId',
    ]);

    // The access log: who started the export of which trial (channel export-job) and every download.
    const logged = await owner.query(
      `SELECT actor_id, channel, root_fields, trial_ids FROM audit.access_log WHERE operation_name = 'snapshotExport' ORDER BY id`,
    );
    expect(logged.rows.filter((r) => r.channel === 'export-job')).toEqual([
      { actor_id: 'xj-coordinatorA', channel: 'export-job', root_fields: ['startExport'], trial_ids: [T] },
    ]);
    expect(logged.rows.filter((r) => r.root_fields[0] === 'exportJobFile').map((r) => r.actor_id)).toEqual(['xj-coordinatorA', 'xj-biostatistician']);
  }, 60_000);

  it('shows a job whose process stopped as failed (EXPORT_INTERRUPTED) and restarts it under the same commandId', async () => {
    const first = await settled(
      'biostatistician',
      (await start('biostatistician', { commandId: 'xj-restart', trialId: T, format: 'OMOP' })).data!['startExport'].id,
    );
    expect(first['state']).toBe('SUCCEEDED');
    // What a restart mid-run leaves behind: a running state whose heartbeat stopped.
    await owner.query(`UPDATE read_model.export_jobs SET state = 'EXPORTING', heartbeat_at = now() - interval '1 minute' WHERE job_id = $1`, [first['id']]);
    expect((await job('biostatistician', first['id'])).data!['exportJob']).toMatchObject({ state: 'FAILED', errorCode: 'EXPORT_INTERRUPTED', files: [] });
    const restarted = await start('biostatistician', { commandId: 'xj-restart', trialId: T, format: 'OMOP' });
    expect(restarted.errors).toBeUndefined();
    expect(restarted.data!['startExport']).toMatchObject({ id: first['id'], attempt: 2 });
    const done = await settled('biostatistician', first['id']);
    // The same snapshot (the freeze is idempotent by the job's id), so the same bytes.
    expect(done).toMatchObject({ state: 'SUCCEEDED', attempt: 2, snapshotId: first['snapshotId'] });
    expect(done['files'][0].sha256).toBe(first['files'][0].sha256);
  }, 60_000);

  it('writes the CLI directory form: one file per table with a header row, the snapshot frozen now or named', async () => {
    const ds = await new DataSource(dataSourceOptions(db.appUrl, { extra: { max: 2 } })).initialize();
    const store = new PostgresEventStore({ connectionString: db.eventStoreAppUrl });
    try {
      const base = { scope: { kind: 'trial' as const, trialId: T }, operator: 'os:test', hashKey: Buffer.alloc(32, 1) };
      const omopDir = join(dataDir, 'cli-omop');
      const omop = await exportScopeToDirectory(store, ds, { ...base, format: 'omop', snapshotId: null, outDir: omopDir, commandId: `cli-${randomUUID()}` });
      expect(omop.frozen).toBe(true);
      expect(omop.snapshot.manifest.contentHash).toMatch(/^[0-9a-f]{64}$/);
      const omopFiles = await readdir(omopDir);
      expect(omopFiles).toEqual(expect.arrayContaining(['person.csv', 'image_feature.csv', 'measurement.csv', 'image_occurrence.csv']));
      const firstLine = async (dir: string, f: string) => (await readFile(join(dir, f), 'utf8')).split('\n')[0]!;
      expect(await firstLine(omopDir, 'person.csv')).toMatch(/^person_id,/);
      expect(await firstLine(omopDir, 'image_feature.csv')).toMatch(/^image_feature_id,/);

      const sdtmDir = join(dataDir, 'cli-sdtm');
      const sdtm = await exportScopeToDirectory(store, ds, { ...base, format: 'sdtm', snapshotId: omop.snapshot.id, outDir: sdtmDir, commandId: 'unused' });
      expect(sdtm).toMatchObject({ frozen: false, snapshot: { id: omop.snapshot.id } });
      expect(await readdir(sdtmDir)).toEqual(expect.arrayContaining(['dm.csv', 'tu.csv', 'tr.csv', 'rs.csv', 'define.xml']));
      expect(await firstLine(sdtmDir, 'tr.csv')).toMatch(/^"?STUDYID"?,/);

      const fhirDir = join(dataDir, 'cli-fhir');
      await exportScopeToDirectory(store, ds, { ...base, format: 'fhir', snapshotId: omop.snapshot.id, outDir: fhirDir, commandId: 'unused' });
      expect(await readdir(fhirDir)).toEqual(expect.arrayContaining(['Patient.ndjson', 'ImagingStudy.ndjson', 'Observation.ndjson']));
      const patients = (await readFile(join(fhirDir, 'Patient.ndjson'), 'utf8')).split('\n').filter(Boolean);
      expect(patients.map((p) => (JSON.parse(p) as { resourceType: string }).resourceType)).toEqual(['Patient', 'Patient', 'Patient']);

      const csvDir = join(dataDir, 'cli-csv');
      await exportScopeToDirectory(store, ds, { ...base, format: 'csv', snapshotId: omop.snapshot.id, outDir: csvDir, commandId: 'unused' });
      expect(await readdir(csvDir)).toEqual(expect.arrayContaining(['data_dictionary.csv', 'measurements_long.csv', 'measurements_wide.csv']));
      // The directory's long CSV is the job's and the route's file for the same snapshot.
      const route = await download('admin', `/exports/snapshots/${omop.snapshot.id}.csv-long`);
      expect((await readFile(join(csvDir, 'measurements_long.csv'))).equals(route.body)).toBe(true);
    } finally {
      await store.close();
      await ds.destroy();
    }
  }, 60_000);
});
