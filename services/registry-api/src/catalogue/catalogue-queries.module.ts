import { Module } from '@nestjs/common';
import { ListAlgorithmVersionsHandler, ListBiomarkersHandler } from './catalogue.queries.js';
import { AlgorithmVersionsQueryResolver, BiomarkersQueryResolver } from './catalogue.query-resolver.js';

@Module({ providers: [BiomarkersQueryResolver, AlgorithmVersionsQueryResolver, ListBiomarkersHandler, ListAlgorithmVersionsHandler] })
export class CatalogueQueriesModule {}
