import { chainHash, contentDigest, GENESIS_HASH, type JsonObject } from '#event-store';
import { SEAL_CATEGORY, SEAL_EVENT } from './audit-seal.service.js';
import type { ExportLine } from './audit.queries.js';
import type { SealKeySet } from './seal-signing.js';
import { verifySealedLog, type LeafEvent, type SealData, type SealReport } from './seal-verification.js';

/**
 * The offline verifier behind `npm run audit:verify`: a regulator's check of an audit export against the seal journal
 * and the registry's public keys, with no database and no trust in the registry's answers. Every line's hash is
 * recomputed from its content and linked to the line before it in the same stream; the seals in the export
 * (`AuditTrailSealed`, each with its key id and signature) are recomputed from the lines, their signatures checked;
 * the journal is checked line by line and compared with the export's seals (verifySealedLog, the same code as
 * `verifyAuditSeals`). Merkle roots cover the whole log, so this needs a full export (no filter).
 */
export async function verifyExport(exportText: string, journalLines: readonly string[], keys: SealKeySet, journalLocation = ''): Promise<SealReport> {
  const lines = exportText
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ExportLine);
  const lastHash = new Map<string, { revision: bigint; hash: string }>();
  const events: LeafEvent[] = [];
  const seals: SealData[] = [];
  for (const line of lines) {
    const revision = BigInt(line.revision);
    const e: LeafEvent = {
      position: { commit: BigInt(line.commitPosition), prepare: BigInt(line.globalPosition) },
      id: line.eventId,
      streamId: line.streamId,
      revision,
      hash: line.hash,
      type: line.type,
      data: line.data,
      metadata: line.metadata,
    };
    const before = lastHash.get(line.streamId);
    const linked = before ? before.revision + 1n === revision && before.hash === line.previousHash : revision !== 0n || line.previousHash === GENESIS_HASH;
    const recomputed = chainHash(line.previousHash, line.streamId, revision, contentDigest({ id: e.id, type: e.type, data: e.data, metadata: e.metadata }));
    if (!linked || recomputed !== line.hash) {
      return {
        ok: false,
        sealsChecked: 0,
        eventsCovered: 0,
        keyIds: [...keys.keys()],
        firstFailure: {
          sequence: 0,
          reason: 'export_hash_mismatch',
          expected: `${line.streamId}@${line.revision}: ${linked ? recomputed : `previousHash ${before?.hash ?? GENESIS_HASH}`}`,
          stored: linked ? line.hash : line.previousHash,
        },
      };
    }
    lastHash.set(line.streamId, { revision, hash: line.hash });
    events.push(e);
    if (line.type === SEAL_EVENT && line.streamId.startsWith(`${SEAL_CATEGORY}-`)) seals.push(line.data as unknown as SealData & JsonObject);
  }
  seals.sort((a, b) => a.sequence - b.sequence);
  return verifySealedLog({ seals, events: iterate(events), journalLines, journalLocation, keys });
}

async function* iterate<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
