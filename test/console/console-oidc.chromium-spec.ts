import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import AxeBuilder from '@axe-core/playwright';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import { chromium, type Browser } from 'playwright-core';
import { startRegistry, type RunningRegistry } from '../../services/registry-api/src/bootstrap.js';
import { type AppConfig, loadConfig } from '#runtime';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { postGraphql } from '../support/graphql-client.js';

/**
 * Sign-in with OIDC in a real browser: the console's authorization-code flow with PKCE (oidc-client-ts) against a
 * real OpenID provider (panva's `oidc-provider`, in process, with its development login page), and the registry in
 * `AUTH_MODE=oidc` verifying the provider's JWT access tokens through its JWKS. The API enforces the token's scopes as
 * for any client: the coordinator of one trial sees that trial and not the other.
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = join(ROOT, 'artefacts', 'console');
// A resource indicator is an absolute URI (RFC 8707); it is the access token's audience.
const AUDIENCE = 'https://registry.example.test/api';
const CLIENT_ID = 'registry-console';
const MINE = 'T-OIDC-MINE';
const OTHER = 'T-OIDC-OTHER';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv: Server = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });

describe('console sign-in through an OpenID provider (authorization code + PKCE) in headless Chromium', () => {
  let db: TestDatabase;
  let dataDir: string;
  let config: AppConfig;
  let registry: RunningRegistry;
  let idp: HttpServer;
  let browser: Browser;
  let origin: string;
  let issuer: string;
  let privateJwk: JWK;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'console', 'index.html')))
      throw new Error('dist/console is missing: run `npm run test:console` (it builds the console)');
    await mkdir(SHOTS, { recursive: true });
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    privateJwk = { ...(await exportJWK(privateKey)), kid: 'idp-1', alg: 'RS256', use: 'sig' };
    issuer = `http://127.0.0.1:${await freePort()}`;
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-console-oidc-'));
    config = loadConfig({
      ...db.appEnv,
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      PROJECTOR: 'embedded',
      AUDIT_SEAL_INTERVAL_SECONDS: '0',
      AUTH_MODE: 'oidc',
      OIDC_ISSUER: issuer,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_JWKS_URL: `${issuer}/jwks`,
      CONSOLE_OIDC_CLIENT_ID: CLIENT_ID,
      CONSOLE_OIDC_SCOPE: 'openid profile registry',
    });
    registry = await startRegistry(config);
    origin = registry.url.replace(/\/graphql$/, '');

    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT_ID,
          // A browser app holds no secret: a public client, which the provider holds to PKCE.
          token_endpoint_auth_method: 'none',
          grant_types: ['authorization_code'],
          response_types: ['code'],
          redirect_uris: [`${origin}/console/callback`],
          post_logout_redirect_uris: [`${origin}/console/`],
        },
      ],
      jwks: { keys: [privateJwk] },
      pkce: { required: () => true },
      ttl: { Interaction: 600, Grant: 600, Session: 600, AccessToken: 600, IdToken: 600 },
      clientBasedCORS: () => true,
      features: {
        devInteractions: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => AUDIENCE,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({ scope: 'registry', audience: AUDIENCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
        },
      },
      findAccount: async (_ctx: KoaContextWithOIDC, id: string) => ({ accountId: id, claims: async () => ({ sub: id, name: 'Carla Coordinator' }) }),
      // The registry's claims (auth/README.md) on the access token, as an organisation's provider maps its groups.
      extraTokenClaims: async () => ({ role: 'coordinator', trials: [MINE], name: 'Carla Coordinator' }),
      // The user consented when the organisation registered the console: no consent page.
      loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
        const client = ctx.oidc.client!;
        const session = ctx.oidc.session!;
        const existing = session.grantIdFor(client.clientId);
        if (existing) return ctx.oidc.provider.Grant.find(existing);
        const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId! });
        grant.addOIDCScope('openid profile');
        grant.addResourceScope(AUDIENCE, 'registry');
        await grant.save();
        return grant;
      },
    });
    idp = provider.listen(Number(new URL(issuer).port));

    // The trials, written with an admin token minted by the same provider key (the registry takes no local tokens now).
    const admin = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-1' })
      .setIssuer(issuer)
      .setAudience(AUDIENCE)
      .setSubject('adele-admin')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(await importPrivate(privateJwk));
    for (const [trialId, title] of [
      [MINE, 'OIDC trial of Carla'],
      [OTHER, 'OIDC trial of someone else'],
    ] as const) {
      const res = await postGraphql(registry.url, admin, 'mutation($i: RegisterTrialInput!) { registerTrial(input: $i) { id } }', {
        i: {
          commandId: randomUUID(),
          trialId,
          identifiers: [{ system: 'NCT', value: trialId === MINE ? 'NCT07333331' : 'NCT07333332' }],
          title,
          phase: 'PHASE_II',
          sponsor: 'S',
          primaryEndpoint: 'OS',
        },
      });
      if (res.errors) throw new Error(`registerTrial: ${JSON.stringify(res.errors)}`);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (idp ? idp.close(resolve) : resolve(undefined)));
    await registry?.stop();
    await db?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('signs in at the provider, comes back with a token the API verifies, and sees only the trials of its scope', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const codeChallenges: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.origin === issuer && url.pathname === '/auth') codeChallenges.push(url.searchParams.get('code_challenge_method') ?? '');
    });
    await page.goto(`${origin}/console/`);
    const button = page.getByRole('button', { name: `Sign in with ${new URL(issuer).host}` });
    await button.waitFor();
    expect((await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    await button.click();

    // The provider's own login page (development interactions): any login name, any password.
    await page.waitForURL((url) => url.origin === issuer);
    await page.locator('input[name="login"]').fill('carla-coordinator');
    await page.locator('input[name="password"]').fill('any');
    await page.locator('button[type="submit"]').click();

    await page.waitForURL((url) => url.origin === origin && url.pathname.startsWith('/console/trials'), { timeout: 30_000 });
    await page.getByRole('link', { name: 'OIDC trial of Carla' }).waitFor();
    expect(await page.getByText('OIDC trial of someone else').count()).toBe(0);
    expect(codeChallenges).toEqual(['S256']);
    await page.screenshot({ path: join(SHOTS, 'oidc-trials.png'), fullPage: true });

    // The token the console holds is the provider's JWT for the registry's audience, with the coordinator's scope.
    // oidc-client-ts keeps the user (id and access tokens) in sessionStorage; the console sends the access token.
    // (A string, as the test's TypeScript has no DOM types: it runs in the page.)
    const token = (await page.evaluate(`(() => {
      for (let i = 0; i < window.sessionStorage.length; i++) {
        const key = window.sessionStorage.key(i);
        if (key && key.startsWith('oidc.user:')) return JSON.parse(window.sessionStorage.getItem(key)).access_token;
      }
      return null;
    })()`)) as string | null;
    expect(token).not.toBeNull();
    const claims = JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ iss: issuer, aud: AUDIENCE, sub: 'carla-coordinator', role: 'coordinator', trials: [MINE] });
    const denied = await postGraphql(registry.url, token!, `{ trial(id: "${OTHER}") { id } }`);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await context.close();
  }, 90_000);
});

async function importPrivate(jwk: JWK) {
  const { importJWK } = await import('jose');
  return importJWK(jwk, 'RS256');
}
