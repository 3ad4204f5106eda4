import { createHash, randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { DataSource, EntityManager } from 'typeorm';
import type { MasterKey } from './master-key.js';
import {
  destroyRingFile,
  destroyRingTemporaries,
  ensureRingDirectory,
  readRingFile,
  RING_FORMAT,
  ringFileName,
  ringGenerations,
  writeRingFile,
  type RingFile,
} from './key-ring-files.js';
import { newDataKey, unwrapKey, wrapKey } from './privacy-crypto.js';

export const KEY_RING = Symbol('KEY_RING');

/**
 * 256 buckets bound the work of one erasure to re-wrapping the keys of one bucket (about 1/256 of the subjects)
 * instead of all of them, at the price of a ring file of about 25 KB. The count is fixed per ring (privacy.key_ring).
 */
export const DEFAULT_BUCKETS = 256;

/** The key ring directory of a data directory (must be shared by every API instance using the same database). */
export const keyRingDirectory = (dataDir: string) => resolve(join(dataDir, 'privacy', 'keyring'));

/** What privacy.key_ring says, read in the same statement (snapshot) as the wrapped keys it applies to. */
export interface RingState {
  readonly ringId: string;
  readonly generation: number;
  readonly buckets: number;
}

/** A wrapped subject key as stored in privacy.subject_keys. */
export interface WrappedSubjectKey {
  readonly subjectId: string;
  readonly wrapped: Buffer;
  /** null: wrapped by the master key itself (a row from before the key ring), re-wrapped at the next start. */
  readonly bucket: number | null;
  readonly version: number | null;
}

export const subjectOwner = (subjectId: string) => `subject:${subjectId}`;
const kekOwner = (ringId: string, bucket: number, version: number) => `kek:${ringId}:${bucket}:${version}`;

/** Which bucket a subject's key lives in: stable, and spread evenly whatever the shape of subject ids. */
export function bucketOf(subjectId: string, buckets: number): number {
  return createHash('sha256').update(`privacy/bucket\u0000${subjectId}`, 'utf8').digest().readUInt32BE(0) % buckets;
}

/** One generation of the ring, its KEKs unwrapped in memory. */
export class LoadedRing {
  constructor(
    readonly ringId: string,
    readonly generation: number,
    readonly versions: readonly number[],
    private readonly keks: readonly Buffer[],
  ) {}

  get buckets(): number {
    return this.keks.length;
  }

  /** The KEK of `bucket`, if it still has this version; anything else means the row and the ring disagree. */
  kek(bucket: number, version: number): Buffer {
    const kek = this.keks[bucket];
    if (kek === undefined || this.versions[bucket] !== version) {
      throw new Error(`Key ring ${this.ringId} generation ${this.generation} has no KEK version ${version} for bucket ${bucket}`);
    }
    return kek;
  }

  /** The same ring with a fresh KEK for `bucket`, as generation `generation` (copies: destroying one leaves the other). */
  rotated(bucket: number, generation: number): LoadedRing {
    const keks = this.keks.map((k, i) => (i === bucket ? newDataKey() : Buffer.from(k)));
    const versions = this.versions.map((v, i) => (i === bucket ? generation : v));
    return new LoadedRing(this.ringId, generation, versions, keks);
  }

  toFile(master: Buffer): RingFile {
    return {
      format: RING_FORMAT,
      ringId: this.ringId,
      generation: this.generation,
      versions: this.versions,
      keks: this.keks.map((k, i) => wrapKey(master, k, kekOwner(this.ringId, i, this.versions[i]!)).toString('base64url')),
    };
  }

  static fromFile(file: RingFile, master: Buffer): LoadedRing {
    const keks = file.keks.map((w, i) => unwrapKey(master, Buffer.from(w, 'base64url'), kekOwner(file.ringId, i, file.versions[i]!)));
    return new LoadedRing(file.ringId, file.generation, file.versions, keks);
  }

  /** Best effort: zero the KEKs held in this process once the generation is superseded. */
  forget(): void {
    for (const k of this.keks) k.fill(0);
  }
}

type LockMode = 'shared' | 'exclusive';

/**
 * The key ring (README "Key ring"): subject data keys are wrapped by bucket KEKs that live in files outside the
 * database, never by anything the database or its backups contain. Erasing a subject rotates its bucket's KEK:
 *
 * 1. under the exclusive ring lock, the next generation's file (a fresh KEK for the bucket) is written durably;
 * 2. in the erasing transaction the subject's key is deleted, the bucket's other keys are re-wrapped under the fresh
 *    KEK and privacy.key_ring moves to the next generation;
 * 3. after commit, the files of older generations are destroyed.
 *
 * A crash before (2) commits leaves an orphan file that wraps nothing (removed at the next start or rotation); a
 * crash after it leaves the superseded file until the next start, rotation or generation change seen by any
 * instance. No crash loses a key: a row always refers to a generation whose file exists until a newer committed
 * generation supersedes it. Creating a subject key takes the ring lock shared, so no key is wrapped under a KEK that
 * an erasure is about to destroy.
 */
export class KeyRing {
  /** Newest generation loaded; older ones are forgotten as soon as the database shows a newer one. */
  private cache: LoadedRing | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly master: MasterKey,
    readonly dir: string,
    private readonly bucketCount: number = DEFAULT_BUCKETS,
  ) {
    if (!Number.isInteger(bucketCount) || bucketCount < 1 || bucketCount > 65_536) throw new RangeError(`bucket count must be 1..65536, got ${bucketCount}`);
  }

  /** Creates the ring on first start, or checks it, re-wraps keys from before the ring and removes stale files. */
  static async open(dataSource: DataSource, master: MasterKey, dir: string, bucketCount?: number): Promise<KeyRing> {
    const ring = new KeyRing(dataSource, master, dir, bucketCount);
    await ring.recover();
    return ring;
  }

  async lock(m: EntityManager, mode: LockMode): Promise<void> {
    await m.query(`SELECT ${mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock'}(hashtextextended('privacy:key-ring', 7270))`);
  }

  async state(m: EntityManager): Promise<RingState | undefined> {
    const rows = (await m.query(`SELECT ring_id, generation, buckets FROM privacy.key_ring WHERE id`)) as {
      ring_id: string;
      generation: string;
      buckets: number;
    }[];
    const r = rows[0];
    return r ? { ringId: r.ring_id, generation: Number(r.generation), buckets: r.buckets } : undefined;
  }

  /**
   * Runs `use` on the ring of a committed state; undefined when its file is already gone (a newer generation
   * committed after the caller's statement read the state: read again). `use` must be synchronous: a superseded
   * generation's KEKs are zeroed in memory as soon as a newer one is seen, so a ring must never be held across an
   * await. Seeing a newer generation also destroys the files of older ones.
   */
  async use<T>(state: RingState, use: (ring: LoadedRing) => T): Promise<T | undefined> {
    const ring = await this.load(state);
    return ring ? synchronously(use(ring)) : undefined;
  }

  /** As use, but a missing file is damage (the caller holds the ring lock, so no rotation can have superseded it). */
  async useRequired<T>(state: RingState, use: (ring: LoadedRing) => T): Promise<T> {
    const ring = await this.load(state);
    if (ring) return synchronously(use(ring));
    throw new Error(
      `The privacy key ring file ${join(this.dir, ringFileName(state.ringId, state.generation))} is missing: no personal data can be decrypted without it. ` +
        `Every API instance must share this directory; restore the file of exactly this generation (never an older one) — see services/registry-api/src/privacy/README.md "Key ring"`,
    );
  }

  private async load(state: RingState): Promise<LoadedRing | undefined> {
    const cached = this.cache;
    if (cached && cached.ringId === state.ringId && cached.generation === state.generation) return cached;
    const file = await readRingFile(this.dir, state.ringId, state.generation);
    if (!file) return undefined;
    let ring: LoadedRing;
    try {
      ring = LoadedRing.fromFile(file, this.master.key);
    } catch {
      throw new Error(
        `Key ring file ${ringFileName(state.ringId, state.generation)} does not open with the master key ${this.master.fingerprint} (${this.master.source}): every instance must use the same PRIVACY_MASTER_KEY`,
      );
    }
    if (ring.buckets !== state.buckets)
      throw new Error(`Key ring file ${ringFileName(state.ringId, state.generation)} has ${ring.buckets} buckets, the database says ${state.buckets}`);
    return this.adopt(ring);
  }

  bucketOf(subjectId: string, state: RingState): number {
    return bucketOf(subjectId, state.buckets);
  }

  unwrapSubjectKey(ring: LoadedRing, key: WrappedSubjectKey): Buffer {
    if (key.bucket === null || key.version === null) return unwrapKey(this.master.key, key.wrapped, subjectOwner(key.subjectId));
    return unwrapKey(ring.kek(key.bucket, key.version), key.wrapped, subjectOwner(key.subjectId));
  }

  wrapSubjectKey(ring: LoadedRing, subjectId: string, dataKey: Buffer): { wrapped: Buffer; bucket: number; version: number } {
    const bucket = bucketOf(subjectId, ring.buckets);
    const version = ring.versions[bucket]!;
    return { wrapped: wrapKey(ring.kek(bucket, version), dataKey, subjectOwner(subjectId)), bucket, version };
  }

  /**
   * Inside the erasing transaction, holding the exclusive lock, after the erased key's row was deleted: rotates the
   * KEK of `bucket` (steps 1 and 2 above; legacy master-wrapped rows are moved onto the ring on the way). Returns the
   * new generation, to pass to `committed` once the transaction has committed.
   */
  async rotate(m: EntityManager, state: RingState, bucket: number): Promise<LoadedRing> {
    await destroyRingTemporaries(this.dir, state.ringId);
    const rows = await this.wrappedKeys(m, `kek_bucket = $1 OR kek_bucket IS NULL`, [bucket]);
    // `next` is this call's own copy, in no cache until `committed`, so nothing zeroes it while it is in use.
    const { next, keys } = await this.useRequired(state, (current) => ({
      next: current.rotated(bucket, state.generation + 1),
      keys: rows.map((k) => ({ subjectId: k.subjectId, key: this.unwrapSubjectKey(current, k) })),
    }));
    await writeRingFile(this.dir, next.toFile(this.master.key));
    await this.store(m, this.wrapAll(next, keys));
    const updated = (await m.query(`UPDATE privacy.key_ring SET generation = $1, rotated_at = now() WHERE id AND generation = $2 RETURNING generation`, [
      next.generation,
      state.generation,
    ])) as [unknown[], number];
    if (updated[1] !== 1) throw new Error(`Key ring generation moved under the ring lock (expected ${state.generation})`);
    return next;
  }

  /** After the rotating transaction committed (step 3): adopt the new generation, destroy the older files. */
  async committed(ring: LoadedRing): Promise<void> {
    this.adopt(ring);
    await this.destroyOlderThan(ring.ringId, ring.generation);
  }

  /**
   * Run at every start, under the exclusive lock: create the ring (first start of this database), or check that the
   * current generation's file is there and opens with this master key; destroy an orphan of a rotation that never
   * committed and files of superseded generations; move keys still wrapped by the master key onto the ring.
   */
  async recover(): Promise<void> {
    await ensureRingDirectory(this.dir);
    await this.dataSource.transaction(async (m) => {
      await this.lock(m, 'exclusive');
      let state = await this.state(m);
      if (!state) {
        const ringId = randomUUID();
        const first = new LoadedRing(
          ringId,
          1,
          Array.from({ length: this.bucketCount }, () => 1),
          Array.from({ length: this.bucketCount }, () => newDataKey()),
        );
        await writeRingFile(this.dir, first.toFile(this.master.key));
        await m.query(`INSERT INTO privacy.key_ring (id, ring_id, generation, buckets) VALUES (true, $1, 1, $2)`, [ringId, this.bucketCount]);
        state = { ringId, generation: 1, buckets: this.bucketCount };
      }
      const current = state;
      const legacy = await this.wrappedKeys(m, `kek_bucket IS NULL`, []);
      // Also proves that the current generation's file is there and opens with this master key.
      const moved = await this.useRequired(current, (ring) =>
        this.wrapAll(
          ring,
          legacy.map((k) => ({ subjectId: k.subjectId, key: this.unwrapSubjectKey(ring, k) })),
        ),
      );
      await this.store(m, moved);
      // Only a rotation holding this lock writes generation + 1; none is running, so such a file is an orphan.
      await destroyRingFile(this.dir, current.ringId, current.generation + 1);
      await destroyRingTemporaries(this.dir, current.ringId);
      await this.destroyOlderThan(current.ringId, current.generation);
    });
  }

  /** Caches the newest generation seen; an older or equal one leaves the cache (and whoever uses it) alone. */
  private adopt(ring: LoadedRing): LoadedRing {
    const previous = this.cache;
    if (previous && previous.ringId === ring.ringId && previous.generation >= ring.generation) return ring;
    this.cache = ring;
    if (previous) {
      previous.forget();
      // A newer committed generation supersedes every older file, whoever rotated: clean up after a crashed peer.
      if (previous.ringId === ring.ringId) void this.destroyOlderThan(ring.ringId, ring.generation).catch(() => undefined);
    }
    return ring;
  }

  private async destroyOlderThan(ringId: string, generation: number): Promise<void> {
    for (const g of await ringGenerations(this.dir, ringId)) if (g < generation) await destroyRingFile(this.dir, ringId, g);
  }

  private async wrappedKeys(m: EntityManager, where: string, params: unknown[]): Promise<WrappedSubjectKey[]> {
    const rows = (await m.query(`SELECT subject_id, wrapped_key, kek_bucket, kek_version FROM privacy.subject_keys WHERE ${where}`, params)) as {
      subject_id: string;
      wrapped_key: Buffer;
      kek_bucket: number | null;
      kek_version: string | null;
    }[];
    return rows.map((r) => ({
      subjectId: r.subject_id,
      wrapped: r.wrapped_key,
      bucket: r.kek_bucket,
      version: r.kek_version === null ? null : Number(r.kek_version),
    }));
  }

  /** Wraps every key under `ring` (synchronously) and zeroes the plain keys. */
  private wrapAll(
    ring: LoadedRing,
    keys: readonly { subjectId: string; key: Buffer }[],
  ): { subjectId: string; wrapped: Buffer; bucket: number; version: number }[] {
    const wrapped = keys.map((k) => ({ subjectId: k.subjectId, ...this.wrapSubjectKey(ring, k.subjectId, k.key) }));
    for (const k of keys) k.key.fill(0);
    return wrapped;
  }

  /** One statement stores every re-wrapped key. */
  private async store(m: EntityManager, wrapped: readonly { subjectId: string; wrapped: Buffer; bucket: number; version: number }[]): Promise<void> {
    if (wrapped.length === 0) return;
    await m.query(
      `UPDATE privacy.subject_keys k SET wrapped_key = u.w, kek_bucket = u.b, kek_version = u.v
         FROM unnest($1::text[], $2::bytea[], $3::int[], $4::bigint[]) AS u(s, w, b, v)
        WHERE k.subject_id = u.s`,
      [wrapped.map((w) => w.subjectId), wrapped.map((w) => w.wrapped), wrapped.map((w) => w.bucket), wrapped.map((w) => w.version)],
    );
  }
}

/** A ring may only be used synchronously (see KeyRing.use). */
function synchronously<T>(value: T): T {
  if (value instanceof Promise) throw new Error('A key ring must be used synchronously: its KEKs may be zeroed across an await');
  return value;
}
