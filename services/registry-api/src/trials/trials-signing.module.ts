import { Module } from '@nestjs/common';
import { UnlockTrialHandler } from './lock-trial.handler.js';

/**
 * The signed unlock needs the signer's fresh authentication (auth/ SigningAuthenticator, from the AuthModule of the
 * HTTP app), so it is kept apart from TrialsCommandsModule, which in-process callers (seed, integration tests) load
 * without tokens. In process, an unlock goes through ChangeTrialCommand with a signature the caller vouches for.
 */
@Module({ providers: [UnlockTrialHandler] })
export class TrialsSigningModule {}
