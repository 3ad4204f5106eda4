import { Inject, Injectable } from '@nestjs/common';
import {
  assessRecist,
  biomarkerStreamId,
  recistSource,
  recistTestCode,
  reject,
  SnapshotErrors,
  subjectStreamId,
  toSdtm,
  type RecistTestCode,
  type SubjectEvent,
} from '#domain';
import { comparePositions, EVENT_STORE, type EventStore, type Position, type RecordedEvent } from '#event-store';
import type { Actor } from '../auth/actor.js';
import { forbidden } from '../auth/auth.errors.js';
import { requireInScope } from '../auth/scope.js';
import { ApiError } from '../graphql/error-mapping.js';
import { SnapshotQueries } from '../snapshots/snapshots.queries.js';
import { SNAPSHOT_READERS } from '../snapshots/snapshots.scope.js';
import { readingSelection, type ReadingSelectionInput } from './analytics.reading-selection.js';

/**
 * RECIST from the subject's own stream (the record regulators audit), folded on request: a subject has tens of
 * lesion measurements, so this is cheap and always equals the event log. Which biomarker is which RECIST test code
 * comes from each biomarker's definition event (its code never changes), so the catalogue's projection lag does not
 * matter either.
 *
 * At a cut: `snapshotId` folds the subject's events up to the frozen snapshot's position (the events its rows were
 * built from, so the answer is the snapshot's after any later correction; the subject must belong to the snapshot's
 * trial or programme), `asOf` those recorded at or before that time (what the registry knew then). The result names
 * the snapshot and the position it was computed at.
 */
@Injectable()
export class RecistService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly snapshots: SnapshotQueries,
  ) {}

  async assess(actor: Actor, subjectId: string, studyId: string | null | undefined, reading: ReadingSelectionInput | null | undefined, at: RecistCut = {}) {
    const selection = readingSelection(reading, 'reading');
    if (at.snapshotId != null && at.asOf != null) reject(SnapshotErrors.SNAPSHOT_CUT_AMBIGUOUS, 'asOf', 'Give snapshotId or asOf, not both');
    if (at.snapshotId != null && !(SNAPSHOT_READERS as readonly string[]).includes(actor.role)) throw forbidden();
    const snapshot = at.snapshotId != null ? await this.snapshots.get(actor, at.snapshotId) : null;
    const cut: Position | null = snapshot ? { commit: BigInt(snapshot.manifest.commitPosition), prepare: BigInt(snapshot.manifest.position) } : null;
    const asOf = at.asOf != null ? new Date(at.asOf) : null;
    const known = (e: RecordedEvent) => (cut === null || comparePositions(e.position, cut) <= 0) && (asOf === null || e.recordedAt.getTime() <= asOf.getTime());
    const recorded = (await this.store.readStream(subjectStreamId(subjectId))).filter(known);
    const events = recorded.map((e) => ({ type: e.type, data: e.data }) as unknown as SubjectEvent);
    // The scope check comes before anything else is read or refused, so an out-of-scope subject says nothing.
    const subject = requireInScope(
      actor,
      events.length === 0 ? undefined : facts(events),
      (s) => ({ trial: s.trialId, site: s.siteId, programme: s.programmeId }),
      ['trial', 'site', 'programme'],
    );
    if (!subject) return null;
    if (snapshot) {
      const inSnapshot = snapshot.scope.kind === 'trial' ? subject.trialId === snapshot.scope.trialId : subject.programmeId === snapshot.scope.programmeId;
      if (!inSnapshot)
        throw new ApiError('SNAPSHOT_SCOPE_MISMATCH', `subject ${subjectId} is not in the trial or programme of snapshot ${snapshot.id}`, 'snapshotId');
    }
    const codes = await this.testCodes(events);
    const source = recistSource(subjectId, events, { selection, testCodeOf: (id) => codes.get(id) ?? null, field: 'reading' });
    if (!source.input) return null;
    const result = assessRecist(source.input);
    const sdtm = toSdtm(source.input, result, { studyId: studyId ?? source.trialId ?? 'UNKNOWN' });
    // Over a snapshot its data cut (as validationStudy says); otherwise the newest of the subject's events folded.
    const computedAtPosition = snapshot ? snapshot.manifest.position : (recorded.at(-1)?.position.prepare.toString() ?? null);
    return {
      ...result,
      lesions: source.input.lesions,
      readings: source.readings,
      tr: sdtm.tr,
      rs: sdtm.rs,
      snapshotId: snapshot?.id ?? null,
      asOf: asOf?.toISOString() ?? null,
      computedAtPosition,
    };
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

/** Where the assessment is computed: now (neither), a frozen snapshot's cut, or what was recorded by a time. */
export interface RecistCut {
  readonly snapshotId?: string | null;
  /** The DateTime scalar's Date (or an ISO string from in-process callers). */
  readonly asOf?: Date | string | null;
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
