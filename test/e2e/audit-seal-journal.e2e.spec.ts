import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AppConfig, loadConfig } from '#runtime';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { verifyExport } from '../../services/registry-api/src/audit/audit-verify.js';
import { parseSealPublicKeys, sealKeyId, sealKeysJwks } from '../../services/registry-api/src/audit/seal-signing.js';
import { forgeSeals } from '../../services/registry-api/src/audit/testing/forge-seals.js';
import { postGraphql } from '../support/graphql-client.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const VERIFY = `{ verifyAuditSeals { ok sealsChecked journalEntries keyIds anchored { sequence location } firstFailure { sequence reason expected stored } } }`;

/** Issue 18 through HTTP: signed seals, the journal outside the database, and what verifyAuditSeals says when either is tampered with. */
describe('signed seals and the seal journal over HTTP', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let admin: string;
  let regulator: string;
  let journalPath: string;
  const gql = (bearer: string, query: string) => postGraphql(registry.url, bearer, query);
  const defineBiomarker = async (code: string) => {
    const res = await postGraphql(registry.url, admin, `mutation($input: DefineBiomarkerInput!) { defineBiomarker(input: $input) { globalPosition } }`, {
      input: {
        commandId: randomUUID(),
        code,
        name: `Biomarker ${code}`,
        modality: 'CT',
        valueType: { kind: 'QUANTITATIVE', unit: 'mm', plausibleRange: { min: 0, max: 400 } },
      },
    });
    expect(res.errors).toBeUndefined();
  };
  /** Seals on demand until the seal covers what was written (a seal covers only the log's settled prefix). */
  const sealNow = async () => {
    const res = await gql(admin, `mutation { sealAuditTrail { sequence keyId signature } }`);
    expect(res.errors).toBeUndefined();
    return res.data.sealAuditTrail as { sequence: number; keyId: string; signature: string } | null;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-seal-e2e-'));
    config = loadConfig({ ...db.appEnv, PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir, AUDIT_SEAL_INTERVAL_SECONDS: '0', PROJECTOR: 'off' });
    registry = await startRegistry(config);
    admin = await issueLocalToken(config, { sub: 'seal-admin', role: 'admin' });
    regulator = await issueLocalToken(config, { sub: 'seal-regulator', role: 'regulator' });
  });
  afterAll(async () => {
    await registry.stop();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('seals signed with the registry key, journaled outside the database; verifyAuditSeals and the offline verifier agree the log is intact', async () => {
    for (const code of ['SEAL_A', 'SEAL_B']) {
      await defineBiomarker(code);
      for (let i = 0; !(await sealNow()) && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
    }
    await defineBiomarker('SEAL_C');
    for (let i = 0; !(await sealNow()) && i < 100; i++) await new Promise((r) => setTimeout(r, 50));

    const seals = (await gql(regulator, `{ auditSeals { sequence keyId signature } }`)).data.auditSeals;
    expect(seals.map((s: { sequence: number }) => s.sequence)).toEqual([3, 2, 1]);
    const kid = seals[0].keyId as string;
    expect(seals.every((s: { keyId: string; signature: string }) => s.keyId === kid && s.signature.length > 80)).toBe(true);

    const verified = (await gql(regulator, VERIFY)).data.verifyAuditSeals;
    expect(verified).toMatchObject({ ok: true, sealsChecked: 3, journalEntries: 3, keyIds: [kid], anchored: { sequence: 3 }, firstFailure: null });
    const files = (await readdir(join(dataDir, 'audit-anchor'))).filter((f) => f.startsWith('seal-journal-'));
    expect(files).toHaveLength(1);
    journalPath = join(dataDir, 'audit-anchor', files[0]!);
    expect(verified.anchored.location).toBe(journalPath);

    // The regulator's full export carries the seals with their key id; with the journal and the public key it verifies offline.
    const res = await fetch(new URL('/audit/export', registry.url), { headers: { authorization: `Bearer ${regulator}` } });
    expect(res.status).toBe(200);
    const exported = await res.text();
    const sealLines = exported
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'AuditTrailSealed');
    expect(sealLines.map((l) => [l.data.sequence, l.data.kid])).toEqual([
      [1, kid],
      [2, kid],
      [3, kid],
    ]);
    // What a regulator is given: the public half of the development key, as `npm run audit:public-key` prints it (JWKS).
    const jwks = JSON.stringify(sealKeysJwks(parseSealPublicKeys(await readFile(join(dataDir, 'audit', 'seal-signing-key.pem'), 'utf8'))));
    expect(jwks).not.toContain('"d"');
    const keys = parseSealPublicKeys(jwks);
    expect([...keys.keys()]).toEqual([kid]);
    const journalLines = (await readFile(journalPath, 'utf8')).trim().split('\n');
    expect(await verifyExport(exported, journalLines, keys)).toMatchObject({ ok: true, sealsChecked: 3, journalEntries: 3 });

    // A filtered download with inclusion proofs verifies against the same journal without the rest of the log.
    const stream = exported
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .find((l) => l.type === 'BiomarkerDefined' && l.data.code === 'SEAL_B').streamId as string;
    const link = await postGraphql(registry.url, regulator, `query($f: AuditLogFilter) { auditExport(filter: $f, proofs: true) { url } }`, {
      f: { streamId: stream },
    });
    expect(link.data.auditExport.url).toBe(`/audit/export?streamId=${encodeURIComponent(stream)}&proofs=true`);
    const filtered = await (await fetch(new URL(link.data.auditExport.url, registry.url), { headers: { authorization: `Bearer ${regulator}` } })).text();
    const filteredLines = filtered
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(filteredLines.map((l) => [l.streamId, l.proof.seal])).toEqual([[stream, 2]]);
    expect(await verifyExport(filtered, journalLines, keys)).toMatchObject({ ok: true, sealsChecked: 1, eventsCovered: 1 });
    const bad = await fetch(new URL('/audit/export?proofs=yes', registry.url), { headers: { authorization: `Bearer ${regulator}` } });
    expect([bad.status, ((await bad.json()) as { errors: { extensions: unknown }[] }).errors[0]!.extensions]).toEqual([
      400,
      { code: 'BAD_USER_INPUT', field: 'proofs' },
    ]);
  });

  it('reports a journal line removed, then a seal row forged in the database, through verifyAuditSeals', async () => {
    const original = await readFile(journalPath, 'utf8');
    const lines = original.trim().split('\n');
    await writeFile(journalPath, `${[lines[0], lines[2]].join('\n')}\n`);
    expect((await gql(regulator, VERIFY)).data.verifyAuditSeals).toMatchObject({ ok: false, firstFailure: { sequence: 3, reason: 'journal_chain_broken' } });
    await writeFile(journalPath, original);
    expect((await gql(regulator, VERIFY)).data.verifyAuditSeals).toMatchObject({ ok: true });

    // The superuser re-makes every seal row with a key of their own, claiming the registry's key id.
    const attacker = generateKeyPairSync('ed25519');
    const kid = (await gql(regulator, VERIFY)).data.verifyAuditSeals.keyIds[0];
    expect(sealKeyId(attacker.publicKey)).not.toBe(kid);
    await forgeSeals(db.eventStoreUrl, { privateKey: attacker.privateKey, kid });
    expect((await gql(regulator, VERIFY)).data.verifyAuditSeals).toMatchObject({ ok: false, firstFailure: { sequence: 1, reason: 'signature_invalid' } });
    const trail = (await gql(regulator, `{ verifyAuditTrail { ok firstFailure { streamId } seals { ok firstFailure { reason } } } }`)).data.verifyAuditTrail;
    expect(trail).toEqual({ ok: false, firstFailure: null, seals: { ok: false, firstFailure: { reason: 'signature_invalid' } } });
  });
});
