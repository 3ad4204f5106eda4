import type { RecordedEvent } from '#event-store';
import type { AcquisitionDetails, MeasurementResult, OutcomeDetails, StudyEvent, SubjectEvent } from '#domain';
import type { EntityManager } from 'typeorm';
import type { Projection, ProjectionTarget } from './projection.js';
import { copyRows, isoTime, loadRowsTogether, upsertRows } from './sql.js';
import { columnsOf, ImagingStudyRow, MeasurementRow, OutcomeRow, ScreeningRow, SubjectMilestoneRow, SubjectRow } from '#read-model';

type Row = Record<string, unknown>;

interface SubjectRecord extends Row {
  subject_id: string;
  last_revision: string;
}

/** A row version of a measurement or an outcome; the previous version is closed by `superseded_at`. */
interface VersionedRecord extends Row {
  version: number;
  superseded_at: string | Date | null;
}

export const SUBJECT_COLUMNS = columnsOf(SubjectRow);
export const MEASUREMENT_COLUMNS = columnsOf(MeasurementRow);
export const OUTCOME_COLUMNS = columnsOf(OutcomeRow);
const STUDY_COLUMNS = columnsOf(ImagingStudyRow);
const SCREENING_COLUMNS = columnsOf(ScreeningRow);
const MILESTONE_COLUMNS = columnsOf(SubjectMilestoneRow);

/** Copies the subject's arm, site and randomisation time onto a measurement row (they are kept on every row). */
function carrySubject(row: Row, s: Row | undefined): Row {
  row['arm_code'] = s?.['arm_code'] ?? null;
  row['subject_site_id'] = s?.['site_id'] ?? null;
  row['randomised_recorded_at'] = s?.['randomised_recorded_at'] ?? null;
  return row;
}

/**
 * Copies each subject's arm, site and randomisation time onto its stored measurement rows that differ (all
 * subjects, or those of `subjectIds`), from the subjects table as this transaction sees it.
 */
async function carrySubjectOntoStoredRows(manager: EntityManager, schema: string, subjectIds: readonly string[] | null): Promise<void> {
  await manager.query(
    `UPDATE ${schema}.measurements m SET arm_code = s.arm_code, subject_site_id = s.site_id, randomised_recorded_at = s.randomised_recorded_at
       FROM ${schema}.subjects s
      WHERE s.subject_id = m.subject_id ${subjectIds ? 'AND s.subject_id = ANY ($1::text[])' : ''}
        AND (m.arm_code, m.subject_site_id, m.randomised_recorded_at) IS DISTINCT FROM (s.arm_code, s.site_id, s.randomised_recorded_at)`,
    subjectIds ? [subjectIds] : [],
  );
}

function resultColumns(r: MeasurementResult): Row {
  return r.kind === 'quantitative'
    ? { value_kind: r.kind, value: r.value, unit: r.unit, category: null, original_value: r.originalValue, original_unit: r.originalUnit }
    : { value_kind: r.kind, value: null, unit: null, category: r.category, original_value: null, original_unit: null };
}

function outcomeDetails(d: OutcomeDetails): Row {
  return { occurred_at: isoTime(d.occurredAt), source: d.source, recist_response: d.recistResponse, stage: d.stage };
}

/** Tracks row versions of one versioned table during a batch: what to insert and which stored rows to close. */
class VersionLog<T extends VersionedRecord> {
  readonly current = new Map<string, T>();
  readonly inserts: T[] = [];
  readonly closeStored: { id: string; version: number; superseded_at: string }[] = [];
  private readonly stored = new Set<T>();

  constructor(private readonly idColumn: string) {}

  load(rows: readonly T[]): void {
    for (const r of rows) {
      this.current.set(r[this.idColumn] as string, r);
      this.stored.add(r);
    }
  }

  add(row: T): void {
    this.current.set(row[this.idColumn] as string, row);
    this.inserts.push(row);
  }

