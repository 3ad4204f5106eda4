import { randomUUID } from 'node:crypto';
import type { EventData, JsonObject } from '#event-store';

/**
 * Events shaped like the registry's own: a lesion measurement read off a CT series, with the command
 * metadata every append carries. The data serialises to roughly 400 bytes, the metadata to roughly 200.
 */
export function measurementEvent(streamId: string, sequence: number): EventData {
  return {
    id: randomUUID(),
    type: 'LesionMeasured',
    data: {
      measurementId: streamId,
      trialId: 'NCT04512345',
      subjectId: `SUBJ-${(sequence % 9973).toString().padStart(5, '0')}`,
      timepoint: `week-${(sequence % 52) * 6}`,
      lesionId: `L${sequence % 7}`,
      biomarker: { code: 'RECIST-LD', name: 'Longest diameter (RECIST 1.1)', unit: 'mm' },
      value: 12.5 + (sequence % 400) / 10,
      method: 'manual-caliper',
      studyInstanceUid: `1.2.826.0.1.3680043.8.498.${1_000_000 + sequence}`,
      seriesInstanceUid: `1.2.826.0.1.3680043.8.498.${1_000_000 + sequence}.2`,
      sliceThicknessMm: 1.25,
      target: sequence % 3 !== 0,
    },
    metadata: measurementMetadata(),
  };
}

export function measurementMetadata(): JsonObject {
  return {
    actorId: 'reader-7f3a2c',
    commandId: randomUUID(),
    correlationId: randomUUID(),
    causationId: randomUUID(),
    recordedAt: new Date().toISOString(),
  };
}

/** Bytes of the JSON text of an event's data and metadata (printed with the results so the payload is known). */
export function payloadBytes(e: EventData): { data: number; metadata: number } {
  return { data: Buffer.byteLength(JSON.stringify(e.data)), metadata: Buffer.byteLength(JSON.stringify(e.metadata ?? {})) };
}

/**
 * Streams owned by one writer: it cycles through them and tracks each one's last revision, so that every append
 * names the exact expected revision and no two writers ever touch the same stream.
 */
export class WriterStreams {
  private readonly ids: string[];
  private readonly revisions: bigint[];
  private next = 0;
  private sequence = 0;

  constructor(label: string, worker: number, count: number) {
    this.ids = Array.from({ length: count }, () => `measurement-${label}-w${worker}-${randomUUID()}`);
    this.revisions = this.ids.map(() => -1n);
  }

  /** The next stream to append to, its last revision (-1 when new) and a batch of fresh events for it. */
  take(events: number): { index: number; streamId: string; lastRevision: bigint; batch: EventData[] } {
    const index = this.next;
    this.next = (this.next + 1) % this.ids.length;
    const streamId = this.ids[index]!;
    const batch = Array.from({ length: events }, () => measurementEvent(streamId, this.sequence++));
    return { index, streamId, lastRevision: this.revisions[index]!, batch };
  }

  appended(index: number, lastRevision: bigint): void {
    this.revisions[index] = lastRevision;
  }
}
