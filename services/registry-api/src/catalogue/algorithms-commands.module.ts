import { Module } from '@nestjs/common';
import { AlgorithmsMutationResolver } from './algorithms.mutation-resolver.js';
import { ChangeAlgorithmVersionHandler } from './change-algorithm-version.handler.js';
import { RegisterAlgorithmVersionHandler } from './register-algorithm-version.handler.js';

@Module({ providers: [AlgorithmsMutationResolver, RegisterAlgorithmVersionHandler, ChangeAlgorithmVersionHandler] })
export class AlgorithmsCommandsModule {}