  /** Closes the current version at `at` and adds the next one with `changes`. */
  change(id: string, at: string, changes: Row): void {
    const cur = this.current.get(id);
    if (!cur) return;
    cur.superseded_at = at;
    if (this.stored.has(cur)) this.closeStored.push({ id, version: cur.version, superseded_at: at });
    this.add({ ...cur, ...changes, version: cur.version + 1, version_recorded_at: at, superseded_at: null });
  }

  async write(manager: EntityManager, table: string, columns: readonly string[], bulk: boolean): Promise<void> {
    if (this.closeStored.length > 0) {
      await manager.query(
        `UPDATE ${table} t SET superseded_at = v.superseded_at
           FROM json_to_recordset($1) AS v(id text, version int, superseded_at timestamptz)
          WHERE t.${this.idColumn} = v.id AND t.version = v.version`,
        [JSON.stringify(this.closeStored)],
      );
    }
    // Each insert is a version after the current one, so it is new unless its event was applied before; the
    // revision check prevents that, and a rebuild (bulk) starts from empty tables, so it may COPY.
    if (bulk) await copyRows(manager, table, this.inserts, [this.idColumn, 'version'], columns);
    else await upsertRows(manager, table, this.inserts, [this.idColumn, 'version'], columns, 'nothing');
  }
}

/**
 * Subjects (trial subjects and screening participants) with everything their timeline shows: imaging studies,
 * measurement versions (the long analysis table), outcome versions, screenings and milestones.
 * Set-based: each batch loads the rows it touches in a few statements, folds the events in memory, writes back
 * one statement per table. Idempotent by stream revision (`subjects.last_revision`).
 */
export class SubjectsProjection implements Projection {
  readonly name = 'subjects';
  readonly version = 1;
  readonly filter = { streamCategories: ['subject', 'study'] };
  // In the order queries take their locks (measurements m JOIN subjects s): the swap locks them in this order.
  readonly tables = ['measurements', 'subjects', 'imaging_studies', 'outcomes', 'screenings', 'subject_milestones'];

  /** Stored measurement rows of subjects randomised or moved in a later page than the rows were loaded in. */
  async afterBulkLoad(manager: EntityManager, schema: string): Promise<void> {
    await carrySubjectOntoStoredRows(manager, schema, null);
  }

