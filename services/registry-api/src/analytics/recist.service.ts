import { Inject, Injectable } from '@nestjs/common';
import { assessRecist, biomarkerStreamId, recistSource, recistTestCode, subjectStreamId, toSdtm, type RecistTestCode, type SubjectEvent } from '#domain';
import { EVENT_STORE, type EventStore } from '#event-store';
import type { Actor } from '../auth/actor.js';
import { requireInScope } from '../auth/scope.js';
import { readingSelection, type ReadingSelectionInput } from './analytics.reading-selection.js';


/**
 * RECIST from the subject's own stream (the record regulators audit), folded on request: a subject has tens of
 * lesion measurements, so this is cheap and always equals the event log. Which biomarker is which RECIST test code
 * comes from each biomarker's definition event (its code never changes), so the catalogue's projection lag does not
 * matter either.
 */
@Injectable()
export class RecistService {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async assess(actor: Actor, subjectId: string, studyId: string | null | undefined, reading: ReadingSelectionInput | null | undefined) {
    const selection = readingSelection(reading, 'reading');
    const events = (await this.store.readStream(subjectStreamId(subjectId))).map((e) => ({ type: e.type, data: e.data }) as unknown as SubjectEvent);
    // The scope check comes before anything else is read or refused, so an out-of-scope subject says nothing.
    const subject = requireInScope(
      actor,
      events.length === 0 ? undefined : facts(events),
      (s) => ({ trial: s.trialId, site: s.siteId, programme: s.programmeId }),
      ['trial', 'site', 'programme'],
    );
    if (!subject) return null;
    const codes = await this.testCodes(events);
    const source = recistSource(subjectId, events, { selection, testCodeOf: (id) => codes.get(id) ?? null, field: 'reading' });
    if (!source.input) return null;
    const result = assessRecist(source.input);
    const sdtm = toSdtm(source.input, result, { studyId: studyId ?? source.trialId ?? 'UNKNOWN' });
    return { ...result, lesions: source.input.lesions, readings: source.readings, tr: sdtm.tr, rs: sdtm.rs };
  }

  /** The RECIST test code of every biomarker the subject's lesion measurements use (BiomarkerDefined carries the code). */
  private async testCodes(events: readonly SubjectEvent[]): Promise<Map<string, RecistTestCode | null>> {
    const ids = new Set<string>();
    for (const e of events) if (e.type === 'MeasurementRecorded' && e.data.lesion) ids.add(e.data.biomarkerId);
    const codes = new Map<string, RecistTestCode | null>();
    await Promise.all(
      [...ids].map(async (id) => {
        const [defined] = await this.store.readStream(biomarkerStreamId(id), { maxCount: 1 });
        const code = defined?.type === 'BiomarkerDefined' ? (defined.data as { code?: unknown }).code : undefined;
        codes.set(id, recistTestCode(typeof code === 'string' ? code : null));
      }),
    );
    return codes;
  }
}

function facts(events: readonly SubjectEvent[]): { trialId: string | null; siteId: string | null; programmeId: string | null } {
  let trialId: string | null = null;
  let siteId: string | null = null;
  let programmeId: string | null = null;
  for (const e of events) {
    if (e.type === 'SubjectEnrolled') {
      trialId = e.data.trialId;
      siteId = e.data.siteId;
    } else if (e.type === 'ParticipantInvited') programmeId = e.data.programmeId;
  }
  return { trialId, siteId, programmeId };
}
