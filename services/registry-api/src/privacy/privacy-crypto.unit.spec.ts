import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { isPersonalDataEnvelope, requirePseudonym } from '#domain';
import { ConfigError } from '#runtime';
import { checkPrivacyMasterKey, loadMasterKey, parseMasterKey } from './master-key.js';
import { validatePersonalData } from './personal-data.js';
import { keyedPseudonym, newDataKey, normaliseLocalIdentifier, openValue, sealValue, unwrapKey, wrapKey } from './privacy-crypto.js';

const master = randomBytes(32);

describe('key wrapping', () => {
  it('unwraps only with the same master key and for the same owner', () => {
    const key = newDataKey();
    const wrapped = wrapKey(master, key, 'subject:S1');
    expect(wrapped.includes(key)).toBe(false);
    expect(unwrapKey(master, wrapped, 'subject:S1').equals(key)).toBe(true);
    expect(() => unwrapKey(randomBytes(32), wrapped, 'subject:S1')).toThrow();
    // A wrapped key copied to another subject's row does not unwrap there.
    expect(() => unwrapKey(master, wrapped, 'subject:S2')).toThrow();
    const flipped = Buffer.from(wrapped);
    flipped[flipped.length - 1]! ^= 1;
    expect(() => unwrapKey(master, flipped, 'subject:S1')).toThrow();
  });
});

describe('personal data envelopes', () => {
  it('seal to a v1 envelope without the plaintext, and open only with the key and key id they were sealed with', () => {
    const key = newDataKey();
    const env = sealValue(key, 'sk1:S1', { comment: 'ZEBRA-QUILL-7731', yearOfBirth: 1957 });
    expect(isPersonalDataEnvelope(env)).toBe(true);
    expect(JSON.stringify(env)).not.toMatch(/ZEBRA|1957/);
    expect(Buffer.from(env.ct, 'base64url').toString('latin1')).not.toContain('ZEBRA');
    expect(openValue(key, env)).toEqual({ comment: 'ZEBRA-QUILL-7731', yearOfBirth: 1957 });
    expect(() => openValue(newDataKey(), env)).toThrow();
    expect(() => openValue(key, { ...env, kid: 'sk1:S2' })).toThrow();
    expect(() => openValue(key, { ...env, ct: Buffer.from('tampered').toString('base64url') })).toThrow();
  });

  it('use a fresh IV every time (same value, different ciphertext)', () => {
    const key = newDataKey();
    const a = sealValue(key, 'sk1:S1', { sex: 'female' });
    const b = sealValue(key, 'sk1:S1', { sex: 'female' });
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
  });
});

describe('keyed pseudonyms', () => {
  const k1 = newDataKey();
  const k2 = newDataKey();

  it('are stable per study key, unrelated across studies, and pass the registry’s pseudonym rule', () => {
    const a = keyedPseudonym(k1, 'trial:T1', 'MRN-0012345');
    expect(keyedPseudonym(k1, 'trial:T1', 'MRN-0012345')).toBe(a);
    expect(keyedPseudonym(k1, 'trial:T1', ' mrn-001 2345 ')).toBe(a);
    expect(keyedPseudonym(k2, 'trial:T2', 'MRN-0012345')).not.toBe(a);
    expect(keyedPseudonym(k1, 'trial:T1', 'MRN-0012346')).not.toBe(a);
    // Same key material under another scope still differs: the scope is part of the MAC input.
    expect(keyedPseudonym(k1, 'trial:T2', 'MRN-0012345')).not.toBe(a);
    expect(a).toMatch(/^P1(-[BCDFGHJKLMNPQRST]{4}){7}$/);
    expect(a).not.toContain('0012345');
    for (let i = 0; i < 200; i++) expect(requirePseudonym(keyedPseudonym(newDataKey(), 'programme:P', String(i)))).toBeTruthy();
  });

  it('normalise identifiers by Unicode form, case and spaces only', () => {
    expect(normaliseLocalIdentifier('ｍｒｎ 12 34')).toBe('MRN1234');
    expect(normaliseLocalIdentifier('A-1')).not.toBe(normaliseLocalIdentifier('A1'));
  });
});

describe('master key', () => {
  it('accepts 32 bytes as hex or base64 and names the variable otherwise', () => {
    const key = randomBytes(32);
    expect(parseMasterKey(key.toString('hex')).equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('base64url')).equals(key)).toBe(true);
    for (const bad of ['short', randomBytes(16).toString('base64'), randomBytes(31).toString('hex'), 'x'.repeat(64)]) {
      expect(() => parseMasterKey(bad)).toThrow(ConfigError);
    }
  });

  it('is required in production, optional elsewhere', () => {
    expect(() => checkPrivacyMasterKey(undefined, 'production')).toThrow(/PRIVACY_MASTER_KEY: is required in production/);
    expect(() => checkPrivacyMasterKey('', 'production')).toThrow(/PRIVACY_MASTER_KEY/);
    expect(() => checkPrivacyMasterKey('nope', 'development')).toThrow(/PRIVACY_MASTER_KEY/);
    expect(() => checkPrivacyMasterKey(undefined, 'development')).not.toThrow();
    expect(() => checkPrivacyMasterKey(randomBytes(32).toString('base64'), 'production')).not.toThrow();
  });

  it('in development is created once under DATA_DIR with mode 0600 and kept', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'privacy-key-'));
    try {
      const [a, b] = await Promise.all([loadMasterKey({ NODE_ENV: 'development', DATA_DIR: dir }), loadMasterKey({ NODE_ENV: 'test', DATA_DIR: dir })]);
      expect(a.key.equals(b.key)).toBe(true);
      expect(a.source).toBe('file');
      const path = join(dir, 'privacy', 'master-key');
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect(parseMasterKey(await readFile(path, 'utf8')).equals(a.key)).toBe(true);
      await expect(loadMasterKey({ NODE_ENV: 'production', DATA_DIR: dir })).rejects.toThrow(ConfigError);
      const given = randomBytes(32);
      expect((await loadMasterKey({ NODE_ENV: 'production', DATA_DIR: dir, PRIVACY_MASTER_KEY: given.toString('hex') })).key.equals(given)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('personal data validation (before sealing: nothing can check it afterwards)', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  it('keeps the given fields, lower-cases the sex, requires at least one', () => {
    expect(validatePersonalData({ yearOfBirth: 1957, sex: 'FEMALE', comment: 'ok' }, now)).toEqual({ yearOfBirth: 1957, sex: 'female', comment: 'ok' });
    expect(validatePersonalData({ yearOfBirth: null, comment: 'only' }, now)).toEqual({ comment: 'only' });
    expect(() => validatePersonalData({}, now)).toThrow(expect.objectContaining({ code: 'FIELD_REQUIRED', field: 'personal' }));
  });
  it('refuses a future or implausible year, an unknown sex, an over-long comment', () => {
    expect(() => validatePersonalData({ yearOfBirth: 2027 }, now)).toThrow(expect.objectContaining({ field: 'personal.yearOfBirth' }));
    expect(() => validatePersonalData({ yearOfBirth: 1800 }, now)).toThrow(expect.objectContaining({ field: 'personal.yearOfBirth' }));
    expect(() => validatePersonalData({ sex: 'x' }, now)).toThrow(expect.objectContaining({ code: 'INVALID_ENUM_VALUE', field: 'personal.sex' }));
    expect(() => validatePersonalData({ comment: 'c'.repeat(2001) }, now)).toThrow(expect.objectContaining({ field: 'personal.comment' }));
  });
});
