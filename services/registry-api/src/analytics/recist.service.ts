import { Inject, Injectable } from '@nestjs/common';
import { assessRecist, subjectStreamId, toSdtm, type SubjectEvent } from '#domain';
import { EVENT_STORE, type EventStore } from '#event-store';
import type { Actor } from '../auth/actor.js';
import { requireInScope } from '../auth/scope.js';
import { recistSource } from './recist.mapping.js';

/**
 * RECIST from the subject's own stream (the record regulators audit), folded on request: a subject has tens of
 * lesion measurements, so this is cheap and always equals the event log.
 */
@Injectable()
export class RecistService {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async assess(actor: Actor, subjectId: string, studyId: string | null | undefined) {
    const events = await this.store.readStream(subjectStreamId(subjectId));
    const source = events.length === 0 ? undefined : recistSource(subjectId, events.map((e) => ({ type: e.type, data: e.data }) as unknown as SubjectEvent));
    const subject = requireInScope(actor, source, (s) => ({ trial: s.trialId, site: s.siteId, programme: s.programmeId }), ['trial', 'site', 'programme']);
    if (!subject || !subject.input) return null;
    const result = assessRecist(subject.input);
    const sdtm = toSdtm(subject.input, result, { studyId: studyId ?? subject.trialId ?? 'UNKNOWN' });
    return { ...result, lesions: subject.input.lesions, tr: sdtm.tr, rs: sdtm.rs };
  }
}
