import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { join, resolve } from 'node:path';
import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';
import { type AppConfig, readOrCreatePrivateFile } from '#runtime';
import type { Role } from './actor.js';

/** Issuer and default audience of tokens signed by the local development key. */
export const LOCAL_ISSUER = 'urn:biomarker-registry:local-development';
export const DEFAULT_AUDIENCE = 'biomarker-registry';
const ALG = 'ES256';

export interface LocalSigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly kid: string;
  readonly path: string;
}

/**
 * The development signing key, created on first use under DATA_DIR/auth (mode 0600) and kept across restarts,
 * so `npm run token` and `npm start` agree (readOrCreatePrivateFile: one key however many create it at once).
 */
export async function loadOrCreateLocalSigningKey(dataDir: string): Promise<LocalSigningKey> {
  const path = resolve(join(dataDir, 'auth', 'local-signing-key.pem'));
  const pem = await readOrCreatePrivateFile(path, () =>
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  return { privateKey, publicKey, kid, path };
}

export interface TokenClaims {
  readonly sub: string;
  readonly role: Role;
  readonly trials?: readonly string[];
  readonly programmes?: readonly string[];
  readonly sites?: readonly string[];
  /** Printed name shown with electronic signatures (the `name` claim of an OIDC ID token). */
  readonly name?: string;
}

export interface IssueOptions {
  /** Lifetime, e.g. '8h' or seconds; default 8 hours. */
  readonly expiresIn?: string | number;
  /** Overrides for tests that need a token the server must refuse. */
  readonly audience?: string;
  readonly issuer?: string;
  readonly notBefore?: string | number;
  /**
   * `auth_time` (seconds since the epoch): when the person authenticated. Default: now, since `npm run token` is the
   * local stand-in for a login. Tests pass an older time to get a token too stale to sign with.
   */
  readonly authTime?: number;
}

/** Signs a development token with the local key; only meaningful in AUTH_MODE=local. */
export async function issueLocalToken(config: Pick<AppConfig, 'DATA_DIR' | 'OIDC_AUDIENCE'>, claims: TokenClaims, options: IssueOptions = {}): Promise<string> {
  const key = await loadOrCreateLocalSigningKey(config.DATA_DIR);
  let jwt = new SignJWT({
    role: claims.role,
    trials: [...(claims.trials ?? [])],
    programmes: [...(claims.programmes ?? [])],
    sites: [...(claims.sites ?? [])],
    ...(claims.name ? { name: claims.name } : {}),
    auth_time: options.authTime ?? Math.floor(Date.now() / 1000),
  })
    .setProtectedHeader({ alg: ALG, kid: key.kid, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(options.issuer ?? LOCAL_ISSUER)
    .setAudience(options.audience ?? config.OIDC_AUDIENCE ?? DEFAULT_AUDIENCE)
    .setIssuedAt()
    .setJti(randomBytes(12).toString('base64url'))
    .setExpirationTime(options.expiresIn ?? '8h');
  if (options.notBefore !== undefined) jwt = jwt.setNotBefore(options.notBefore);
  return jwt.sign(key.privateKey);
}
