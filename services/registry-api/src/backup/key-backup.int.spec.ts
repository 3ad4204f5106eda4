import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import type { PersonalDataEnvelope } from '#domain';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { loadConfig, type AppConfig } from '#runtime';
import { KeyBackupError } from '../privacy/key-backup.js';
import { KeyRing, keyRingDirectory } from '../privacy/key-ring.js';
import { loadMasterKey } from '../privacy/master-key.js';
import { PersonalDataVault } from '../privacy/personal-data-vault.js';
import { PseudonymService } from '../privacy/pseudonym.service.js';
import { restoreKeyBackupFile, writeKeyBackupFile } from './key-backup-file.js';

/**
 * A restore must bring back what the registry could read before (issue 12 §8): the event log holds personal fields
 * only sealed with per-subject keys and pseudonyms only as HMACs under per-study keys, so an event-log restore alone
 * left every personal field unreadable ("data key … missing") and derived other pseudonyms for the same local
 * identifiers. The key backup carries those keys, re-wrapped under the target's own ring, and never an erased one.
 */
describe('privacy key backup: backup --keys / restore --keys', () => {
  let dbs: TestDatabase[] = [];
  const sources: DataSource[] = [];
  let work: string;
  const masterKey = randomBytes(32).toString('base64');

  const config = (dataDir: string, key = masterKey): AppConfig => loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, PRIVACY_MASTER_KEY: key });
  const registry = async (dataDir: string, url: string) => {
    const ds = await new DataSource(dataSourceOptions(url, { extra: { max: 4 } })).initialize();
    sources.push(ds);
    const master = await loadMasterKey(config(dataDir));
    const ring = await KeyRing.open(ds, master, keyRingDirectory(dataDir));
    return { ds, ring, vault: new PersonalDataVault(ds, ring), pseudonyms: new PseudonymService(ds, master) };
  };

  beforeAll(async () => {
    dbs = [await createTestDatabase(), await createTestDatabase(), await createTestDatabase(), await createTestDatabase()];
    work = await mkdtemp(join(tmpdir(), 'registry-key-backup-'));
  });
  afterAll(async () => {
    for (const ds of sources) await ds.destroy();
    for (const db of dbs) await db.drop();
    await rm(work, { recursive: true, force: true });
  });

  it('restores readable personal fields and the same pseudonyms, and leaves out subjects erased before or after the key backup', async () => {
    const sourceDir = join(work, 'source');
    const source = await registry(sourceDir, dbs[0]!.url);
    const envelopes = new Map<string, PersonalDataEnvelope>();
    for (const s of ['subj-kept-1', 'subj-kept-2', 'subj-erased-before', 'subj-erased-after'])
      envelopes.set(s, await source.vault.encrypt(s, { yearOfBirth: 1957, sex: 'F', comment: s }));
    const pseudonym = await source.pseudonyms.derive('trial:T-1', 'HOSP-000123');
    await source.vault.erase('subj-erased-before');

    const keysPath = join(work, 'keys.json');
    expect(await writeKeyBackupFile(config(sourceDir), dbs[0]!.url, keysPath)).toEqual({ subjectKeys: 3, pseudonymKeys: 1, erased: 1 });
    expect((await stat(keysPath)).mode & 0o777).toBe(0o600);
    // Erased after the key backup was taken: the restored event log says so (SubjectErased), the key file does not.
    await source.vault.erase('subj-erased-after');

    const targetDir = join(work, 'target');
    const result = await restoreKeyBackupFile(config(targetDir), dbs[1]!.url, keysPath, new Set(['subj-erased-after']));
    expect(result).toEqual({ subjectKeys: 2, pseudonymKeys: 1, skippedErased: 1, tombstones: 2 });

    const target = await registry(targetDir, dbs[1]!.url);
    expect(await target.vault.decrypt(envelopes.get('subj-kept-1')!)).toEqual({ yearOfBirth: 1957, sex: 'F', comment: 'subj-kept-1' });
    expect(await target.vault.decrypt(envelopes.get('subj-kept-2')!)).toEqual({ yearOfBirth: 1957, sex: 'F', comment: 'subj-kept-2' });
    expect(await target.vault.decrypt(envelopes.get('subj-erased-before')!)).toEqual({ erased: true });
    expect(await target.vault.decrypt(envelopes.get('subj-erased-after')!)).toEqual({ erased: true });
    expect(await target.pseudonyms.derive('trial:T-1', 'HOSP-000123')).toBe(pseudonym);

    // The restored registry depends on its own ring only: the source's ring files are not needed, and its first
    // erasure destroys the key as on any registry.
    const sourceRing = ((await source.ds.query(`SELECT ring_id FROM privacy.key_ring`)) as { ring_id: string }[])[0]!.ring_id;
    expect((await readdir(keyRingDirectory(targetDir))).some((n) => n.includes(sourceRing))).toBe(false);
    await target.vault.erase('subj-kept-2');
    expect(await target.vault.decrypt(envelopes.get('subj-kept-2')!)).toEqual({ erased: true });
    expect(await target.vault.decrypt(envelopes.get('subj-kept-1')!)).toEqual({ yearOfBirth: 1957, sex: 'F', comment: 'subj-kept-1' });
  });

  it('refuses another master key, an edited file and a target that already holds keys, importing nothing', async () => {
    const sourceDir = join(work, 'source-2');
    const source = await registry(sourceDir, dbs[2]!.url);
    await source.vault.encrypt('subj-a', { yearOfBirth: 1960 });
    const keysPath = join(work, 'keys-2.json');
    await writeKeyBackupFile(config(sourceDir), dbs[2]!.url, keysPath);
    const keyCount = async (url: string) => {
      const ds = await new DataSource(dataSourceOptions(url, { extra: { max: 1 } })).initialize();
      try {
        return ((await ds.query(`SELECT count(*)::int AS n FROM privacy.subject_keys`)) as { n: number }[])[0]!.n;
      } finally {
        await ds.destroy();
      }
    };

    const targetDir = join(work, 'target-2');
    const otherKey = randomBytes(32).toString('base64');
    await expect(restoreKeyBackupFile(config(targetDir, otherKey), dbs[3]!.url, keysPath, new Set())).rejects.toThrow(
      /written under master key .* set PRIVACY_MASTER_KEY/,
    );

    // Another subject's name on the wrapped key: the digest no longer matches.
    const edited = JSON.parse(await readFile(keysPath, 'utf8')) as { subjectKeys: { subjectId: string }[] };
    edited.subjectKeys[0]!.subjectId = 'subj-b';
    const editedPath = join(work, 'keys-edited.json');
    await writeFile(editedPath, JSON.stringify(edited));
    await expect(restoreKeyBackupFile(config(targetDir), dbs[3]!.url, editedPath, new Set())).rejects.toThrow(KeyBackupError);
    expect(await keyCount(dbs[3]!.url)).toBe(0);

    // The source itself holds keys: a key backup is imported into a new registry only.
    await expect(restoreKeyBackupFile(config(sourceDir), dbs[2]!.url, keysPath, new Set())).rejects.toThrow(/already holds keys/);
    expect(await keyCount(dbs[2]!.url)).toBe(1);
  });
});
