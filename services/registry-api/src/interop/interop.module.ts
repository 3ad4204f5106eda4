import { Module } from '@nestjs/common';
import { SubjectsCommandsModule } from '../subjects/subjects-commands.module.js';
import { FhirBundleImportService } from './fhir-bundle-import.service.js';
import { FhirController } from './fhir.controller.js';
import { ImportController } from './import.controller.js';
import { InteropAccessLog } from './interop-access.log.js';
import { MeasurementImportService } from './measurement-import.service.js';

/**
 * Measurements in: files (POST /import) and FHIR R4 Bundles (POST /fhir, /fhir/Bundle; GET /fhir/metadata), each
 * libs/interop → read-model resolver → the recordMeasurements batch path.
 */
@Module({
  imports: [SubjectsCommandsModule],
  controllers: [ImportController, FhirController],
  providers: [MeasurementImportService, FhirBundleImportService, InteropAccessLog],
})
export class InteropModule {}
