import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  dataQualityRuleDecider,
  dataQualityRuleStreamId,
  dataQueryDecider,
  dataQueryStreamId,
  type DataQualityRuleCommand,
  type DataQueryCommand,
} from '#domain';
import { handleCommand, PostgresEventStore, type JsonObject } from '#event-store';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { DataQualityProjection } from '../projections/data-quality.projection.js';
import { ProjectionRunner } from '../subscription/projection-runner.js';
import { DataQualityMonitor, dataQueryId } from './data-quality-monitor.js';

const quiet = { log: () => undefined, error: () => undefined };

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('data-quality monitor (real PostgreSQL event store and read model)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: PostgresEventStore;
  let runner: ProjectionRunner;
  let monitor: DataQualityMonitor;

  const append = (streamId: string, type: string, data: JsonObject) =>
    store.appendToStream(streamId, [{ id: randomUUID(), type, data, metadata: { actorId: 'test', actorRole: 'coordinator' } }], { expectedRevision: 'any' });
  const meta = (actor: string, role: string, reason?: string) => {
    const commandId = randomUUID();
    return {
      context: { commandId, actor: { id: actor, role }, now: new Date('2026-12-01T10:00:00Z') },
      metadata: {
        commandId,
        actorId: actor,
        actorRole: role,
        correlationId: commandId,
        causationId: commandId,
        recordedAt: new Date(),
        ...(reason ? { reason } : {}),
      },
    };
  };
  const ruleCommand = (command: DataQualityRuleCommand) =>
    handleCommand({ store, streamId: dataQualityRuleStreamId(command.ruleId), decider: dataQualityRuleDecider, command, ...meta('dm-1', 'data_manager') });
  const queryCommand = (command: DataQueryCommand, role = 'data_manager') =>
    handleCommand({ store, streamId: dataQueryStreamId(command.queryId), decider: dataQueryDecider, command, ...meta('u-1', role) });
  const queries = async () =>
    (await ds.query(
      `SELECT query_id, rule_id, subject_id, site_id, measurement_id, status, answer, rule_kind FROM read_model.data_queries ORDER BY rule_id, subject_id, finding_key`,
    )) as Record<string, string | null>[];
  const queryEventCount = () => store.countEvents({ filter: { streamCategories: ['dataquery'] } });
  const statusOf = async (queryId: string) =>
    ((await ds.query(`SELECT status FROM read_model.data_queries WHERE query_id = $1`, [queryId])) as { status: string }[])[0]?.status;

  const measurement = (
    subjectId: string,
    measurementId: string,
    value: number,
    timePoint: string,
    occurredAt: string,
    extra: Partial<JsonObject> = {},
  ): JsonObject => ({
    subjectId,
    measurementId,
    trialId: 'T1',
    programmeId: null,
    biomarkerId: 'suv',
    biomarkerVersion: 1,
    result: { kind: 'quantitative', originalValue: value, originalUnit: 'g/mL', value, unit: 'g/mL' },
    studyInstanceUid: `1.2.826.0.1.${measurementId.length}${value}`,
    seriesInstanceUid: null,
    timePoint,
    lesion: null,
    method: 'manual',
    algorithmVersionId: null,
    readerId: 'reader-a',
    plausibilityOverrideReason: null,
    occurredAt,
    ...extra,
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.appUrl)).initialize();
    store = new PostgresEventStore({ connectionString: db.eventStoreAppUrl, pollIntervalMs: 20 });
    // The story: trial T1 with a schedule, two subjects at two sites, data recorded before any rule exists.
    await append('trial-T1', 'VisitScheduleDefined', {
      trialId: 'T1',
      scheduleVersion: 1,
      reason: null,
      timePoints: [
        { code: 'BASELINE', label: 'Baseline', targetDay: 1, windowBeforeDays: 7, windowAfterDays: 0 },
        { code: 'W8', label: 'Week 8', targetDay: 57, windowBeforeDays: 3, windowAfterDays: 3 },
      ],
    });
    for (const [subjectId, siteId] of [
      ['s1', 'S1'],
      ['s2', 'S2'],
    ] as const)
      await append(`subject-${subjectId}`, 'SubjectEnrolled', {
        subjectId,
        trialId: 'T1',
        pseudonym: `P-${subjectId}`,
        siteId,
        consentVersion: 'v1',
        consentDate: '2026-01-01',
        occurredAt: '2026-01-01T08:00:00.000Z',
      });
    await append('subject-s1', 'MeasurementRecorded', measurement('s1', 'm1', 55, 'BASELINE', '2026-01-01T09:00:00.000Z'));
    await append('subject-s2', 'MeasurementRecorded', measurement('s2', 'm2', 12, 'BASELINE', '2026-01-01T09:00:00.000Z'));
    // W8 on 2026-03-10 is study day 69: outside 54..60.
    await append('subject-s2', 'MeasurementRecorded', measurement('s2', 'm3', 11, 'W8', '2026-03-10T09:00:00.000Z'));
    await append('subject-s2', 'OutcomeRecorded', {
      subjectId: 's2',
      outcomeId: 'o1',
      outcomeType: 'progression',
      trialId: 'T1',
      programmeId: null,
      timePoint: null,
      notes: null,
      occurredAt: '2025-12-20T00:00:00.000Z',
      source: 'investigator',
      recistResponse: null,
      stage: null,
    });
    runner = new ProjectionRunner(new DataQualityProjection(), store, ds, quiet);
    runner.start();
    monitor = new DataQualityMonitor(store, quiet);
    monitor.start();
  });

  afterAll(async () => {
    await monitor.stop();
    await runner.stop();
    await store.close();
    await ds.destroy();
    await db.drop();
  });

  const range: DataQualityRuleCommand = {
    type: 'DefineDataQualityRule',
    ruleId: 'r-range',
    trialId: 'T1',
    programmeId: null,
    kind: 'range',
    name: 'SUV ≤ 40',
    biomarkerId: 'suv',
    min: 0,
    max: 40,
  };
  const rangeQuery = dataQueryId('r-range', 's1', 'm1');

  it('evaluates a rule added late over history: one query per finding, at the finding’s site', async () => {
    await ruleCommand(range);
    await ruleCommand({
      type: 'DefineDataQualityRule',
      ruleId: 'r-window',
      trialId: 'T1',
      programmeId: null,
      kind: 'visit_window',
      name: 'Visit windows',
      toleranceDays: 0,
    });
    await ruleCommand({
      type: 'DefineDataQualityRule',
      ruleId: 'r-outcome',
      trialId: 'T1',
      programmeId: null,
      kind: 'outcome_before_enrolment',
      name: 'Outcome dates',
    });
    const rows = await until('three queries', async () => {
      const r = await queries();
      return r.length === 3 && r;
    });
    expect(rows).toEqual([
      {
        query_id: dataQueryId('r-outcome', 's2', 'o1'),
        rule_id: 'r-outcome',
        subject_id: 's2',
        site_id: 'S2',
        measurement_id: null,
        status: 'open',
        answer: null,
        rule_kind: 'outcome_before_enrolment',
      },
      { query_id: rangeQuery, rule_id: 'r-range', subject_id: 's1', site_id: 'S1', measurement_id: 'm1', status: 'open', answer: null, rule_kind: 'range' },
      {
        query_id: dataQueryId('r-window', 's2', 'm3'),
        rule_id: 'r-window',
        subject_id: 's2',
        site_id: 'S2',
        measurement_id: 'm3',
        status: 'open',
        answer: null,
        rule_kind: 'visit_window',
      },
    ]);
  });

  it('a new event that breaks a rule opens a query; a correction resolves it (auto-close)', async () => {
    await append('subject-s2', 'MeasurementRecorded', measurement('s2', 'm4', 80, 'W8', '2026-02-26T09:00:00.000Z'));
    const q = dataQueryId('r-range', 's2', 'm4');
    await until('range query for m4', async () => (await statusOf(q)) === 'open');
    await append('subject-s2', 'MeasurementCorrected', {
      subjectId: 's2',
      measurementId: 'm4',
      result: { kind: 'quantitative', originalValue: 8, originalUnit: 'g/mL', value: 8, unit: 'g/mL' },
      previousResult: { kind: 'quantitative', originalValue: 80, originalUnit: 'g/mL', value: 80, unit: 'g/mL' },
      reason: 'Decimal point',
      plausibilityOverrideReason: null,
      correctedAt: '2026-03-01T00:00:00.000Z',
    });
    await until('m4 query resolved', async () => (await statusOf(q)) === 'resolved');
    // The retraction of the out-of-window scan resolves its query too.
    await append('subject-s2', 'MeasurementRetracted', {
      subjectId: 's2',
      measurementId: 'm3',
      reason: 'Wrong visit',
      retractedAt: '2026-03-11T00:00:00.000Z',
    });
    await until('window query resolved', async () => (await statusOf(dataQueryId('r-window', 's2', 'm3'))) === 'resolved');
  });

  it('answer by the site, close and reopen by the data manager; a value broken again reopens a resolved query', async () => {
    await queryCommand({ type: 'AnswerDataQuery', queryId: rangeQuery, reason: 'Confirmed on the source images' }, 'coordinator');
    await until('answered', async () => (await statusOf(rangeQuery)) === 'answered');
    await queryCommand({ type: 'CloseDataQuery', queryId: rangeQuery, reason: 'Accepted' });
    await until('closed', async () => (await statusOf(rangeQuery)) === 'closed');
    await queryCommand({ type: 'ReopenDataQuery', queryId: rangeQuery, reason: 'Central review disagrees' });
    await until('reopened', async () => (await statusOf(rangeQuery)) === 'open');

    const m4 = dataQueryId('r-range', 's2', 'm4');
    await append('subject-s2', 'MeasurementCorrected', {
      subjectId: 's2',
      measurementId: 'm4',
      result: { kind: 'quantitative', originalValue: 90, originalUnit: 'g/mL', value: 90, unit: 'g/mL' },
      previousResult: { kind: 'quantitative', originalValue: 8, originalUnit: 'g/mL', value: 8, unit: 'g/mL' },
      reason: 'Re-read',
      plausibilityOverrideReason: null,
      correctedAt: '2026-03-02T00:00:00.000Z',
    });
    await until('m4 reopened', async () => (await statusOf(m4)) === 'open');
  });

  it('a changed rule re-evaluates (queries whose finding is gone resolve), a retired rule resolves its open queries', async () => {
    await ruleCommand({
      type: 'ChangeDataQualityRule',
      ruleId: 'r-range',
      kind: 'range',
      name: 'SUV ≤ 60',
      biomarkerId: 'suv',
      min: 0,
      max: 60,
      reason: 'Protocol amendment 2',
    });
    await until('m1 (55) resolved under max 60', async () => (await statusOf(rangeQuery)) === 'resolved');
    expect(await statusOf(dataQueryId('r-range', 's2', 'm4'))).toBe('open');
    await ruleCommand({ type: 'RetireDataQualityRule', ruleId: 'r-range', reason: 'Superseded by the catalogue range' });
    await until('m4 resolved by retirement', async () => (await statusOf(dataQueryId('r-range', 's2', 'm4'))) === 'resolved');
    const [rule] = (await until('rule row retired', async () => {
      const r = (await ds.query(`SELECT status, rule_version FROM read_model.dq_rules WHERE rule_id = 'r-range'`)) as { status: string }[];
      return r[0]?.status === 'retired' && r;
    })) as { status: string; rule_version: number }[];
    expect(rule).toEqual({ status: 'retired', rule_version: 2 });
  });

  it('a restarted monitor replays the log and appends nothing: ids are deterministic', async () => {
    await until('monitor idle', async () => (await store.readHead())?.prepare === monitor.processed.prepare || undefined);
    const before = await queryEventCount();
    await monitor.stop();
    monitor = new DataQualityMonitor(store, quiet);
    monitor.start();
    await until('second monitor caught up', async () => monitor.isCaughtUp);
    await new Promise((r) => setTimeout(r, 300));
    expect(await queryEventCount()).toBe(before);
  });
});
