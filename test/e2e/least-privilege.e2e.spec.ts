import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { PostgresEventStore } from '#event-store';
import { attemptsOnTheLog, cutLogTail } from '../../libs/event-store/src/testing/postgres-log-tampering.js';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { type AppConfig, excessPrivileges, loadConfig } from '#runtime';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { postGraphql } from '../support/graphql-client.js';
import { createTestDatabase, TEST_APP_ROLE, type TestDatabase } from '../support/test-database.js';

const STATUS = `{ registryStatus { eventCount lastPosition findings { code message } projections { name checkpoint lag } } }`;
const VERIFY = `{ verifyAuditTrail { ok firstFailure { streamId } seals { ok sealsChecked anchored { sequence upToPosition } firstFailure { sequence reason expected stored } } } }`;

/**
 * Issue 12 §6 through HTTP: the registry runs as a login in registry_app (no DDL, no raw INSERT), seals on a short
 * timer, keeps each seal outside the database, and reports a tail that a superuser cut off.
 */
describe('least privilege and tail evidence over HTTP', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let admin: string;
  const gql = (query: string, variables?: Record<string, unknown>) => postGraphql(registry.url, admin, query, variables);
  const defineBiomarker = async (code: string) => {
    const res = await gql(`mutation($input: DefineBiomarkerInput!) { defineBiomarker(input: $input) { globalPosition } }`, {
      input: {
        commandId: randomUUID(),
        code,
        name: `Biomarker ${code}`,
        modality: 'CT',
        valueType: { kind: 'QUANTITATIVE', unit: 'mm', plausibleRange: { min: 0, max: 400 } },
      },
    });
    expect(res.errors).toBeUndefined();
    return res.data.defineBiomarker.globalPosition as string;
  };
  const until = async <T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> => {
    for (let i = 0; ; i++) {
      const v = await read();
      if (done(v) || i > 200) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-privilege-'));
    // The sealer on its shortest timer: the seal over the newest events is what the anchor keeps.
    config = loadConfig({
      ...db.appEnv,
      AUDIT_SEAL_INTERVAL_SECONDS: '1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      PROJECTOR: 'embedded',
      RATE_LIMIT_PER_MINUTE: '100000',
    });
    registry = await startRegistry(config);
    admin = await issueLocalToken(config, { sub: 'privilege-admin', role: 'admin' });
  });
  afterAll(async () => {
    await registry.stop();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves as the app login, which cannot disable the append-only trigger nor insert raw events', async () => {
    expect(new URL(registry.database.url).username).toBe(TEST_APP_ROLE);
    expect(await excessPrivileges(registry.database.url)).toEqual([]);
    expect(await excessPrivileges(registry.database.eventStoreUrl)).toEqual([]);
    const app = new pg.Client({ connectionString: registry.database.eventStoreUrl });
    await app.connect();
    try {
      await expect(attemptsOnTheLog.disableAppendOnlyTrigger(app)).rejects.toThrow(/must be owner/);
      await expect(attemptsOnTheLog.insertRawEvent(app, { eventId: randomUUID(), streamId: 'biomarker-forged', type: 'BiomarkerDefined' })).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await app.end();
    }
  });

  it('appends through the API and projects as that login; seals on the timer and anchors the seal outside the database', async () => {
    const position = await defineBiomarker('PRIV_A');
    await defineBiomarker('PRIV_B');
    const last = await defineBiomarker('PRIV_C');
    const status = await until(
      async () => (await gql(STATUS)).data.registryStatus,
      (s) =>
        s.projections.every((p: { lag: number }) => p.lag === 0) &&
        s.projections.some((p: { checkpoint: string | null }) => p.checkpoint !== null && BigInt(p.checkpoint) >= BigInt(last)),
    );
    expect(status.findings).toEqual([]);
    expect(BigInt(position)).toBeGreaterThan(0n);
    const biomarkers = await gql(`query($p: GlobalPosition) { biomarkers(consistentWith: $p) { edges { node { code } } } }`, { p: last });
    expect(biomarkers.errors).toBeUndefined();
    expect(biomarkers.data.biomarkers.edges.map((e: { node: { code: string } }) => e.node.code).sort()).toEqual(['PRIV_A', 'PRIV_B', 'PRIV_C']);
    // Within a few timer periods a seal covers the newest event, and the anchor file holds it.
    const verified = await until(
      async () => (await gql(VERIFY)).data.verifyAuditTrail,
      (v) => v.seals?.anchored !== null && BigInt(v.seals.anchored.upToPosition) >= BigInt(last),
    );
    expect(verified).toMatchObject({ ok: true, firstFailure: null, seals: { ok: true, firstFailure: null } });
    expect(BigInt(verified.seals.anchored.upToPosition)).toBeGreaterThanOrEqual(BigInt(last));
    expect((await readdir(join(dataDir, 'audit-anchor'))).filter((f) => f.endsWith('.ndjson'))).toHaveLength(1);
  });

  it('reports the newest events deleted by a superuser: verifyAuditTrail fails, registryStatus says so', async () => {
    // The two newest biomarkers and the seal over them; what is left is a log that agrees with itself.
    const store = new PostgresEventStore({ connectionString: db.eventStoreUrl });
    const biomarkers = await store.readAll({ filter: { streamCategories: ['biomarker'] }, maxCount: 2 }).finally(() => store.close());
    expect(await cutLogTail(db.eventStoreUrl, biomarkers[1]!.position.prepare)).toBeGreaterThanOrEqual(3);
    const verified = (await gql(VERIFY)).data.verifyAuditTrail;
    expect(verified).toMatchObject({ ok: false, firstFailure: null, seals: { ok: false, firstFailure: { reason: 'anchored_seal_missing' } } });
    expect(verified.seals.firstFailure.sequence).toBe(verified.seals.anchored.sequence);

    const status = (await gql(STATUS)).data.registryStatus;
    expect(BigInt(status.lastPosition)).toBeLessThan(BigInt(status.eventCount));
    // One CHECKPOINT_BEYOND_LOG per projection that had applied the deleted events.
    expect([...new Set(status.findings.map((f: { code: string }) => f.code))].sort()).toEqual([
      'ANCHORED_SEAL_BEYOND_LOG',
      'CHECKPOINT_BEYOND_LOG',
      'EVENTS_MISSING',
    ]);
    expect(status.findings.find((f: { code: string }) => f.code === 'EVENTS_MISSING').message).toBe(
      `${status.eventCount} events were counted but the newest position is ${status.lastPosition}: events were removed from the log`,
    );
  });
});
