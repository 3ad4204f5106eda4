import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Per-subject data keys for crypto-shredding, wrapped (AES-256-GCM) with the key-encryption key of the subject's
 * bucket in the key ring (migrations/1764410000000-privacy-key-ring.ts). Kept apart from events and read models in
 * schema `privacy`; erasing a subject deletes its row and rotates its bucket's KEK, after which every envelope sealed
 * with the key is unreadable wherever it was copied, old copies of this table included.
 */
@Entity({ schema: 'privacy', name: 'subject_keys' })
@Index('subject_keys_bucket', ['kekBucket'])
export class SubjectKey {
  @PrimaryColumn('text', { name: 'subject_id' })
  subjectId!: string;

  @Column('bytea', { name: 'wrapped_key' })
  wrappedKey!: Buffer;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  /** The key ring bucket whose KEK wraps the key; null: still wrapped by the master key (re-wrapped at start). */
  @Column('integer', { name: 'kek_bucket', nullable: true })
  kekBucket!: number | null;

  /** The version (ring generation at creation) of that bucket's KEK. */
  @Column('bigint', { name: 'kek_version', nullable: true })
  kekVersion!: string | null;
}

/**
 * The one row naming the key ring (its files live outside the database, under DATA_DIR/privacy/keyring) and its
 * current generation, which moves on with every erasure that rotates a bucket KEK.
 */
@Entity({ schema: 'privacy', name: 'key_ring' })
@Check('CHK_key_ring_singleton', '"id"')
export class KeyRingState {
  @PrimaryColumn('boolean', { default: true })
  id!: boolean;

  @Column('uuid', { name: 'ring_id' })
  ringId!: string;

  @Column('bigint')
  generation!: string;

  @Column('integer')
  buckets!: number;

  @Column('timestamptz', { name: 'rotated_at', default: () => 'now()' })
  rotatedAt!: Date;
}

/** Per-trial / per-programme HMAC keys for keyed pseudonyms (scope = `trial:<id>` or `programme:<id>`). */
@Entity({ schema: 'privacy', name: 'pseudonym_keys' })
export class PseudonymKey {
  @PrimaryColumn('text')
  scope!: string;

  @Column('bytea', { name: 'wrapped_key' })
  wrappedKey!: Buffer;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}

/** Tombstone of an erased subject (migrations/1764270000000-privacy-erasure.ts): no key is ever created for it again. */
@Entity({ schema: 'privacy', name: 'erased_subjects' })
export class ErasedSubject {
  @PrimaryColumn('text', { name: 'subject_id' })
  subjectId!: string;

  @Column('timestamptz', { name: 'erased_at', default: () => 'now()' })
  erasedAt!: Date;
}
