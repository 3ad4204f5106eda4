import { Module } from '@nestjs/common';
import { SubjectsCommandsModule } from '../subjects/subjects-commands.module.js';
import { DicomSrImportService } from './dicom-sr-import.service.js';
import { DicomWebController } from './dicomweb.controller.js';
import { FhirBundleImportService } from './fhir-bundle-import.service.js';
import { FhirController } from './fhir.controller.js';
import { ImportController } from './import.controller.js';
import { InteropAccessLog } from './interop-access.log.js';
import { MeasurementImportService } from './measurement-import.service.js';

/**
 * Measurements in, the standard ways, over libs/interop → the read-model resolver → the recordMeasurements batch path:
 * measurement files (POST /import), DICOM SR TID 1500 reports (POST /dicomweb/studies, STOW-RS or one file) and
 * FHIR R4 Bundles (POST /fhir, /fhir/Bundle; GET /fhir/metadata).
 */
@Module({
  imports: [SubjectsCommandsModule],
  controllers: [ImportController, DicomWebController, FhirController],
  providers: [MeasurementImportService, DicomSrImportService, FhirBundleImportService, InteropAccessLog],
})
export class InteropModule {}
