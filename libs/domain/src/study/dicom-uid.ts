import { reject } from '../domain.errors.js';
import { InputErrors } from '../biomarker/input.guards.js';
import { StudyErrors } from './study.errors.js';

/** DICOM PS3.5 §9.1: at most 64 characters, digits and dots, no empty component, no leading zero in a multi-digit component. */
const COMPONENT = /^(0|[1-9][0-9]*)$/;

export function isValidDicomUid(uid: unknown): uid is string {
  if (typeof uid !== 'string' || uid.length === 0 || uid.length > 64) return false;
  const components = uid.split('.');
  // A UID has a registered root, so a single component is never a real UID.
  return components.length >= 2 && components.every((c) => COMPONENT.test(c));
}

export function requireDicomUid(uid: unknown, field: string): string {
  if (uid === undefined || uid === null || uid === '') reject(InputErrors.FIELD_REQUIRED, field, `${field} is required`);
  if (!isValidDicomUid(uid)) {
    reject(StudyErrors.INVALID_DICOM_UID, field, `${field} must be a DICOM UID: at most 64 digits and dots, no empty component, no leading zeros`);
  }
  return uid;
}

export function optionalDicomUid(uid: unknown, field: string): string | null {
  return uid === undefined || uid === null ? null : requireDicomUid(uid, field);
}
