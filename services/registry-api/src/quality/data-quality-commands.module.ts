import { Module } from '@nestjs/common';
import { DataQualityRuleHandler, DataQueryHandler } from './data-quality.handlers.js';
import { DataQualityMutationResolver } from './data-quality.mutation-resolver.js';

@Module({ providers: [DataQualityMutationResolver, DataQualityRuleHandler, DataQueryHandler] })
export class DataQualityCommandsModule {}
