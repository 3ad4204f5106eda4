import type { AcquisitionProtocolRuleInput } from './acquisition-protocol.js';
import type { AcquisitionInput } from './acquisition.parameters.js';

/** Declares the protocol of a trial or programme, or replaces it (then with a reason: REASON_REQUIRED). */
export interface DeclareAcquisitionProtocol {
  readonly type: 'DeclareAcquisitionProtocol';
  readonly trialId: string | null;
  readonly programmeId: string | null;
  readonly name: string;
  readonly rules: readonly AcquisitionProtocolRuleInput[];
  readonly reason?: string | null;
}
export type AcquisitionProtocolCommand = DeclareAcquisitionProtocol;

/** Replaces a study's acquisition record as a whole (what the source says now), with a reason. */
export interface CorrectAcquisitionParameters extends AcquisitionInput {
  readonly type: 'CorrectAcquisitionParameters';
  readonly studyInstanceUid: string;
  readonly reason: string;
}
