import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number }) => Promise<Buffer>;

/** scrypt cost (RFC 7914; OWASP's minimum for scrypt is N=2^17 with r=8, p=1). */
const PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const MIN_LENGTH = 12;

interface StoredPassword {
  readonly algorithm: 'scrypt';
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: string;
  readonly hash: string;
  readonly setAt: string;
}

/**
 * Local mode has no identity provider to ask for a fresh login, so the second signature component (21 CFR
 * 11.200(a)(1)) is a signing password per actor, known only to its holder: stored as an scrypt hash, one file per actor
 * (named by the SHA-256 of the subject, so no id becomes a path) under DATA_DIR/auth/signing-passwords, mode 0600.
 */
function passwordPath(dataDir: string, actorId: string): string {
  return resolve(join(dataDir, 'auth', 'signing-passwords', `${createHash('sha256').update(actorId).digest('hex')}.json`));
}

export class WeakSigningPasswordError extends Error {}

/** Sets (or replaces) the actor's signing password: `npm run -s signing-password -- --sub <id>` reads it from stdin. */
export async function setLocalSigningPassword(
  dataDir: string,
  actorId: string,
  password: string,
  options: { now?: Date; /** scrypt N; tests lower it (the stored parameters are read back when verifying). */ cost?: number } = {},
): Promise<void> {
  if (password.length < MIN_LENGTH) throw new WeakSigningPasswordError(`a signing password has at least ${MIN_LENGTH} characters`);
  const params = { ...PARAMS, N: options.cost ?? PARAMS.N };
  const salt = randomBytes(16);
  const hash = await scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...params, maxmem: 256 * 1024 * 1024 } as typeof PARAMS);
  const stored: StoredPassword = {
    algorithm: 'scrypt',
    ...params,
    salt: salt.toString('base64'),
    hash: hash.toString('base64'),
    setAt: (options.now ?? new Date()).toISOString(),
  };
  const path = passwordPath(dataDir, actorId);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(aside, JSON.stringify(stored), { mode: 0o600, flag: 'wx' });
  await rename(aside, path);
}

/** True when `password` is the actor's signing password; false when it is not or none was set. Constant-time compare. */
export async function verifyLocalSigningPassword(dataDir: string, actorId: string, password: string): Promise<boolean> {
  const text = await readFile(passwordPath(dataDir, actorId), 'utf8').catch(() => undefined);
  if (text === undefined) return false;
  const stored = JSON.parse(text) as StoredPassword;
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await scrypt(password.normalize('NFC'), Buffer.from(stored.salt, 'base64'), expected.length, {
    N: stored.N,
    r: stored.r,
    p: stored.p,
    maxmem: 256 * 1024 * 1024,
  } as typeof PARAMS);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
