import type { InteropProblem } from '../model/interop.problems.js';
import { InteropProblems } from '../model/interop.problems.js';

/**
 * The STOW-RS Store Instances response (PS3.18 §10.5.3) as a DICOM JSON model object: one Referenced SOP Sequence
 * item per stored instance, one Failed SOP Sequence item (with its Failure Reason) per refused one. The problems
 * themselves (which the standard response has no place for) go in the endpoint's own body part or log.
 */
export const StowFailureReason = {
  /** 0xC000 Error: Cannot understand (not a readable DICOM Part 10 instance). */
  CANNOT_UNDERSTAND: 0xc000,
  /** 0x0122 Referenced SOP Class not supported (not an SR class that can carry TID 1500). */
  SOP_CLASS_NOT_SUPPORTED: 0x0122,
  /** 0x0110 Processing failure (read, but refused: not TID 1500, unmapped, invalid, not in scope). */
  PROCESSING_FAILURE: 0x0110,
} as const;
export type StowFailureReason = (typeof StowFailureReason)[keyof typeof StowFailureReason];

/** A refusal as the response lists it: the mapper's and resolver's problems, and the write path's own codes. */
export type StowProblem = Omit<InteropProblem, 'code'> & { readonly code: string };

export interface StowInstanceResult {
  readonly sopClassUid: string | null;
  readonly sopInstanceUid: string | null;
  /** null when stored; else the problems that refused it. */
  readonly problems: readonly StowProblem[] | null;
  readonly retrieveUrl?: string | null;
}

/**
 * Where the response puts the problem list, which the standard has no attribute for: a private block of the failed
 * instance's item, (0009,0010) LO private creator "BIOMARKER REGISTRY 1" and (0009,1001) UT holding the problems as a
 * JSON array ([{code, path, message, concept?}]). Clients that only know the standard ignore private elements.
 */
export const STOW_PROBLEMS_PRIVATE_CREATOR = 'BIOMARKER REGISTRY 1';
export const STOW_PROBLEMS_TAG = '00091001';

export function stowFailureReasonFor(problems: readonly { readonly code: string }[]): StowFailureReason {
  if (problems.some((p) => p.code === InteropProblems.NOT_DICOM)) return StowFailureReason.CANNOT_UNDERSTAND;
  if (problems.some((p) => p.code === InteropProblems.NOT_AN_SR)) return StowFailureReason.SOP_CLASS_NOT_SUPPORTED;
  return StowFailureReason.PROCESSING_FAILURE;
}

type DicomJsonValue = { vr: string; Value?: unknown[] };
type DicomJsonObject = Record<string, DicomJsonValue>;

const ui = (uid: string | null): DicomJsonValue => (uid ? { vr: 'UI', Value: [uid] } : { vr: 'UI' });

export function stowRsResponse(
  results: readonly StowInstanceResult[],
  studyRetrieveUrl: string | null = null,
  options: { readonly includeProblems?: boolean } = {},
): DicomJsonObject {
  const stored = results.filter((r) => r.problems === null);
  const failed = results.filter((r) => r.problems !== null);
  const response: DicomJsonObject = {};
  if (studyRetrieveUrl) response['00081190'] = { vr: 'UR', Value: [studyRetrieveUrl] };
  if (failed.length) {
    response['00081198'] = {
      vr: 'SQ',
      Value: failed.map((r) => ({
        '00081150': ui(r.sopClassUid),
        '00081155': ui(r.sopInstanceUid),
        '00081197': { vr: 'US', Value: [stowFailureReasonFor(r.problems!)] },
        ...(options.includeProblems
          ? {
              '00090010': { vr: 'LO', Value: [STOW_PROBLEMS_PRIVATE_CREATOR] },
              [STOW_PROBLEMS_TAG]: { vr: 'UT', Value: [JSON.stringify(r.problems)] },
            }
          : {}),
      })),
    };
  }
  if (stored.length) {
    response['00081199'] = {
      vr: 'SQ',
      Value: stored.map((r) => ({
        '00081150': ui(r.sopClassUid),
        '00081155': ui(r.sopInstanceUid),
        ...(r.retrieveUrl ? { '00081190': { vr: 'UR', Value: [r.retrieveUrl] } } : {}),
      })),
    };
  }
  return response;
}
