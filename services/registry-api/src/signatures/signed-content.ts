import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  reject,
  SignatureErrors,
  signatureStatus,
  signatureStreamId,
  snapshotStreamId,
  subjectStreamId,
  trialStreamId,
  type RecordSigned,
  type SignatureStatus,
  type SignatureTarget,
  type SignedContent,
} from '#domain';
import { canonicalJson, EVENT_STORE, type EventStore, type JsonObject, type RecordedEvent } from '#event-store';

/** One signature as every view of the signed record shows it (§11.50): manifest, content binding and status. */
export interface SignatureView extends Omit<RecordSigned['data'], 'content'> {
  readonly id: string;
  readonly contentSha256: string;
  readonly contentRevision: number;
  readonly status: SignatureStatus;
  /** When the signed content first changed after signing (null while valid). */
  readonly invalidatedAt: Date | null;
}

const LOCK_EVENTS = new Set(['TrialLocked', 'TrialUnlocked']);

function lockCovers(e: RecordedEvent, target: Extract<SignatureTarget, { kind: 'lock' }>): boolean {
  if (!LOCK_EVENTS.has(e.type)) return false;
  const scope = (e.data['scope'] as string | undefined) ?? 'trial';
  if (scope !== target.scope) return false;
  return scope === 'trial' || ((e.data['ids'] as string[] | undefined) ?? []).includes(target.scopeId!);
}

/**
 * What a signature of each kind of target covers, read from the target's own stream:
 * - trial: the trial's events except locks (locking a trial does not change what was approved);
 * - subject: every event of the subject's stream (its casebook: enrolment, measurements, outcomes, corrections);
 * - measurement: the subject's events about that measurement (recorded, corrected, retracted, adjudicated);
 * - lock: the lock events of that scope. Only an unlock of the scope changes it: a soft lock made hard keeps the
 *   signatures given in between (soft lock → signatures → hard lock);
 * - analysisSnapshot: the snapshot's one frozen event (manifest with the snapshot's own SHA-256).
 */
function contentRule(target: SignatureTarget): { streamId: string; covers: (e: RecordedEvent) => boolean; changes: (e: RecordedEvent) => boolean } {
  switch (target.kind) {
    case 'trial': {
      const covers = (e: RecordedEvent) => !LOCK_EVENTS.has(e.type);
      return { streamId: trialStreamId(target.trialId), covers, changes: covers };
    }
    case 'subject':
      return { streamId: subjectStreamId(target.subjectId), covers: () => true, changes: () => true };
    case 'measurement': {
      const covers = (e: RecordedEvent) => e.data['measurementId'] === target.measurementId;
      return { streamId: subjectStreamId(target.subjectId), covers, changes: covers };
    }
    case 'lock':
      return {
        streamId: trialStreamId(target.trialId),
        covers: (e) => lockCovers(e, target),
        changes: (e) => e.type === 'TrialUnlocked' && lockCovers(e, target),
      };
    // A snapshot is one immutable event (its manifest and content hash); nothing appends to it, so it stays valid.
    case 'analysisSnapshot':
      return { streamId: snapshotStreamId(target.snapshotId), covers: () => true, changes: () => true };
  }
}

/** SHA-256 over the canonical JSON of the content events: id (unique to this record), revision, type and data. */
export function contentSha256(events: readonly RecordedEvent[]): string {
  const canonical = canonicalJson(events.map((e) => ({ id: e.id, revision: Number(e.revision), type: e.type, data: e.data })) as unknown as JsonObject);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Reads signed content and signatures through the event store port (no read model: both are short streams). */
@Injectable()
export class SignedContentReader {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** The content a signature of `target` binds to now; SIGNATURE_TARGET_NOT_FOUND when there is none. */
  async current(target: SignatureTarget): Promise<SignedContent> {
    const rule = contentRule(target);
    const events = (await this.store.readStream(rule.streamId)).filter(rule.covers);
    if (events.length === 0) reject(SignatureErrors.SIGNATURE_TARGET_NOT_FOUND, 'target', 'There is nothing to sign under this target');
    return { streamId: rule.streamId, revision: Number(events.at(-1)!.revision), sha256: contentSha256(events), eventCount: events.length };
  }

  /** Every signature of `target`, oldest first, each with its status against the content as it reads now. */
  async signaturesOf(target: SignatureTarget): Promise<SignatureView[]> {
    const recorded = await this.store.readStream(signatureStreamId(target));
    if (recorded.length === 0) return [];
    const rule = contentRule(target);
    const targetEvents = await this.store.readStream(rule.streamId);
    return recorded.map((r) => {
      const data = r.data as unknown as RecordSigned['data'];
      const upTo = targetEvents.filter((e) => Number(e.revision) <= data.content.revision && rule.covers(e));
      const after = targetEvents.filter((e) => Number(e.revision) > data.content.revision && rule.changes(e));
      const status = signatureStatus(data.content, { sha256UpToRevision: contentSha256(upTo), changesAfter: after.length });
      const { content, ...manifest } = data;
      return {
        ...manifest,
        id: data.signatureId,
        contentSha256: content.sha256,
        contentRevision: content.revision,
        status,
        invalidatedAt: status === 'INVALIDATED' ? (after[0]?.recordedAt ?? r.recordedAt) : null,
      };
    });
  }
}
