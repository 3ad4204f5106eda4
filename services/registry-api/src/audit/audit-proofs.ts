import { comparePositions, parsePosition, START, type EventStore, type Position } from '#event-store';
import type { ExportLine } from './audit.queries.js';
import { inclusionPath, leafHash } from './merkle.js';
import type { SealData } from './seal-verification.js';

/** Where an exported event sits in the Merkle tree of the seal that covers it (RFC 6962 audit path, hex). */
export interface InclusionProof {
  readonly seal: number;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly path: readonly string[];
}

export type ProvenExportLine = ExportLine & { readonly proof?: InclusionProof };

const BATCH = 5_000;

/**
 * Adds to each line of a (filtered) export the inclusion proof of its event in the seal that covers it, so that a
 * trial's export verifies offline against the signed seals of the journal without the rest of the log. Lines come
 * in the log's read order, so one seal range at a time is held in memory; events after the newest seal get none.
 * Reads every event of each seal range that holds an exported event (the proof needs its siblings).
 */
export async function* withInclusionProofs(lines: AsyncIterable<ExportLine>, store: EventStore, seals: readonly SealData[]): AsyncGenerator<ProvenExportLine> {
  const bounds = seals.map((s) => parsePosition(s.upTo));
  let index = 0;
  let range: { seal: number; leaves: Buffer[]; byId: Map<string, number> } | undefined;
  for await (const line of lines) {
    const position: Position = { commit: BigInt(line.commitPosition), prepare: BigInt(line.globalPosition) };
    while (index < seals.length && comparePositions(position, bounds[index]!) > 0) index++;
    if (index >= seals.length) {
      yield line;
      continue;
    }
    if (range?.seal !== seals[index]!.sequence)
      range = await loadRange(store, index === 0 ? START : bounds[index - 1]!, bounds[index]!, seals[index]!.sequence);
    const leafIndex = range.byId.get(line.eventId);
    yield leafIndex === undefined
      ? line
      : { ...line, proof: { seal: range.seal, leafIndex, treeSize: range.leaves.length, path: inclusionPath(range.leaves, leafIndex) } };
  }
}

async function loadRange(store: EventStore, after: Position, upTo: Position, seal: number) {
  const leaves: Buffer[] = [];
  const byId = new Map<string, number>();
  for (let from = after; ;) {
    const batch = await store.readAll({ after: from, maxCount: BATCH });
    for (const e of batch) {
      if (comparePositions(e.position, upTo) > 0) return { seal, leaves, byId };
      byId.set(e.id, leaves.length);
      leaves.push(leafHash(e));
    }
    if (batch.length < BATCH) return { seal, leaves, byId };
    from = batch.at(-1)!.position;
  }
}
