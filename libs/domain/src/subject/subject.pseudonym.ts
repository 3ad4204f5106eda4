import { reject } from '../domain.errors.js';
import { requireText } from '../biomarker/input.guards.js';
import { SubjectErrors } from './subject.errors.js';

/**
 * Direct identifiers must never enter the registry (GDPR/EHDS: pseudonymised data only). We cannot prove a string
 * is not identifying, but the pseudonym alphabet shuts out names (need a digit), e-mail addresses and phone numbers
 * (no @, +, spaces), and purely numeric national numbers (need a letter); national id formats that mix letters and
 * digits are refused explicitly, as are long digit runs (dates of birth, account or phone numbers).
 */
const PSEUDONYM = /^[A-Z0-9][A-Z0-9-]{3,39}$/;
const NATIONAL_ID_LIKE: readonly RegExp[] = [
  /^[A-Z]{2}\d{6}[A-D]$/, // UK National Insurance number
  /^\d{8}[A-Z]$/, // Spanish DNI
  /^[XYZ]\d{7}[A-Z]$/, // Spanish NIE
  /^[A-Z]{6}\d{2}[A-Z]\d{2}[A-Z]\d{3}[A-Z]$/, // Italian codice fiscale
  /^\d{6}[-+A]\d{3}[0-9A-Y]$/, // Finnish henkilötunnus
  /^\d{6}-?\d{4}$/, // Nordic / German-style birth-date numbers
];
const LONG_DIGIT_RUN = /\d{9,}/;

export function requirePseudonym(value: unknown, field = 'pseudonym'): string {
  const p = requireText(value, field, 40);
  if (!PSEUDONYM.test(p) || !/\d/.test(p) || !/[A-Z]/.test(p)) {
    reject(
      SubjectErrors.INVALID_PSEUDONYM,
      field,
      'A pseudonym is 4–40 upper-case letters, digits and hyphens with at least one letter and one digit (e.g. BCS-000123)',
    );
  }
  const compact = p.replace(/-/g, '');
  if (NATIONAL_ID_LIKE.some((re) => re.test(p) || re.test(compact)) || LONG_DIGIT_RUN.test(compact)) {
    reject(SubjectErrors.PSEUDONYM_LOOKS_IDENTIFYING, field, 'The pseudonym looks like a national identifier or another direct identifier');
  }
  return p;
}
