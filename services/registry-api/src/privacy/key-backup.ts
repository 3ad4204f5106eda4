import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { canonicalJson, type JsonValue } from '#event-store';
import { LoadedRing, type KeyRing, type WrappedSubjectKey } from './key-ring.js';
import { RING_FORMAT, type RingFile } from './key-ring-files.js';
import type { MasterKey } from './master-key.js';
import { unwrapKey } from './privacy-crypto.js';

/**
 * The privacy keys of a registry, for `npm run backup -- --keys` / `npm run restore -- --keys` (README "Backups"):
 * the event-log backup holds personal fields only as envelopes sealed with per-subject keys, and pseudonyms derived
 * with per-study keys, so a restore without these keys loses every personal field and derives different pseudonyms
 * for the same local identifiers (which would then enrol one person twice).
 *
 * The file is key material of the same power as the key ring directory: with the master key it opens every subject
 * it lists, erased or not at the time it is opened. That is why it is a file of its own, never inside the event-log
 * backup: keep exactly one, replace it after every erasure and destroy the older ones (README "Backups").
 *
 *   { format, createdAt, masterKeyFingerprint, ring: <the current ring file: bucket KEKs wrapped by the master key>,
 *     subjectKeys: [{ subjectId, wrapped, bucket, version }], pseudonymKeys: [{ scope, wrapped }],
 *     erasedSubjects: [{ subjectId, erasedAt }], sha256: <of the canonical JSON of everything else> }
 */
export const KEY_BACKUP_FORMAT = 'biomarker-registry/privacy-keys/v1';

export interface KeyBackup {
  readonly format: typeof KEY_BACKUP_FORMAT;
  readonly createdAt: string;
  /** Which master key wraps the ring and the pseudonym keys (the restore must run with the same one). */
  readonly masterKeyFingerprint: string;
  readonly ring: RingFile;
  readonly subjectKeys: readonly { subjectId: string; wrapped: string; bucket: number | null; version: number | null }[];
  readonly pseudonymKeys: readonly { scope: string; wrapped: string }[];
  readonly erasedSubjects: readonly { subjectId: string; erasedAt: string }[];
  readonly sha256: string;
}

/** A key backup that cannot be used as it is, or a target that may not receive it. */
export class KeyBackupError extends Error {
  override name = 'KeyBackupError';
}

export interface KeyImportResult {
  readonly subjectKeys: number;
  readonly pseudonymKeys: number;
  /** Keys in the file whose subject is erased (in the file's tombstones or in the restored event log): not imported. */
  readonly skippedErased: number;
  readonly tombstones: number;
}

type Body = Omit<KeyBackup, 'sha256'>;
const digestOf = (body: Body) =>
  createHash('sha256')
    .update(canonicalJson(body as unknown as JsonValue))
    .digest('hex');

/**
 * Reads every key under the shared ring lock: no erasure (which rotates under the exclusive lock) can run between
 * reading the ring's generation, the wrapped keys and the tombstones, so the file is one consistent state. Key
 * creation (also shared) may go on; a key created meanwhile is wrapped under the same generation and either in the
 * file or not, both consistent.
 */
export async function exportKeys(dataSource: DataSource, ring: KeyRing, master: MasterKey, now: Date = new Date()): Promise<KeyBackup> {
  const body = await dataSource.transaction(async (m): Promise<Body> => {
    await ring.lock(m, 'shared');
    const state = await ring.state(m);
    if (!state) throw new KeyBackupError('this database has no privacy key ring yet (start the registry once): there are no keys to back up');
    const subjects = (await m.query(`SELECT subject_id, wrapped_key, kek_bucket, kek_version FROM privacy.subject_keys ORDER BY subject_id`)) as {
      subject_id: string;
      wrapped_key: Buffer;
      kek_bucket: number | null;
      kek_version: string | null;
    }[];
    const studies = (await m.query(`SELECT scope, wrapped_key FROM privacy.pseudonym_keys ORDER BY scope`)) as { scope: string; wrapped_key: Buffer }[];
    const erased = (await m.query(`SELECT subject_id, erased_at FROM privacy.erased_subjects ORDER BY subject_id`)) as {
      subject_id: string;
      erased_at: Date;
    }[];
    const ringFile = await ring.useRequired(state, (loaded) => loaded.toFile(master.key));
    return {
      format: KEY_BACKUP_FORMAT,
      createdAt: now.toISOString(),
      masterKeyFingerprint: master.fingerprint,
      ring: ringFile,
      subjectKeys: subjects.map((r) => ({
        subjectId: r.subject_id,
        wrapped: r.wrapped_key.toString('base64url'),
        bucket: r.kek_bucket,
        version: r.kek_version === null ? null : Number(r.kek_version),
      })),
      pseudonymKeys: studies.map((r) => ({ scope: r.scope, wrapped: r.wrapped_key.toString('base64url') })),
      erasedSubjects: erased.map((r) => ({ subjectId: r.subject_id, erasedAt: new Date(r.erased_at).toISOString() })),
    };
  });
  return { ...body, sha256: digestOf(body) };
}

