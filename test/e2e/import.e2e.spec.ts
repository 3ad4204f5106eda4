import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { EVENT_STORE, type EventStore } from '#event-store';
import { issueLocalToken, type TokenClaims } from '../../services/registry-api/src/auth/local-signing-key.js';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { loadConfig, type AppConfig } from '#runtime';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * Issue 16, bulk files: POST /import of CSV and NDJSON on PostgreSQL with the projector running. Good rows readable
 * through GraphQL `measurements`, bad rows reported with row and column, a subject with a refused row not
 * half-written, the same file again all replayed with no new events, and a reader confined to its sites.
 */
describe('POST /import (measurement files)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let store: EventStore;
  let owner: pg.Client;
  let base: string;
  const tokens: Record<string, string> = {};
  const T = 'T-IMPORT';
  const S: Record<'a' | 'b' | 'c', { id: string; pseudonym: string; study: string; site: string }> = {
    a: { id: '', pseudonym: 'IMP-A1', study: '1.2.826.0.1.3680043.8.498.92001', site: 'S1' },
    b: { id: '', pseudonym: 'IMP-B1', study: '1.2.826.0.1.3680043.8.498.92002', site: 'S1' },
    c: { id: '', pseudonym: 'IMP-C1', study: '1.2.826.0.1.3680043.8.498.92003', site: 'S2' },
  };

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
    who: string,
    body: string,
    contentType: string,
    query = '',
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: Record<string, unknown>; text: string; headers: Headers }> {
    const res = await fetch(`${base}/import${query}`, {
      method: 'POST',
      headers: { 'content-type': contentType, authorization: `Bearer ${tokens[who]}`, ...headers },
      body,
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // ?refused=csv answers CSV
    }
    return { status: res.status, json, text, headers: res.headers };
  }
  const eventCount = () => store.countEvents();
  const subjectEvents = async (k: 'a' | 'b' | 'c') => (await store.readStream(`subject-${S[k].id}`)).filter((e) => e.type === 'MeasurementRecorded').length;
  async function caughtUp(sql: string, params: unknown[], expected: number): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (Number((await owner.query(sql, params)).rows[0].n) >= expected) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`read model not caught up: ${sql}`);
  }
  async function measurementsOf(k: 'a' | 'b' | 'c'): Promise<{ value: number | null; unit: string | null; timePoint: string }[]> {
    const res = await gql('admin', `query($f: MeasurementFilter) { measurements(filter: $f, first: 100) { nodes { value unit timePoint } } }`, {
      f: { subjectId: S[k].id },
    });
    expect(res.errors).toBeUndefined();
    return (res.data!['measurements'] as { nodes: { value: number | null; unit: string | null; timePoint: string }[] }).nodes;
  }

  const HEADER = 'subject_pseudonym,study_instance_uid,biomarker_code,value,unit,reader_id,time_point';
  const row = (k: 'a' | 'b' | 'c', value: string, extra: { code?: string; unit?: string; pseudonym?: string; timePoint?: string } = {}) =>
    [extra.pseudonym ?? S[k].pseudonym, S[k].study, extra.code ?? 'IMP_LD', value, extra.unit ?? 'mm', 'carl-coord', extra.timePoint ?? 'UNSCHEDULED'].join(
      ',',
    );
  const CSV = [
    HEADER,
    row('a', '10'), // 1 ok
    row('a', '1.2', { unit: 'cm' }), // 2 ok (converted by the decider)
    row('b', '20'), // 3 ok, but b's row 6 is refused → not written
    row('b', '30', { code: 'NO_SUCH_CODE' }), // 4 unknown biomarker
    row('b', '31', { unit: 'mmm' }), // 5 bad unit
    row('b', '9999'), // 6 outside the plausible range
    row('c', '32', { pseudonym: 'IMP-NOBODY' }), // 7 unknown subject
    row('b', '1;5'), // 8 malformed number
    row('c', '33'), // 9 ok
    '',
  ].join('\n');

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-import-'));
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
    const claims: Record<string, TokenClaims> = {
      admin: { sub: 'alice-admin', role: 'admin' },
      coordinator: { sub: 'carl-coord', role: 'coordinator', trials: [T], sites: ['S1', 'S2'] },
      reader: { sub: 'rob-reader', role: 'reader', sites: ['S1'] },
    };
    for (const [name, c] of Object.entries(claims)) tokens[name] = await issueLocalToken(config, c);
    await ok('admin', 'defineBiomarker', {
      biomarkerId: 'imp-ld',
      code: 'IMP_LD',
      name: 'Lesion longest diameter',
      modality: 'CT',
      valueType: { kind: 'QUANTITATIVE', unit: 'mm', plausibleRange: { min: 0, max: 500 } },
    });
    await ok('coordinator', 'registerTrial', {
      trialId: T,
      identifiers: [{ system: 'OTHER', value: T }],
      title: 'Import trial',
      phase: 'PHASE_II',
      sponsor: 'Test',
      primaryEndpoint: 'None',
    });
    await ok('coordinator', 'addTrialArm', { trialId: T, armCode: 'A', name: 'A', armType: 'EXPERIMENTAL', plannedSize: 10 });
    await ok('coordinator', 'activateTrialSite', { trialId: T, siteId: 'S1', name: 'Site one', country: 'NL' });
    await ok('coordinator', 'activateTrialSite', { trialId: T, siteId: 'S2', name: 'Site two', country: 'NL' });
    await ok('coordinator', 'openEnrolment', { trialId: T });
    for (const k of ['a', 'b', 'c'] as const) {
      S[k].id = (
        await ok('coordinator', 'enrolSubject', { trialId: T, siteId: S[k].site, pseudonym: S[k].pseudonym, consentVersion: 'v1', consentDate: '2025-01-10' })
      ).id;
      await ok('coordinator', 'registerImagingStudy', {
        studyInstanceUid: S[k].study,
        subjectId: S[k].id,
        modality: 'CT',
        acquisitionDateTime: '2025-01-20',
        siteId: S[k].site,
        scanner: { manufacturer: 'Siemens', model: 'Somatom' },
      });
    }
    await caughtUp(`SELECT count(*) AS n FROM read_model.imaging_studies WHERE study_instance_uid LIKE '1.2.826.0.1.3680043.8.498.920%'`, [], 3);
    await caughtUp(`SELECT count(*) AS n FROM read_model.biomarkers WHERE code = 'IMP_LD'`, [], 1);
  }, 90_000);
  afterAll(async () => {
    await owner?.end();
    await registry?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('records the good rows, reports every bad row with its row and column, and writes nothing of a subject with a refused row', async () => {
    const res = await post('coordinator', CSV, 'text/csv', '', { 'x-correlation-id': 'import-e2e-first' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ format: 'csv', rows: 9, accepted: 3, replayed: 0, refused: 6, complete: true });
    const refused = (res.json['refusedRows'] as { row: number; problems: { code: string; column: string }[] }[]).map((r) => [
      r.row,
      r.problems.map((p) => `${p.code}@${p.column}`),
    ]);
    expect(refused).toEqual([
      [3, ['BATCH_SUBJECT_REJECTED@']],
      [4, ['UNMAPPED_CONCEPT@biomarker_code']],
      [5, ['INVALID_UCUM_UNIT@unit']],
      [6, ['IMPLAUSIBLE_VALUE@value']],
      [7, ['UNKNOWN_SUBJECT@subject_pseudonym']],
      [8, ['INVALID_VALUE@value']],
    ]);
    expect(await subjectEvents('a')).toBe(2);
    expect(await subjectEvents('b')).toBe(0);
    expect(await subjectEvents('c')).toBe(1);
    await caughtUp(`SELECT count(*) AS n FROM read_model.measurements WHERE subject_id = ANY ($1::text[])`, [[S.a.id, S.c.id]], 3);
    expect((await measurementsOf('a')).map((m) => [m.value, m.unit]).sort()).toEqual([
      [10, 'mm'],
      [12, 'mm'],
    ]);
    expect((await measurementsOf('c')).map((m) => m.value)).toEqual([33]);
    expect(await measurementsOf('b')).toEqual([]);
    // One access-log row for the request, not one per row (as a batch mutation is one GraphQL operation).
    const { rows: logged } = await owner.query(`SELECT channel, operation_name, root_fields FROM audit.access_log WHERE correlation_id = $1`, [
      'import-e2e-first',
    ]);
    expect(logged).toEqual([{ channel: 'http-import', operation_name: 'import', root_fields: ['import'] }]);
  });

  it('the same file again: every good row replayed, no new event; the refused rows as CSV', async () => {
    const before = await eventCount();
    const res = await post('coordinator', CSV, 'text/csv');
    expect(res.json).toMatchObject({ rows: 9, accepted: 0, replayed: 3, refused: 6 });
    expect(await eventCount()).toBe(before);
    const csv = await post('coordinator', CSV, 'text/csv', '?refused=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('x-import-replayed')).toBe('3');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toMatch(/^row,problems,measurement_key,subject_pseudonym/);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['3', '4', '5', '6', '7', '8']);
    expect(lines[4]).toContain('IMPLAUSIBLE_VALUE value');
    expect(await eventCount()).toBe(before);
  });

  it('resumes: a file with the recorded rows and new ones records only the new ones (different chunking, nothing doubled)', async () => {
    const more = [HEADER, row('a', '11'), row('a', '10'), row('c', '33'), ''].join('\n');
    const res = await post('coordinator', more, 'text/csv');
    expect(res.json).toMatchObject({ rows: 3, accepted: 1, replayed: 2, refused: 0 });
    expect(await subjectEvents('a')).toBe(3);
    expect(await subjectEvents('c')).toBe(1);
  });

  it('NDJSON: the same rows as CSV give the same measurements (replayed), a bad line is reported by line and column', async () => {
    const line = (k: 'a' | 'b' | 'c', value: number | string) =>
      JSON.stringify({
        subject_pseudonym: S[k].pseudonym,
        study_instance_uid: S[k].study,
        biomarker_code: 'IMP_LD',
        value,
        unit: 'mm',
        reader_id: 'carl-coord',
        time_point: 'UNSCHEDULED',
      });
    const body = [line('a', '10'), line('b', 'abc'), 'not json', line('c', '34'), ''].join('\n');
    const before = await subjectEvents('c');
    const res = await post('coordinator', body, 'application/x-ndjson');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ format: 'ndjson', rows: 4, accepted: 1, replayed: 1, refused: 2 });
    expect(
      (res.json['refusedRows'] as { row: number; problems: { code: string; column: string }[] }[]).map((r) => [
        r.row,
        r.problems[0]!.code,
        r.problems[0]!.column,
      ]),
    ).toEqual([
      [2, 'INVALID_VALUE', 'value'],
      [3, 'INVALID_JSON', ''],
    ]);
    expect(await subjectEvents('c')).toBe(before + 1);
  });

  it('a reader confined to site S1 cannot import for a subject of S2: refused as unknown, nothing written', async () => {
    const file = [HEADER.replace('reader_id', 'reader_id'), row('c', '40').replace('carl-coord', 'rob-reader'), ''].join('\n');
    const before = await subjectEvents('c');
    const res = await post('reader', file, 'text/csv');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ accepted: 0, refused: 1 });
    const refusedRow = (res.json['refusedRows'] as { problems: { code: string; message: string }[] }[])[0]!;
    expect(refusedRow.problems[0]!.code).toBe('UNKNOWN_SUBJECT');
    // The same answer as for a pseudonym nobody has: the refusal does not tell that the subject exists.
    const nobody = await post('reader', [HEADER, row('c', '40', { pseudonym: 'IMP-NOBODY' }).replace('carl-coord', 'rob-reader'), ''].join('\n'), 'text/csv');
    expect((nobody.json['refusedRows'] as { problems: { message: string }[] }[])[0]!.problems[0]!.message).toBe(refusedRow.problems[0]!.message);
    expect(await subjectEvents('c')).toBe(before);
    // Its own site's subject is fine.
    const own = await post('reader', [HEADER, row('a', '41').replace('carl-coord', 'rob-reader'), ''].join('\n'), 'text/csv');
    expect(own.json).toMatchObject({ accepted: 1, refused: 0 });
  });

  it('refuses the request itself with a stable code: no token, wrong media type, unknown column, bad query parameter', async () => {
    const anonymous = await fetch(`${base}/import`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: CSV });
    expect(anonymous.status).toBe(401);
    const media = await post('coordinator', CSV, 'text/plain');
    expect(media.status).toBe(415);
    expect(media.json).toMatchObject({ errors: [{ extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] });
    const header = await post('coordinator', 'subject_pseudonym,biomarker_kode\nX,Y\n', 'text/csv');
    expect(header.status).toBe(400);
    expect(header.json).toMatchObject({ errors: [{ extensions: { code: 'IMPORT_INVALID_HEADER', field: 'biomarker_kode' } }] });
    const param = await post('coordinator', CSV, 'text/csv', '?refused=xml');
    expect(param.status).toBe(400);
    const regulator = await fetch(`${base}/import`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${await issueLocalToken(config, { sub: 'rita', role: 'regulator' })}` },
      body: CSV,
    });
    expect(regulator.status).toBe(403);
  });
});