  async apply(events: readonly RecordedEvent[], manager: EntityManager, { schema, bulk }: ProjectionTarget): Promise<void> {
    const subjectEvents: RecordedEvent[] = [];
    const studyEvents: RecordedEvent[] = [];
    for (const e of events) {
      if (e.streamId.startsWith('subject-')) subjectEvents.push(e);
      else if (e.streamId.startsWith('study-')) studyEvents.push(e);
    }
    if (studyEvents.length > 0) await applyStudyEvents(studyEvents, manager, schema, bulk === true);
    if (subjectEvents.length === 0) return;

    // What the batch touches beyond its own new rows: one statement per table.
    const subjectIds = new Set<string>();
    const recordedMeasurements = new Set<string>();
    const measurementIds = new Set<string>();
    const recordedOutcomes = new Set<string>();
    const outcomeIds = new Set<string>();
    const recordedScreenings = new Set<string>();
    const screeningIds = new Set<string>();
    for (const e of subjectEvents) {
      const d = e.data as Record<string, unknown>;
      subjectIds.add(d['subjectId'] as string);
      if (e.type === 'MeasurementRecorded') recordedMeasurements.add(d['measurementId'] as string);
      else if (e.type === 'MeasurementCorrected' || e.type === 'MeasurementRetracted') measurementIds.add(d['measurementId'] as string);
      else if (e.type === 'MeasurementReadingAccepted') {
        measurementIds.add(d['measurementId'] as string);
        for (const id of d['alternativeMeasurementIds'] as string[]) measurementIds.add(id);
      } else if (e.type === 'OutcomeRecorded') recordedOutcomes.add(d['outcomeId'] as string);
      else if (e.type === 'OutcomeCorrected') outcomeIds.add(d['outcomeId'] as string);
      else if (e.type === 'ScreeningRecorded') recordedScreenings.add(d['screeningId'] as string);
      else if (e.type === 'RecallRecorded' || e.type === 'AssessmentOutcomeRecorded') screeningIds.add(d['screeningId'] as string);
    }
    const notIn = (ids: Set<string>, own: Set<string>): string[] => [...ids].filter((id) => !own.has(id));
    // One round trip for the four tables, on the transaction's connection.
    const [subjectRows, measurementRows, outcomeRows, screeningRows] = (await loadRowsTogether(manager, [
      { table: `${schema}.subjects`, keyColumn: 'subject_id', keys: [...subjectIds] },
      { table: `${schema}.measurements`, keyColumn: 'measurement_id', keys: notIn(measurementIds, recordedMeasurements), where: 'AND superseded_at IS NULL' },
      { table: `${schema}.outcomes`, keyColumn: 'outcome_id', keys: notIn(outcomeIds, recordedOutcomes), where: 'AND superseded_at IS NULL' },
      { table: `${schema}.screenings`, keyColumn: 'screening_id', keys: notIn(screeningIds, recordedScreenings) },
    ])) as [SubjectRecord[], VersionedRecord[], VersionedRecord[], Row[]];
    const subjects = new Map(subjectRows.map((r) => [r.subject_id, r]));
    const measurements = new VersionLog<VersionedRecord>('measurement_id');
    measurements.load(measurementRows);
    const outcomes = new VersionLog<VersionedRecord>('outcome_id');
    outcomes.load(outcomeRows);
    const screenings = new Map(screeningRows.map((r) => [r['screening_id'] as string, r]));
    const changedSubjects = new Map<string, SubjectRecord>();
    const changedScreenings = new Map<string, Row>();
    const milestones: Row[] = [];
    const studyOwners = new Map<string, string>();
    // Stored subjects whose arm or site changes in this batch: their stored measurement rows follow.
    const stored = new Set(subjectRows.map((r) => r.subject_id));
    const movedSubjects = new Set<string>();

    for (const e of subjectEvents) {
      const ev = { type: e.type, data: e.data } as unknown as SubjectEvent;
      const id = ev.data.subjectId;
      let subject = subjects.get(id);
      if (subject && BigInt(subject.last_revision) >= e.revision) continue;
      const at = isoTime(e.recordedAt);
      const position = e.position.prepare.toString();
      // A screening milestone also names its programme and round in columns: the programme-wide KPIs read them from an index.
      const milestone = (kind: string, occurredAt: string, details: Row, screening: { programmeId: string; roundId: string } | null = null): void => {
        milestones.push({
          position,
          subject_id: id,
          kind,
          occurred_at: isoTime(occurredAt),
          recorded_at: at,
          details,
          programme_id: screening?.programmeId ?? null,
          round_id: screening?.roundId ?? null,
        });
      };
      switch (ev.type) {
        case 'SubjectEnrolled': {
          const d = ev.data;
          subject = {
            subject_id: id,
            kind: 'trial',
            trial_id: d.trialId,
            programme_id: null,
            pseudonym: d.pseudonym,
            site_id: d.siteId,
            arm_code: null,
            stratum: null,
            status: 'enrolled',
            consent_version: d.consentVersion,
            consent_date: d.consentDate,
            enrolled_at: isoTime(d.occurredAt),
            enrolled_recorded_at: at,
            randomised_at: null,
            randomised_recorded_at: null,
            withdrawn_at: null,
            withdrawn_recorded_at: null,
            withdrawal_reason: null,
            first_invited_at: null,
            opted_out_at: null,
            position,
            last_revision: '',
            updated_at: at,
          };
          milestone('enrolled', d.occurredAt, { trialId: d.trialId, siteId: d.siteId, consentVersion: d.consentVersion });
          break;
        }
        case 'ParticipantInvited': {
          const d = ev.data;
          subject = subject
            ? { ...subject, status: 'invited' }
            : {
                subject_id: id,
                kind: 'screening',
                trial_id: null,
                programme_id: d.programmeId,
                pseudonym: d.pseudonym,
                site_id: null,
                arm_code: null,
                stratum: null,
                status: 'invited',
                consent_version: null,
                consent_date: null,
                enrolled_at: null,
                enrolled_recorded_at: null,
                randomised_at: null,
                randomised_recorded_at: null,
                withdrawn_at: null,
                withdrawn_recorded_at: null,
                withdrawal_reason: null,
                first_invited_at: isoTime(d.occurredAt),
                opted_out_at: null,
                position,
                last_revision: '',
                updated_at: at,
              };
          milestone('invited', d.occurredAt, { programmeId: d.programmeId, roundId: d.roundId }, { programmeId: d.programmeId, roundId: d.roundId });
          break;
        }
        // Events of a subject that exists already: below.
        case 'SubjectRandomised':
        case 'SubjectWithdrawn':
        case 'ScreeningRecorded':
        case 'RecallRecorded':
        case 'AssessmentOutcomeRecorded':
        case 'IntervalCancerReported':
        case 'ParticipantOptedOut':
        case 'MeasurementRecorded':
        case 'MeasurementCorrected':
        case 'MeasurementRetracted':
        case 'MeasurementReadingAccepted':
        case 'OutcomeRecorded':
        case 'OutcomeCorrected':
        case 'PersonalDataRecorded':
        case 'SubjectErased':
        default:
          break;
      }
      if (!subject) continue;
      switch (ev.type) {
        case 'SubjectRandomised':
          subject = {
            ...subject,
            arm_code: ev.data.armCode,
            stratum: ev.data.stratum,
            status: 'randomised',
            randomised_at: isoTime(ev.data.occurredAt),
            randomised_recorded_at: at,
          };
          if (stored.has(id)) movedSubjects.add(id);
          milestone('randomised', ev.data.occurredAt, { armCode: ev.data.armCode, stratum: ev.data.stratum });
          break;
        case 'SubjectWithdrawn':
          subject = {
            ...subject,
            status: 'withdrawn',
            withdrawn_at: isoTime(ev.data.occurredAt),
            withdrawn_recorded_at: at,
            withdrawal_reason: ev.data.reason,
          };
          milestone('withdrawn', ev.data.occurredAt, { reason: ev.data.reason });
          break;
        case 'ScreeningRecorded': {
          const d = ev.data;
          if (stored.has(id) && subject['site_id'] !== d.siteId) movedSubjects.add(id);
          subject = { ...subject, status: 'screened', site_id: d.siteId };
          const row: Row = {
            screening_id: d.screeningId,
            subject_id: id,
            programme_id: d.programmeId,
            round_id: d.roundId,
            site_id: d.siteId,
            modality: d.modality,
            human_result: d.humanReading.result,
            reader_ids: [...d.humanReading.readerIds],
            ai_algorithm_version_id: d.aiReading?.algorithmVersionId ?? null,
            ai_score: d.aiReading?.score ?? null,
            ai_positive: d.aiReading?.aiPositive ?? null,
            occurred_at: isoTime(d.occurredAt),
            recorded_at: at,
            position,
            recalled_at: null,
            recall_reason: null,
            recall_recorded_at: null,
            assessment_outcome: null,
            diagnosis_date: null,
            stage: null,
            assessment_recorded_at: null,
          };
          screenings.set(d.screeningId, row);
          changedScreenings.set(d.screeningId, row);
          break;
        }
        case 'RecallRecorded': {
          subject = { ...subject, status: 'recalled' };
          const row = screenings.get(ev.data.screeningId);
          if (row)
            changedScreenings.set(
              ev.data.screeningId,
              Object.assign(row, { recalled_at: isoTime(ev.data.occurredAt), recall_reason: ev.data.reason, recall_recorded_at: at }),
            );
          break;
        }
        case 'AssessmentOutcomeRecorded': {
          subject = { ...subject, status: 'assessed' };
          const d = ev.data;
          const row = screenings.get(d.screeningId);
          if (row)
            changedScreenings.set(
              d.screeningId,
              Object.assign(row, { assessment_outcome: d.outcome, diagnosis_date: d.diagnosisDate, stage: d.stage, assessment_recorded_at: at }),
            );
          break;
        }
        case 'IntervalCancerReported':
          milestone(
            'interval_cancer',
            ev.data.occurredAt,
            {
              programmeId: ev.data.programmeId,
              reportId: ev.data.reportId,
              precedingRoundId: ev.data.precedingRoundId,
              source: ev.data.source,
              stage: ev.data.stage,
            },
            { programmeId: ev.data.programmeId, roundId: ev.data.precedingRoundId },
          );
          break;
        case 'ParticipantOptedOut':
          subject = { ...subject, status: 'opted_out', opted_out_at: isoTime(ev.data.occurredAt) };
          milestone('opted_out', ev.data.occurredAt, { reason: ev.data.reason });
          break;
        case 'MeasurementRecorded': {
          const d = ev.data;
          measurements.add({
            measurement_id: d.measurementId,
            version: 0,
            position,
            subject_id: id,
            trial_id: d.trialId,
            programme_id: d.programmeId,
            biomarker_id: d.biomarkerId,
            biomarker_version: d.biomarkerVersion,
            ...resultColumns(d.result),
            study_instance_uid: d.studyInstanceUid,
            series_instance_uid: d.seriesInstanceUid,
            time_point: d.timePoint,
            lesion_tracking_uid: d.lesion?.trackingUid ?? null,
            lesion_label: d.lesion?.label ?? null,
            lesion_finding_site: d.lesion?.findingSite ?? null,
            lesion_role: d.lesion?.role ?? null,
            method: d.method,
            algorithm_version_id: d.algorithmVersionId,
            reader_id: d.readerId,
            plausibility_override_reason: d.plausibilityOverrideReason,
            occurred_at: isoTime(d.occurredAt),
            recorded_at: at,
            version_recorded_at: at,
            superseded_at: null,
            correction_count: 0,
            retracted: false,
            change_reason: null,
            adjudication: null,
            extraction_software: d.extraction?.software?.name ?? null,
            extraction_software_version: d.extraction?.software?.version ?? null,
            ibsi_compliant: d.extraction?.ibsiCompliant ?? null,
            segmentation_method: d.extraction?.segmentation?.method ?? null,
            segmentation_algorithm: d.extraction?.segmentation?.algorithm ?? null,
            segmentation_algorithm_version: d.extraction?.segmentation?.algorithmVersion ?? null,
            harmonisation_method: d.extraction?.harmonisation?.method ?? null,
            harmonisation_reference_batch: d.extraction?.harmonisation?.referenceBatch ?? null,
          });
          if (!studyOwners.has(d.studyInstanceUid)) studyOwners.set(d.studyInstanceUid, id);
          break;
        }
        case 'MeasurementCorrected': {
          const d = ev.data;
          const count = (measurements.current.get(d.measurementId)?.['correction_count'] as number | undefined) ?? 0;
          measurements.change(d.measurementId, at, {
            ...resultColumns(d.result),
            correction_count: count + 1,
            change_reason: d.reason,
            plausibility_override_reason: d.plausibilityOverrideReason,
          });
          break;
        }
        case 'MeasurementRetracted':
          measurements.change(ev.data.measurementId, at, { retracted: true, change_reason: ev.data.reason });
          break;
        case 'MeasurementReadingAccepted':
          measurements.change(ev.data.measurementId, at, { adjudication: 'accepted', change_reason: ev.data.rationale });
          for (const alt of ev.data.alternativeMeasurementIds) measurements.change(alt, at, { adjudication: 'not_accepted', change_reason: ev.data.rationale });
          milestone('reading_accepted', ev.data.acceptedAt, {
            measurementId: ev.data.measurementId,
            alternativeMeasurementIds: [...ev.data.alternativeMeasurementIds],
            adjudicatorId: ev.data.adjudicatorId,
          });
          break;
        case 'OutcomeRecorded': {
          const d = ev.data;
          outcomes.add({
            outcome_id: d.outcomeId,
            version: 0,
            position,
            subject_id: id,
            trial_id: d.trialId,
            programme_id: d.programmeId,
            outcome_type: d.outcomeType,
            ...outcomeDetails(d),
            time_point: d.timePoint,
            notes: d.notes,
            recorded_at: at,
            version_recorded_at: at,
            superseded_at: null,
            correction_count: 0,
            change_reason: null,
          });
          break;
        }
        case 'OutcomeCorrected': {
          const d = ev.data;
          const count = (outcomes.current.get(d.outcomeId)?.['correction_count'] as number | undefined) ?? 0;
          outcomes.change(d.outcomeId, at, { ...outcomeDetails(d), outcome_type: d.outcomeType, correction_count: count + 1, change_reason: d.reason });
          break;
        }
        // Enrolment and invitation: handled above. Personal data: the read models keep none (it is sealed in its
        // event, and erasure destroys its key); only the subject's revision moves.
        case 'SubjectEnrolled':
        case 'ParticipantInvited':
        case 'PersonalDataRecorded':
        case 'SubjectErased':
        default:
          break;
      }
      subject = { ...subject, last_revision: e.revision.toString(), updated_at: at };
      subjects.set(id, subject);
      changedSubjects.set(id, subject);
    }

    await upsertRows(manager, `${schema}.subjects`, [...changedSubjects.values()], ['subject_id'], SUBJECT_COLUMNS);
    // Measurement rows carry their subject's arm and site as they are now: stored rows of a subject whose arm or
    // site changed in this batch are updated, and new rows take the subject's state after the whole batch (a
    // baseline measurement recorded before the randomisation gets the arm too). A rebuild's tables have no subject
    // index yet: there afterBulkLoad updates the stored rows once, at the end.
    if (movedSubjects.size > 0 && !bulk) await carrySubjectOntoStoredRows(manager, schema, [...movedSubjects]);
    for (const row of measurements.inserts) carrySubject(row, subjects.get(row['subject_id'] as string));
    await measurements.write(manager, `${schema}.measurements`, MEASUREMENT_COLUMNS, bulk === true);
    await outcomes.write(manager, `${schema}.outcomes`, OUTCOME_COLUMNS, bulk === true);
    await upsertRows(manager, `${schema}.screenings`, [...changedScreenings.values()], ['screening_id'], SCREENING_COLUMNS);
    // One milestone per event, keyed by its position: new by construction in a rebuild.
    if (bulk) await copyRows(manager, `${schema}.subject_milestones`, milestones, ['position'], MILESTONE_COLUMNS);
    else await upsertRows(manager, `${schema}.subject_milestones`, milestones, ['position'], MILESTONE_COLUMNS, 'nothing');
    if (studyOwners.size > 0) {
      // A study registered without its subject belongs to the subject of its first measurement.
      await manager.query(
        `UPDATE ${schema}.imaging_studies s SET subject_id = v.subject_id
           FROM json_to_recordset($1) AS v(uid text, subject_id text)
          WHERE s.study_instance_uid = v.uid AND s.subject_id IS NULL`,
        [JSON.stringify([...studyOwners].map(([uid, subject_id]) => ({ uid, subject_id })))],
      );
    }
  }
}

