import { reject } from '../domain.errors.js';
import { requireObject } from '../biomarker/input.guards.js';
import { SubjectErrors } from './subject.errors.js';

/**
 * Personal fields that must be kept (year of birth, sex, free-text comments) never enter an event in clear: they
 * travel as an AES-256-GCM envelope sealed with the subject's own data key (services/registry-api/src/privacy).
 * Erasure destroys that key, so every copy of the envelope (events, exports, backups) becomes unreadable while
 * the immutable log stays intact. The decider cannot decrypt; it checks the shape and that the envelope was sealed
 * with this subject's key, so one subject's data can never outlive its erasure under another subject's key.
 */
export interface PersonalDataEnvelope {
  readonly $enc: 'v1';
  /** Key id: `personalKeyId(subjectId)`. */
  readonly kid: string;
  /** base64url, 12 bytes */
  readonly iv: string;
  /** base64url ciphertext */
  readonly ct: string;
  /** base64url, 16 bytes (GCM tag) */
  readonly tag: string;
}

const KEY_ID_PREFIX = 'sk1:';
/** A year of birth, sex and a 2000-character comment fit comfortably; anything larger is not a personal field. */
const MAX_CIPHERTEXT_CHARS = 16_384;
const B64URL = /^[A-Za-z0-9_-]+$/;

export function personalKeyId(subjectId: string): string {
  return `${KEY_ID_PREFIX}${subjectId}`;
}

/** The subject whose key sealed an envelope, or null when the key id is not a subject key id. */
export function subjectOfKeyId(kid: string): string | null {
  return kid.startsWith(KEY_ID_PREFIX) && kid.length > KEY_ID_PREFIX.length ? kid.slice(KEY_ID_PREFIX.length) : null;
}

export function isPersonalDataEnvelope(value: unknown): value is PersonalDataEnvelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    v['$enc'] === 'v1' &&
    Object.keys(v).length === 5 &&
    typeof v['kid'] === 'string' &&
    [v['iv'], v['ct'], v['tag']].every((s) => typeof s === 'string' && B64URL.test(s)) &&
    (v['iv'] as string).length === 16 &&
    (v['tag'] as string).length === 22 &&
    (v['ct'] as string).length <= MAX_CIPHERTEXT_CHARS
  );
}

/** An envelope sealed with `subjectId`'s key, copied field by field (nothing else can ride along into the event). */
export function requirePersonalEnvelope(value: unknown, subjectId: string, field = 'personal'): PersonalDataEnvelope {
  requireObject(value, field);
  if (!isPersonalDataEnvelope(value)) {
    reject(SubjectErrors.INVALID_PERSONAL_ENVELOPE, field, 'Personal data must be an envelope { $enc: "v1", kid, iv, ct, tag } sealed by the registry');
  }
  if (value.kid !== personalKeyId(subjectId)) {
    reject(SubjectErrors.PERSONAL_KEY_MISMATCH, `${field}.kid`, 'The personal data was sealed with another subject’s key');
  }
  return { $enc: 'v1', kid: value.kid, iv: value.iv, ct: value.ct, tag: value.tag };
}

export function optionalPersonalEnvelope(value: unknown, subjectId: string, field = 'personal'): PersonalDataEnvelope | null {
  return value === undefined || value === null ? null : requirePersonalEnvelope(value, subjectId, field);
}
