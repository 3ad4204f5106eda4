import { InputErrors, MaxLength, optionalText, reject, requireInteger, requireOneOf } from '#domain';

/** Personal fields the registry may keep, sealed per subject (never in clear in an event, read model or export). */
export const SEXES = ['female', 'male', 'other', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

export interface PersonalData {
  readonly yearOfBirth?: number;
  readonly sex?: Sex;
  readonly comment?: string;
}

/** As the API receives it: GraphQL enum values (FEMALE) and nulls. */
export interface PersonalDataInput {
  readonly yearOfBirth?: number | null;
  readonly sex?: string | null;
  readonly comment?: string | null;
}

export const COMMENT_MAX = 2000;

/**
 * Checked before sealing, because nothing can check it afterwards: the decider sees only ciphertext.
 * A year of birth rather than a date (data minimisation); at least one field.
 */
export function validatePersonalData(input: PersonalDataInput, now: Date, field = 'personal'): PersonalData {
  const out: { -readonly [K in keyof PersonalData]: PersonalData[K] } = {};
  if (input.yearOfBirth !== undefined && input.yearOfBirth !== null)
    out.yearOfBirth = requireInteger(input.yearOfBirth, `${field}.yearOfBirth`, 1880, now.getUTCFullYear());
  if (input.sex !== undefined && input.sex !== null)
    out.sex = requireOneOf(typeof input.sex === 'string' ? input.sex.toLowerCase() : input.sex, SEXES, `${field}.sex`);
  const comment = optionalText(input.comment, `${field}.comment`, Math.min(COMMENT_MAX, MaxLength.text), { multiline: true });
  if (comment !== null) out.comment = comment;
  if (Object.keys(out).length === 0) reject(InputErrors.FIELD_REQUIRED, field, 'Give at least one of yearOfBirth, sex, comment');
  return out;
}

/** What a sealed value may decrypt to; anything else is reported as absent rather than passed on. */
export function asPersonalData(value: unknown): PersonalData {
  if (typeof value !== 'object' || value === null) return {};
  const v = value as Record<string, unknown>;
  return {
    ...(typeof v['yearOfBirth'] === 'number' ? { yearOfBirth: v['yearOfBirth'] } : {}),
    ...(typeof v['sex'] === 'string' && (SEXES as readonly string[]).includes(v['sex']) ? { sex: v['sex'] as Sex } : {}),
    ...(typeof v['comment'] === 'string' ? { comment: v['comment'] } : {}),
  };
}