/** The further acquisition columns of a study row (absent on events written before they existed: all null). */
function acquisitionColumns(d: Partial<AcquisitionDetails> | undefined): Row {
  return {
    scanner_software_version: d?.softwareVersion ?? null,
    tube_current_ma: d?.tubeCurrentMa ?? null,
    reconstruction_kernel: d?.reconstructionKernel ?? null,
    contrast_phase: d?.contrastPhase ?? null,
    pixel_spacing_row_mm: d?.pixelSpacingMm?.[0] ?? null,
    pixel_spacing_column_mm: d?.pixelSpacingMm?.[1] ?? null,
    field_strength_t: d?.fieldStrengthT ?? null,
    protocol_name: d?.protocolName ?? null,
    series: d?.series ?? [],
  };
}

/**
 * Study streams: the registration makes the row; a correction replaces its acquisition columns, a deviation flag sets
 * the deviations that hold (and adds a milestone to the subject's timeline), a resolution clears them. Later events of
 * a study registered in the same batch fold into its new row; others update the stored row once (by `last_revision`).
 */
async function applyStudyEvents(events: readonly RecordedEvent[], manager: EntityManager, schema: string, bulk: boolean): Promise<void> {
  // A study stream's first event (revision 0, unique per stream in the store) is a row no rebuild has seen yet.
  const firstRegistrations: Row[] = [];
  const registrations: Row[] = [];
  const fresh = new Map<string, Row>();
  const updates: { uid: string; revision: string; set: Row }[] = [];
  const milestones: Row[] = [];
  for (const e of events) {
    const ev = { type: e.type, data: e.data } as unknown as StudyEvent;
    const revision = e.revision.toString();
    let change: Row;
    switch (ev.type) {
      case 'ImagingStudyRegistered': {
        const d = ev.data;
        const row: Row = {
          study_instance_uid: d.studyInstanceUid,
          subject_id: d.subjectId,
          modality: d.modality,
          occurred_at: isoTime(d.occurredAt),
          site_id: d.siteId,
          scanner_manufacturer: d.scanner.manufacturer,
          scanner_model: d.scanner.model,
          slice_thickness_mm: d.sliceThicknessMm,
          kvp: d.kvp,
          contrast: d.contrast,
          position: e.position.prepare.toString(),
          recorded_at: isoTime(e.recordedAt),
          ...acquisitionColumns(d.acquisition),
          protocol_deviations: null,
          protocol_version: null,
          acquisition_correction_reason: null,
          last_revision: revision,
        };
        (bulk && e.revision === 0n ? firstRegistrations : registrations).push(row);
        fresh.set(d.studyInstanceUid, row);
        continue;
      }
      case 'AcquisitionParametersCorrected': {
        const a = ev.data;
        change = {
          scanner_manufacturer: a.scanner.manufacturer,
          scanner_model: a.scanner.model,
          slice_thickness_mm: a.sliceThicknessMm,
          kvp: a.kvp,
          contrast: a.contrast,
          ...acquisitionColumns(a.acquisition),
          acquisition_correction_reason: ev.data.reason,
          // A correction is judged afresh: the flag that follows it (same append) sets the deviations again.
          protocol_deviations: null,
          protocol_version: null,
        };
        break;
      }
      case 'ProtocolDeviationFlagged':
        change = { protocol_deviations: ev.data.deviations, protocol_version: ev.data.protocolVersion };
        milestones.push({
          position: e.position.prepare.toString(),
          subject_id: ev.data.subjectId,
          kind: 'protocol_deviation',
          occurred_at: isoTime(ev.data.occurredAt),
          recorded_at: isoTime(e.recordedAt),
          details: {
            studyInstanceUid: ev.data.studyInstanceUid,
            protocolName: ev.data.protocolName,
            protocolVersion: ev.data.protocolVersion,
            deviations: ev.data.deviations,
          },
          programme_id: ev.data.programmeId ?? null,
          round_id: null,
        });
        break;
      case 'ProtocolDeviationResolved':
        change = { protocol_deviations: null, protocol_version: null };
        break;
    }
    const pending = fresh.get(ev.data.studyInstanceUid);
    if (pending) Object.assign(pending, change, { last_revision: revision });
    else updates.push({ uid: ev.data.studyInstanceUid, revision, set: change });
  }
  await copyRows(manager, `${schema}.imaging_studies`, firstRegistrations, ['study_instance_uid'], STUDY_COLUMNS);
  await upsertRows(manager, `${schema}.imaging_studies`, registrations, ['study_instance_uid'], STUDY_COLUMNS, 'nothing');
  const jsonColumns = new Set(['series', 'protocol_deviations']);
  for (const u of updates) {
    const columns = Object.keys(u.set);
    const values = columns.map((c) => (jsonColumns.has(c) && u.set[c] !== null ? JSON.stringify(u.set[c]) : u.set[c]));
    await manager.query(
      `UPDATE ${schema}.imaging_studies SET ${columns.map((c, i) => `${c} = $${i + 3}`).join(', ')}, last_revision = $2
        WHERE study_instance_uid = $1 AND last_revision < $2`,
      [u.uid, u.revision, ...values],
    );
  }
  // One milestone per flag, keyed by its position: applying the batch again adds nothing.
  await upsertRows(manager, `${schema}.subject_milestones`, milestones, ['position'], MILESTONE_COLUMNS, 'nothing');
}
