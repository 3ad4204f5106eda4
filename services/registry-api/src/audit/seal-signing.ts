import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { join, resolve } from 'node:path';
import { canonicalJson } from '#event-store';
import { ConfigError, readOrCreatePrivateFile } from '#runtime';

/**
 * Ed25519 signatures over audit seals. The key lives outside the database (AUDIT_SEAL_SIGNING_KEY, or in development
 * a key file under DATA_DIR), so a database superuser can rewrite seal rows but cannot sign them again. Each seal
 * names its key by `kid` (the RFC 7638 JWK thumbprint of the public key); verifiers accept a set of public keys, so
 * a rotated-out key keeps verifying the seals it signed (AUDIT_SEAL_VERIFY_KEYS).
 */

/** The fields a seal's signature covers: everything the seal states, including the key id (not `eventsCovered`, a derived total). */
export interface SignableSeal {
  readonly sequence: number;
  readonly upTo: string;
  readonly upToPosition: string;
  readonly eventCount: number;
  readonly merkleRoot: string;
  readonly chain: string;
  readonly algorithm: string;
  readonly sealedAt: string;
  readonly kid?: string | undefined;
  readonly signature?: string | undefined;
}

export interface SealSigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly kid: string;
  /** Where the key came from, for start-up logs (never the key). */
  readonly source: 'environment' | 'file';
}

/** Public keys by kid: the current signing key's and any retired ones. */
export type SealKeySet = ReadonlyMap<string, KeyObject>;

/** Domain separation: a seal signature can never be replayed as a signature over anything else. */
const CONTEXT = 'biomarker-registry/audit-seal/v1\n';

/** The exact bytes signed: the context line and the canonical JSON of the seal's stated fields. */
export function sealSigningInput(seal: SignableSeal): Buffer {
  const { sequence, upTo, upToPosition, eventCount, merkleRoot, chain, algorithm, sealedAt, kid } = seal;
  return Buffer.from(CONTEXT + canonicalJson({ algorithm, chain, eventCount, kid: kid ?? null, merkleRoot, sealedAt, sequence, upTo, upToPosition }), 'utf8');
}

export function signSeal<T extends SignableSeal>(seal: T, key: Pick<SealSigningKey, 'privateKey' | 'kid'>): T & { kid: string; signature: string } {
  const withKid = { ...seal, kid: key.kid };
  return { ...withKid, signature: sign(null, sealSigningInput(withKid), key.privateKey).toString('base64url') };
}

export type SignatureCheck = 'valid' | 'unsigned' | 'unknown_key' | 'bad_signature';

export function checkSealSignature(seal: SignableSeal, keys: SealKeySet): SignatureCheck {
  if (!seal.kid || !seal.signature) return 'unsigned';
  const key = keys.get(seal.kid);
  if (!key) return 'unknown_key';
  try {
    return verify(null, sealSigningInput(seal), key, Buffer.from(seal.signature, 'base64url')) ? 'valid' : 'bad_signature';
  } catch {
    return 'bad_signature';
  }
}

/** RFC 7638 thumbprint of an Ed25519 public key (the members crv, kty, x in that order). */
export function sealKeyId(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') throw new TypeError('not an Ed25519 public key');
  return createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${jwk.x}"}`).digest('base64url');
}

/** The public keys as a JWKS (what `npm run -s audit:public-key` prints and the offline verifier reads). */
export function sealKeysJwks(keys: SealKeySet): { keys: { kty: string; crv: string; x: string; kid: string; alg: 'EdDSA'; use: 'sig' }[] } {
  return {
    keys: [...keys].map(([kid, key]) => {
      const jwk = key.export({ format: 'jwk' });
      return { kty: 'OKP', crv: 'Ed25519', x: String(jwk.x), kid, alg: 'EdDSA' as const, use: 'sig' as const };
    }),
  };
}

function ed25519(key: KeyObject, variable: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new ConfigError(variable, `must be an Ed25519 key, not ${key.asymmetricKeyType ?? key.type}`);
  return key;
}

/** An Ed25519 private key in PKCS#8 PEM (`openssl genpkey -algorithm ed25519`). */
export function parseSealSigningKey(pem: string, variable = 'AUDIT_SEAL_SIGNING_KEY'): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new ConfigError(variable, 'must be an Ed25519 private key in PKCS#8 PEM (openssl genpkey -algorithm ed25519)');
  }
  return ed25519(key, variable);
}

