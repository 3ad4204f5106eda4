import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pseudonymScope, trialIdentifierStreamId } from '#domain';
import { EVENT_STORE, chainHash, comparePositions, contentDigest, GENESIS_HASH, type EventStore, type RecordedEvent } from '#event-store';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { type AppConfig, loadConfig } from '#runtime';
import { issueLocalToken, type TokenClaims } from '../../services/registry-api/src/auth/local-signing-key.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { postGraphql } from '../support/graphql-client.js';
import { pseudonymReservationStreamId } from '../../services/registry-api/src/subjects/pseudonym-reservation.js';

/**
 * Issue 12 §2: a trial's (and a programme's) audit trail holds every event that concerns it. The story is played over
 * HTTP — a trial from registration to lock with corrections, a retraction, an erasure and an unblinding, a screening
 * programme, a pseudonym linkage between the two, and a second trial and programme beside them — and then each audit
 * log and export is compared with the full contents of every stream that belongs to it, read from the store.
 */
const T = 'audit-onco-01';
const T2 = 'audit-onco-02';
const P = 'audit-bcs';
const P2 = 'audit-ccs';
const SITE = 'site-ams';
const NCT = 'NCT07777001';
const NCT2 = 'NCT07777002';
const STUDY = { baseline: '1.2.826.0.1.3680043.8.498.81001', unattached: '1.2.826.0.1.3680043.8.498.81002', other: '1.2.826.0.1.3680043.8.498.81003' };

interface Receipt {
  id: string;
  createdIds: string[];
  streamId: string;
  globalPosition: string | null;
  events: string[];
}

