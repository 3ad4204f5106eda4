import { Module } from '@nestjs/common';
import { CatalogueMutationResolver } from './catalogue.mutation-resolver.js';
import { ChangeBiomarkerHandler } from './change-biomarker.handler.js';
import { DefineBiomarkerHandler } from './define-biomarker.handler.js';

export const CATALOGUE_COMMAND_HANDLERS = [DefineBiomarkerHandler, ChangeBiomarkerHandler];

@Module({ providers: [CatalogueMutationResolver, ...CATALOGUE_COMMAND_HANDLERS] })
export class CatalogueCommandsModule {}
