import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { PersonalDataEnvelope } from '#domain';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { bucketOf, DEFAULT_BUCKETS, KeyRing, keyRingDirectory, LoadedRing } from './key-ring.js';
import { loadMasterKey, parseMasterKey, type MasterKey } from './master-key.js';
import { PersonalDataVault } from './personal-data-vault.js';
import { openValue, unwrapKey } from './privacy-crypto.js';
import type { RingFile } from './key-ring-files.js';

/**
 * Issue 12 §1, the hard way: the attacker of the black-box test holds, after an erasure, a file-level copy of the
 * database taken before it, the live database's dead tuples (pageinspect) and WAL (pg_walinspect), and every key
 * file on the machine (the development master key file next to the database included), and uses the project's own
 * unwrap/open functions. None of it may open the erased subject's personal fields; the other subjects' still open.
 */
const A = 'S-erased';
const bucketA = bucketOf(A, DEFAULT_BUCKETS);
/** A second subject in A's bucket (its key is re-wrapped by the erasure) and one in another bucket. */
const B = Array.from({ length: 10_000 }, (_, i) => `S-same-bucket-${i}`).find((s) => bucketOf(s, DEFAULT_BUCKETS) === bucketA)!;
const D = Array.from({ length: 100 }, (_, i) => `S-other-bucket-${i}`).find((s) => bucketOf(s, DEFAULT_BUCKETS) !== bucketA)!;
const PERSONAL = {
  [A]: { yearOfBirth: 1957, sex: 'female', comment: 'A: lives near the old mill' },
  [B]: { yearOfBirth: 1962, sex: 'male', comment: 'B: keeps bees' },
  [D]: { yearOfBirth: 1971, sex: 'other', comment: 'D: plays the oboe' },
};

const adminUrl = (database: string) => {
  const u = new URL(process.env.TEST_DATABASE_URL!);
  u.pathname = `/${database}`;
  return u.toString();
};

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/**
 * Every key an attacker can make of the files under `dir`: each file read as a master key, and every KEK of each
 * key ring file opened with each of those master keys (LoadedRing.fromFile, the project's own code).
 */
async function keysFrom(dir: string): Promise<Buffer[]> {
  const texts = await Promise.all((await filesUnder(dir)).map((f) => readFile(f, 'utf8')));
  const masters = texts.flatMap((t) => {
    try {
      return [parseMasterKey(t)];
    } catch {
      return [];
    }
  });
  const keks = texts.flatMap((t) => {
    let file: RingFile;
    try {
      file = JSON.parse(t) as RingFile;
    } catch {
      return [];
    }
    if (!Array.isArray(file.keks)) return [];
    return masters.flatMap((m) => {
      try {
        const ring = LoadedRing.fromFile(file, m);
        return ring.versions.map((v, b) => ring.kek(b, v));
      } catch {
        return [];
      }
    });
  });
  return [...masters, ...keks];
}

/** The subject's data key, if any of the keys unwraps any of the wrapped copies. */
function crack(subjectId: string, wrappedCopies: readonly Buffer[], keys: readonly Buffer[]): Buffer | undefined {
  for (const wrapped of wrappedCopies) {
    for (const key of keys) {
      try {
        return unwrapKey(key, wrapped, `subject:${subjectId}`);
      } catch {
        // not this one
      }
    }
  }
  return undefined;
}

/** A varlena attribute as tuple_data_split returns it: 1-byte header (short) or 4-byte header (little endian). */
function varlena(raw: Buffer): Buffer {
  if ((raw[0]! & 0x01) === 1) return raw.subarray(1, raw[0]! >> 1);
  return raw.subarray(4, raw.readUInt32LE(0) >> 2);
}

