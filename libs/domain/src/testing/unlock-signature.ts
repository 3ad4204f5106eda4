import type { UnlockSignature } from '../trial/trial.events.js';

/**
 * An unlock signature for tests that dispatch UnlockTrial in process (the API's UnlockTrialHandler builds the real one
 * after re-authenticating the signer). The signer must be the command's actor.
 */
export function testUnlockSignature(signerId: string, at = '2025-06-01T10:00:00.000Z'): UnlockSignature {
  return {
    signerId,
    signerName: `Test signer ${signerId}`,
    meaning: 'RESPONSIBILITY',
    statement: 'I take responsibility for reopening these records',
    signedAt: at,
    authenticationMethod: 'local_signing_password',
    authenticatedAt: at,
  };
}
