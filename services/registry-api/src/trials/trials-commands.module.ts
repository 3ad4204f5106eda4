import { Module } from '@nestjs/common';
import { LockTrialHandler } from './lock-trial.handler.js';
import { TrialLocksResolver } from './trial-locks.query-resolver.js';
import { ChangeTrialHandler } from './change-trial.handler.js';
import { RegisterTrialHandler } from './register-trial.handler.js';
import { TrialsMutationResolver } from './trials.mutation-resolver.js';

@Module({ providers: [TrialsMutationResolver, RegisterTrialHandler, ChangeTrialHandler, LockTrialHandler, TrialLocksResolver] })
export class TrialsCommandsModule {}
