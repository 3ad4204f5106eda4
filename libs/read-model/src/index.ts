import { AlgorithmVersionRow, BiomarkerRow, BiomarkerVersionRow } from './catalogue/catalogue.entities.js';
import { ProjectionCheckpoint } from './projection/projection-checkpoint.entity.js';
import { ProjectionRebuild } from './projection/projection-rebuild.entity.js';
import { ScreeningProgrammeRow, ScreeningRoundRow, ScreeningSubjectRevisionRow } from './screening/screening.entities.js';
import { EventTypeCount } from './status/event-type-count.entity.js';
import { ImagingStudyRow, MeasurementRow, OutcomeRow, ScreeningRow, SubjectMilestoneRow, SubjectRow } from './subjects/subject.entities.js';
import { TrialArmRow, TrialRow, TrialSiteRow } from './trials/trial.entities.js';
import { AccessLogEntry } from './audit/access-log.entity.js';
import { AuditStreamLink, AuditStreamMember } from './audit/audit-membership.entities.js';
import { DataQualityRuleRow, DataQueryRow } from './quality/data-quality.entities.js';
import { AcquisitionProtocolRow } from './quality/acquisition-protocol.entity.js';
import { ErasedSubject, KeyRingState, PseudonymKey, SubjectKey } from './privacy/subject-key.entity.js';

export * from './projection/projection-checkpoint.entity.js';
export * from './projection/projection-rebuild.entity.js';
export * from './status/event-type-count.entity.js';
export * from './catalogue/catalogue.entities.js';
export * from './trials/trial.entities.js';
export * from './subjects/subject.entities.js';
export * from './screening/screening.entities.js';
export * from './audit/access-log.entity.js';
export * from './audit/audit-membership.entities.js';
export * from './privacy/subject-key.entity.js';
export * from './quality/data-quality.entities.js';
export * from './quality/acquisition-protocol.entity.js';

/** Every read-model entity; the DataSource and the entity/migration drift check use this list. */
export const readModelEntities: (new () => object)[] = [
  ProjectionCheckpoint,
  ProjectionRebuild,
  EventTypeCount,
  BiomarkerRow,
  BiomarkerVersionRow,
  AlgorithmVersionRow,
  TrialRow,
  TrialArmRow,
  TrialSiteRow,
  SubjectRow,
  ImagingStudyRow,
  MeasurementRow,
  OutcomeRow,
  ScreeningRow,
  SubjectMilestoneRow,
  ScreeningProgrammeRow,
  ScreeningRoundRow,
  ScreeningSubjectRevisionRow,
  AccessLogEntry,
  SubjectKey,
  PseudonymKey,
  ErasedSubject,
  AuditStreamMember,
  AuditStreamLink,
  KeyRingState,
  DataQualityRuleRow,
  DataQueryRow,
  AcquisitionProtocolRow,
];
export * from './sql/multi-statement.util.js';
export * from './sql/iso-time.util.js';
export type * from './catalogue/catalogue.records.js';
export type * from './trials/trial.records.js';
export * from './sql/columns.js';
