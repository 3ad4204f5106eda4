import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresEventStore } from '#event-store';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../migrations/data-source.js';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { type AppConfig, loadConfig } from '#runtime';
import { ProjectionRunner, projections } from '#projections';
import { waitForCatchUp } from '../../libs/projections/src/testing/read-model-snapshot.js';
import { writeSyntheticRegistry, type SyntheticRegistry } from '../../libs/projections/src/testing/synthetic-registry.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { postGraphql } from '../support/graphql-client.js';

type Gql = { data?: any; errors?: any[] };

const TIMELINE = `kind occurredAt recordedAt position milestone { type } imagingStudy { studyInstanceUid }
  measurement { id value unit originalValue originalUnit correctionCount retracted method algorithmVersionId readerId lesion { trackingUid } }
  outcome { id type recistResponse } screening { id roundId }`;

describe('read-model queries over HTTP', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let store: PostgresEventStore;
  let ds: DataSource;
  let synthetic: SyntheticRegistry;
  let runners: ProjectionRunner[];
  const statements: string[] = [];

  const token = (role: string, extra: Record<string, string[]> = {}) => issueLocalToken(config, { sub: `e2e-${role}`, role: role as never, ...extra });
  const gql = async (query: string, variables: Record<string, unknown> = {}, bearer?: string): Promise<Gql> => {
    return (await postGraphql(registry.url, bearer ?? (await token('admin')), query, variables)) as Gql;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-read-'));
    // The projector runs in this process (below) so that the API's statements can be counted alone.
    config = loadConfig({ ...db.appEnv, PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, PROJECTOR: 'off', READ_YOUR_WRITES_TIMEOUT_MS: '1500' });
    registry = await startRegistry(config);
    store = new PostgresEventStore({ connectionString: db.eventStoreUrl });
    ds = await new DataSource(dataSourceOptions(db.url)).initialize();
    synthetic = await writeSyntheticRegistry(store, { subjects: 140, seed: 11 });
    runners = projections().map((p) => new ProjectionRunner(p, store, ds, { log: () => undefined, error: () => undefined }));
    runners.forEach((r) => r.start());
    await waitForCatchUp(
      ds,
      store,
      projections().map((p) => p.name),
    );
    // Every round trip the API's connections make (its DataSource's queries and anything sent on a connection it
    // hands out), counted at the driver: several statements sent together are one round trip.
    const appDs = registry.app.get(DataSource);
    const wrapped = new WeakSet<object>();
    const createQueryRunner = appDs.createQueryRunner.bind(appDs);
    appDs.createQueryRunner = ((...args: Parameters<typeof createQueryRunner>) => {
      const runner = createQueryRunner(...args);
      const connect = runner.connect.bind(runner);
      runner.connect = async () => {
        const client = (await connect()) as { query: (...a: unknown[]) => unknown };
        if (!wrapped.has(client)) {
          wrapped.add(client);
          const query = client.query.bind(client);
          client.query = (...a: unknown[]) => {
            const text = a[0];
            statements.push(typeof text === 'string' ? text : String((text as { text?: string })?.text ?? ''));
            return query(...a);
          };
        }
        return client;
      };
      return runner;
    }) as typeof appDs.createQueryRunner;
  });
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    await store.close();
    await ds.destroy();
    await registry.stop();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lists trials with arms, sites, schedule and enrolment counts that add up to the subjects', async () => {
    const res = await gql(`{ trials(first: 10) { totalCount pageInfo { hasNextPage endCursor }
      nodes { id title status locked schedule { code targetDay } arms { code type plannedSize actualSize withdrawn } sites { id status enrolled }
              enrolment { enrolled randomised withdrawn byArmAndSite { armCode siteId subjects } } } } }`);
    expect(res.errors).toBeUndefined();
    const { trials } = res.data;
    expect(trials.totalCount).toBe(2);
    expect(trials.pageInfo.hasNextPage).toBe(false);
    const [rows] = (await ds.query(`SELECT count(*)::int AS n FROM read_model.subjects WHERE kind = 'trial'`)) as { n: number }[];
    const enrolled = trials.nodes.reduce((n: number, t: any) => n + t.enrolment.enrolled, 0);
    expect(enrolled).toBe(rows!.n);
    for (const t of trials.nodes) {
      expect(t.status).toBe('ENROLMENT_OPEN');
      expect(t.schedule.map((s: any) => s.code)).toEqual(['BASELINE', 'W8', 'W16', 'W24']);
      expect(t.arms.reduce((n: number, a: any) => n + a.actualSize, 0)).toBe(t.enrolment.randomised);
      expect(t.sites.reduce((n: number, s: any) => n + s.enrolled, 0)).toBe(t.enrolment.enrolled);
    }
    const one = await gql(`query($id: ID!) { trial(id: $id) { id arms { code } } }`, { id: synthetic.trialIds[0] });
    expect(one.data.trial.arms.map((a: any) => a.code)).toEqual(['A', 'B']);
    expect((await gql(`{ trial(id: "nope") { id } }`)).data.trial).toBeNull();
  });

  it('pages through subjects with a stable order and no repeats, and loads 100 timelines in a constant number of statements', async () => {
    const page = (first: number, after: string | null) =>
      gql(
        `query($first: Int, $after: String) { subjects(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id timeline { ${TIMELINE} } } } }`,
        { first, after },
      );
    statements.length = 0;
    const small = await page(5, null);
    const smallCount = statements.filter((s) => s.includes('read_model.')).length;
    statements.length = 0;
    const big = await page(100, null);
    const bigCount = statements.filter((s) => s.includes('read_model.')).length;
    expect(big.errors).toBeUndefined();
    expect(big.data.subjects.nodes).toHaveLength(100);
    // One round trip for the page, one for totalCount, one for all timelines: the same for 5 or 100 subjects.
    expect(bigCount).toBe(smallCount);
    expect(bigCount).toBe(3);
    expect(statements.some((s) => s.includes('read_model.measurements') && s.includes('read_model.outcomes'))).toBe(true);
    const rest = await page(100, big.data.subjects.pageInfo.endCursor);
    const ids = [...big.data.subjects.nodes, ...rest.data.subjects.nodes].map((n: any) => n.id);
    expect(new Set(ids).size).toBe(140);
    expect(rest.data.subjects.pageInfo.hasNextPage).toBe(false);
    expect(small.data.subjects.totalCount).toBe(140);
    // A timeline is in the order things happened.
    for (const n of big.data.subjects.nodes) {
      const times = n.timeline.map((e: any) => e.occurredAt);
      expect([...times].sort()).toEqual(times);
    }
  });

  it('shows a subject timeline with measurements (current and original value, corrections) and outcomes', async () => {
    const [corrected] = (await ds.query(
      `SELECT subject_id, measurement_id FROM read_model.measurements WHERE correction_count > 0 AND superseded_at IS NULL LIMIT 1`,
    )) as {
      subject_id: string;
      measurement_id: string;
    }[];
    statements.length = 0;
    const res = await gql(`query($id: ID!) { subject(id: $id) { id kind trialId armCode siteId status version timeline { ${TIMELINE} } } }`, {
      id: corrected!.subject_id,
    });
    expect(res.errors).toBeUndefined();
    // The subject and its timeline in one round trip; the same timeline as through the subjects list.
    expect(statements.filter((q) => q.includes('read_model.'))).toHaveLength(1);
    // Measurement rows with the columns the timeline selects (and the entry's times), not all of them.
    const sent = statements.find((q) => q.includes('read_model.measurements'))!;
    expect(sent).toMatch(/m\.value, m\.unit/);
    expect(sent).toContain('m.recorded_at');
    expect(sent).not.toContain('m.change_reason');
    const listed = await gql(
      `query($t: ID!, $site: String) { subjects(filter: { trialId: $t, siteId: $site }, first: 100) { nodes { id timeline { ${TIMELINE} } } } }`,
      { t: res.data.subject.trialId, site: res.data.subject.siteId },
    );
    expect(listed.errors).toBeUndefined();
    expect(listed.data.subjects.nodes.find((n: any) => n.id === corrected!.subject_id).timeline).toEqual(res.data.subject.timeline);
    const stranger = await gql(
      `query($id: ID!) { subject(id: $id) { id timeline { kind } } }`,
      { id: corrected!.subject_id },
      await token('coordinator', { trials: ['another-trial'], sites: ['*'] }),
    );
    expect(stranger.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(stranger.data?.subject ?? null).toBeNull();
    const s = res.data.subject;
    expect(s.kind).toBe('TRIAL');
    const kinds = new Set(s.timeline.map((e: any) => e.kind));
    expect([...kinds].sort()).toEqual(['IMAGING_STUDY', 'MEASUREMENT', 'MILESTONE', 'OUTCOME']);
    const m = s.timeline.find((e: any) => e.measurement?.id === corrected!.measurement_id).measurement;
    expect(m.correctionCount).toBeGreaterThan(0);
    const events = await store.readStream(`subject-${corrected!.subject_id}`);
    const last = events.filter((e) => e.type === 'MeasurementCorrected' && e.data['measurementId'] === corrected!.measurement_id).at(-1)!;
    expect(m.value).toBe((last.data['result'] as { value: number }).value);
    expect(s.version).toBe(events.length - 1);
  });

  it('answers asOf: before a correction the original value, after it the corrected one', async () => {
    const [c] = (await ds.query(`
      SELECT m.subject_id, m.measurement_id, m.version_recorded_at, prev.value AS before_value, m.value AS after_value
        FROM read_model.measurements m JOIN read_model.measurements prev ON prev.measurement_id = m.measurement_id AND prev.version = m.version - 1
       WHERE m.superseded_at IS NULL AND m.correction_count = 1 AND NOT m.retracted AND prev.value <> m.value LIMIT 1`)) as {
      subject_id: string;
      measurement_id: string;
      version_recorded_at: Date;
      before_value: number;
      after_value: number;
    }[];
    const before = new Date(c!.version_recorded_at.getTime() - 1).toISOString();
    const q = `query($f: MeasurementFilter, $asOf: DateTime) { measurements(filter: $f, asOf: $asOf, first: 50) { nodes { id value version correctionCount } } }`;
    const then = await gql(q, { f: { subjectId: c!.subject_id }, asOf: before });
    const now = await gql(q, { f: { subjectId: c!.subject_id } });
    expect(then.data.measurements.nodes.find((n: any) => n.id === c!.measurement_id)).toMatchObject({ value: c!.before_value, version: 0, correctionCount: 0 });
    expect(now.data.measurements.nodes.find((n: any) => n.id === c!.measurement_id)).toMatchObject({ value: c!.after_value, correctionCount: 1 });
    const timeline = await gql(`query($id: ID!, $asOf: DateTime) { subject(id: $id, asOf: $asOf) { timeline { measurement { id value } } } }`, {
      id: c!.subject_id,
      asOf: before,
    });
    expect(timeline.data.subject.timeline.find((e: any) => e.measurement?.id === c!.measurement_id).measurement.value).toBe(c!.before_value);
  });

  it("shows and filters a measurement's arm only as of when the subject's randomisation was recorded", async () => {
    // A subject randomised after the baseline scan: the baseline's rows existed before the arm did.
    const [late] = (await ds.query(`
      SELECT s.subject_id, s.arm_code, s.randomised_recorded_at FROM read_model.subjects s
       WHERE EXISTS (SELECT 1 FROM read_model.measurements m WHERE m.subject_id = s.subject_id AND m.recorded_at < s.randomised_recorded_at) LIMIT 1`)) as {
      subject_id: string;
      arm_code: string;
      randomised_recorded_at: Date;
    }[];
    const before = new Date(late!.randomised_recorded_at.getTime() - 1).toISOString();
    const q = `query($f: MeasurementFilter, $asOf: DateTime) { measurements(filter: $f, asOf: $asOf, first: 100) { totalCount nodes { armCode siteId } } }`;
    const then = await gql(q, { f: { subjectId: late!.subject_id }, asOf: before });
    expect(then.errors).toBeUndefined();
    expect(then.data.measurements.nodes.length).toBeGreaterThan(0);
    for (const n of then.data.measurements.nodes) expect(n.armCode).toBeNull();
    const filteredThen = await gql(q, { f: { subjectId: late!.subject_id, armCode: late!.arm_code }, asOf: before });
    expect(filteredThen.data.measurements).toEqual({ totalCount: 0, nodes: [] });
    const at = await gql(q, { f: { subjectId: late!.subject_id, armCode: late!.arm_code }, asOf: late!.randomised_recorded_at.toISOString() });
    expect(at.data.measurements.totalCount).toBe(then.data.measurements.totalCount);
    const now = await gql(q, { f: { subjectId: late!.subject_id, armCode: late!.arm_code } });
    expect(now.data.measurements.totalCount).toBeGreaterThan(then.data.measurements.totalCount);
    for (const n of now.data.measurements.nodes) expect(n.armCode).toBe(late!.arm_code);
    const timeline = await gql(`query($id: ID!, $asOf: DateTime) { subject(id: $id, asOf: $asOf) { timeline { measurement { armCode } } } }`, {
      id: late!.subject_id,
      asOf: before,
    });
    const arms = timeline.data.subject.timeline.filter((e: any) => e.measurement).map((e: any) => e.measurement.armCode);
    expect(arms.length).toBe(then.data.measurements.totalCount);
    expect(new Set(arms)).toEqual(new Set([null]));
  });

  it('answers trial(asOf): the trial and its enrolment as recorded by then, nothing before its registration', async () => {
    const trialId = synthetic.trialIds[0]!;
    const events = await store.readStream(`trial-${trialId}`);
    const opened = events.find((e) => e.type === 'EnrolmentOpened')!;
    const q = `query($id: ID!, $asOf: DateTime) { trial(id: $id, asOf: $asOf) { status arms { code actualSize } sites { id enrolled } enrolment { enrolled } } }`;
    const then = await gql(q, { id: trialId, asOf: opened.recordedAt.toISOString() });
    expect(then.errors).toBeUndefined();
    const [known] = (await ds.query(`SELECT count(*)::int AS n FROM read_model.subjects WHERE trial_id = $1 AND enrolled_recorded_at <= $2`, [
      trialId,
      opened.recordedAt,
    ])) as { n: number }[];
    expect(then.data.trial).toMatchObject({ status: 'ENROLMENT_OPEN', enrolment: { enrolled: known!.n } });
    expect(then.data.trial.arms.map((a: any) => a.code)).toEqual(['A', 'B']);
    const beforeRegistration = await gql(q, { id: trialId, asOf: new Date(events[0]!.recordedAt.getTime() - 1).toISOString() });
    expect(beforeRegistration.data.trial).toBeNull();
    const now = await gql(q, { id: trialId, asOf: new Date(Date.now() + 1000).toISOString() });
    const current = await gql(`query($id: ID!) { trial(id: $id) { status arms { code actualSize } sites { id enrolled } enrolment { enrolled } } }`, {
      id: trialId,
    });
    expect(now.data.trial).toEqual(current.data.trial);
  });

  it('filters the measurements table on its columns, leaves retracted ones out unless asked, and pages without overlap', async () => {
    const biomarkerId = synthetic.biomarkerIds[3];
    const q = `query($f: MeasurementFilter, $after: String, $r: Boolean) { measurements(filter: $f, first: 100, after: $after, includeRetracted: $r) {
      totalCount pageInfo { hasNextPage endCursor } nodes { id biomarkerId method readerId timePoint armCode siteId retracted lesion { trackingUid } } } }`;
    const first = await gql(q, { f: { biomarkerId, method: 'MANUAL', readerId: 'reader-1', timePoint: 'W8' } });
    expect(first.errors).toBeUndefined();
    const [expected] = (await ds.query(
      `SELECT count(*)::int AS n FROM read_model.measurements WHERE superseded_at IS NULL AND NOT retracted AND biomarker_id = $1 AND method = 'manual' AND reader_id = 'reader-1' AND time_point = 'W8'`,
      [biomarkerId],
    )) as { n: number }[];
    expect(first.data.measurements.totalCount).toBe(expected!.n);
    for (const n of first.data.measurements.nodes)
      expect(n).toMatchObject({ biomarkerId, method: 'MANUAL', readerId: 'reader-1', timePoint: 'W8', retracted: false });
    const second = await gql(q, {
      f: { biomarkerId, method: 'MANUAL', readerId: 'reader-1', timePoint: 'W8' },
      after: first.data.measurements.pageInfo.endCursor,
    });
    const ids = [...first.data.measurements.nodes, ...second.data.measurements.nodes].map((n: any) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    const [retracted] = (await ds.query(`SELECT count(*)::int AS n FROM read_model.measurements WHERE superseded_at IS NULL AND retracted`)) as { n: number }[];
    const all = await gql(`{ a: measurements(first: 1) { totalCount } b: measurements(first: 1, includeRetracted: true) { totalCount } }`);
    expect(all.data.b.totalCount - all.data.a.totalCount).toBe(retracted!.n);
    expect(retracted!.n).toBeGreaterThan(0);
    const arm = await gql(`query($t: ID!) { measurements(filter: { trialId: $t, armCode: "A" }, first: 20) { nodes { armCode trialId } } }`, {
      t: synthetic.trialIds[0],
    });
    for (const n of arm.data.measurements.nodes) expect(n).toEqual({ armCode: 'A', trialId: synthetic.trialIds[0] });
  });

  it('reads only the columns a page selects, and answers the same through nodes, edges, fragments and aliases', async () => {
    const ALL = `id version subjectId trialId programmeId armCode siteId timePoint biomarkerId biomarkerVersion valueKind value unit category originalValue originalUnit
      correctionCount retracted changeReason adjudication method algorithmVersionId readerId lesion { trackingUid label findingSite role } studyInstanceUid
      seriesInstanceUid occurredAt recordedAt versionRecordedAt position`;
    const full = await gql(`{ measurements(first: 30, includeRetracted: true) { nodes { ${ALL} } } }`);
    expect(full.errors).toBeUndefined();
    statements.length = 0;
    const narrow = await gql(`fragment F on Measurement { value unit when: occurredAt }
      { measurements(first: 30, includeRetracted: true) { edges { node { id ...F } } nodes { ... on Measurement { armCode lesion { trackingUid } } } } }`);
    expect(narrow.errors).toBeUndefined();
    const page = statements.find((s) => s.includes('FROM read_model.measurements m'))!;
    expect(page).toMatch(/SELECT m\.position, m\.subject_id, m\.measurement_id, m\.value, m\.unit, m\.occurred_at, m\.arm_code, m\.lesion_tracking_uid/);
    expect(page).not.toContain('read_model.subjects');
    expect(page).not.toContain('SELECT m.* FROM read_model.measurements');
    full.data.measurements.nodes.forEach((n: any, i: number) => {
      expect(narrow.data.measurements.edges[i].node).toEqual({ id: n.id, value: n.value, unit: n.unit, when: n.occurredAt });
      expect(narrow.data.measurements.nodes[i]).toEqual({ armCode: n.armCode, lesion: n.lesion ? { trackingUid: n.lesion.trackingUid } : null });
    });
  });

  it('lists biomarkers and algorithm versions with lineage, and a screening programme with per-round counts', async () => {
    const res = await gql(
      `query($p: ID!) { biomarkers { totalCount nodes { code unit versions { version } } }
      algorithmVersions { nodes { id version lineage { version } } }
      screeningProgramme(id: $p) { name rounds { number invited screened recalled screenDetectedCancers intervalCancers } } }`,
      { p: synthetic.programmeId },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.biomarkers.totalCount).toBe(5);
    expect(res.data.algorithmVersions.nodes.map((a: any) => a.lineage.map((l: any) => l.version))).toEqual([['1.0'], ['1.0', '1.1'], ['1.0', '1.1', '2.0']]);
    const rounds = res.data.screeningProgramme.rounds;
    expect(rounds.map((r: any) => r.number)).toEqual([1, 2]);
    const log = {
      invited: await store.countEvents({ filter: { eventTypes: ['ParticipantInvited'] } }),
      recalled: await store.countEvents({ filter: { eventTypes: ['RecallRecorded'] } }),
    };
    expect(rounds.reduce((n: number, r: any) => n + r.invited, 0)).toBe(log!.invited);
    expect(rounds.reduce((n: number, r: any) => n + r.recalled, 0)).toBe(log!.recalled);
  });

  it('reads its own write with consistentWith, and times out with PROJECTION_LAG_TIMEOUT when the projector is behind', async () => {
    const biomarkerId = randomUUID();
    const appended = await store.appendToStream(
      `biomarker-${biomarkerId}`,
      [
        {
          id: randomUUID(),
          type: 'BiomarkerDefined',
          data: {
            biomarkerId,
            code: 'RYW_TEST',
            version: 1,
            name: 'RYW',
            description: null,
            modality: 'CT',
            bodySite: null,
            valueType: { kind: 'categorical', categories: ['a', 'b'] },
            repeatabilityWcv: null,
            definedAt: '2026-01-01',
          },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    const res = await gql(`query($p: GlobalPosition) { biomarkers(consistentWith: $p) { nodes { code } } }`, { p: appended.position.prepare.toString() });
    expect(res.data.biomarkers.nodes.map((n: any) => n.code)).toContain('RYW_TEST');
    await Promise.all(runners.map((r) => r.stop()));
    const later = await store.appendToStream(
      `biomarker-${biomarkerId}`,
      [{ id: randomUUID(), type: 'BiomarkerRetired', data: { biomarkerId, reason: 'test', retiredAt: '2026-01-02' } }],
      { expectedRevision: 0n },
    );
    const t0 = Date.now();
    const lag = await gql(`query($p: GlobalPosition) { biomarkers(consistentWith: $p) { totalCount } }`, { p: later.position.prepare.toString() });
    expect(lag.errors?.[0].extensions).toMatchObject({ code: 'PROJECTION_LAG_TIMEOUT', field: 'consistentWith' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
    runners = projections().map((p) => new ProjectionRunner(p, store, ds, { log: () => undefined, error: () => undefined }));
    runners.forEach((r) => r.start());
    const caughtUp = await gql(`query($p: GlobalPosition) { biomarkers(consistentWith: $p, includeRetired: false) { nodes { code } } }`, {
      p: later.position.prepare.toString(),
    });
    expect(caughtUp.data.biomarkers.nodes.map((n: any) => n.code)).not.toContain('RYW_TEST');
  });

  it('confines a coordinator to its trial and a screening manager to its programme', async () => {
    const coordinator = await token('coordinator', { trials: [synthetic.trialIds[0]!], sites: ['*'] });
    const trials = await gql(`{ trials { totalCount nodes { id } } subjects(first: 200) { nodes { trialId kind } } }`, {}, coordinator);
    expect(trials.data.trials.nodes.map((t: any) => t.id)).toEqual([synthetic.trialIds[0]]);
    expect(new Set(trials.data.subjects.nodes.map((s: any) => s.trialId))).toEqual(new Set([synthetic.trialIds[0]]));
    const other = await gql(`query($id: ID!) { trial(id: $id) { id } }`, { id: synthetic.trialIds[1] }, coordinator);
    expect(other.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const [screened] = (await ds.query(`SELECT subject_id FROM read_model.subjects WHERE kind = 'screening' LIMIT 1`)) as { subject_id: string }[];
    const hidden = await gql(`query($id: ID!) { subject(id: $id) { id } }`, { id: screened!.subject_id }, coordinator);
    expect(hidden.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const manager = await token('screening_manager', { programmes: [synthetic.programmeId] });
    const seen = await gql(`query($id: ID!) { subject(id: $id) { id kind } }`, { id: screened!.subject_id }, manager);
    expect(seen.data.subject.kind).toBe('SCREENING');
    const measurements = await gql(`{ measurements(first: 5) { totalCount } }`, {}, manager);
    expect(measurements.data.measurements.totalCount).toBe(0);
  });
});
