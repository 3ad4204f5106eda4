import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { isPersonalDataEnvelope, personalKeyId, reject, SubjectErrors, subjectOfKeyId, type PersonalDataEnvelope } from '#domain';
import { KEY_RING, KeyRing, type LoadedRing, type RingState, type WrappedSubjectKey } from './key-ring.js';
import { newDataKey, openValue, sealValue } from './privacy-crypto.js';

export interface Erased {
  readonly erased: true;
}

/** Serialises key creation and erasure per subject, so an erasure can never race a first encryption into an orphan key. */
const lockSubject = (m: EntityManager, subjectId: string) => m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7270))`, [`privacy:${subjectId}`]);

interface KeyRow {
  readonly wrapped_key: Buffer | null;
  readonly kek_bucket: number | null;
  readonly kek_version: string | null;
  readonly erased: boolean;
  readonly ring_id: string | null;
  readonly generation: string | null;
  readonly buckets: number | null;
}

/** A rotation that commits between reading a row and opening its ring file makes the file vanish: read again. */
const READ_ATTEMPTS = 5;

/**
 * Crypto-shredding (domain-reference §5; README "Erasure" and "Key ring"): each subject's personal fields are sealed
 * with its own AES-256-GCM data key, stored in privacy.subject_keys only wrapped by its bucket's KEK from the key
 * ring, whose files live outside the database. `erase` deletes the row, leaves a tombstone and rotates the bucket's
 * KEK, so no copy of the database taken before the erasure can open the key with anything that exists afterwards.
 * The wrapped key and the ring's generation are read from the database on every call (no cache of keys), so an
 * erasure takes effect at once on every instance, and an instance notices a rotation by the generation.
 */
@Injectable()
export class PersonalDataVault {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(KEY_RING) private readonly ring: KeyRing,
  ) {}

  /** Seals `value` (any JSON) with the subject's key, creating the key on first use. SUBJECT_ERASED after erasure. */
  async encrypt(subjectId: string, value: unknown): Promise<PersonalDataEnvelope> {
    const key = await this.dataKey(subjectId);
    try {
      return sealValue(key, personalKeyId(subjectId), value);
    } finally {
      key.fill(0);
    }
  }

  /** The sealed value, or `{ erased: true }` once the subject's key was destroyed. */
  async decrypt(envelope: PersonalDataEnvelope): Promise<unknown> {
    if (!isPersonalDataEnvelope(envelope)) throw new Error('Not a personal data envelope');
    const subjectId = subjectOfKeyId(envelope.kid);
    if (subjectId === null) throw new Error(`Unknown key id ${envelope.kid}`);
    const key = await this.existingKey(subjectId);
    if (key === 'erased') return { erased: true } satisfies Erased;
    // A key that vanished without a tombstone means the key table was damaged; say so instead of pretending.
    if (key === undefined) throw new Error(`The data key of subject ${subjectId} is missing, but the subject was never erased`);
    try {
      return openValue(key, envelope);
    } finally {
      key.fill(0);
    }
  }

  /**
   * Destroys the subject's key, leaves a tombstone and rotates the KEK of the key's bucket, in one transaction; after
   * it commits the superseded ring file is destroyed. Idempotent. Returns whether a key existed.
   */
  async erase(subjectId: string): Promise<{ keyDestroyed: boolean }> {
    const result = await this.dataSource.transaction(async (m) => {
      await lockSubject(m, subjectId);
      await this.ring.lock(m, 'exclusive');
      await m.query(`INSERT INTO privacy.erased_subjects (subject_id) VALUES ($1) ON CONFLICT DO NOTHING`, [subjectId]);
      const deleted = (await m.query(`DELETE FROM privacy.subject_keys WHERE subject_id = $1 RETURNING kek_bucket`, [subjectId])) as [
        { kek_bucket: number | null }[],
        number,
      ];
      const row = deleted[0][0];
      if (!row) return { keyDestroyed: false, rotated: undefined };
      const state = await this.requireState(m);
      // A key from before the ring (bucket null) was wrapped by the master key: rotating its own bucket still moves
      // every such key onto the ring, but old copies of that row stay readable with the master key (README).
      const rotated = await this.ring.rotate(m, state, row.kek_bucket ?? this.ring.bucketOf(subjectId, state));
      return { keyDestroyed: true, rotated };
    });
    if (result.rotated) await this.ring.committed(result.rotated);
    return { keyDestroyed: result.keyDestroyed };
  }

  async isErased(subjectId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM privacy.erased_subjects WHERE subject_id = $1`, [subjectId])) as unknown[];
    return rows.length > 0;
  }

  private async dataKey(subjectId: string): Promise<Buffer> {
    const existing = await this.existingKey(subjectId);
    if (existing === 'erased') reject(SubjectErrors.SUBJECT_ERASED, 'subjectId', 'The subject’s personal data was erased; none is recorded again');
    if (existing) return existing;
    return this.dataSource.transaction(async (m) => {
      await lockSubject(m, subjectId);
      // Shared: keys of many subjects are created side by side, but never while an erasure rotates a KEK.
      await this.ring.lock(m, 'shared');
      const raced = await this.read(m, subjectId);
      if (raced.erased) reject(SubjectErrors.SUBJECT_ERASED, 'subjectId', 'The subject’s personal data was erased; none is recorded again');
      const state = stateOf(raced);
      if (raced.wrapped_key) return this.ring.useRequired(state, (ring) => this.ring.unwrapSubjectKey(ring, wrappedOf(subjectId, raced)));
      const key = newDataKey();
      const fresh = await this.ring.useRequired(state, (ring) => this.ring.wrapSubjectKey(ring, subjectId, key));
      await m.query(`INSERT INTO privacy.subject_keys (subject_id, wrapped_key, kek_bucket, kek_version) VALUES ($1, $2, $3, $4)`, [
        subjectId,
        fresh.wrapped,
        fresh.bucket,
        fresh.version,
      ]);
      return key;
    });
  }

  /** The subject's unwrapped key; 'erased' after erasure; undefined when it has none (yet). */
  private async existingKey(subjectId: string): Promise<Buffer | 'erased' | undefined> {
    for (let attempt = 1; ; attempt++) {
      const row = await this.read(this.dataSource.manager, subjectId);
      if (row.erased) return 'erased';
      if (row.wrapped_key === null) return undefined;
      const state = stateOf(row);
      const unwrap = (ring: LoadedRing) => this.ring.unwrapSubjectKey(ring, wrappedOf(subjectId, row));
      const key = await (attempt < READ_ATTEMPTS ? this.ring.use(state, unwrap) : this.ring.useRequired(state, unwrap));
      if (key) return key;
    }
  }

  /** The key row, the tombstone and the ring's generation in one statement, hence one snapshot. */
  private async read(m: EntityManager, subjectId: string): Promise<KeyRow> {
    const rows = (await m.query(
      `SELECT k.wrapped_key, k.kek_bucket, k.kek_version, e.subject_id IS NOT NULL AS erased, r.ring_id, r.generation, r.buckets
         FROM (SELECT $1::text AS subject_id) s
         LEFT JOIN privacy.subject_keys k ON k.subject_id = s.subject_id
         LEFT JOIN privacy.erased_subjects e ON e.subject_id = s.subject_id
         LEFT JOIN privacy.key_ring r ON r.id`,
      [subjectId],
    )) as KeyRow[];
    return rows[0]!;
  }

  private async requireState(m: EntityManager): Promise<RingState> {
    const state = await this.ring.state(m);
    if (!state) throw new Error('The privacy key ring is not set up (KeyRing.open runs at start)');
    return state;
  }
}

function stateOf(row: KeyRow): RingState {
  if (row.ring_id === null || row.generation === null || row.buckets === null)
    throw new Error('The privacy key ring is not set up (KeyRing.open runs at start)');
  return { ringId: row.ring_id, generation: Number(row.generation), buckets: row.buckets };
}

function wrappedOf(subjectId: string, row: KeyRow): WrappedSubjectKey {
  return { subjectId, wrapped: row.wrapped_key!, bucket: row.kek_bucket, version: row.kek_version === null ? null : Number(row.kek_version) };
}
