import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CatalogueQueriesModule } from './catalogue/catalogue-queries.module.js';
import { MeasurementsQueriesModule } from './measurements/measurements-queries.module.js';
import { ScreeningQueriesModule } from './screening/screening-queries.module.js';
import { SubjectsQueriesModule } from './subjects/subjects-queries.module.js';
import { TrialsQueriesModule } from './trials/trials-queries.module.js';
import { DataQualityQueriesModule } from './quality/data-quality-queries.module.js';
import { READ_YOUR_WRITES_OPTIONS, ReadYourWrites, type ReadYourWritesOptions } from './read-your-writes/read-your-writes.queries.js';

@Global()
@Module({})
class ReadYourWritesModule {
  static forRoot(options: ReadYourWritesOptions): DynamicModule {
    return {
      module: ReadYourWritesModule,
      providers: [{ provide: READ_YOUR_WRITES_OPTIONS, useValue: options }, ReadYourWrites],
      exports: [ReadYourWrites],
    };
  }
}

/** Every read-model query of issue 4 (trials, subjects, measurements, catalogue, screening) and read-your-writes. */
@Module({})
export class ReadModelQueriesModule {
  static forRoot(options: ReadYourWritesOptions): DynamicModule {
    return {
      module: ReadModelQueriesModule,
      imports: [
        ReadYourWritesModule.forRoot(options),
        TrialsQueriesModule,
        SubjectsQueriesModule,
        MeasurementsQueriesModule,
        CatalogueQueriesModule,
        ScreeningQueriesModule,
        DataQualityQueriesModule,
      ],
    };
  }
}