/** Checks the shape and the digest of a parsed key backup file. */
export function parseKeyBackup(value: unknown): KeyBackup {
  const v = value as Partial<KeyBackup> | null;
  if (typeof v !== 'object' || v === null || v.format !== KEY_BACKUP_FORMAT) throw new KeyBackupError(`not a ${KEY_BACKUP_FORMAT} file`);
  if (
    typeof v.sha256 !== 'string' ||
    typeof v.masterKeyFingerprint !== 'string' ||
    v.ring?.format !== RING_FORMAT ||
    !Array.isArray(v.subjectKeys) ||
    !Array.isArray(v.pseudonymKeys) ||
    !Array.isArray(v.erasedSubjects)
  ) {
    throw new KeyBackupError('the file is incomplete (a member is missing or of the wrong type)');
  }
  const { sha256, ...body } = v as KeyBackup;
  if (digestOf(body) !== sha256) throw new KeyBackupError('the digest does not match the content (damaged or edited)');
  return v as KeyBackup;
}

/**
 * Imports a key backup into a database whose registry holds no keys yet (a restore target), re-wrapping every
 * subject key under the TARGET's own key ring: the restored registry never depends on the backup's KEKs, and its
 * first erasure destroys the subject's key as on any registry. A subject that is erased — in the file's tombstones,
 * or by a `SubjectErased` event in the restored log (`erasedInLog`: an erasure after the key backup was taken) — gets
 * a tombstone and no key, so a restore never brings an erased subject's personal data back.
 */
export async function importKeys(
  dataSource: DataSource,
  ring: KeyRing,
  master: MasterKey,
  backup: KeyBackup,
  erasedInLog: ReadonlySet<string> = new Set(),
): Promise<KeyImportResult> {
  if (backup.masterKeyFingerprint !== master.fingerprint) {
    throw new KeyBackupError(
      `the key backup was written under master key ${backup.masterKeyFingerprint}, this registry runs with ${master.fingerprint} (${master.source}): set PRIVACY_MASTER_KEY to the key of the backed-up registry`,
    );
  }
  let source: LoadedRing;
  try {
    source = LoadedRing.fromFile(backup.ring, master.key);
  } catch {
    throw new KeyBackupError('the key ring in the file does not open with this master key');
  }
  const erased = new Set([...backup.erasedSubjects.map((e) => e.subjectId), ...erasedInLog]);
  const erasedAt = new Map(backup.erasedSubjects.map((e) => [e.subjectId, e.erasedAt]));
  try {
    return await dataSource.transaction(async (m) => {
      // Exclusive: no erasure and no first encryption on the target while its keys arrive.
      await ring.lock(m, 'exclusive');
      const [held] = (await m.query(
        `SELECT (SELECT count(*) FROM privacy.subject_keys)::int AS subjects, (SELECT count(*) FROM privacy.pseudonym_keys)::int AS studies`,
      )) as {
        subjects: number;
        studies: number;
      }[];
      if (held!.subjects > 0 || held!.studies > 0) {
        throw new KeyBackupError(
          `the target already holds keys (${held!.subjects} subject, ${held!.studies} study keys): restore keys into a new registry only`,
        );
      }
      const state = await ring.state(m);
      if (!state) throw new KeyBackupError('the target has no key ring (open the privacy key ring first)');
      const keep = backup.subjectKeys.filter((k) => !erased.has(k.subjectId));
      const rewrapped = await ring.useRequired(state, (target) =>
        keep.map((k) => {
          const wrapped: WrappedSubjectKey = { subjectId: k.subjectId, wrapped: Buffer.from(k.wrapped, 'base64url'), bucket: k.bucket, version: k.version };
          const key = ring.unwrapSubjectKey(source, wrapped);
          try {
            return { subjectId: k.subjectId, ...ring.wrapSubjectKey(target, k.subjectId, key) };
          } finally {
            key.fill(0);
          }
        }),
      );
      if (rewrapped.length > 0) {
        await m.query(
          `INSERT INTO privacy.subject_keys (subject_id, wrapped_key, kek_bucket, kek_version)
             SELECT * FROM unnest($1::text[], $2::bytea[], $3::int[], $4::bigint[])`,
          [rewrapped.map((r) => r.subjectId), rewrapped.map((r) => r.wrapped), rewrapped.map((r) => r.bucket), rewrapped.map((r) => r.version)],
        );
      }
      // Study keys stay wrapped by the master key; opening each proves the file and the key belong together.
      for (const p of backup.pseudonymKeys) unwrapKey(master.key, Buffer.from(p.wrapped, 'base64url'), `pseudonym:${p.scope}`).fill(0);
      if (backup.pseudonymKeys.length > 0) {
        await m.query(`INSERT INTO privacy.pseudonym_keys (scope, wrapped_key) SELECT * FROM unnest($1::text[], $2::bytea[])`, [
          backup.pseudonymKeys.map((p) => p.scope),
          backup.pseudonymKeys.map((p) => Buffer.from(p.wrapped, 'base64url')),
        ]);
      }
      const tombstones = [...erased].sort();
      if (tombstones.length > 0) {
        await m.query(
          `INSERT INTO privacy.erased_subjects (subject_id, erased_at) SELECT s, coalesce(a, now()) FROM unnest($1::text[], $2::timestamptz[]) AS u(s, a)
             ON CONFLICT (subject_id) DO NOTHING`,
          [tombstones, tombstones.map((s) => erasedAt.get(s) ?? null)],
        );
      }
      return {
        subjectKeys: rewrapped.length,
        pseudonymKeys: backup.pseudonymKeys.length,
        skippedErased: backup.subjectKeys.length - keep.length,
        tombstones: tombstones.length,
      };
    });
  } finally {
    source.forget();
  }
}
