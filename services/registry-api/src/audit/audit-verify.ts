import { chainHash, contentDigest, GENESIS_HASH, type JsonObject } from '#event-store';
import { SEAL_CATEGORY, SEAL_EVENT } from './audit-seal.service.js';
import type { ProvenExportLine } from './audit-proofs.js';
import { leafHash, rootFromInclusionPath } from './merkle.js';
import type { SealKeySet } from './seal-signing.js';
import { parsePosition, comparePositions } from '#event-store';
import { verifyJournal, verifySealedLog, type LeafEvent, type SealData, type SealReport } from './seal-verification.js';

/**
 * The offline verifier behind `npm run audit:verify`: a regulator's check of an audit export against the seal journal
 * and the registry's public keys, with no database and no trust in the registry's answers. Every line's hash is
 * recomputed from its content and linked to the line before it in the same stream; the seals in the export
 * (`AuditTrailSealed`, each with its key id and signature) are recomputed from the lines, their signatures checked;
 * the journal is checked line by line and compared with the export's seals (verifySealedLog, the same code as
 * `verifyAuditSeals`). Merkle roots cover the whole log, so a plain export must be a full one (no filter). A filtered
 * export made with inclusion proofs (`npm run audit:export -- --trial T --proofs`) is checked line by line instead:
 * each event's proof must lead to the Merkle root of a signed seal in the journal.
 */
export async function verifyExport(exportText: string, journalLines: readonly string[], keys: SealKeySet, journalLocation = ''): Promise<SealReport> {
  const lines = exportText
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ProvenExportLine);
  const proven = lines.some((l) => l.proof !== undefined);
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
    // A full export holds every event, so each links to the one before it; a filtered one may skip revisions (its
    // proofs bind each event instead), so only adjacent revisions are linked there.
    const linked = before
      ? proven && before.revision + 1n !== revision
        ? true
        : before.revision + 1n === revision && before.hash === line.previousHash
      : revision !== 0n || line.previousHash === GENESIS_HASH;
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
  if (proven) return verifyProofs(lines, events, journalLines, keys, journalLocation);
  seals.sort((a, b) => a.sequence - b.sequence);
  return verifySealedLog({ seals, events: iterate(events), journalLines, journalLocation, keys });
}

/** A filtered export with proofs: the journal on its own, then every line's proof against the journal's signed seal. */
function verifyProofs(
  lines: readonly ProvenExportLine[],
  events: readonly LeafEvent[],
  journalLines: readonly string[],
  keys: SealKeySet,
  journalLocation: string,
): SealReport {
  const journal = verifyJournal(journalLines, keys);
  const newest = journal.entries.at(-1);
  const base = {
    keyIds: [...keys.keys()],
    journalEntries: journal.entries.length,
    ...(newest
      ? { anchored: { sequence: newest.sequence, upToPosition: newest.upToPosition, eventsCovered: newest.eventsCovered, location: journalLocation } }
      : {}),
  };
  const sealsUsed = new Set<number>();
  let proven = 0;
  const report = (failure?: SealReport['firstFailure']): SealReport => ({
    ok: !failure,
    sealsChecked: sealsUsed.size,
    eventsCovered: proven,
    ...base,
    ...(failure ? { firstFailure: failure } : {}),
  });
  if (!journal.ok) return report(journal.failure);
  const bySequence = new Map(journal.entries.map((s) => [s.sequence, s]));
  const newestBound = newest ? parsePosition(newest.upTo) : undefined;
  for (const [i, line] of lines.entries()) {
    const e = events[i]!;
    const at = `${line.streamId}@${line.revision}`;
    if (!line.proof) {
      // Only events after the newest journaled seal may lack a proof (the tail window).
      if (newestBound && comparePositions(e.position, newestBound) <= 0)
        return report({ sequence: 0, reason: 'inclusion_proof_missing', expected: `${at}: a proof (sealed by seal ${newest!.sequence})`, stored: 'none' });
      continue;
    }
    const seal = bySequence.get(line.proof.seal);
    const root = rootFromInclusionPath(leafHash(e), line.proof.leafIndex, line.proof.treeSize, line.proof.path);
    if (!seal || seal.eventCount !== line.proof.treeSize || root !== seal.merkleRoot || comparePositions(e.position, parsePosition(seal.upTo)) > 0)
      return report({
        sequence: line.proof.seal,
        reason: 'inclusion_proof_invalid',
        expected: `${at}: merkle root ${seal?.merkleRoot ?? `of seal ${line.proof.seal} (not in the journal)`}`,
        stored: root ?? 'a path that does not fit the tree',
      });
    sealsUsed.add(seal.sequence);
    proven++;
  }
  return report();
}

async function* iterate<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
