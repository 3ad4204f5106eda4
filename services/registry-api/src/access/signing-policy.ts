import type { SignatureMeaning, SignatureTargetKind } from '#domain';
import type { Role } from '../auth/actor.js';

/**
 * Who may sign what, with which meaning: part of the role policy, like `@Authorize` on every operation. The scope of
 * the record (trial, site) is checked as well, by the handler, before anything is read or written.
 *
 * - coordinator (investigator, data manager of its trials and sites): authors, reviews, verifies and approves subject
 *   casebooks and measurements, approves a trial's set-up, signs locks and takes responsibility for unlocking them;
 * - reader (image reader at its sites): authors and verifies the measurements it reads;
 * - biostatistician: reviews a trial's data, reviews and approves analysis snapshots of its trials and programmes;
 * - regulator, admin, screening_manager: sign nothing here (a regulator writes nothing; an admin is not a signatory of
 *   clinical records; screening records are not signature targets yet).
 */
export const SIGNING_POLICY: Readonly<Record<Role, Readonly<Partial<Record<SignatureTargetKind, readonly SignatureMeaning[]>>>>> = Object.freeze({
  coordinator: {
    trial: ['AUTHORSHIP', 'REVIEW', 'APPROVAL', 'RESPONSIBILITY'],
    subject: ['AUTHORSHIP', 'REVIEW', 'APPROVAL', 'VERIFICATION', 'RESPONSIBILITY'],
    measurement: ['REVIEW', 'APPROVAL', 'VERIFICATION'],
    lock: ['APPROVAL', 'RESPONSIBILITY'],
  },
  reader: { measurement: ['AUTHORSHIP', 'VERIFICATION'] },
  biostatistician: { trial: ['REVIEW'], analysisSnapshot: ['REVIEW', 'APPROVAL'] },
  regulator: {},
  admin: {},
  screening_manager: {},
  // The data manager role came with the data-quality workflow (quality/): it verifies through data queries there;
  // giving it a signature meaning (VERIFICATION of casebooks) is a policy change still to be made and tested.
  data_manager: {},
});

export function maySign(role: Role, kind: SignatureTargetKind, meaning: SignatureMeaning): boolean {
  return SIGNING_POLICY[role][kind]?.includes(meaning) ?? false;
}

/** The roles that may sign anything at all: what `signRecord`'s `@Authorize` lists. */
export const SIGNING_ROLES: readonly Role[] = (Object.keys(SIGNING_POLICY) as Role[]).filter((r) => Object.keys(SIGNING_POLICY[r]).length > 0);
