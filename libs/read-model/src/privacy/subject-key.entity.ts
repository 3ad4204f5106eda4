import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Per-subject data keys for crypto-shredding, wrapped (AES-256-GCM) with the registry's key-encryption key.
 * Kept apart from events and read models in schema `privacy`; erasing a subject deletes its row, after which
 * every envelope sealed with it is unreadable wherever it was copied.
 */
@Entity({ schema: 'privacy', name: 'subject_keys' })
export class SubjectKey {
  @PrimaryColumn('text', { name: 'subject_id' })
  subjectId!: string;

  @Column('bytea', { name: 'wrapped_key' })
  wrappedKey!: Buffer;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
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
