import { Module } from '@nestjs/common';
import { SubjectsCommandsModule } from '../subjects/subjects-commands.module.js';
import { DicomSrImportService } from './dicom-sr-import.service.js';
import { DicomWebController } from './dicomweb.controller.js';
import { ImportController } from './import.controller.js';
import { MeasurementImportService } from './measurement-import.service.js';

/**
 * Measurements in, the standard ways, over libs/interop → the read-model resolver → the recordMeasurements batch path:
 * measurement files (POST /import) and DICOM SR TID 1500 reports (POST /dicomweb/studies, STOW-RS or one file).
 */
@Module({
  imports: [SubjectsCommandsModule],
  controllers: [ImportController, DicomWebController],
  providers: [MeasurementImportService, DicomSrImportService],
})
export class InteropModule {}
