import { createPublicKey, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { type AppConfig } from '#runtime';
import { isRole, type VerifiedActor } from './actor.js';
import { TokenRejectedError } from './auth.errors.js';
import { DEFAULT_AUDIENCE, LOCAL_ISSUER, loadOrCreateLocalSigningKey } from './local-signing-key.js';

/** Asymmetric algorithms only: a shared-secret (HS*) token could be minted by anyone who can verify one, and `none` is never accepted. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');

export interface TokenVerifier {
  /** The verified actor, or a TokenRejectedError saying why not. */
  verify(token: string): Promise<VerifiedActor>;
  readonly issuer: string;
  readonly audience: string;
}

const ID = /^[A-Za-z0-9._@:|/+=-]{1,200}$/;
const SCOPE_ID = /^(\*|[A-Za-z0-9._:-]{1,128})$/;

function scopeList(payload: JWTPayload, claim: string): string[] {
  const v = payload[claim];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > 1000 || !v.every((x) => typeof x === 'string' && SCOPE_ID.test(x))) {
    throw new TokenRejectedError('bad_claims', `token claim "${claim}" must be a list of ids`);
  }
  return [...new Set(v as string[])];
}

/** Maps the claims of a verified token to the actor; the claim names are documented in auth/README.md. */
export function actorFromClaims(payload: JWTPayload, issuer: string): VerifiedActor {
  if (typeof payload.sub !== 'string' || !ID.test(payload.sub)) throw new TokenRejectedError('bad_claims', 'token has no usable subject (sub)');
  const role = payload['role'];
  if (!isRole(role)) throw new TokenRejectedError('bad_claims', 'token carries no registry role (claim "role")');
  const name = payload['name'];
  if (name !== undefined && (typeof name !== 'string' || name.length > 200)) throw new TokenRejectedError('bad_claims', 'token claim "name" must be a string');
  const authTime = payload['auth_time'];
  if (authTime !== undefined && (typeof authTime !== 'number' || !Number.isFinite(authTime))) {
    throw new TokenRejectedError('bad_claims', 'token claim "auth_time" must be a number of seconds');
  }
  return Object.freeze({
    id: payload.sub,
    role,
    scopes: Object.freeze({ trials: scopeList(payload, 'trials'), programmes: scopeList(payload, 'programmes'), sites: scopeList(payload, 'sites') }),
    issuer,
    ...(typeof name === 'string' && name.trim() !== '' ? { name: name.trim() } : {}),
    ...(typeof authTime === 'number' ? { authTime } : {}),
    unauthenticated: false as const,
  });
}

function rejection(err: unknown): TokenRejectedError {
  if (err instanceof TokenRejectedError) return err;
  if (err instanceof errors.JWTExpired) return new TokenRejectedError('expired', 'token expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return new TokenRejectedError('wrong_issuer', 'token issuer not accepted');
    if (err.claim === 'aud') return new TokenRejectedError('wrong_audience', 'token audience not accepted');
    if (err.claim === 'nbf') return new TokenRejectedError('not_yet_valid', 'token not yet valid');
    return new TokenRejectedError('bad_claims', `token claim "${err.claim}" not accepted`);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JOSEAlgNotAllowed) {
    return new TokenRejectedError('bad_signature', 'token signature not accepted');
  }
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid)
    return new TokenRejectedError('unavailable', 'identity provider keys unavailable');
  return new TokenRejectedError('malformed', 'token malformed');
}

/** How long a verified token is trusted without checking its signature again (never past its expiry). */
export const VERIFIED_TOKEN_TTL_MS = 60_000;

/**
 * A client sends the same token with every request for its lifetime; checking the signature each time cost more
 * CPU than serving a small query. So a token that verified is remembered (by its exact text, which includes the
 * signature) until its expiry plus the clock skew, and for at most VERIFIED_TOKEN_TTL_MS, so that an identity
 * provider's key rotation still takes effect within a minute. Refusals are never cached.
 */
export function createVerifier(
  key: KeyObject | JWTVerifyGetKey,
  issuer: string,
  audience: string,
  clockSkewSeconds: number,
  now: () => number = Date.now,
): TokenVerifier {
  const verified = new LRUCache<string, { actor: VerifiedActor; until: number }>({ max: 10_000 });
  return {
    issuer,
    audience,
    async verify(token) {
      const hit = verified.get(token);
      if (hit && now() < hit.until) return hit.actor;
      if (hit) verified.delete(token);
      try {
        const { payload } = await jwtVerify(token, key as KeyObject, {
          issuer,
          audience,
          algorithms: ACCEPTED_ALGORITHMS,
          clockTolerance: clockSkewSeconds,
          requiredClaims: ['exp', 'sub'],
          currentDate: new Date(now()),
        });
        const actor = actorFromClaims(payload, issuer);
        verified.set(token, { actor, until: Math.min(now() + VERIFIED_TOKEN_TTL_MS, (payload.exp! + clockSkewSeconds) * 1000) });
        return actor;
      } catch (err) {
        throw rejection(err);
      }
    },
  };
}

function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  try {
    return trimmed.startsWith('{')
      ? createPublicKey({ key: JSON.parse(trimmed) as import('node:crypto').JsonWebKey, format: 'jwk' })
      : createPublicKey(trimmed.replace(/\\n/g, '\n'));
  } catch (err) {
    throw new Error(`AUTH_PUBLIC_KEY: not a PEM (SPKI) or JWK public key: ${(err as Error).message}`);
  }
}

/** local → the development key under DATA_DIR; oidc → the provider's JWKS (cached, refreshed on unknown kid) or a fixed public key. */
export async function createTokenVerifier(config: AppConfig): Promise<TokenVerifier> {
  if (config.authMode === 'local') {
    const key = await loadOrCreateLocalSigningKey(config.DATA_DIR);
    return createVerifier(key.publicKey, LOCAL_ISSUER, config.OIDC_AUDIENCE ?? DEFAULT_AUDIENCE, config.AUTH_CLOCK_SKEW_SECONDS);
  }
  const key = config.OIDC_JWKS_URL
    ? createRemoteJWKSet(new URL(config.OIDC_JWKS_URL), { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 })
    : parsePublicKey(config.AUTH_PUBLIC_KEY!);
  return createVerifier(key, config.OIDC_ISSUER!, config.OIDC_AUDIENCE!, config.AUTH_CLOCK_SKEW_SECONDS);
}