describe('a trial’s and a programme’s audit trail are complete', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let store: EventStore;
  const tokens = new Map<string, string>();
  const claims: Record<string, TokenClaims> = {
    admin: { sub: 'ada-admin', role: 'admin' },
    coordinator: { sub: 'cora-coordinator', role: 'coordinator', trials: [T, T2], sites: [SITE] },
    reader: { sub: 'rene-reader', role: 'reader', sites: [SITE] },
    manager: { sub: 'mira-manager', role: 'screening_manager', programmes: [P, P2] },
    regulator: { sub: 'rita-regulator', role: 'regulator' },
  };
  const token = async (who: string): Promise<string> => {
    if (!tokens.has(who)) tokens.set(who, await issueLocalToken(config, claims[who]!));
    return tokens.get(who)!;
  };
  const gql = async (who: string, query: string, variables?: Record<string, unknown>) => postGraphql(registry.url, await token(who), query, variables);

  async function mutate(who: string, name: string, input: Record<string, unknown>): Promise<Receipt> {
    const inputType = `${name[0]!.toUpperCase()}${name.slice(1)}Input`;
    const res = await gql(who, `mutation($input: ${inputType}!) { ${name}(input: $input) { id createdIds streamId globalPosition events } }`, {
      input: { commandId: randomUUID(), ...input },
    });
    if (res.errors) throw new Error(`${name} by ${who}: ${JSON.stringify(res.errors)}`);
    return res.data[name] as Receipt;
  }

  /** Until every projection has applied every event (the trial filter reads which streams belong from a read model). */
  async function projectorCaughtUp(): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await gql('admin', `{ registryStatus { lastPosition projections { name checkpoint } } }`);
      const status = res.data?.registryStatus;
      const projections: { checkpoint: string | null }[] = status?.projections ?? [];
      if (projections.length > 0 && projections.every((p) => p.checkpoint === status.lastPosition)) return;
      if (Date.now() > deadline) throw new Error(`projector did not catch up: ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const streams: Record<'trial' | 'trial2' | 'programme' | 'programme2', Set<string>> = {
    trial: new Set([`trial-${T}`, trialIdentifierStreamId(NCT), `study-${STUDY.baseline}`, `study-${STUDY.unattached}`]),
    trial2: new Set([`trial-${T2}`, trialIdentifierStreamId(NCT2), `study-${STUDY.other}`]),
    programme: new Set([`programme-${P}`]),
    programme2: new Set([`programme-${P2}`]),
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-audit-complete-'));
    config = loadConfig({
      ...db.adminEnv,
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      AUDIT_SEAL_INTERVAL_SECONDS: '0',
      RATE_LIMIT_PER_MINUTE: '100000',
    });
    registry = await startRegistry(config);
    store = registry.app.get<EventStore>(EVENT_STORE);

    await mutate('admin', 'defineBiomarker', {
      biomarkerId: 'audit-lesion-ld',
      code: 'AUDIT_LESION_LD',
      name: 'Lesion longest diameter',
      modality: 'CT',
      valueType: { kind: 'QUANTITATIVE', unit: 'mm', plausibleRange: { min: 0, max: 500 } },
    });
    // Two trials, each with a site, a schedule and open enrolment.
    for (const [trialId, nct] of [
      [T, NCT],
      [T2, NCT2],
    ] as const) {
      await mutate('coordinator', 'registerTrial', {
        trialId,
        identifiers: [{ system: 'NCT', value: nct }],
        title: `Audit trial ${trialId}`,
        phase: 'PHASE_III',
        sponsor: 'Acme Pharma',
        primaryEndpoint: 'PFS',
      });
      await mutate('coordinator', 'addTrialArm', { trialId, armCode: 'A', name: 'Drug X', armType: 'EXPERIMENTAL', plannedSize: 10 });
      await mutate('coordinator', 'activateTrialSite', { trialId, siteId: SITE, name: 'Amsterdam UMC', country: 'NL' });
      await mutate('coordinator', 'defineVisitSchedule', {
        trialId,
        timePoints: [
          { code: 'BASELINE', label: 'Baseline', targetDay: 1, windowBeforeDays: 28, windowAfterDays: 0 },
          { code: 'W8', label: 'Week 8', targetDay: 57, windowBeforeDays: 7, windowAfterDays: 7 },
        ],
      });
      await mutate('coordinator', 'openEnrolment', { trialId });
    }
    const enrol = async (trialId: string, pseudonym: string, set: Set<string>) => {
      const r = await mutate('coordinator', 'enrolSubject', {
        trialId,
        siteId: SITE,
        pseudonym,
        consentVersion: 'v1',
        consentDate: '2025-01-10',
        personal: { yearOfBirth: 1960, sex: 'FEMALE' },
      });
      set.add(r.streamId);
      // The pseudonym's reservation (one person, one subject per study) concerns the trial too.
      set.add(pseudonymReservationStreamId(pseudonymScope('trial', trialId), pseudonym));
      return r.id;
    };
    const s1 = await enrol(T, 'AUD-0001', streams.trial);
    const s2 = await enrol(T, 'AUD-0002', streams.trial);
    const other = await enrol(T2, 'AUD-9001', streams.trial2);
    await mutate('coordinator', 'randomiseSubject', { subjectId: s1, armCode: 'A', stratum: 'all', randomisedAt: '2025-01-12' });

    // Imaging: one study registered with its subject, one before the subject was known (a measurement ties it).
    const scanner = { manufacturer: 'Siemens', model: 'Somatom' };
    await mutate('coordinator', 'registerImagingStudy', {
      studyInstanceUid: STUDY.baseline,
      subjectId: s1,
      modality: 'CT',
      acquisitionDateTime: '2025-01-20',
      siteId: SITE,
      scanner,
      sliceThicknessMm: 1,
      contrast: 'IV',
    });
    await mutate('reader', 'registerImagingStudy', {
      studyInstanceUid: STUDY.unattached,
      modality: 'CT',
      acquisitionDateTime: '2025-03-10',
      siteId: SITE,
      scanner,
      sliceThicknessMm: 1,
      contrast: 'IV',
    });
    await mutate('coordinator', 'registerImagingStudy', {
      studyInstanceUid: STUDY.other,
      subjectId: other,
      modality: 'CT',
      acquisitionDateTime: '2025-01-21',
      siteId: SITE,
      scanner,
      sliceThicknessMm: 1,
      contrast: 'IV',
    });
    const measure = (subjectId: string, studyInstanceUid: string, timePoint: string, value: number) =>
      mutate('reader', 'recordMeasurement', {
        subjectId,
        biomarkerId: 'audit-lesion-ld',
        biomarkerVersion: 1,
        studyInstanceUid,
        timePoint,
        method: 'MANUAL',
        value: { value, unit: 'mm' },
      });
    const baseline = await measure(s1, STUDY.baseline, 'BASELINE', 41);
    const followUp = await measure(s1, STUDY.unattached, 'W8', 30);
    await measure(other, STUDY.other, 'BASELINE', 12);
    await mutate('reader', 'correctMeasurement', {
      subjectId: s1,
      measurementId: baseline.createdIds[0],
      value: { value: 42, unit: 'mm' },
      reason: 'Caliper on the wrong slice',
    });
    await mutate('reader', 'retractMeasurement', { subjectId: s1, measurementId: followUp.createdIds[0], reason: 'Wrong patient series' });
    const outcome = await mutate('coordinator', 'recordOutcome', {
      subjectId: s2,
      outcomeType: 'PROGRESSION',
      occurredAt: '2025-04-01',
      source: 'CENTRAL_REVIEW',
    });
    await mutate('coordinator', 'correctOutcome', {
      subjectId: s2,
      outcomeId: outcome.createdIds[0],
      occurredAt: '2025-03-28',
      reason: 'Central review dated it earlier',
    });

    // Screening: two programmes, one participant each.
    const participants: string[] = [];
    for (const [programmeId, set] of [
      [P, streams.programme],
      [P2, streams.programme2],
    ] as const) {
      await mutate('manager', 'defineScreeningProgramme', {
        programmeId,
        name: `Screening ${programmeId}`,
        cancerType: 'BREAST',
        targetPopulation: 'Women aged 50 to 75',
        ageRange: { min: 50, max: 75 },
        intervalMonths: 24,
        kpiTargets: [{ kpi: 'PARTICIPATION_RATE', scope: 'ALL_ROUNDS', direction: 'AT_LEAST', acceptable: 0.7, desirable: 0.75 }],
      });
      await mutate('manager', 'openScreeningRound', { programmeId, roundId: 'r1', name: 'Round 1', opensOn: '2025-01-06' });
      const invited = await mutate('manager', 'inviteParticipant', {
        programmeId,
        roundId: 'r1',
        pseudonym: `SCR-${programmeId.slice(6).toUpperCase()}-01`,
        invitedOn: '2025-01-15',
        personal: { yearOfBirth: 1962, sex: 'FEMALE' },
      });
      set.add(pseudonymReservationStreamId(pseudonymScope('programme', programmeId), `SCR-${programmeId.slice(6).toUpperCase()}-01`));
      set.add(invited.streamId);
      participants.push(invited.id);
    }
    const screened = await mutate('manager', 'recordScreening', {
      subjectId: participants[0],
      roundId: 'r1',
      screenedOn: '2025-02-03',
      siteId: 'unit-3',
      modality: 'MG',
      humanReading: { result: 'POSITIVE', readerIds: ['rad-1'] },
    });
    await mutate('manager', 'recordRecall', { subjectId: participants[0], screeningId: screened.createdIds[0], recalledOn: '2025-02-10', reason: 'Mass' });
    await mutate('manager', 'recordOptOut', { subjectId: participants[1], optedOutOn: '2025-02-11', reason: 'Moved away' });

    // A linkage of the trial subject and the programme participant concerns both.
    const linkage = await mutate('admin', 'recordPseudonymLinkage', {
      members: [
        { trialId: T, pseudonym: 'AUD-0001' },
        { programmeId: P, pseudonym: `SCR-${P.slice(6).toUpperCase()}-01` },
      ],
      reason: 'Screen-detected cancer enrolled into the trial',
    });
    streams.trial.add(linkage.streamId);
    streams.programme.add(linkage.streamId);

    // Erasure, unblinding and the lock close the trial's story.
    await mutate('admin', 'eraseSubject', { subjectId: s2, reason: 'Art. 17 request 2025-117' });
    await mutate('coordinator', 'recordUnblinding', { trialId: T, scope: 'SUBJECT', subjectId: s1, reason: 'SUSAR', occurredAt: '2025-04-02' });
    await mutate('coordinator', 'lockTrial', { trialId: T, reason: 'Database lock for the primary analysis' });
    await projectorCaughtUp();
  }, 120_000);

  afterAll(async () => {
    await registry.stop();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The full contents of the streams, in the log's order. */
  async function contents(ids: Iterable<string>): Promise<RecordedEvent[]> {
    const events = (await Promise.all([...ids].map((id) => store.readStream(id)))).flat();
    return events.sort((a, b) => comparePositions(a.position, b.position));
  }

  async function auditLog(filter: Record<string, unknown>): Promise<{ eventId: string; streamId: string; type: string; hash: string }[]> {
    const out: { eventId: string; streamId: string; type: string; hash: string }[] = [];
    let after: string | null = null;
    do {
      // Small pages: the selection must also be complete across cursors.
      const res = await gql(
        'regulator',
        `query($f: AuditLogFilter, $after: String) { auditLog(filter: $f, first: 7, after: $after) { events { eventId streamId type hash } nextCursor } }`,
        { f: filter, after },
      );
      expect(res.errors).toBeUndefined();
      out.push(...res.data.auditLog.events);
      after = res.data.auditLog.nextCursor;
    } while (after);
    return out;
  }

  async function exported(filter: Record<string, unknown>): Promise<any[]> {
    const link = await gql('regulator', `query($f: AuditLogFilter) { auditExport(filter: $f) { url } }`, { f: filter });
    const res = await fetch(new URL(link.data.auditExport.url, registry.url), { headers: { authorization: `Bearer ${await token('regulator')}` } });
    expect(res.status).toBe(200);
    return (await res.text())
      .trim()
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l));
  }

  for (const [label, key, filter] of [
    ['trial', 'trial', { trialId: T }],
    ['second trial', 'trial2', { trialId: T2 }],
    ['programme', 'programme', { programmeId: P }],
    ['second programme', 'programme2', { programmeId: P2 }],
  ] as const) {
    it(`the ${label}'s audit log and export are exactly its streams' full contents, in log order`, async () => {
      const expected = await contents(streams[key]);
      expect(expected.length).toBeGreaterThan(streams[key].size);
      const log = await auditLog(filter);
      expect(log.map((e) => e.eventId)).toEqual(expected.map((e) => e.id));
      expect(log.map((e) => e.hash)).toEqual(expected.map((e) => e.hash));

      const lines = await exported(filter);
      expect(lines.map((l) => l.eventId)).toEqual(expected.map((e) => e.id));
      // Each line verifies on its own, and each stream's lines chain: whole streams are exported.
      const lastHash = new Map<string, string>();
      for (const l of lines) {
        expect(
          chainHash(l.previousHash, l.streamId, BigInt(l.revision), contentDigest({ id: l.eventId, type: l.type, data: l.data, metadata: l.metadata })),
        ).toBe(l.hash);
        expect(l.previousHash).toBe(lastHash.get(l.streamId) ?? GENESIS_HASH);
        lastHash.set(l.streamId, l.hash);
      }
    });
  }

  it('holds what an inspector looks for, though those events do not name the trial', async () => {
    const types = (await auditLog({ trialId: T })).map((e) => e.type);
    for (const t of [
      'ImagingStudyRegistered',
      'MeasurementCorrected',
      'MeasurementRetracted',
      'OutcomeCorrected',
      'SubjectErased',
      'UnblindingRecorded',
      'TrialLocked',
      'PseudonymLinkageRecorded',
    ]) {
      expect(types).toContain(t);
    }
    const programmeTypes = (await auditLog({ programmeId: P })).map((e) => e.type);
    expect(programmeTypes).toEqual(expect.arrayContaining(['ScreeningRecorded', 'RecallRecorded', 'PseudonymLinkageRecorded']));
  });

  it('combines the trial filter with the others', async () => {
    const corrected = await auditLog({ trialId: T, eventTypes: ['MeasurementCorrected', 'SubjectErased'] });
    expect(corrected.map((e) => e.type)).toEqual(['MeasurementCorrected', 'SubjectErased']);
    const byReader = await auditLog({ trialId: T, actorId: 'rene-reader' });
    expect(byReader.map((e) => e.type)).toEqual([
      'ImagingStudyRegistered',
      'MeasurementRecorded',
      'MeasurementRecorded',
      'MeasurementCorrected',
      'MeasurementRetracted',
    ]);
    const linkage = [...streams.trial].find((s) => s.startsWith('pseudonymlinkage-'))!;
    expect((await auditLog({ trialId: T, programmeId: P })).map((e) => e.streamId)).toEqual([linkage]);
    expect(await auditLog({ trialId: T, streamId: `trial-${T2}` })).toEqual([]);
    expect(await auditLog({ trialId: 'no-such-trial' })).toEqual([]);
  });

  describe('a query parameter of the wrong shape is refused, never dropped (issue 13)', () => {
    const get = async (path: string) => {
      const res = await fetch(new URL(path, registry.url), { headers: { authorization: `Bearer ${await token('regulator')}` } });
      const text = await res.text();
      return { status: res.status, text, body: res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : null };
    };

    it('on /audit/export: arrays, objects, repeats, unknown names, empty and NUL values get 400 with the parameter', async () => {
      const cases: [string, string][] = [
        [`trialId[]=${T2}`, 'trialId'],
        [`trialId%5B%5D=${T2}`, 'trialId'],
        [`trialId[0]=${T2}`, 'trialId'],
        [`trialId[id]=${T2}`, 'trialId'],
        [`trialId=${T}&trialId=${T2}`, 'trialId'],
        [`trialid=${T2}`, 'trialid'],
        [`filter[trialId]=${T2}`, 'filter[trialId]'],
        ['trialId=', 'trialId'],
        ['trialId=a%00b', 'trialId'],
        ['eventTypes[]=TrialLocked', 'eventTypes'],
        [`trialId=${T2}&from=yesterday`, 'from'],
      ];
      for (const [query, field] of cases) {
        const res = await get(`/audit/export?${query}`);
        // A NUL byte is refused by the edge's one text rule (INVALID_TEXT), whatever the channel.
        const code = query.includes('%00') ? 'INVALID_TEXT' : 'BAD_USER_INPUT';
        expect({ query, status: res.status, error: res.body?.errors?.[0]?.extensions }).toEqual({ query, status: 400, error: { code, field } });
      }
    });

    it('on /audit/export: the right shapes filter as asked', async () => {
      const res = await get(`/audit/export?trialId=${T2}&eventTypes=SubjectEnrolled&eventTypes=TrialRegistered`);
      expect(res.status).toBe(200);
      const lines = res.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l) => [l.type, l.streamId.startsWith('trial-') ? l.streamId : 'subject'])).toEqual([
        ['TrialRegistered', `trial-${T2}`],
        ['SubjectEnrolled', 'subject'],
      ]);
    });

    it('on /plots: repeated, bracketed and unknown parameters get 400 with the parameter', async () => {
      const q = Buffer.from('{}').toString('base64url');
      for (const [path, field] of [
        [`/plots/roc?q=${q}&q=${q}`, 'q'],
        [`/plots/roc?q[]=${q}`, 'q'],
        [`/plots/cusum?q=${q}&siteid=unit-3`, 'siteid'],
        [`/plots/kpi-trend?q=${q}&kpi=RECALL_RATE&kpi=PPV`, 'kpi'],
      ] as const) {
        const res = await get(path);
        expect({ path, status: res.status, error: res.body?.errors?.[0]?.extensions }).toEqual({ path, status: 400, error: { code: 'BAD_USER_INPUT', field } });
      }
    });

    it('in GraphQL: an empty id does not widen the filter to the whole trail', async () => {
      const res = await gql('regulator', `{ auditLog(filter: { trialId: "" }) { events { eventId } } }`);
      expect(res.errors?.map((e) => e.extensions)).toEqual([{ code: 'BAD_USER_INPUT', field: 'trialId' }]);
    });
  });
});
