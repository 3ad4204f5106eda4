import { assessRecist, DomainError, recistFromReadings, recistTestCode, type LesionReading, type ReadingSelection } from '#domain';
import type { ExportBiomarker, ExportMeasurement, ExportRecistAssessment, ExportSubject } from './export-dataset.model.js';
import { isoDate } from './export-dataset.model.js';

/**
 * Whose readings an export's RECIST assessment reads: the adjudicated reading where readings were adjudicated, else
 * the lesion's only one (ACCEPTED_OR_ONLY). An export has no caller to name a rater, and this is the one choice that
 * never mixes raters silently: a lesion with two readings never adjudicated is ambiguous, and the subject then has
 * no RECIST assessment in the export rather than one built by a hidden rule (the `recist` query can name a rater).
 */
export const EXPORT_RECIST_SELECTION: ReadingSelection = { kind: 'accepted', policy: 'ACCEPTED_OR_ONLY' };

/** A current measurement of a lesion as the RECIST mapping reads it; null when it is not a lesion's. */
export function lesionReadingOf(m: ExportMeasurement): LesionReading | null {
  if (m.lesionTrackingUid === null || m.lesionRole === null) return null;
  const result: LesionReading['result'] | null =
    m.valueKind === 'categorical'
      ? m.category === null
        ? null
        : { kind: 'categorical', category: m.category }
      : m.value === null || m.unit === null
        ? null
        : { kind: 'quantitative', value: m.value, unit: m.unit, originalValue: m.originalValue ?? m.value, originalUnit: m.originalUnit ?? m.unit };
  if (result === null) return null;
  return {
    measurementId: m.measurementId,
    method: m.method,
    algorithmVersionId: m.algorithmVersionId,
    readerId: m.readerId,
    adjudication: m.adjudication ?? null,
    timePoint: m.timePoint,
    date: isoDate(m.occurredAt),
    trackingUid: m.lesionTrackingUid,
    findingSite: m.lesionFindingSite,
    role: m.lesionRole,
    biomarkerId: m.biomarkerId,
    result,
  };
}

/**
 * The RECIST 1.1 assessment of one subject of an export (libs/domain `recistFromReadings` + `assessRecist`, the same
 * mapping and engine as the `recist` query), from the subject's current measurements; `biomarkers` name the RECIST
 * test codes (catalogue code LDIAM / LPERP / TUMSTATE). Null when no lesion reading of the subject is one of them, or when the
 * readings cannot be assessed (ambiguous raters, an incomplete baseline, too many targets…): the domain refusal is
 * a property of the data, and an export carries the subject's other data without a made-up response.
 */
export function exportRecistAssessment(
  subject: Pick<ExportSubject, 'subjectId' | 'measurements'>,
  biomarkers: ReadonlyMap<string, ExportBiomarker>,
): ExportRecistAssessment | null {
  const readings = subject.measurements.map(lesionReadingOf).filter((r): r is LesionReading => r !== null);
  if (readings.length === 0) return null;
  try {
    const { input, readings: used } = recistFromReadings(subject.subjectId, readings, {
      selection: EXPORT_RECIST_SELECTION,
      testCodeOf: (id) => recistTestCode(biomarkers.get(id)?.code),
    });
    // Lesions tracked only by other biomarkers (a Lung-RADS category, a volume) are not a RECIST assessment: the
    // query would answer every lesion not evaluated; an export leaves TU/TR/RS to subjects RECIST actually read.
    if (input === null || input.timePoints.length === 0 || used.length === 0) return null;
    return { input, result: assessRecist(input), evaluator: null };
  } catch (err) {
    if (err instanceof DomainError) return null;
    throw err;
  }
}
