import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { chainHash, contentDigest, GENESIS_HASH, PostgresEventStore, type JsonObject } from '#event-store';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { type AppConfig, loadConfig } from '#runtime';
import { issueLocalToken, type TokenClaims } from '../../services/registry-api/src/auth/local-signing-key.js';
import { rewriteStoredEvent } from '../../libs/event-store/src/testing/postgres-log-tampering.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { postGraphql } from '../support/graphql-client.js';

describe('audit trail for regulators', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let store: PostgresEventStore;
  const trialId = `T${randomUUID().slice(0, 8)}`;
  const subjectStream = `subject-${randomUUID()}`;
  const tokens = new Map<string, string>();

  const token = async (claims: TokenClaims) => {
    const key = JSON.stringify(claims);
    if (!tokens.has(key)) tokens.set(key, await issueLocalToken(config, claims));
    return tokens.get(key)!;
  };
  const regulator = () => token({ sub: 'reg-1', role: 'regulator' });
  const admin = () => token({ sub: 'admin-1', role: 'admin' });
  const gql = (bearer: string, query: string, variables?: Record<string, unknown>) => postGraphql(registry.url, bearer, query, variables);
  const meta = (actorId: string, actorRole: string, extra: JsonObject = {}): JsonObject => {
    const commandId = randomUUID();
    return {
      actorId,
      actorRole,
      commandId,
      correlationId: commandId,
      causationId: commandId,
      recordedAt: new Date().toISOString(),
      schemaVersion: 1,
      ...extra,
    };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-audit-'));
    // The projector runs: the trial filter takes the trial's streams from the audit-membership read model.
    config = loadConfig({ ...db.appEnv, PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, AUDIT_SEAL_INTERVAL_SECONDS: '0' });
    registry = await startRegistry(config);
    store = new PostgresEventStore({ connectionString: db.eventStoreUrl });
    await store.appendToStream(
      `trial-${trialId}`,
      [{ id: randomUUID(), type: 'TrialRegistered', data: { trialId, title: 'Audit trial' }, metadata: meta('coord-1', 'coordinator') }],
      { expectedRevision: 'no_stream' },
    );
    await store.appendToStream(
      subjectStream,
      [
        {
          id: randomUUID(),
          type: 'MeasurementRecorded',
          data: { subjectId: 'S1', trialId, measurementId: 'M1', result: { value: 12.5, unit: 'mm' }, occurredAt: '2026-01-05' },
          metadata: meta('reader-1', 'reader', { occurredAt: '2026-01-05' }),
        },
        {
          id: randomUUID(),
          type: 'MeasurementRecorded',
          data: { subjectId: 'S1', trialId, measurementId: 'M2', result: { value: 40, unit: 'mm' }, occurredAt: '2026-01-05' },
          metadata: meta('reader-1', 'reader'),
        },
        {
          id: randomUUID(),
          type: 'MeasurementCorrected',
          data: { subjectId: 'S1', trialId, measurementId: 'M1', result: { value: 15, unit: 'mm' }, reason: 'transcription error' },
          metadata: meta('coord-1', 'coordinator', { reason: 'transcription error' }),
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    for (const deadline = Date.now() + 20_000; ;) {
      const status = (await gql(await admin(), `{ registryStatus { lastPosition projections { name checkpoint } } }`)).data?.registryStatus;
      if (status?.projections.some((p: any) => p.name === 'audit-membership' && p.checkpoint === status.lastPosition)) break;
      if (Date.now() > deadline) throw new Error(`projector did not catch up: ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(async () => {
    await store.close();
    await registry.stop();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows a stream’s history with actor, role, reason, times, and a correction’s values side by side', async () => {
    const res = await gql(
      await regulator(),
      `query($s: String!) { history(streamId: $s) { type actorId actorRole reason recordedAt occurredAt revision hash changes { field previous new } } }`,
      { s: subjectStream },
    );
    expect(res.errors).toBeUndefined();
    const [first, , correction] = res.data.history;
    expect(first).toMatchObject({ type: 'MeasurementRecorded', actorId: 'reader-1', actorRole: 'reader', occurredAt: '2026-01-05', changes: null });
    expect(correction).toMatchObject({
      type: 'MeasurementCorrected',
      actorId: 'coord-1',
      actorRole: 'coordinator',
      reason: 'transcription error',
      changes: [{ field: 'result', previous: '{"unit":"mm","value":12.5}', new: '{"unit":"mm","value":15}' }],
    });
    const m2 = await gql(await regulator(), `query($s: String!) { history(streamId: $s, entityId: "M2") { type } }`, { s: subjectStream });
    expect(m2.data.history).toEqual([{ type: 'MeasurementRecorded' }]);
  });

  it('filters and pages the audit log', async () => {
    const q = `query($f: AuditLogFilter, $after: String) { auditLog(filter: $f, first: 1, after: $after) { events { type streamId actorId } nextCursor } }`;
    const byTrial: any[] = [];
    let after: string | null = null;
    do {
      const res: any = await gql(await regulator(), q, { f: { trialId }, after });
      expect(res.errors).toBeUndefined();
      byTrial.push(...res.data.auditLog.events);
      after = res.data.auditLog.nextCursor;
    } while (after);
    expect(byTrial.map((e) => e.type)).toEqual(['TrialRegistered', 'MeasurementRecorded', 'MeasurementRecorded', 'MeasurementCorrected']);
    const byActor = await gql(
      await regulator(),
      `{ auditLog(filter: { actorId: "coord-1", eventTypes: ["MeasurementCorrected"] }) { events { type actorId } nextCursor } }`,
    );
    expect(byActor.data.auditLog).toEqual({ events: [{ type: 'MeasurementCorrected', actorId: 'coord-1' }], nextCursor: null });
    const none = await gql(await regulator(), `{ auditLog(filter: { actorRole: "regulator" }) { events { type } } }`);
    expect(none.data.auditLog.events).toEqual([]);
  });

  it('refuses the audit trail to every role but regulator and admin, without data', async () => {
    for (const role of ['coordinator', 'reader', 'screening_manager', 'biostatistician'] as const) {
      const res = await gql(
        await token({ sub: `x-${role}`, role, trials: ['*'], programmes: ['*'], sites: ['*'] }),
        `{ auditLog { events { type } } accessLog { entries { id } } }`,
      );
      expect(res.data).toBeNull();
      expect(res.errors?.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
    }
  });

  it('exports JSON lines that an auditor can verify offline, and refuses the export to others', async () => {
    const link = await gql(await regulator(), `query($f: AuditLogFilter) { auditExport(filter: $f) { url format } }`, { f: { trialId } });
    expect(link.data.auditExport.format).toBe('application/x-ndjson');
    const base = registry.url.replace(/\/graphql$/, '');
    const res = await fetch(base + link.data.auditExport.url, { headers: { authorization: `Bearer ${await regulator()}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    for (const l of lines) {
      const digest = contentDigest({ id: l.eventId, type: l.type, data: l.data, metadata: l.metadata });
      expect(chainHash(l.previousHash, l.streamId, BigInt(l.revision), digest)).toBe(l.hash);
    }
    expect(lines[0].previousHash).toBe(GENESIS_HASH);
    const denied = await fetch(base + link.data.auditExport.url, {
      headers: { authorization: `Bearer ${await token({ sub: 'c', role: 'coordinator', trials: [trialId], sites: ['*'] })}` },
    });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as any).errors[0].extensions.code).toBe('FORBIDDEN');
    const anonymous = await fetch(base + link.data.auditExport.url);
    expect(anonymous.status).toBe(401);
  });

  it('logs every operation and export in the access log, for regulators and admins to read', async () => {
    const res = await gql(
      await admin(),
      `query($f: AccessLogFilter) { accessLog(filter: $f, first: 50) { entries { actorId actorRole channel operationType rootFields trialIds variablesHash } } }`,
      { f: { trialId } },
    );
    expect(res.errors).toBeUndefined();
    const entries = res.data.accessLog.entries;
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actorId: 'reg-1', actorRole: 'regulator', channel: 'http-export', operationType: 'export', trialIds: [trialId] }),
        expect.objectContaining({ actorId: 'reg-1', channel: 'graphql', operationType: 'query', rootFields: ['auditLog'], trialIds: [trialId] }),
        expect.objectContaining({ actorId: 'reg-1', rootFields: ['auditExport'] }),
      ]),
    );
    expect(entries.every((e: any) => /^[0-9a-f]{64}$/.test(e.variablesHash))).toBe(true);
    // Denied operations are logged too: the attempt is a fact an auditor wants.
    const all = await gql(await admin(), `{ accessLog(filter: { actorId: "x-reader" }) { entries { actorRole rootFields } } }`);
    expect(all.data.accessLog.entries).toEqual([{ actorRole: 'reader', rootFields: ['auditLog', 'accessLog'] }]);
  });

  it('keeps the access log append-only', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await expect(client.query(`UPDATE audit.access_log SET actor_id = 'nobody'`)).rejects.toThrow(/append-only/);
      await expect(client.query(`DELETE FROM audit.access_log`)).rejects.toThrow(/append-only/);
      await expect(client.query(`TRUNCATE audit.access_log`)).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
    }
  });

  it('seals the log and detects a stream rewritten together with its hash chain', async () => {
    const sealed = await gql(await admin(), `mutation { sealAuditTrail { sequence eventCount merkleRoot upToPosition } }`);
    expect(sealed.errors).toBeUndefined();
    expect(sealed.data.sealAuditTrail).toMatchObject({ sequence: 1, eventCount: 4 });
    expect((await gql(await admin(), `mutation { sealAuditTrail { sequence } }`)).data.sealAuditTrail).toBeNull();
    const regulatorSeal = await gql(await regulator(), `mutation { sealAuditTrail { sequence } }`);
    expect(regulatorSeal.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const verify = `{ verifyAuditTrail { ok firstFailure { streamId } } verifyAuditSeals { ok sealsChecked eventsCovered firstFailure { sequence reason } } }`;
    expect((await gql(await regulator(), verify)).data).toEqual({
      verifyAuditTrail: { ok: true, firstFailure: null },
      verifyAuditSeals: { ok: true, sealsChecked: 1, eventsCovered: 4, firstFailure: null },
    });

    // The database owner disables the triggers, changes a measurement and recomputes the stream's chain.
    let previous = GENESIS_HASH;
    for (const e of await store.readStream(subjectStream)) {
      const data = e.data['measurementId'] === 'M1' && e.type === 'MeasurementRecorded' ? { ...e.data, result: { value: 15, unit: 'mm' } } : e.data;
      const hash = chainHash(previous, subjectStream, e.revision, contentDigest({ id: e.id, type: e.type, data, metadata: e.metadata }));
      await rewriteStoredEvent(db.eventStoreUrl, e.id, data, hash);
      previous = hash;
    }
    const after = (await gql(await regulator(), verify)).data;
    expect(after.verifyAuditTrail).toEqual({ ok: false, firstFailure: null }); // the chains alone no longer notice, the seals do
    expect(after.verifyAuditSeals).toMatchObject({ ok: false, firstFailure: { sequence: 1, reason: 'merkle_root_mismatch' } });
  });
});