/**
 * Public keys from text: one or more SPKI PEM blocks, or JSON (a JWK, a JWKS `{keys: […]}`, or an array of JWKs).
 * Each is indexed by its own thumbprint, whatever `kid` a JWK claims, so a key cannot pose as another.
 */
export function parseSealPublicKeys(text: string, variable = 'AUDIT_SEAL_VERIFY_KEYS'): Map<string, KeyObject> {
  const out = new Map<string, KeyObject>();
  const add = (key: KeyObject) => {
    const pub = ed25519(key.type === 'private' ? createPublicKey(key) : key, variable);
    out.set(sealKeyId(pub), pub);
  };
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      const json = JSON.parse(trimmed) as unknown;
      const list = Array.isArray(json) ? json : Array.isArray((json as { keys?: unknown }).keys) ? (json as { keys: unknown[] }).keys : [json];
      for (const jwk of list) {
        const { kty, crv, x } = jwk as Record<string, unknown>;
        add(createPublicKey({ key: { kty, crv, x } as import('node:crypto').JsonWebKey, format: 'jwk' }));
      }
    } else {
      const blocks = trimmed.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
      for (const block of blocks) add(createPublicKey(block));
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(variable, 'must be Ed25519 public keys as SPKI PEM blocks or JWK / JWKS JSON');
  }
  if (out.size === 0) throw new ConfigError(variable, 'holds no key (SPKI PEM blocks or JWK / JWKS JSON expected)');
  return out;
}

export interface SealKeyOptions {
  readonly NODE_ENV: string;
  readonly DATA_DIR: string;
  readonly AUDIT_SEAL_SIGNING_KEY?: string | undefined;
  readonly AUDIT_SEAL_VERIFY_KEYS?: string | undefined;
}

/** Production refuses to start without a configured key: a key file beside the database would travel with it. */
export function checkSealSigningKey(options: Pick<SealKeyOptions, 'NODE_ENV' | 'AUDIT_SEAL_SIGNING_KEY'>): void {
  if (options.AUDIT_SEAL_SIGNING_KEY) parseSealSigningKey(options.AUDIT_SEAL_SIGNING_KEY);
  else if (options.NODE_ENV === 'production')
    throw new ConfigError(
      'AUDIT_SEAL_SIGNING_KEY',
      'is required in production: it signs the audit seals (an Ed25519 PKCS#8 PEM, openssl genpkey -algorithm ed25519)',
    );
}

/** The development key's file: created on first use (mode 0600), kept across restarts. */
export const sealKeyFile = (dataDir: string) => resolve(join(dataDir, 'audit', 'seal-signing-key.pem'));

/** AUDIT_SEAL_SIGNING_KEY, or outside production a key created on first use at DATA_DIR/audit/seal-signing-key.pem. */
export async function loadSealSigningKey(options: SealKeyOptions): Promise<SealSigningKey> {
  checkSealSigningKey(options);
  const fromEnv = options.AUDIT_SEAL_SIGNING_KEY;
  const pem =
    fromEnv ??
    (await readOrCreatePrivateFile(sealKeyFile(options.DATA_DIR), () =>
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ));
  const privateKey = parseSealSigningKey(pem, fromEnv ? 'AUDIT_SEAL_SIGNING_KEY' : sealKeyFile(options.DATA_DIR));
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, kid: sealKeyId(publicKey), source: fromEnv ? 'environment' : 'file' };
}

/** Every key a seal may be signed with: the current one and the retired ones of AUDIT_SEAL_VERIFY_KEYS. */
export function sealKeySet(current: Pick<SealSigningKey, 'kid' | 'publicKey'>, options: Pick<SealKeyOptions, 'AUDIT_SEAL_VERIFY_KEYS'>): SealKeySet {
  const keys = new Map<string, KeyObject>([[current.kid, current.publicKey]]);
  if (options.AUDIT_SEAL_VERIFY_KEYS) for (const [kid, key] of parseSealPublicKeys(options.AUDIT_SEAL_VERIFY_KEYS)) keys.set(kid, key);
  return keys;
}

export const SEAL_SIGNER = Symbol('SEAL_SIGNER');

/** What the sealer needs: the key to sign with and the keys to verify against. */
export interface SealSigner {
  readonly key: SealSigningKey;
  readonly keys: SealKeySet;
}

export async function loadSealSigner(options: SealKeyOptions): Promise<SealSigner> {
  const key = await loadSealSigningKey(options);
  return { key, keys: sealKeySet(key, options) };
}
