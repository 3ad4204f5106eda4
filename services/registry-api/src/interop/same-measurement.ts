import { lookup, type RecordMeasurement, type SubjectState } from '#domain';

/**
 * The recorded measurement is this command's (a row's, an SR content item's, an Observation's): same biomarker, study,
 * lesion and reported value. Every import route asks it of a measurement id that is already taken, to tell a replay
 * (nothing to append) from changed content (refused). The biomarker version is left out on purpose: the same file or
 * report sent again after a revision of its biomarker is still the same measurement.
 */
export function sameMeasurement(state: SubjectState, command: RecordMeasurement): boolean {
  if (state.kind === 'none') return false;
  const m = lookup(state.measurements, command.measurementId);
  if (!m) return false;
  const v = command.value as { value?: number; unit?: string; category?: string };
  const valueSame =
    m.result.kind === 'quantitative' ? m.result.originalValue === v.value && m.result.originalUnit === v.unit : m.result.category === v.category;
  return (
    m.biomarkerId === command.biomarkerId &&
    m.studyInstanceUid === command.studyInstanceUid &&
    m.lesionTrackingUid === (command.lesion?.trackingUid ?? null) &&
    valueSame
  );
}
