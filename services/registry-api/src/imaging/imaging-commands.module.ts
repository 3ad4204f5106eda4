import { Module } from '@nestjs/common';
import { CorrectAcquisitionParametersHandler } from './correct-acquisition-parameters.handler.js';
import { DeclareAcquisitionProtocolHandler } from './declare-acquisition-protocol.handler.js';
import { ImagingMutationResolver } from './imaging.mutation-resolver.js';
import { RegisterImagingStudyHandler } from './register-imaging-study.handler.js';

@Module({ providers: [ImagingMutationResolver, RegisterImagingStudyHandler, CorrectAcquisitionParametersHandler, DeclareAcquisitionProtocolHandler] })
export class ImagingCommandsModule {}
