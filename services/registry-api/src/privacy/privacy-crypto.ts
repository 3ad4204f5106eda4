import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { PersonalDataEnvelope } from '#domain';

/**
 * The registry's cryptography in one place, all node:crypto:
 * - data keys (per subject, per study) are wrapped with the master key: AES-256-GCM, the key's owner as AAD, so a
 *   wrapped key copied to another row does not unwrap;
 * - personal fields are sealed with the subject's data key: AES-256-GCM, the key id as AAD;
 * - keyed pseudonyms are HMAC-SHA-256 under the study's key.
 */
const ALG = 'aes-256-gcm';
const WRAP_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export function newDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** [version | iv | tag | ciphertext of the 32-byte key] */
export function wrapKey(masterKey: Buffer, dataKey: Buffer, owner: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALG, masterKey, iv).setAAD(Buffer.from(`wrap/v${WRAP_VERSION}|${owner}`, 'utf8'));
  const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([Buffer.from([WRAP_VERSION]), iv, cipher.getAuthTag(), ct]);
}

/** Throws when the master key is wrong or the wrapped key was tampered with or moved to another owner. */
export function unwrapKey(masterKey: Buffer, wrapped: Buffer, owner: string): Buffer {
  if (wrapped.length !== 1 + IV_BYTES + TAG_BYTES + KEY_BYTES || wrapped[0] !== WRAP_VERSION) throw new Error(`Wrapped key of ${owner} has an unknown format`);
  const iv = wrapped.subarray(1, 1 + IV_BYTES);
  const tag = wrapped.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv(ALG, masterKey, iv).setAAD(Buffer.from(`wrap/v${WRAP_VERSION}|${owner}`, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(wrapped.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
}

const aad = (kid: string) => Buffer.from(`personal/v1|${kid}`, 'utf8');

export function sealValue(dataKey: Buffer, kid: string, value: unknown): PersonalDataEnvelope {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALG, dataKey, iv).setAAD(aad(kid));
  const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return { $enc: 'v1', kid, iv: iv.toString('base64url'), ct: ct.toString('base64url'), tag: cipher.getAuthTag().toString('base64url') };
}

export function openValue(dataKey: Buffer, envelope: PersonalDataEnvelope): unknown {
  const decipher = createDecipheriv(ALG, dataKey, Buffer.from(envelope.iv, 'base64url')).setAAD(aad(envelope.kid));
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64url'));
  const plain = Buffer.concat([decipher.update(Buffer.from(envelope.ct, 'base64url')), decipher.final()]);
  return JSON.parse(plain.toString('utf8')) as unknown;
}

/**
 * Same person, same study → same local identifier after trimming, Unicode NFKC, upper case and without inner
 * spaces, so "mrn 0012" and "MRN0012" give one pseudonym. Punctuation is kept: it may be significant in site codes.
 */
export function normaliseLocalIdentifier(value: string): string {
  return value.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

// 16 consonants: 4 bits per letter, no digits (no long digit runs, no look-alike dates or national numbers) and no
// vowels (no words). The `P1` prefix gives the letter+digit the pseudonym rule asks for and names the scheme version.
const ALPHABET = 'BCDFGHJKLMNPQRST';
const LETTERS = 28; // 112 bits

/** `P1-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX`: HMAC-SHA-256(study key, scope ‖ identifier), truncated to 112 bits. */
export function keyedPseudonym(studyKey: Buffer, scope: string, localIdentifier: string): string {
  const mac = createHmac('sha256', studyKey)
    .update(`pseudonym/v1\u0000${scope}\u0000${normaliseLocalIdentifier(localIdentifier)}`, 'utf8')
    .digest();
  let letters = '';
  for (let i = 0; i < LETTERS / 2; i++) letters += ALPHABET[mac[i]! >> 4]! + ALPHABET[mac[i]! & 15]!;
  return `P1-${letters.match(/.{4}/g)!.join('-')}`;
}
