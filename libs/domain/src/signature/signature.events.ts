import type { DomainEvent } from '../decider.js';

/** What a signature means (21 CFR 11.50(a)(3)); shown with every signature. */
export const SIGNATURE_MEANINGS = ['AUTHORSHIP', 'REVIEW', 'APPROVAL', 'RESPONSIBILITY', 'VERIFICATION'] as const;
export type SignatureMeaning = (typeof SIGNATURE_MEANINGS)[number];

/** What can be signed. */
export const SIGNATURE_TARGET_KINDS = ['trial', 'subject', 'measurement', 'lock', 'analysisSnapshot'] as const;
export type SignatureTargetKind = (typeof SIGNATURE_TARGET_KINDS)[number];

/**
 * The signed record. `lock` names the lock of a scope of a trial (`scope` trial, site or subject, with `scopeId`); a
 * measurement is named with its subject, whose stream holds it.
 */
export type SignatureTarget =
  | { readonly kind: 'trial'; readonly trialId: string }
  | { readonly kind: 'subject'; readonly subjectId: string }
  | { readonly kind: 'measurement'; readonly subjectId: string; readonly measurementId: string }
  | { readonly kind: 'lock'; readonly trialId: string; readonly scope: 'trial' | 'site' | 'subject'; readonly scopeId: string | null }
  /** A frozen analysis snapshot (`snapshot-<id>`): the signature binds to its manifest, content hash included. */
  | { readonly kind: 'analysisSnapshot'; readonly snapshotId: string };

/** §11.70: the signature is bound to exactly this content, so it cannot be copied onto another record. */
export interface SignedContent {
  /** The stream that holds the signed record. */
  readonly streamId: string;
  /** The stream revision the content was read up to (the newest content event then; -1 when there was none). */
  readonly revision: number;
  /** SHA-256 (hex) of the canonical JSON of the content events (id, revision, type, data) up to `revision`. */
  readonly sha256: string;
  /** How many events the content held. */
  readonly eventCount: number;
}

/** How the signer re-authenticated just before signing (§11.200(a)). */
export const SIGNING_AUTHENTICATION_METHODS = ['oidc_auth_time', 'local_signing_password'] as const;
export type SigningAuthenticationMethod = (typeof SIGNING_AUTHENTICATION_METHODS)[number];

export type RecordSigned = DomainEvent<
  'RecordSigned',
  {
    readonly signatureId: string;
    readonly target: SignatureTarget;
    // Named at the top level so the audit-membership rules place the signature stream in the record's trial or
    // programme (auditLog(filter: {trialId}), the regulator's export); subjectId ties it to the subject's stream.
    readonly trialId?: string;
    readonly programmeId?: string;
    readonly subjectId?: string;
    /** The token subject: a signature by anyone else is impossible (the decider takes it from the command's actor). */
    readonly signerId: string;
    /** §11.50(a)(1): the signer's printed name, from the identity provider's `name` claim. */
    readonly signerName: string;
    readonly signerRole: string;
    readonly meaning: SignatureMeaning;
    /** The words the signer agreed to ("I approve this casebook as complete and correct"). */
    readonly statement: string;
    /** §11.50(a)(2): UTC date and time of signing (the server clock). */
    readonly signedAt: string;
    readonly content: SignedContent;
    readonly authenticationMethod: SigningAuthenticationMethod;
    readonly authenticatedAt: string;
  }
>;

export type SignatureEvent = RecordSigned;
