import { ApiError } from '../graphql/error-mapping.js';

/**
 * One message for every denial, so a refusal never tells whether the target exists: "not yours" and
 * "no such thing" look the same to an actor confined to other trials, programmes or sites.
 */
export const FORBIDDEN_MESSAGE = 'You are not allowed to do this, or it does not exist';

export function forbidden(): ApiError {
  return new ApiError('FORBIDDEN', FORBIDDEN_MESSAGE);
}

export function unauthenticated(message = 'Authentication required: send "Authorization: Bearer <token>"'): ApiError {
  return new ApiError('UNAUTHENTICATED', message);
}

/** Why a bearer token was refused; the client sees the reason (RFC 6750 error_description), never key material. */
export class TokenRejectedError extends Error {
  constructor(
    readonly reason: 'malformed' | 'expired' | 'not_yet_valid' | 'bad_signature' | 'wrong_issuer' | 'wrong_audience' | 'bad_claims' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'TokenRejectedError';
  }
}
