import { Module } from '@nestjs/common';
import { ChangeTrialHandler } from './change-trial.handler.js';
import { RegisterTrialHandler } from './register-trial.handler.js';
import { TrialsMutationResolver } from './trials.mutation-resolver.js';

@Module({ providers: [TrialsMutationResolver, RegisterTrialHandler, ChangeTrialHandler] })
export class TrialsCommandsModule {}
