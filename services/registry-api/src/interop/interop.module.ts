import { Module } from '@nestjs/common';
import { SubjectsCommandsModule } from '../subjects/subjects-commands.module.js';
import { ImportController } from './import.controller.js';
import { MeasurementImportService } from './measurement-import.service.js';

/** Measurement files in (POST /import): libs/interop rows → read-model resolver → the recordMeasurements batch path. */
@Module({ imports: [SubjectsCommandsModule], controllers: [ImportController], providers: [MeasurementImportService] })
export class InteropModule {}
