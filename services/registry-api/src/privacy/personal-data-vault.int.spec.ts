import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { KeyRing } from './key-ring.js';
import type { MasterKey } from './master-key.js';
import { PersonalDataVault } from './personal-data-vault.js';
import { PseudonymService } from './pseudonym.service.js';

describe('PersonalDataVault and PseudonymService on PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const master: MasterKey = { key: randomBytes(32), fingerprint: 'test', source: 'environment' };
  let vault: PersonalDataVault;
  let keyDir: string;
  const keyRows = async (subjectId: string) =>
    (await ds.query(`SELECT wrapped_key FROM privacy.subject_keys WHERE subject_id = $1`, [subjectId])) as { wrapped_key: Buffer }[];

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url, { extra: { max: 12 } })).initialize();
    keyDir = await mkdtemp(join(tmpdir(), 'registry-vault-'));
    vault = new PersonalDataVault(ds, await KeyRing.open(ds, master, keyDir));
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
    await rm(keyDir, { recursive: true, force: true });
  });

  it('round-trips a value; the key is stored only wrapped, once, even when first uses race', async () => {
    const envelopes = await Promise.all(Array.from({ length: 8 }, (_, i) => vault.encrypt('S-race', { comment: `note ${i}` })));
    const rows = await keyRows('S-race');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.wrapped_key.length).toBe(61);
    for (const [i, env] of envelopes.entries()) expect(await vault.decrypt(env)).toEqual({ comment: `note ${i}` });
  });

  it('answers erased after erasure, keeps a tombstone, never creates a key again, and erases idempotently', async () => {
    const env = await vault.encrypt('S-erase', { yearOfBirth: 1957, sex: 'female' });
    expect(await vault.erase('S-erase')).toEqual({ keyDestroyed: true });
    expect(await vault.decrypt(env)).toEqual({ erased: true });
    expect(await keyRows('S-erase')).toEqual([]);
    expect(await vault.isErased('S-erase')).toBe(true);
    await expect(vault.encrypt('S-erase', { comment: 'again' })).rejects.toMatchObject({ code: 'SUBJECT_ERASED' });
    expect(await keyRows('S-erase')).toEqual([]);
    expect(await vault.erase('S-erase')).toEqual({ keyDestroyed: false });
    // A subject that never had personal data can be erased too (the tombstone still blocks later data).
    expect(await vault.erase('S-never')).toEqual({ keyDestroyed: false });
    await expect(vault.encrypt('S-never', { comment: 'late' })).rejects.toMatchObject({ code: 'SUBJECT_ERASED' });
  });

  it('leaves no key behind when an erasure races first encryptions', async () => {
    for (let round = 0; round < 5; round++) {
      const id = `S-racing-erase-${round}`;
      await Promise.allSettled([vault.encrypt(id, { comment: 'a' }), vault.erase(id), vault.encrypt(id, { comment: 'b' })]);
      expect(await keyRows(id)).toEqual([]);
    }
  });

  it('refuses to open with another master key, and reports a key lost without a tombstone as damage, not erasure', async () => {
    const env = await vault.encrypt('S-master', { comment: 'x' });
    await expect(new PersonalDataVault(ds, new KeyRing(ds, { ...master, key: randomBytes(32) }, keyDir)).decrypt(env)).rejects.toThrow(/master key/);
    await ds.query(`DELETE FROM privacy.subject_keys WHERE subject_id = 'S-master'`);
    await expect(vault.decrypt(env)).rejects.toThrow(/never erased/);
  });

  it('derives one pseudonym per study from one key per study, created once under concurrency', async () => {
    const a = new PseudonymService(ds, master);
    const b = new PseudonymService(ds, master);
    const first = await Promise.all([a.derive('trial:T1', 'MRN-77'), b.derive('trial:T1', 'MRN-77'), a.derive('trial:T1', ' mrn-77 ')]);
    expect(new Set(first).size).toBe(1);
    expect(await a.derive('trial:T2', 'MRN-77')).not.toBe(first[0]);
    const rows = (await ds.query(`SELECT scope FROM privacy.pseudonym_keys ORDER BY scope`)) as { scope: string }[];
    expect(rows.map((r) => r.scope)).toEqual(['trial:T1', 'trial:T2']);
  });
});
