import { createHash, randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { ConfigError, readOrCreatePrivateFile } from '#runtime';
import { KEY_BYTES } from './privacy-crypto.js';

export const PRIVACY_MASTER_KEY = Symbol('PRIVACY_MASTER_KEY');

export interface MasterKey {
  readonly key: Buffer;
  /** First 16 hex digits of SHA-256(key): names the key in logs without revealing it. */
  readonly fingerprint: string;
  readonly source: 'environment' | 'file';
}

const fingerprint = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 16);

/** 32 bytes as 64 hex digits or base64 / base64url (`openssl rand -base64 32`). */
export function parseMasterKey(value: string, variable = 'PRIVACY_MASTER_KEY'): Buffer {
  const v = value.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(v) ? Buffer.from(v, 'hex') : /^[A-Za-z0-9+/_-]{43}={0,1}$/.test(v) ? Buffer.from(v, 'base64') : undefined;
  if (!key || key.length !== KEY_BYTES) throw new ConfigError(variable, 'must be 32 random bytes, as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)');
  return key;
}

export interface MasterKeyOptions {
  readonly NODE_ENV: string;
  readonly DATA_DIR: string;
  /** From the environment, format-checked by loadConfig (config/app-config.ts). */
  readonly PRIVACY_MASTER_KEY?: string | undefined;
}

/**
 * A malformed key stops the process, and production refuses to start without one: a key file next to the database
 * would be copied, backed up and restored together with it, which defeats wrapping.
 */
export function checkPrivacyMasterKey(value: string | undefined, nodeEnv: string): void {
  if (value !== undefined && value !== '') parseMasterKey(value);
  else if (nodeEnv === 'production')
    throw new ConfigError('PRIVACY_MASTER_KEY', 'is required in production: it wraps every subject and study key (32 random bytes, base64 or hex)');
}

/**
 * The key-encryption key: PRIVACY_MASTER_KEY, or outside production a key created on first use at
 * DATA_DIR/privacy/master-key (readOrCreatePrivateFile: mode 0600, created once, kept across restarts).
 */
export async function loadMasterKey(options: MasterKeyOptions): Promise<MasterKey> {
  const value = options.PRIVACY_MASTER_KEY;
  checkPrivacyMasterKey(value, options.NODE_ENV);
  if (value !== undefined && value !== '') {
    const key = parseMasterKey(value);
    return { key, fingerprint: fingerprint(key), source: 'environment' };
  }
  const path = resolve(join(options.DATA_DIR, 'privacy', 'master-key'));
  const text = await readOrCreatePrivateFile(path, () => `${randomBytes(KEY_BYTES).toString('base64')}\n`);
  const key = parseMasterKey(text, path);
  return { key, fingerprint: fingerprint(key), source: 'file' };
}
