import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { EVENT_STORE, type EventStore } from '#event-store';
import type { PersonalDataEnvelope } from '#domain';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { type AppConfig, loadConfig } from '#runtime';
import { issueLocalToken, type TokenClaims } from '../../services/registry-api/src/auth/local-signing-key.js';
import { PersonalDataVault } from '../../services/registry-api/src/privacy/personal-data-vault.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { postGraphql } from '../support/graphql-client.js';
import { countStoredEvents, EVENTS_DATA_COLUMN } from '../../libs/event-store/src/testing/postgres-log-tampering.js';

/**
 * Issue 5 "Privacy": keyed pseudonyms, explicit linkage, crypto-shredding. The decisive test searches every column
 * of every table in every schema for the personal values: they must never be there in clear — not before the
 * erasure (they travel only sealed), not after it — while the ciphertext stays and can no longer be opened.
 */
const COMMENT = 'ZEBRA-QUILL-7731 lives near the old mill';
const COMMENT_MARK = 'ZEBRA-QUILL-7731';
const LOCAL_ID = 'MRN-OKAPI-55821';
const T1 = 'pv-trial-1';
const T2 = 'pv-trial-2';
const SITE = 'pv-site';
const P = 'pv-prog';
const S = 'pv-subj-1';

describe('privacy: keyed pseudonyms, linkage and crypto-shredding', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let store: EventStore;
  let client: pg.Client;
  const tokens = new Map<string, string>();
  const pseudonyms: Record<string, string> = {};

  const token = async (claims: TokenClaims) => {
    const key = JSON.stringify(claims);
    if (!tokens.has(key)) tokens.set(key, await issueLocalToken(config, claims));
    return tokens.get(key)!;
  };
  const admin = () => token({ sub: 'pv-admin', role: 'admin' });
  const regulator = () => token({ sub: 'pv-regulator', role: 'regulator' });
  const coord1 = () => token({ sub: 'pv-coord-1', role: 'coordinator', trials: [T1], sites: [SITE] });
  const coord2 = () => token({ sub: 'pv-coord-2', role: 'coordinator', trials: [T2], sites: ['*'] });
  const manager = () => token({ sub: 'pv-manager', role: 'screening_manager', programmes: [P] });
  const reader = () => token({ sub: 'pv-reader', role: 'reader', sites: ['*'] });

  const gql = (bearer: string, query: string, variables?: Record<string, unknown>) => postGraphql(registry.url, bearer, query, variables);
  const mutate = async (bearer: string, mutation: string, input: Record<string, unknown>, fields = 'id events replayed') => {
    const inputType = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
    return gql(bearer, `mutation($input: ${inputType}!) { ${mutation}(input: $input) { ${fields} } }`, { input });
  };
  const ok = async (bearer: string, mutation: string, input: Record<string, unknown>) => {
    const res = await mutate(bearer, mutation, { commandId: randomUUID(), ...input });
    if (res.errors) throw new Error(`fixture ${mutation}: ${JSON.stringify(res.errors)}`);
    return res.data[mutation];
  };
  const code = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.[0]?.extensions?.code;
  const derive = (bearer: string, input: Record<string, unknown>) =>
    gql(bearer, `mutation($input: DerivePseudonymInput!) { derivePseudonym(input: $input) { scope pseudonym } }`, { input });
  const personalQuery = (bearer: string, subjectId = S) =>
    gql(bearer, `query($s: ID!) { subjectPersonalData(subjectId: $s) { subjectId erased yearOfBirth sex comment recordedAt } }`, { s: subjectId });
  const eventCount = () => countStoredEvents(db.eventStoreUrl);
  const subjectEvents = async () => store.readStream(`subject-${S}`);

  /**
   * Every column of every base table in every schema of the registry's databases (the events' one too, when it is
   * another), as text (bytea also byte-wise): where does `value` occur?
   */
  async function searchDatabase(value: string): Promise<string[]> {
    const hits = await searchOne(client, value);
    if (db.eventStoreUrl === db.url) return hits;
    const events = new pg.Client({ connectionString: db.eventStoreUrl });
    await events.connect();
    try {
      return [...hits, ...(await searchOne(events, value))].sort();
    } finally {
      await events.end();
    }
  }

  async function searchOne(client: pg.Client, value: string): Promise<string[]> {
    const { rows: columns } = await client.query<{ s: string; t: string; c: string; type: string }>(
      `SELECT c.table_schema AS s, c.table_name AS t, c.column_name AS c, c.data_type AS type
         FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
        WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') AND c.table_schema NOT LIKE 'pg_toast%'`,
    );
    const hits: string[] = [];
    for (const col of columns) {
      const ref = `${client.escapeIdentifier(col.s)}.${client.escapeIdentifier(col.t)}`;
      const c = client.escapeIdentifier(col.c);
      const predicate = col.type === 'bytea' ? `position(convert_to($1, 'UTF8') in ${c}) > 0` : `strpos(upper(${c}::text), upper($1)) > 0`;
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${ref} WHERE ${predicate}`, [value]);
      if (Number(rows[0]!.n) > 0) hits.push(`${col.s}.${col.t}.${col.c}`);
    }
    return hits;
  }

  /** Until every live projection has passed the last event, so read models are part of what is searched. */
  async function projectionsCaughtUp(): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const head = (await store.readHead())?.prepare ?? 0n;
      const { rows } = await client.query<{ behind: string }>(
        `SELECT count(*) AS behind FROM read_model.projection_checkpoints WHERE live AND coalesce(prepare_position, 0) < $1::bigint`,
        [head.toString()],
      );
      const { rows: any } = await client.query(`SELECT 1 FROM read_model.projection_checkpoints WHERE live LIMIT 1`);
      if (any.length > 0 && rows[0]!.behind === '0') return;
      if (Date.now() > deadline) throw new Error('projections did not catch up');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-privacy-'));
    config = loadConfig({
      ...db.appEnv,
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      PROJECTOR: 'embedded',
      AUDIT_SEAL_INTERVAL_SECONDS: '0',
      RATE_LIMIT_PER_MINUTE: '1000000',
      PRIVACY_MASTER_KEY: randomBytes(32).toString('base64'),
    });
    registry = await startRegistry(config);
    store = registry.app.get<EventStore>(EVENT_STORE);
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const all = await token({ sub: 'pv-setup', role: 'coordinator', trials: ['*'], sites: ['*'] });
    for (const [trialId, nct] of [
      [T1, 'NCT07100001'],
      [T2, 'NCT07100002'],
    ] as const) {
      await ok(all, 'registerTrial', {
        trialId,
        identifiers: [{ system: 'NCT', value: nct }],
        title: trialId,
        phase: 'PHASE_III',
        sponsor: 'Acme',
        primaryEndpoint: 'PFS',
      });
      await ok(all, 'addTrialArm', { trialId, armCode: 'A', name: 'A', armType: 'EXPERIMENTAL', plannedSize: 10 });
      await ok(all, 'activateTrialSite', { trialId, siteId: SITE, name: 'Site' });
      await ok(all, 'openEnrolment', { trialId });
    }
  });
  afterAll(async () => {
    await client?.end();
    await registry?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('derives keyed pseudonyms: stable within a study, unlinkable across studies, only for studies in scope', async () => {
    const a = await derive(await coord1(), { trialId: T1, localIdentifier: LOCAL_ID });
    expect(a.errors).toBeUndefined();
    expect(a.data.derivePseudonym).toMatchObject({ scope: `trial:${T1}`, pseudonym: expect.stringMatching(/^P1(-[BCDFGHJKLMNPQRST]{4}){7}$/) });
    pseudonyms[T1] = a.data.derivePseudonym.pseudonym;
    expect((await derive(await coord1(), { trialId: T1, localIdentifier: ` ${LOCAL_ID.toLowerCase()} ` })).data.derivePseudonym.pseudonym).toBe(pseudonyms[T1]);
    pseudonyms[T2] = (await derive(await coord2(), { trialId: T2, localIdentifier: LOCAL_ID })).data.derivePseudonym.pseudonym;
    pseudonyms[P] = (await derive(await manager(), { programmeId: P, localIdentifier: LOCAL_ID })).data.derivePseudonym.pseudonym;
    expect(new Set([pseudonyms[T1], pseudonyms[T2], pseudonyms[P]]).size).toBe(3);

    expect(code(await derive(await coord1(), { trialId: T2, localIdentifier: LOCAL_ID }))).toBe('FORBIDDEN');
    expect(code(await derive(await coord1(), { programmeId: P, localIdentifier: LOCAL_ID }))).toBe('FORBIDDEN');
    expect(code(await derive(await manager(), { programmeId: 'other-prog', localIdentifier: LOCAL_ID }))).toBe('FORBIDDEN');
    for (const who of [reader, regulator, admin]) expect(code(await derive(await who(), { trialId: T1, localIdentifier: LOCAL_ID }))).toBe('FORBIDDEN');
    expect(await derive(await coord1(), { trialId: T1, programmeId: P, localIdentifier: LOCAL_ID })).toMatchObject({
      errors: [{ extensions: { code: 'FIELD_REQUIRED', field: 'input' } }],
    });
    const keys = (await client.query<{ scope: string }>(`SELECT scope FROM privacy.pseudonym_keys ORDER BY scope`)).rows.map((r) => r.scope);
    expect(keys).toEqual([`programme:${P}`, `trial:${T1}`, `trial:${T2}`]);
  });

  it('records personal data only sealed, for the subject’s own coordinator, and decrypts it on read for those allowed', async () => {
    await ok(await coord1(), 'enrolSubject', {
      subjectId: S,
      trialId: T1,
      siteId: SITE,
      pseudonym: pseudonyms[T1],
      consentVersion: 'v1',
      consentDate: '2025-01-10',
    });
    const input = { subjectId: S, personal: { yearOfBirth: 1957, sex: 'FEMALE', comment: COMMENT } };
    const before = await eventCount();
    for (const who of [coord2, manager, reader, regulator]) {
      expect(code(await mutate(await who(), 'recordPersonalData', { commandId: randomUUID(), ...input }))).toBe('FORBIDDEN');
    }
    expect(code(await mutate(await coord1(), 'recordPersonalData', { commandId: randomUUID(), subjectId: 'pv-missing', personal: input.personal }))).toBe(
      'FORBIDDEN',
    );
    expect(code(await mutate(await coord1(), 'recordPersonalData', { commandId: randomUUID(), subjectId: S, personal: { yearOfBirth: 3000 } }))).toBe(
      'OUT_OF_RANGE',
    );
    expect(await eventCount()).toBe(before);
    // A refused caller cannot even make the registry create the subject's key.
    expect((await client.query(`SELECT 1 FROM privacy.subject_keys WHERE subject_id = $1`, [S])).rows).toEqual([]);

    const receipt = await ok(await coord1(), 'recordPersonalData', input);
    expect(receipt).toMatchObject({ id: S, events: ['PersonalDataRecorded'], replayed: false });
    const recorded = (await subjectEvents()).find((e) => e.type === 'PersonalDataRecorded')!;
    expect(recorded.data['personal']).toEqual({ $enc: 'v1', kid: `sk1:${S}`, iv: expect.any(String), ct: expect.any(String), tag: expect.any(String) });
    expect(JSON.stringify([recorded.data, recorded.metadata])).not.toContain(COMMENT_MARK);

    for (const who of [coord1, regulator, admin]) {
      const res = await personalQuery(await who());
      expect(res.errors).toBeUndefined();
      expect(res.data.subjectPersonalData).toMatchObject({
        subjectId: S,
        erased: false,
        yearOfBirth: 1957,
        sex: 'FEMALE',
        comment: COMMENT,
        recordedAt: expect.any(String),
      });
    }
    for (const who of [coord2, manager, reader]) expect(code(await personalQuery(await who()))).toBe('FORBIDDEN');
    expect(code(await personalQuery(await coord1(), 'pv-missing'))).toBe('FORBIDDEN');
  });

  it('keeps personal values and local identifiers out of every table, read models included (before erasure)', async () => {
    await projectionsCaughtUp();
    expect(await searchDatabase(COMMENT_MARK)).toEqual([]);
    expect(await searchDatabase(LOCAL_ID)).toEqual([]);
    // Positive controls: the search does reach events and read models.
    expect(await searchDatabase(pseudonyms[T1]!)).toEqual(expect.arrayContaining([EVENTS_DATA_COLUMN, 'read_model.subjects.pseudonym']));
    expect(await searchDatabase('"$enc": "v1"')).toContain(EVENTS_DATA_COLUMN);
  });

  it('erases: admin only and with a reason; the key is destroyed, the fact recorded, the values unreadable everywhere', async () => {
    const envelope = (await subjectEvents()).find((e) => e.type === 'PersonalDataRecorded')!.data['personal'] as unknown as PersonalDataEnvelope;
    const vault = registry.app.get(PersonalDataVault);
    const before = await eventCount();
    for (const who of [coord1, regulator, manager])
      expect(code(await mutate(await who(), 'eraseSubject', { commandId: randomUUID(), subjectId: S, reason: 'request' }))).toBe('FORBIDDEN');
    expect(code(await mutate(await admin(), 'eraseSubject', { commandId: randomUUID(), subjectId: S, reason: '  ' }))).toBe('REASON_REQUIRED');
    expect(code(await mutate(await admin(), 'eraseSubject', { commandId: randomUUID(), subjectId: 'pv-missing', reason: 'request' }))).toBe(
      'SUBJECT_NOT_FOUND',
    );
    expect(await eventCount()).toBe(before);
    // Nothing refused destroyed anything.
    expect(await vault.decrypt(envelope)).toMatchObject({ comment: COMMENT });

    const commandId = randomUUID();
    const erased = await mutate(await admin(), 'eraseSubject', { commandId, subjectId: S, reason: 'GDPR Art. 17 request REQ-2026-031' });
    expect(erased.errors).toBeUndefined();
    expect(erased.data.eraseSubject).toMatchObject({ id: S, events: ['SubjectErased'], replayed: false });
    expect(
      (await mutate(await admin(), 'eraseSubject', { commandId, subjectId: S, reason: 'GDPR Art. 17 request REQ-2026-031' })).data.eraseSubject,
    ).toMatchObject({ replayed: true });
    expect(code(await mutate(await admin(), 'eraseSubject', { commandId: randomUUID(), subjectId: S, reason: 'again' }))).toBe('SUBJECT_ALREADY_ERASED');

    const event = (await subjectEvents()).find((e) => e.type === 'SubjectErased')!;
    expect(Object.keys(event.data).sort()).toEqual(['erasedAt', 'reason', 'subjectId']);
    expect(event.metadata).toMatchObject({ actorId: 'pv-admin', actorRole: 'admin', reason: 'GDPR Art. 17 request REQ-2026-031' });

    expect(await vault.decrypt(envelope)).toEqual({ erased: true });
    expect((await client.query(`SELECT 1 FROM privacy.subject_keys WHERE subject_id = $1`, [S])).rows).toEqual([]);
    expect((await client.query(`SELECT 1 FROM privacy.erased_subjects WHERE subject_id = $1`, [S])).rows).toHaveLength(1);
    const read = await personalQuery(await coord1());
    expect(read.data.subjectPersonalData).toEqual({ subjectId: S, erased: true, yearOfBirth: null, sex: null, comment: null, recordedAt: null });
    expect(code(await mutate(await coord1(), 'recordPersonalData', { commandId: randomUUID(), subjectId: S, personal: { comment: 'again' } }))).toBe(
      'SUBJECT_ERASED',
    );
    expect((await client.query(`SELECT 1 FROM privacy.subject_keys WHERE subject_id = $1`, [S])).rows).toEqual([]);

    // The audit trail keeps the fact and the ciphertext; the regulator's history and export show no plaintext.
    const history = await gql(await regulator(), `query($s: String!) { history(streamId: $s) { type actorId reason data } }`, { s: `subject-${S}` });
    expect(history.data.history.map((h: { type: string }) => h.type)).toEqual(['SubjectEnrolled', 'PersonalDataRecorded', 'SubjectErased']);
    expect(JSON.stringify(history)).not.toContain(COMMENT_MARK);
    const exported = await fetch(new URL(`/audit/export?streamId=subject-${S}`, registry.url), { headers: { authorization: `Bearer ${await regulator()}` } });
    expect(exported.status).toBe(200);
    const lines = (await exported.text()).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['SubjectEnrolled', 'PersonalDataRecorded', 'SubjectErased']);
    expect(lines[1]).toContain('"$enc":"v1"');
    expect(lines.join('\n')).not.toContain(COMMENT_MARK);

    await projectionsCaughtUp();
    expect(await searchDatabase(COMMENT_MARK)).toEqual([]);
    expect(await searchDatabase(LOCAL_ID)).toEqual([]);
    // The sealed copy lives in the event log only: no read model, access log or key table keeps one.
    expect(await searchDatabase('"$enc": "v1"')).toEqual([EVENTS_DATA_COLUMN]);
    expect(await searchDatabase(`sk1:${S}`)).toEqual([EVENTS_DATA_COLUMN]);

    // The erasure rotated the KEK of the subject's key ring bucket: a new generation, and only its file is left.
    const ring = (await client.query<{ ring_id: string; generation: string }>(`SELECT ring_id, generation FROM privacy.key_ring`)).rows[0]!;
    expect(Number(ring.generation)).toBe(2);
    expect(await readdir(join(dataDir, 'privacy', 'keyring'))).toEqual([`ring-${ring.ring_id}-${ring.generation}.json`]);
  });

  it('links pseudonyms of different studies only when an admin records it with a reason, and forgets the identifier', async () => {
    const input = {
      linkageId: 'pv-link-1',
      members: [{ trialId: T1 }, { trialId: T2 }],
      localIdentifier: LOCAL_ID,
      reason: 'Screen-detected cancer enrolled in trial 2 (EC-2026-07)',
    };
    for (const who of [coord1, regulator])
      expect(code(await mutate(await who(), 'recordPseudonymLinkage', { commandId: randomUUID(), ...input }))).toBe('FORBIDDEN');
    expect(code(await mutate(await admin(), 'recordPseudonymLinkage', { commandId: randomUUID(), ...input, reason: '' }))).toBe('REASON_REQUIRED');
    expect(
      code(
        await mutate(await admin(), 'recordPseudonymLinkage', {
          commandId: randomUUID(),
          ...input,
          members: [{ trialId: T1, pseudonym: pseudonyms[T2] }, { trialId: T2 }],
        }),
      ),
    ).toBe('PSEUDONYM_MISMATCH');
    expect(
      code(await mutate(await admin(), 'recordPseudonymLinkage', { commandId: randomUUID(), ...input, members: [{ trialId: T1 }, { trialId: T1 }] })),
    ).toBe('LINKAGE_WITHIN_ONE_SCOPE');
    expect(await mutate(await admin(), 'recordPseudonymLinkage', { commandId: randomUUID(), ...input }, 'id createdIds events')).toMatchObject({
      data: { recordPseudonymLinkage: { id: 'pv-link-1', createdIds: ['pv-link-1'], events: ['PseudonymLinkageRecorded'] } },
    });
    await ok(await admin(), 'recordPseudonymLinkage', {
      linkageId: 'pv-link-2',
      members: [
        { trialId: T2, pseudonym: pseudonyms[T2] },
        { programmeId: P, pseudonym: pseudonyms[P] },
      ],
      reason: 'Interval cancer follow-up',
    });

    const q = `query($p: String!) { pseudonymLinkages(pseudonym: $p) { linkageId members { scope pseudonym } reason actorId recordedAt } }`;
    const found = await gql(await regulator(), q, { p: pseudonyms[T2] });
    expect(found.data.pseudonymLinkages.map((l: { linkageId: string }) => l.linkageId)).toEqual(['pv-link-1', 'pv-link-2']);
    expect(found.data.pseudonymLinkages[0]).toMatchObject({
      members: [
        { scope: `trial:${T1}`, pseudonym: pseudonyms[T1] },
        { scope: `trial:${T2}`, pseudonym: pseudonyms[T2] },
      ],
      actorId: 'pv-admin',
    });
    expect((await gql(await regulator(), q, { p: pseudonyms[T1] })).data.pseudonymLinkages).toHaveLength(1);
    expect(code(await gql(await coord1(), q, { p: pseudonyms[T1] }))).toBe('FORBIDDEN');
    expect(await searchDatabase(LOCAL_ID)).toEqual([]);
  });
});
