import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { type AppConfig, loadConfig } from '#runtime';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { postGraphql } from '../support/graphql-client.js';

/**
 * Issue 19's main flow over HTTP: a data manager adds a rule after the data are in, the registry opens a data query
 * for the finding, the site answers, the data manager closes and reopens it, the site corrects the value and the
 * query resolves by itself; counts per site and the lock's open count follow.
 */
describe('data quality over HTTP: rule → query → answer → close → reopen → correction resolves', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  const tokens: Record<string, string> = {};
  const T = 'dq-trial';
  const S = 'dq-site';
  const STUDY = '1.2.826.0.1.3680043.8.498.91001';

  const gql = async (role: string, query: string, variables: Record<string, unknown> = {}) => {
    const body = await postGraphql(registry.url, tokens[role]!, query, variables);
    return body;
  };
  const mutate = async (role: string, name: string, input: Record<string, unknown>) => {
    const query = `mutation($input: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { id createdIds globalPosition events } }`;
    const body = await gql(role, query, { input: { commandId: randomUUID(), ...input } });
    if (body.errors) throw new Error(`${name} by ${role}: ${JSON.stringify(body.errors)}`);
    return body.data[name] as { id: string; createdIds: string[]; globalPosition: string; events: string[] };
  };
  const QUERIES = `query($t: ID!, $status: [DataQueryStatus!]) { dataQueries(filter: { trialId: $t, status: $status }) { totalCount nodes { id ruleId ruleKind subjectId siteId measurementId field message status answer lastReason closedAt } } }`;
  /** The monitor works after the write's projection: poll (bounded) until the list shows what the step leads to. */
  const until = async (role: string, status: string) => {
    for (let i = 0; i < 200; i++) {
      const body = await gql(role, QUERIES, { t: T });
      const nodes = body.data?.dataQueries?.nodes as { status: string }[] | undefined;
      if (nodes?.length === 1 && nodes[0]!.status === status) return body.data.dataQueries.nodes[0];
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no single ${status} data query`);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-dq-'));
    config = loadConfig({ ...db.appEnv, PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, PROJECTOR: 'embedded', AUDIT_SEAL_INTERVAL_SECONDS: '0' });
    registry = await startRegistry(config);
    for (const role of ['admin', 'coordinator', 'reader', 'data_manager'])
      tokens[role] = await issueLocalToken(config, { sub: `dq-${role}`, role: role as 'admin', trials: [T], programmes: [], sites: [S] });
    tokens['other_site'] = await issueLocalToken(config, { sub: 'dq-other', role: 'coordinator', trials: [T], programmes: [], sites: ['elsewhere'] });
  }, 60_000);

  afterAll(async () => {
    await registry?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs the whole query workflow', async () => {
    await mutate('admin', 'defineBiomarker', {
      biomarkerId: 'dq-ldiam',
      code: 'DQ_LDIAM',
      name: 'Longest diameter',
      modality: 'CT',
      valueType: { kind: 'QUANTITATIVE', unit: 'mm', plausibleRange: { min: 0, max: 500 } },
    });
    await mutate('coordinator', 'registerTrial', {
      trialId: T,
      identifiers: [{ system: 'NCT', value: 'NCT07000019' }],
      title: 'DQ trial',
      phase: 'PHASE_II',
      sponsor: 'Acme',
      primaryEndpoint: 'ORR',
    });
    await mutate('coordinator', 'addTrialArm', { trialId: T, armCode: 'A', name: 'Drug', armType: 'EXPERIMENTAL', plannedSize: 10 });
    await mutate('coordinator', 'activateTrialSite', { trialId: T, siteId: S, name: 'Site' });
    await mutate('coordinator', 'defineVisitSchedule', {
      trialId: T,
      timePoints: [
        { code: 'BASELINE', label: 'Baseline', targetDay: 1, windowBeforeDays: 28, windowAfterDays: 0 },
        { code: 'W8', label: 'Week 8', targetDay: 57, windowBeforeDays: 7, windowAfterDays: 7 },
      ],
    });
    await mutate('coordinator', 'openEnrolment', { trialId: T });
    const subject = (
      await mutate('coordinator', 'enrolSubject', { trialId: T, siteId: S, pseudonym: 'DQ-0001', consentVersion: 'v1', consentDate: '2025-01-10' })
    ).id;
    await mutate('coordinator', 'registerImagingStudy', {
      studyInstanceUid: STUDY,
      subjectId: subject,
      modality: 'CT',
      acquisitionDateTime: '2025-01-20',
      siteId: S,
      scanner: { manufacturer: 'Siemens', model: 'Somatom' },
    });
    // A second subject without data, and a second same-day CT of the first subject (a duplicate for uniqueness).
    await mutate('coordinator', 'enrolSubject', { trialId: T, siteId: S, pseudonym: 'DQ-0002', consentVersion: 'v1', consentDate: '2025-01-11' });
    await mutate('coordinator', 'registerImagingStudy', {
      studyInstanceUid: '1.2.826.0.1.3680043.8.498.91002',
      subjectId: subject,
      modality: 'CT',
      acquisitionDateTime: '2025-01-20',
      siteId: S,
      scanner: { manufacturer: 'Siemens', model: 'Somatom' },
    });
    const measurement = (
      await mutate('reader', 'recordMeasurement', {
        subjectId: subject,
        biomarkerId: 'dq-ldiam',
        biomarkerVersion: 1,
        value: { value: 300, unit: 'mm' },
        studyInstanceUid: STUDY,
        timePoint: 'BASELINE',
        method: 'MANUAL',
      })
    ).createdIds[0]!;

    // A bad expression is refused with its code and field; nothing is defined.
    const bad = await gql('data_manager', 'mutation($i: DefineDataQualityRuleInput!) { defineDataQualityRule(input: $i) { id } }', {
      i: { commandId: randomUUID(), trialId: T, name: 'bad', kind: 'EXPRESSION', expression: '{"nope": [1]}' },
    });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_RULE_EXPRESSION', field: 'expression' });

    // The rule comes after the data: evaluated over history at once.
    const rule = await mutate('data_manager', 'defineDataQualityRule', {
      trialId: T,
      name: 'Diameter ≤ 200 mm',
      kind: 'RANGE',
      biomarkerId: 'dq-ldiam',
      max: 200,
    });
    const rules = await gql(
      'data_manager',
      'query($t: ID!, $at: GlobalPosition) { dataQualityRules(trialId: $t, consistentWith: $at) { id kind params version retired } }',
      {
        t: T,
        at: rule.globalPosition,
      },
    );
    expect(rules.data.dataQualityRules).toMatchObject([{ id: rule.id, kind: 'RANGE', version: 1, retired: false }]);
    expect(JSON.parse(rules.data.dataQualityRules[0].params)).toEqual({ kind: 'range', biomarkerId: 'dq-ldiam', min: null, max: 200 });
    const opened = await until('data_manager', 'OPEN');
    expect(opened).toMatchObject({
      ruleId: rule.id,
      ruleKind: 'RANGE',
      subjectId: subject,
      siteId: S,
      measurementId: measurement,
      field: 'value',
      answer: null,
    });
    expect(opened.message).toContain('outside [−∞, 200]');
    const queryId = opened.id as string;

    // A coordinator of another site sees nothing and may not answer.
    expect((await gql('other_site', QUERIES, { t: T })).data.dataQueries.totalCount).toBe(0);
    const foreign = await gql('other_site', 'mutation($i: AnswerDataQueryInput!) { answerDataQuery(input: $i) { id } }', {
      i: { commandId: randomUUID(), queryId, reason: 'not mine' },
    });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // The data manager may not answer for the site; the site may not close.
    const dmAnswer = await gql('data_manager', 'mutation($i: AnswerDataQueryInput!) { answerDataQuery(input: $i) { id } }', {
      i: { commandId: randomUUID(), queryId, reason: 'x' },
    });
    expect(dmAnswer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    await mutate('coordinator', 'answerDataQuery', { queryId, reason: 'Bulky mass confirmed on the source images' });
    expect(await until('coordinator', 'ANSWERED')).toMatchObject({ answer: 'Bulky mass confirmed on the source images' });
    await mutate('data_manager', 'closeDataQuery', { queryId, reason: 'Accepted' });
    expect((await until('data_manager', 'CLOSED')).closedAt).not.toBeNull();
    const twice = await gql('data_manager', 'mutation($i: CloseDataQueryInput!) { closeDataQuery(input: $i) { id } }', {
      i: { commandId: randomUUID(), queryId },
    });
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'DATA_QUERY_INVALID_TRANSITION', field: 'queryId' });
    await mutate('data_manager', 'reopenDataQuery', { queryId, reason: 'Central reader measured 30 mm' });
    expect(await until('data_manager', 'OPEN')).toMatchObject({ lastReason: 'Central reader measured 30 mm', closedAt: null });
    // The label while the query is open: the story's known numbers.
    const REPORT = `query($t: ID!) { dataQualityReport(trialId: $t) { subjects completeness { overall cells { biomarkerId timePoint subjectsWithValue subjectsExpected ratio } }
      timeliness { measurements medianDaysScanToRecord } validity { measurements withOpenQuery ratio } consistency { subjectBiomarkersWithMethodChange methodConsistencyQueries }
      uniqueness { studies duplicateStudyGroups } queriesBySite { siteId open answered resolved closed } label } }`;
    const open = (await gql('data_manager', REPORT, { t: T })).data.dataQualityReport;
    expect(open).toMatchObject({
      subjects: 2,
      // 1 biomarker × 2 visits × 2 subjects = 4 expected values, 1 recorded
      completeness: {
        overall: 0.25,
        cells: [
          { biomarkerId: 'dq-ldiam', timePoint: 'BASELINE', subjectsWithValue: 1, subjectsExpected: 2, ratio: 0.5 },
          { biomarkerId: 'dq-ldiam', timePoint: 'W8', subjectsWithValue: 0, subjectsExpected: 2, ratio: 0 },
        ],
      },
      timeliness: { measurements: 1 },
      validity: { measurements: 1, withOpenQuery: 1, ratio: 0 },
      consistency: { subjectBiomarkersWithMethodChange: 0, methodConsistencyQueries: 0 },
      uniqueness: { studies: 2, duplicateStudyGroups: 1 },
      queriesBySite: [{ siteId: S, open: 1, answered: 0, resolved: 0, closed: 0 }],
    });
    // Scan on 2025-01-20, recorded during this test.
    const days = (Date.now() - Date.parse('2025-01-20T00:00:00Z')) / 86_400_000;
    expect(Math.abs(open.timeliness.medianDaysScanToRecord - days)).toBeLessThan(1);
    const label = JSON.parse(open.label);
    expect(label).toMatchObject({ '@id': `urn:registry:trial:${T}`, '@type': 'dcat:Dataset' });
    expect(label['dqv:hasQualityMeasurement']).toContainEqual(
      expect.objectContaining({ 'dqv:value': 0.25, 'dqv:isMeasurementOf': expect.objectContaining({ 'dqv:inDimension': { '@id': 'ehds:completeness' } }) }),
    );
    // A coordinator reads the queries but not the dataset-wide label.
    expect((await gql('coordinator', REPORT, { t: T })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const lock = await gql('coordinator', 'query($t: ID!) { openDataQueryCount(trialId: $t) { trialId count } }', { t: T });
    expect(lock.data.openDataQueryCount).toEqual({ trialId: T, count: 1 });
    // An open query holds a hard lock back (on its field, nothing written); a soft lock still lets the site answer.
    const hard = await gql('coordinator', 'mutation($i: LockTrialInput!) { lockTrial(input: $i) { id } }', {
      i: { commandId: randomUUID(), trialId: T, reason: 'Database lock', level: 'HARD' },
    });
    expect(hard.errors?.[0]?.extensions).toMatchObject({ code: 'OPEN_DATA_QUERIES', field: 'level' });
    await mutate('coordinator', 'lockTrial', { trialId: T, reason: 'Last patient last visit', level: 'SOFT' });

    // The site corrects the value: the finding is gone and the query resolves without anyone closing it.
    await mutate('coordinator', 'correctMeasurement', {
      subjectId: subject,
      measurementId: measurement,
      value: { value: 30, unit: 'mm' },
      reason: 'Transcription error',
    });
    expect(await until('data_manager', 'RESOLVED')).toMatchObject({ lastReason: expect.stringContaining('finding is gone') });
    const counts = await gql('data_manager', 'query($t: ID!) { dataQueryCounts(trialId: $t) { siteId open answered resolved closed } }', { t: T });
    expect(counts.data.dataQueryCounts).toEqual([{ siteId: S, open: 0, answered: 0, resolved: 1, closed: 0 }]);
    expect((await gql('coordinator', 'query($t: ID!) { openDataQueryCount(trialId: $t) { count } }', { t: T })).data.openDataQueryCount.count).toBe(0);
    expect((await gql('data_manager', REPORT, { t: T })).data.dataQualityReport.validity).toEqual({ measurements: 1, withOpenQuery: 0, ratio: 1 });
    // The correction was accepted under the soft lock; with no query open the hard lock goes through.
    await mutate('coordinator', 'lockTrial', { trialId: T, reason: 'Database lock', level: 'HARD' });
  }, 60_000);
});
