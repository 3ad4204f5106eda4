import type { SignatureMeaning, SignatureTarget, SignedContent, SigningAuthenticationMethod } from './signature.events.js';

/**
 * Built by the handler after it checked the signer's fresh authentication and read the target's content; the signer
 * is the command's actor (CommandMeta), never a field the client sends.
 */
export interface SignRecord {
  readonly type: 'SignRecord';
  readonly signatureId: string;
  readonly target: SignatureTarget;
  readonly meaning: SignatureMeaning;
  readonly statement: string;
  readonly signerName: string;
  readonly content: SignedContent;
  readonly authenticationMethod: SigningAuthenticationMethod;
  readonly authenticatedAt: string;
  /** The trial or programme the signed record belongs to, as the handler's scope check found it (for the audit trail). */
  readonly trialId?: string | null;
  readonly programmeId?: string | null;
}

export type SignatureCommand = SignRecord;
