import { Module } from '@nestjs/common';
import { ImagingMutationResolver } from './imaging.mutation-resolver.js';
import { RegisterImagingStudyHandler } from './register-imaging-study.handler.js';

@Module({ providers: [ImagingMutationResolver, RegisterImagingStudyHandler] })
export class ImagingCommandsModule {}
