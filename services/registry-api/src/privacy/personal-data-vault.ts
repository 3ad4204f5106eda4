import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { isPersonalDataEnvelope, personalKeyId, reject, SubjectErrors, subjectOfKeyId, type PersonalDataEnvelope } from '#domain';
import { PRIVACY_MASTER_KEY, type MasterKey } from './master-key.js';
import { newDataKey, openValue, sealValue, unwrapKey, wrapKey } from './privacy-crypto.js';

export interface Erased {
  readonly erased: true;
}

const owner = (subjectId: string) => `subject:${subjectId}`;
/** Serialises key creation and erasure per subject, so an erasure can never race a first encryption into an orphan key. */
const lockSubject = (m: EntityManager, subjectId: string) => m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 7270))`, [`privacy:${subjectId}`]);

/**
 * Crypto-shredding (domain-reference §5): each subject's personal fields are sealed with its own AES-256-GCM data
 * key, stored only wrapped by the master key in privacy.subject_keys. `erase` deletes that row and leaves a
 * tombstone; every envelope of the subject, wherever it was copied, is unreadable from then on.
 * Keys are read from the database on every call (no cache), so an erasure takes effect at once on every instance.
 */
@Injectable()
export class PersonalDataVault {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PRIVACY_MASTER_KEY) private readonly master: MasterKey,
  ) {}

  /** Seals `value` (any JSON) with the subject's key, creating the key on first use. SUBJECT_ERASED after erasure. */
  async encrypt(subjectId: string, value: unknown): Promise<PersonalDataEnvelope> {
    const key = await this.dataKey(subjectId);
    return sealValue(key, personalKeyId(subjectId), value);
  }

  /** The sealed value, or `{ erased: true }` once the subject's key was destroyed. */
  async decrypt(envelope: PersonalDataEnvelope): Promise<unknown> {
    if (!isPersonalDataEnvelope(envelope)) throw new Error('Not a personal data envelope');
    const subjectId = subjectOfKeyId(envelope.kid);
    if (subjectId === null) throw new Error(`Unknown key id ${envelope.kid}`);
    const rows = (await this.dataSource.query(
      `SELECT k.wrapped_key, e.subject_id IS NOT NULL AS erased
         FROM (SELECT $1::text AS subject_id) s
         LEFT JOIN privacy.subject_keys k ON k.subject_id = s.subject_id
         LEFT JOIN privacy.erased_subjects e ON e.subject_id = s.subject_id`,
      [subjectId],
    )) as { wrapped_key: Buffer | null; erased: boolean }[];
    const row = rows[0]!;
    if (row.erased || row.wrapped_key === null) {
      // A key that vanished without a tombstone means the key table was damaged; say so instead of pretending.
      if (!row.erased) throw new Error(`The data key of subject ${subjectId} is missing, but the subject was never erased`);
      return { erased: true } satisfies Erased;
    }
    return openValue(unwrapKey(this.master.key, row.wrapped_key, owner(subjectId)), envelope);
  }

  /** Destroys the subject's key and leaves a tombstone; idempotent. Returns whether a key existed. */
  async erase(subjectId: string): Promise<{ keyDestroyed: boolean }> {
    return this.dataSource.transaction(async (m) => {
      await lockSubject(m, subjectId);
      await m.query(`INSERT INTO privacy.erased_subjects (subject_id) VALUES ($1) ON CONFLICT DO NOTHING`, [subjectId]);
      const deleted = (await m.query(`DELETE FROM privacy.subject_keys WHERE subject_id = $1 RETURNING subject_id`, [subjectId])) as [unknown[], number];
      return { keyDestroyed: deleted[1] > 0 };
    });
  }

  async isErased(subjectId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM privacy.erased_subjects WHERE subject_id = $1`, [subjectId])) as unknown[];
    return rows.length > 0;
  }

  private async dataKey(subjectId: string): Promise<Buffer> {
    const existing = await this.wrapped(this.dataSource.manager, subjectId);
    if (existing) return unwrapKey(this.master.key, existing, owner(subjectId));
    const wrapped = await this.dataSource.transaction(async (m) => {
      await lockSubject(m, subjectId);
      const tomb = (await m.query(`SELECT 1 FROM privacy.erased_subjects WHERE subject_id = $1`, [subjectId])) as unknown[];
      if (tomb.length > 0) reject(SubjectErrors.SUBJECT_ERASED, 'subjectId', 'The subject’s personal data was erased; none is recorded again');
      const raced = await this.wrapped(m, subjectId);
      if (raced) return raced;
      const fresh = wrapKey(this.master.key, newDataKey(), owner(subjectId));
      await m.query(`INSERT INTO privacy.subject_keys (subject_id, wrapped_key) VALUES ($1, $2)`, [subjectId, fresh]);
      return fresh;
    });
    return unwrapKey(this.master.key, wrapped, owner(subjectId));
  }

  private async wrapped(m: EntityManager, subjectId: string): Promise<Buffer | undefined> {
    const rows = (await m.query(`SELECT wrapped_key FROM privacy.subject_keys WHERE subject_id = $1`, [subjectId])) as { wrapped_key: Buffer }[];
    return rows[0]?.wrapped_key;
  }
}
