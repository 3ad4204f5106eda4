import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import type { PersonalDataEnvelope } from '#domain';
import { dataSourceOptions } from '../../../../migrations/data-source.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { bucketOf, KeyRing } from './key-ring.js';
import type { MasterKey } from './master-key.js';
import { PersonalDataVault } from './personal-data-vault.js';
import { newDataKey, sealValue, wrapKey } from './privacy-crypto.js';

/**
 * The key ring's promises besides irreversibility (erasure-irreversible.int.spec.ts): a crash at any point of a
 * rotation loses no other subject's key and leaves no old KEK behind after recovery; several instances sharing the
 * key directory follow each other's rotations; erasures racing key creation leave every surviving key readable.
 * Small rings (4 buckets) so that subjects share buckets.
 */
const BUCKETS = 4;

describe('key ring: crash safety, several instances, concurrency', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let dir: string;
  const master: MasterKey = { key: randomBytes(32), fingerprint: 'test', source: 'environment' };

  const ringFiles = async () => (await readdir(dir)).filter((n) => n.startsWith('ring-')).sort();
  const generation = async () => Number(((await ds.query(`SELECT generation FROM privacy.key_ring`)) as { generation: string }[])[0]!.generation);
  const instance = async () => {
    const ring = await KeyRing.open(ds, master, dir, BUCKETS);
    return { ring, vault: new PersonalDataVault(ds, ring) };
  };
  /** Subject ids that fall into `bucket`. */
  const inBucket = (bucket: number, prefix: string, n: number) => {
    const out: string[] = [];
    for (let i = 0; out.length < n; i++) if (bucketOf(`${prefix}-${i}`, BUCKETS) === bucket) out.push(`${prefix}-${i}`);
    return out;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url, { extra: { max: 16 } })).initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'registry-key-ring-'));
    await ds.query(`DELETE FROM privacy.key_ring`);
    await ds.query(`DELETE FROM privacy.subject_keys`);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the ring once, even when instances start together, with one file of generation 1', async () => {
    await Promise.all([instance(), instance(), instance()]);
    expect((await ds.query(`SELECT generation, buckets FROM privacy.key_ring`)) as unknown[]).toEqual([{ generation: '1', buckets: BUCKETS }]);
    expect(await ringFiles()).toHaveLength(1);
  });

  it('a crash after the next ring file is written but before commit loses nothing; the next start removes the orphan', async () => {
    const { ring, vault } = await instance();
    const [a, b] = inBucket(0, 'crash-before', 2);
    const sealed = { a: await vault.encrypt(a!, { comment: 'a' }), b: await vault.encrypt(b!, { comment: 'b' }) };
    const crash = new Error('crash before commit');
    await expect(
      ds.transaction(async (m) => {
        await ring.lock(m, 'exclusive');
        await m.query(`DELETE FROM privacy.subject_keys WHERE subject_id = $1`, [a]);
        await ring.rotate(m, (await ring.state(m))!, 0);
        throw crash;
      }),
    ).rejects.toBe(crash);
    expect(await ringFiles()).toHaveLength(2); // generation 1 and the orphan 2
    // A crash inside the file write leaves a half-written temporary (holding the other buckets' current KEKs) too.
    const orphan = (await ringFiles())[1]!;
    await copyFile(join(dir, orphan), join(dir, `${orphan}.4242.deadbeef.tmp`));
    expect(await generation()).toBe(1);
    expect(await vault.decrypt(sealed.a)).toEqual({ comment: 'a' });
    expect(await vault.decrypt(sealed.b)).toEqual({ comment: 'b' });

    const restarted = await instance();
    expect(await ringFiles()).toEqual([orphan.replace(/-2\.json$/, '-1.json')]);
    expect(await restarted.vault.erase(a!)).toEqual({ keyDestroyed: true });
    expect(await restarted.vault.decrypt(sealed.a)).toEqual({ erased: true });
    expect(await restarted.vault.decrypt(sealed.b)).toEqual({ comment: 'b' });
    expect(await generation()).toBe(2);
    expect(await ringFiles()).toHaveLength(1);
  });

  it('a crash after commit but before the old file is destroyed: the start, or any instance seeing the new generation, destroys it', async () => {
    const first = await instance();
    const other = await instance();
    const [a, b] = inBucket(1, 'crash-after', 2);
    const sealed = { a: await first.vault.encrypt(a!, { comment: 'a' }), b: await first.vault.encrypt(b!, { comment: 'b' }) };
    expect(await other.vault.decrypt(sealed.b)).toEqual({ comment: 'b' }); // `other` now holds generation 1
    await ds.transaction(async (m) => {
      await first.ring.lock(m, 'exclusive');
      await m.query(`INSERT INTO privacy.erased_subjects (subject_id) VALUES ($1)`, [a]);
      await m.query(`DELETE FROM privacy.subject_keys WHERE subject_id = $1`, [a]);
      await first.ring.rotate(m, (await first.ring.state(m))!, 1);
    }); // committed; the process "dies" before KeyRing.committed
    expect(await ringFiles()).toHaveLength(2);
    // Another instance reads a row of the new generation, follows it and destroys the superseded file.
    expect(await other.vault.decrypt(sealed.b)).toEqual({ comment: 'b' });
    expect(await other.vault.decrypt(sealed.a)).toEqual({ erased: true });
    await waitFor(async () => (await ringFiles()).length === 1);
    // And a restart alone would have done it too.
    await first.vault.encrypt(inBucket(2, 'later', 1)[0]!, { comment: 'c' });
    const restarted = await instance();
    expect(await ringFiles()).toEqual([`ring-${(await restarted.ring.state(ds.manager))!.ringId}-2.json`]);
  });

  it('several instances follow each other’s rotations, and the superseded KEKs are gone from disk', async () => {
    const one = await instance();
    const two = await instance();
    const subjects = inBucket(3, 'multi', 6);
    const sealed = new Map<string, PersonalDataEnvelope>();
    for (const s of subjects) sealed.set(s, await one.vault.encrypt(s, { comment: s }));
    for (const [i, s] of subjects.slice(0, 3).entries()) {
      const vault = i % 2 === 0 ? one.vault : two.vault;
      expect(await vault.erase(s)).toEqual({ keyDestroyed: true });
      for (const reader of [one.vault, two.vault]) {
        for (const t of subjects) expect(await reader.decrypt(sealed.get(t)!)).toEqual(subjects.indexOf(t) <= i ? { erased: true } : { comment: t });
      }
      // A key created by the other instance right after a rotation is wrapped under the new KEK.
      const fresh = `multi-fresh-${i}`;
      sealed.set(fresh, await (i % 2 === 0 ? two : one).vault.encrypt(fresh, { comment: fresh }));
      expect(await (i % 2 === 0 ? one : two).vault.decrypt(sealed.get(fresh)!)).toEqual({ comment: fresh });
    }
    expect(await generation()).toBe(4);
    expect(await ringFiles()).toHaveLength(1);
  });

  it('erasures racing key creation and each other leave every surviving key readable and one ring file', async () => {
    const one = await instance();
    const two = await instance();
    const early = Array.from({ length: 24 }, (_, i) => `race-${i}`);
    const sealed = new Map<string, PersonalDataEnvelope>();
    for (const s of early) sealed.set(s, await one.vault.encrypt(s, { comment: s }));
    const erased = early.filter((_, i) => i % 3 === 0);
    const late = Array.from({ length: 24 }, (_, i) => `race-late-${i}`);
    await Promise.all([
      ...erased.map((s, i) => (i % 2 === 0 ? one : two).vault.erase(s)),
      ...late.map(async (s, i) => sealed.set(s, await (i % 2 === 0 ? two : one).vault.encrypt(s, { comment: s }))),
    ]);
    for (const [s, env] of sealed) expect(await one.vault.decrypt(env)).toEqual(erased.includes(s) ? { erased: true } : { comment: s });
    expect(await generation()).toBe(1 + erased.length);
    expect(await ringFiles()).toHaveLength(1);
    const restarted = await instance();
    for (const [s, env] of sealed) expect(await restarted.vault.decrypt(env)).toEqual(erased.includes(s) ? { erased: true } : { comment: s });
  });

  it('moves keys wrapped by the master key (before the key ring) onto the ring at start', async () => {
    const key = newDataKey();
    const envelope = sealValue(key, 'sk1:legacy-1', { comment: 'from before' });
    await ds.query(`INSERT INTO privacy.subject_keys (subject_id, wrapped_key) VALUES ($1, $2)`, ['legacy-1', wrapKey(master.key, key, 'subject:legacy-1')]);
    const { vault } = await instance();
    expect((await ds.query(`SELECT kek_bucket, kek_version FROM privacy.subject_keys WHERE subject_id = 'legacy-1'`)) as unknown[]).toEqual([
      { kek_bucket: bucketOf('legacy-1', BUCKETS), kek_version: '1' },
    ]);
    expect(await vault.decrypt(envelope)).toEqual({ comment: 'from before' });
  });

  it('refuses to start when the current generation’s file is missing, or opens with another master key', async () => {
    await instance();
    await expect(KeyRing.open(ds, { ...master, key: randomBytes(32) }, dir, BUCKETS)).rejects.toThrow(/does not open with the master key/);
    const other = await mkdtemp(join(tmpdir(), 'registry-key-ring-other-'));
    try {
      await expect(KeyRing.open(ds, master, other, BUCKETS)).rejects.toThrow(/is missing: no personal data can be decrypted/);
      expect((await readdir(other)).filter((n) => n.startsWith('ring-'))).toEqual([]);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
