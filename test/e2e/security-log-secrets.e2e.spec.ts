import { spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig, projectRoot } from '#runtime';
import { issueLocalToken } from '../../services/registry-api/src/auth/local-signing-key.js';
import { setLocalSigningPassword } from '../../services/registry-api/src/auth/local-signing-password.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The whole log of a run, captured from the real process (main.ts with the embedded projector, LOG_LEVEL=debug):
 * requests of every role, accepted, refused, forbidden and failing ones, forged and malformed tokens, a token in a
 * query parameter, personal data. No token it issued (nor its signature) and no personal field may appear in it.
 */
describe('no secret in any log line', () => {
  let db: TestDatabase;
  let dataDir: string;
  let child: ChildProcess;
  let output = '';
  let url = '';
  const issued: string[] = [];
  const SECRET_COMMENT = `personal-comment-${randomUUID()}`;
  const SIGNING_SECRET = `signing-secret-${randomUUID()}`;
  const WRONG_SIGNING_SECRET = `wrong-signing-secret-${randomUUID()}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-log-secrets-'));
    child = spawn(process.execPath, ['--import', './test/support/ts-loader.mjs', 'services/registry-api/src/main.ts'], {
      cwd: projectRoot(),
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        ...db.adminEnv,
        PORT: '0',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'debug',
        AUDIT_SEAL_INTERVAL_SECONDS: '0',
        RATE_LIMIT_PER_MINUTE: '100000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 50_000;
    while (!url && Date.now() < deadline) {
      url = /serving GraphQL at (http:\/\/[^\s"]+)/.exec(output)?.[1] ?? '';
      if (child.exitCode !== null) throw new Error(`registry exited: ${output.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    if (!url) throw new Error(`registry did not start: ${output.slice(-2000)}`);
  }, 60_000);
  afterAll(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('captures a whole run and finds none of the tokens it issued', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0' });
    const all = { trials: ['*'], programmes: ['*'], sites: ['*'] };
    const token = async (role: string, extra: Record<string, unknown> = {}) => {
      const t = await issueLocalToken(config, { sub: `logs-${role}-${issued.length}`, role: role as never, ...extra });
      issued.push(t);
      return t;
    };
    const roles = {
      admin: await token('admin'),
      coordinator: await token('coordinator', all),
      reader: await token('reader', all),
      screening_manager: await token('screening_manager', all),
      biostatistician: await token('biostatistician', all),
      regulator: await token('regulator', all),
      confined: await token('coordinator', { trials: ['other'], programmes: [], sites: [] }),
    };
    const forged = `${roles.admin.slice(0, -6)}AAAAAA`;
    issued.push(forged);
    const post = (bearer: string | null, body: string, path = '/graphql') =>
      fetch(url.replace(/\/graphql$/, path), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), cookie: `session=${roles.admin}` },
        body,
        signal: AbortSignal.timeout(10_000),
      })
        .then((r) => r.text())
        .catch(() => '');
    const gql = (bearer: string | null, query: string, variables?: unknown) => post(bearer, JSON.stringify({ query, variables }));
    const c = roles.coordinator;
    await gql(c, 'mutation($i: RegisterTrialInput!) { registerTrial(input: $i) { id } }', {
      i: {
        commandId: randomUUID(),
        trialId: 'log-t',
        identifiers: [{ system: 'NCT', value: 'NCT07222222' }],
        title: 'Logs',
        phase: 'PHASE_II',
        sponsor: 'S',
        primaryEndpoint: 'OS',
      },
    });
    await gql(c, 'mutation($i: ActivateTrialSiteInput!) { activateTrialSite(input: $i) { id } }', {
      i: { commandId: randomUUID(), trialId: 'log-t', siteId: 'log-s', name: 'Site' },
    });
    await gql(c, 'mutation($i: OpenEnrolmentInput!) { openEnrolment(input: $i) { id } }', { i: { commandId: randomUUID(), trialId: 'log-t' } });
    await gql(c, 'mutation($i: EnrolSubjectInput!) { enrolSubject(input: $i) { id } }', {
      i: {
        commandId: randomUUID(),
        subjectId: 'log-subj',
        trialId: 'log-t',
        siteId: 'log-s',
        pseudonym: 'LOG-0001',
        consentVersion: 'v1',
        consentDate: '2025-01-10',
        personal: { yearOfBirth: 1961, sex: 'FEMALE', comment: SECRET_COMMENT },
      },
    });
    for (const [role, bearer] of Object.entries(roles)) {
      await gql(bearer, '{ registryStatus { eventCount } trials { totalCount } }');
      await gql(bearer, '{ subject(id: "log-subj") { id } }');
      await gql(bearer, 'mutation($i: DefineBiomarkerInput!) { defineBiomarker(input: $i) { id } }', {
        i: { commandId: randomUUID(), code: `LOG_${role.toUpperCase()}`, name: 'x', modality: 'CT', valueType: { kind: 'QUANTITATIVE', unit: 'mm' } },
      });
      // Inputs that failed deep inside before: NUL in a read filter, an impossible date, an unknown operation.
      await gql(bearer, 'query($t: String) { trials(filter: { titleContains: $t }) { totalCount } }', { t: 'a\u0000b' });
      await gql(bearer, 'query($id: ID!) { trial(id: $id) { id } }', { id: `x\u0000${SECRET_COMMENT}` });
      await gql(bearer, '{ trial(id: "x", asOf: "0000-01-01") { id } }');
      await gql(bearer, '{ trial(id: ');
      await post(bearer, '{"query": ');
      await fetch(url.replace(/\/graphql$/, `/audit/export?trialId=log-t&access_token=${bearer}`), { headers: { authorization: `Bearer ${bearer}` } })
        .then((r) => r.text())
        .catch(() => '');
      await fetch(url.replace(/\/graphql$/, `/plots/roc?q=e30&token=${bearer}`), { headers: { authorization: `Bearer ${bearer}` } })
        .then((r) => r.text())
        .catch(() => '');
    }
    // Electronic signatures: the signing password (right and wrong: a wrong one is logged as a warning) never appears.
    const signer = await issueLocalToken(config, { sub: 'logs-signer', role: 'coordinator', ...all, name: 'Log Signer' });
    issued.push(signer);
    await setLocalSigningPassword(dataDir, 'logs-signer', SIGNING_SECRET, { cost: 2 ** 12 });
    for (const signingPassword of [SIGNING_SECRET, WRONG_SIGNING_SECRET]) {
      await gql(signer, 'mutation($i: SignRecordInput!) { signRecord(input: $i) { id } }', {
        i: { commandId: randomUUID(), target: { trial: { trialId: 'log-t' } }, meaning: 'REVIEW', statement: 'Reviewed', signingPassword },
      });
    }
    for (const bad of [forged, 'not-a-jwt', `${roles.reader}x`]) await gql(bad, '{ registryStatus { eventCount } }');
    await gql(null, '{ trials { totalCount } }');
    // A signed seal: its log line names the key by id only.
    await gql(roles.admin, 'mutation { sealAuditTrail { sequence } }');
    await new Promise((r) => setTimeout(r, 1_000));
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));

    expect(output.length).toBeGreaterThan(1_000);
    const leaks = issued.flatMap((t) => [t, t.split('.')[2]!].filter((part) => part.length >= 20 && output.includes(part)).map((part) => part.slice(0, 24)));
    expect(leaks).toEqual([]);
    expect(output).not.toMatch(/"authorization":"Bearer/i);
    expect(output.includes(SECRET_COMMENT)).toBe(false);
    // Neither the seal signing key's PEM body nor its raw private scalar (JWK `d`) is logged.
    const sealKey = createPrivateKey(await readFile(join(dataDir, 'audit', 'seal-signing-key.pem'), 'utf8'));
    const pemBody = sealKey.export({ type: 'pkcs8', format: 'pem' }).toString().split('\n')[1]!;
    expect(output).toMatch(/audit seal \d+: .* key [A-Za-z0-9_-]{43}/);
    expect([pemBody, String(sealKey.export({ format: 'jwk' }).d)].filter((secret) => output.includes(secret))).toEqual([]);
    expect(output).toContain('wrong signing password');
    expect([output.includes(SIGNING_SECRET), output.includes(WRONG_SIGNING_SECRET)]).toEqual([false, false]);
  }, 120_000);
});
