export const SignatureErrors = {
  /** §11.200: the signer did not authenticate recently enough (or gave a wrong signing password). */
  SIGNING_REAUTHENTICATION_REQUIRED: 'SIGNING_REAUTHENTICATION_REQUIRED',
  /** The token carries no printed name (`name` claim) to show with the signature (§11.50(a)(1)). */
  SIGNER_NAME_REQUIRED: 'SIGNER_NAME_REQUIRED',
  /** The signer already signed this very content with this meaning. */
  ALREADY_SIGNED: 'ALREADY_SIGNED',
  /** The target names nothing that exists (a missing subject, measurement or lock). */
  SIGNATURE_TARGET_NOT_FOUND: 'SIGNATURE_TARGET_NOT_FOUND',
  INVALID_SIGNATURE_TARGET: 'INVALID_SIGNATURE_TARGET',
} as const;
export type SignatureErrorCode = (typeof SignatureErrors)[keyof typeof SignatureErrors];
