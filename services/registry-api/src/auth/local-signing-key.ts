import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';
import type { AppConfig } from '../config/app-config.js';
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
 * so `npm run token` and `npm start` agree. Creation is atomic (write aside, then hard-link into place), so
 * parallel test workers or a CLI racing the server end up with one key.
 */
export async function loadOrCreateLocalSigningKey(dataDir: string): Promise<LocalSigningKey> {
  const dir = resolve(join(dataDir, 'auth'));
  const path = join(dir, 'local-signing-key.pem');
  let pem = await readFile(path, 'utf8').catch(() => undefined);
  if (pem === undefined) {
    // Only the key's own directory is private: a recursive mkdir would make DATA_DIR itself 0700 too, and under root
    // the embedded PostgreSQL (an unprivileged user) could then not reach its directory inside it.
    await mkdir(resolve(dir, '..'), { recursive: true });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(aside, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    try {
      await link(aside, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await unlink(aside);
    }
    pem = await readFile(path, 'utf8');
  }
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
}

export interface IssueOptions {
  /** Lifetime, e.g. '8h' or seconds; default 8 hours. */
  readonly expiresIn?: string | number;
  /** Overrides for tests that need a token the server must refuse. */
  readonly audience?: string;
  readonly issuer?: string;
  readonly notBefore?: string | number;
}

/** Signs a development token with the local key; only meaningful in AUTH_MODE=local. */
export async function issueLocalToken(config: Pick<AppConfig, 'DATA_DIR' | 'OIDC_AUDIENCE'>, claims: TokenClaims, options: IssueOptions = {}): Promise<string> {
  const key = await loadOrCreateLocalSigningKey(config.DATA_DIR);
  let jwt = new SignJWT({
    role: claims.role,
    trials: [...(claims.trials ?? [])],
    programmes: [...(claims.programmes ?? [])],
    sites: [...(claims.sites ?? [])],
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