describe('erasure is irreversible: old copies of the database, its dead tuples and WAL, and every key file left', () => {
  let db: TestDatabase;
  let copy: Pick<TestDatabase, 'name' | 'url' | 'drop'>;
  let dataDir: string;
  let oldKeyDir: string;
  let ds: DataSource;
  let master: MasterKey;
  let vault: PersonalDataVault;
  let superuser: pg.Client;
  let walStart: string;
  const envelopes: Record<string, PersonalDataEnvelope> = {};

  const openVault = async () => {
    ds = await new DataSource(dataSourceOptions(db.url)).initialize();
    vault = new PersonalDataVault(ds, await KeyRing.open(ds, master, keyRingDirectory(dataDir)));
  };
  /** Every wrapped key of `subjectId` in privacy.subject_keys of `url`, live or dead, read from the raw pages. */
  const tuplesOf = async (client: pg.Client, subjectId: string) => {
    const { rows } = await client.query<{ subject: Buffer; wrapped: Buffer; dead: boolean }>(
      `SELECT a[1] AS subject, a[2] AS wrapped, t_xmax <> '0' AS dead
         FROM generate_series(0, (pg_relation_size('privacy.subject_keys') / current_setting('block_size')::int) - 1) AS blk,
              LATERAL heap_page_items(get_raw_page('privacy.subject_keys', blk::int)) AS item,
              LATERAL tuple_data_split('privacy.subject_keys'::regclass, item.t_data, item.t_infomask, item.t_infomask2, item.t_bits) AS a
        WHERE item.t_data IS NOT NULL`,
    );
    return rows.filter((r) => varlena(r.subject).toString('utf8') === subjectId).map((r) => ({ wrapped: Buffer.from(varlena(r.wrapped)), dead: r.dead }));
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'registry-erasure-'));
    // The development default: the master key is a file in the data directory, as in the black-box test.
    master = await loadMasterKey({ NODE_ENV: 'development', DATA_DIR: dataDir });
    expect(master.source).toBe('file');
    await openVault();
    superuser = new pg.Client({ connectionString: db.url });
    await superuser.connect();
    await superuser.query(`CREATE EXTENSION IF NOT EXISTS pageinspect`);
    await superuser.query(`CREATE EXTENSION IF NOT EXISTS pg_walinspect`);
    walStart = (await superuser.query<{ lsn: string }>(`SELECT pg_current_wal_lsn()::text AS lsn`)).rows[0]!.lsn;
  });
  afterAll(async () => {
    await superuser?.end();
    await ds?.destroy();
    await copy?.drop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
    if (oldKeyDir) await rm(oldKeyDir, { recursive: true, force: true });
  });

  it('records personal data of three subjects, two of them in one key ring bucket', async () => {
    expect(bucketOf(B, DEFAULT_BUCKETS)).toBe(bucketA);
    for (const s of [A, B, D]) envelopes[s] = await vault.encrypt(s, PERSONAL[s]);
    for (const s of [A, B, D]) expect(await vault.decrypt(envelopes[s]!)).toEqual(PERSONAL[s]);
  });

  it('takes a file-level copy of the database and a copy of the key directory, then erases A', async () => {
    // CREATE DATABASE … TEMPLATE copies the database page by page, like a file-level backup; it needs the source idle.
    await ds.destroy();
    const name = `${db.name}_backup`;
    const admin = new pg.Client({ connectionString: adminUrl('postgres') });
    await admin.connect();
    await superuser.end();
    try {
      // An autovacuum worker may briefly be connected to the source: retry as test/support/test-database.ts does.
      for (let attempt = 0; ; attempt++) {
        try {
          await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${db.name}"`);
          break;
        } catch (err) {
          if (attempt > 100 || !/being accessed by other users/.test(String(err))) throw err;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    } finally {
      await admin.end();
    }
    copy = { name, url: adminUrl(name), drop: () => dropDatabase(name) };
    oldKeyDir = await mkdtemp(join(tmpdir(), 'registry-erasure-keys-before-'));
    await cp(join(dataDir, 'privacy'), oldKeyDir, { recursive: true });
    superuser = new pg.Client({ connectionString: db.url });
    await superuser.connect();
    await openVault(); // a restart: the ring is checked and recovered on start

    expect(await vault.erase(A)).toEqual({ keyDestroyed: true });
    expect(await vault.decrypt(envelopes[A]!)).toEqual({ erased: true });
  });

  it('the other subjects still decrypt, the one in A’s bucket too (its key was re-wrapped)', async () => {
    expect(await vault.decrypt(envelopes[B]!)).toEqual(PERSONAL[B]);
    expect(await vault.decrypt(envelopes[D]!)).toEqual(PERSONAL[D]);
    // And after another restart, from the files and rows alone.
    await ds.destroy();
    await openVault();
    expect(await vault.decrypt(envelopes[B]!)).toEqual(PERSONAL[B]);
    expect(await vault.decrypt(envelopes[D]!)).toEqual(PERSONAL[D]);
  });

  it('nothing left on the machine opens A: not the copy from before, not dead tuples, not the WAL, with every key file there is', async () => {
    const backup = new pg.Client({ connectionString: copy.url });
    await backup.connect();
    let fromBackup: Buffer[];
    try {
      await backup.query(`CREATE EXTENSION IF NOT EXISTS pageinspect`);
      fromBackup = (await tuplesOf(backup, A)).map((t) => t.wrapped);
    } finally {
      await backup.end();
    }
    const deadTuples = await tuplesOf(superuser, A);
    // The copies really exist: the backup holds A's wrapped key, the live table still holds it as a dead tuple, the WAL too.
    expect(fromBackup).toHaveLength(1);
    expect(deadTuples.length).toBeGreaterThan(0);
    expect(deadTuples.every((t) => t.dead)).toBe(true);
    expect(deadTuples.some((t) => t.wrapped.equals(fromBackup[0]!))).toBe(true);
    const { rows: wal } = await superuser.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_get_wal_block_info($1::pg_lsn, pg_current_wal_lsn())
        WHERE relfilenode = pg_relation_filenode('privacy.subject_keys') AND position($2::bytea IN coalesce(block_data, block_fpi_data)) > 0`,
      [walStart, fromBackup[0]],
    );
    expect(Number(wal[0]!.n)).toBeGreaterThan(0);

    // Every key file present after the erasure: the master key file and the current key ring file.
    const keysAfter = await keysFrom(join(dataDir, 'privacy'));
    expect(crack(A, [...fromBackup, ...deadTuples.map((t) => t.wrapped)], keysAfter)).toBeUndefined();
    expect(keysAfter.length).toBe(1 + DEFAULT_BUCKETS); // the attack did try them all

    // The copy of the key directory from before the erasure is what still opens it: an operator must destroy it.
    const keysBefore = await keysFrom(oldKeyDir);
    const key = crack(A, fromBackup, keysBefore);
    expect(key).toBeDefined();
    expect(openValue(key!, envelopes[A]!)).toEqual(PERSONAL[A]);
  });

  it('the superseded key ring file is gone from the key directory; only the current generation is there', async () => {
    const ringFiles = (await readdir(keyRingDirectory(dataDir))).sort();
    const before = (await readdir(join(oldKeyDir, 'keyring'))).sort();
    expect(ringFiles).toHaveLength(1);
    expect(before).toHaveLength(1);
    expect(ringFiles[0]).not.toBe(before[0]);
    const { rows } = await superuser.query<{ ring_id: string; generation: string }>(`SELECT ring_id, generation FROM privacy.key_ring`);
    expect(ringFiles[0]).toBe(`ring-${rows[0]!.ring_id}-${rows[0]!.generation}.json`);
  });

  it('the copy from before, restored beside today’s key directory, is refused at start and opens only the untouched buckets', async () => {
    const restored = await new DataSource(dataSourceOptions(copy.url)).initialize();
    try {
      await expect(KeyRing.open(restored, master, keyRingDirectory(dataDir))).rejects.toThrow(/is missing/);
      const backup = new pg.Client({ connectionString: copy.url });
      await backup.connect();
      try {
        const keysAfter = await keysFrom(join(dataDir, 'privacy'));
        const copyOf = async (s: string) => (await tuplesOf(backup, s)).map((t) => t.wrapped);
        // D's bucket was not rotated: a pre-erasure backup still serves D with the current key ring …
        const d = crack(D, await copyOf(D), keysAfter);
        expect(d && openValue(d, envelopes[D]!)).toEqual(PERSONAL[D]);
        // … while everyone in A's bucket needs a copy of privacy.subject_keys taken after the erasure (README "Backups").
        expect(crack(B, await copyOf(B), keysAfter)).toBeUndefined();
      } finally {
        await backup.end();
      }
    } finally {
      await restored.destroy();
    }
  });
});

async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
