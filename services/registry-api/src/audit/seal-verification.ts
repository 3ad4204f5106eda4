import { createHash } from 'node:crypto';
import { comparePositions, parsePosition, type RecordedEvent } from '#event-store';
import { leafHash, MerkleAccumulator, sealChain } from './merkle.js';
import { checkSealSignature, type SealKeySet, type SignableSeal } from './seal-signing.js';

/**
 * The checks behind `verifyAuditSeals` and the offline `npm run audit:verify`, with no database in them: the service
 * feeds them the log through the port, the offline verifier feeds them an export file. Same code, same verdicts.
 */

export const GENESIS_CHAIN = '0'.repeat(64);
/** `prev` of the journal's first line. */
export const JOURNAL_GENESIS = '0'.repeat(64);

export interface SealData extends SignableSeal {
  readonly sequence: number;
  /** `commit.prepare`: the seal covers every event at or before this position in the log's read order. */
  readonly upTo: string;
  readonly upToPosition: string;
  readonly eventCount: number;
  readonly merkleRoot: string;
  readonly chain: string;
  readonly algorithm: 'rfc6962-sha256/v1';
  readonly sealedAt: string;
  /** The signing key's id (RFC 7638 thumbprint) and the Ed25519 signature (base64url); absent on seals made before signing. */
  readonly kid?: string;
  readonly signature?: string;
}

/** A seal as kept in the journal: the seal and the running total of events up to it. */
export interface AnchoredSeal extends SealData {
  readonly eventsCovered: number;
}

export type SealFailureReason =
  // The log disagrees with its own seals.
  | 'merkle_root_mismatch'
  | 'event_count_mismatch'
  | 'chain_mismatch'
  | 'missing_seal'
  | 'position_missing'
  // A seal in the log is not signed by a known key (forged or re-made without the key), or lost its signature.
  | 'signature_invalid'
  | 'unknown_key'
  | 'signature_missing'
  // The journal's seal is not in the log (its tail was cut off) or differs from it (rewritten).
  | 'anchored_seal_missing'
  | 'anchored_seal_mismatch'
  // The journal itself: a removed, inserted or edited line, or a line that is not a seal signed by a known key.
  | 'journal_line_unreadable'
  | 'journal_chain_broken'
  | 'journal_sequence_gap'
  | 'journal_seal_chain_mismatch'
  | 'journal_signature_invalid'
  // The offline verifier: an export line whose hash or stream link does not hold, or (filtered exports) whose
  // inclusion proof does not lead to a journaled seal's root, or that lacks one although a seal covers it.
  | 'export_hash_mismatch'
  | 'inclusion_proof_invalid'
  | 'inclusion_proof_missing';

export interface SealFailure {
  readonly sequence: number;
  readonly reason: SealFailureReason;
  readonly expected: string;
  readonly stored: string;
}

export interface SealReport {
  readonly ok: boolean;
  readonly sealsChecked: number;
  readonly eventsCovered: number;
  /** The newest seal of the journal that the log was compared with. */
  readonly anchored?: { readonly sequence: number; readonly upToPosition: string; readonly eventsCovered: number; readonly location: string };
  /** Lines of the journal checked (chain, signature, continuity). */
  readonly journalEntries?: number;
  /** The key ids seals are accepted from. */
  readonly keyIds?: readonly string[];
  readonly firstFailure?: SealFailure;
}

/** What a leaf needs of an event: a RecordedEvent, or an export line turned back into one. */
export type LeafEvent = Pick<RecordedEvent, 'position' | 'id' | 'streamId' | 'revision' | 'hash' | 'type' | 'data' | 'metadata'>;

/**
 * Recomputes every seal from the events in the log's read order, in one pass: each Merkle root, count and chain link.
 * The events are read lazily; reading stops after the last seal's range.
 */
export async function recomputeSeals(seals: readonly SealData[], events: AsyncIterable<LeafEvent>): Promise<SealReport> {
  let eventsCovered = 0;
  let chain = GENESIS_CHAIN;
  let index = 0;
  let acc = new MerkleAccumulator();
  const fail = (f: SealFailure): SealReport => ({ ok: false, sealsChecked: index, eventsCovered, firstFailure: f });
  const close = (seal: SealData): SealReport | undefined => {
    if (acc.count !== seal.eventCount)
      return fail({ sequence: seal.sequence, reason: 'event_count_mismatch', expected: String(acc.count), stored: String(seal.eventCount) });
    const root = acc.root();
    if (root !== seal.merkleRoot) return fail({ sequence: seal.sequence, reason: 'merkle_root_mismatch', expected: root, stored: seal.merkleRoot });
    const expectedChain = sealChain(chain, seal.sequence, seal.upTo, seal.merkleRoot, seal.eventCount);
    if (expectedChain !== seal.chain) return fail({ sequence: seal.sequence, reason: 'chain_mismatch', expected: expectedChain, stored: seal.chain });
    chain = seal.chain;
    eventsCovered += acc.count;
    acc = new MerkleAccumulator();
    index++;
    return undefined;
  };
  for (const [i, seal] of seals.entries()) {
    if (seal.sequence !== i + 1) return fail({ sequence: i + 1, reason: 'missing_seal', expected: String(i + 1), stored: String(seal.sequence) });
  }
  if (seals.length === 0) return { ok: true, sealsChecked: 0, eventsCovered: 0 };
  const bounds = seals.map((s) => parsePosition(s.upTo));
  for await (const e of events) {
    while (index < seals.length && comparePositions(e.position, bounds[index]!) > 0) {
      const failure = close(seals[index]!);
      if (failure) return failure;
    }
    if (index >= seals.length) break;
    acc.add(leafHash(e));
  }
  while (index < seals.length) {
    const failure = close(seals[index]!);
    if (failure) return failure;
  }
  return { ok: true, sealsChecked: index, eventsCovered };
}

/**
 * Every seal of the log signed by a known key. Seals made before signing existed (no kid) are accepted only before
 * the first signed one: an unsigned seal after a signed one means someone stripped or re-made it.
 */
export function checkSealSignatures(seals: readonly SealData[], keys: SealKeySet): SealFailure | undefined {
  let signedSeen = false;
  for (const seal of seals) {
    const check = checkSealSignature(seal, keys);
    switch (check) {
      case 'valid':
        signedSeen = true;
        break;
      case 'unsigned':
        if (signedSeen) return { sequence: seal.sequence, reason: 'signature_missing', expected: 'a signature (a previous seal was signed)', stored: 'none' };
        break;
      case 'unknown_key':
        return { sequence: seal.sequence, reason: 'unknown_key', expected: [...keys.keys()].join(', '), stored: seal.kid ?? '' };
      case 'bad_signature':
        return { sequence: seal.sequence, reason: 'signature_invalid', expected: `a valid Ed25519 signature by ${seal.kid}`, stored: seal.signature ?? '' };
      default: {
        const never: never = check;
        throw new Error(`unexpected signature check ${String(never)}`);
      }
    }
  }
  return undefined;
}

/** SHA-256 of a journal line's text (without its newline): the next line's `prev`. */
export const journalLineHash = (line: string) => createHash('sha256').update(line, 'utf8').digest('hex');

export interface JournalLine {
  readonly prev: string;
  readonly seal: AnchoredSeal;
}

/** One journal line's text: `prev` first, then the seal. */
export const formatJournalLine = (prev: string, seal: AnchoredSeal): string => JSON.stringify({ prev, seal } satisfies JournalLine);

export function parseJournalLine(line: string): JournalLine | undefined {
  try {
    const v = JSON.parse(line) as Partial<JournalLine>;
    const s = v.seal as Partial<AnchoredSeal> | undefined;
    const ok =
      typeof v.prev === 'string' &&
      s !== undefined &&
      typeof s.sequence === 'number' &&
      typeof s.upTo === 'string' &&
      typeof s.upToPosition === 'string' &&
      typeof s.eventCount === 'number' &&
      typeof s.eventsCovered === 'number' &&
      typeof s.merkleRoot === 'string' &&
      typeof s.chain === 'string' &&
      typeof s.sealedAt === 'string';
    return ok ? (v as JournalLine) : undefined;
  } catch {
    return undefined;
  }
}

export interface JournalCheck {
  readonly ok: boolean;
  readonly entries: readonly AnchoredSeal[];
  readonly failure?: SealFailure;
}

/**
 * The journal on its own: every line parses, chains to the hash of the line before (the first to 64 zeros), holds
 * the next seal whose chain follows the previous one, and is signed by a known key. A removed or edited line breaks
 * the `prev` of the line after it (or the first line's genesis); an edited seal also breaks its signature. A journal
 * may start at any seal (it was introduced into a running registry): only its first line says so, with the genesis.
 */
export function verifyJournal(lines: readonly string[], keys: SealKeySet): JournalCheck {
  const entries: AnchoredSeal[] = [];
  let prevHash = JOURNAL_GENESIS;
  let previous: AnchoredSeal | undefined;
  const fail = (failure: SealFailure): JournalCheck => ({ ok: false, entries, failure });
  for (const [i, line] of lines.entries()) {
    const at = `line ${i + 1}`;
    const parsed = parseJournalLine(line);
    if (!parsed)
      return fail({ sequence: (previous?.sequence ?? 0) + 1, reason: 'journal_line_unreadable', expected: `${at}: a seal`, stored: line.slice(0, 200) });
    const { seal } = parsed;
    if (parsed.prev !== prevHash)
      return fail({ sequence: seal.sequence, reason: 'journal_chain_broken', expected: `${at}: prev ${prevHash}`, stored: `prev ${parsed.prev}` });
    if (previous) {
      if (seal.sequence !== previous.sequence + 1)
        return fail({
          sequence: seal.sequence,
          reason: 'journal_sequence_gap',
          expected: `${at}: seal ${previous.sequence + 1}`,
          stored: `seal ${seal.sequence}`,
        });
      const expectedChain = sealChain(previous.chain, seal.sequence, seal.upTo, seal.merkleRoot, seal.eventCount);
      if (expectedChain !== seal.chain || seal.eventsCovered !== previous.eventsCovered + seal.eventCount)
        return fail({
          sequence: seal.sequence,
          reason: 'journal_seal_chain_mismatch',
          expected: `${at}: chain ${expectedChain}`,
          stored: `chain ${seal.chain}`,
        });
    }
    const signature = checkSealSignature(seal, keys);
    if (signature !== 'valid')
      return fail({
        sequence: seal.sequence,
        reason: 'journal_signature_invalid',
        expected: `${at}: signed by one of ${[...keys.keys()].join(', ')}`,
        stored: `${signature}${seal.kid ? ` (kid ${seal.kid})` : ''}`,
      });
    entries.push(seal);
    previous = seal;
    prevHash = journalLineHash(line);
  }
  return { ok: true, entries };
}

/**
 * The log's seals against the journal's: every journal seal must be in the log, unchanged. A journal seal the log
 * lacks is a cut-off tail (the newest events and their seals deleted); a different one is a rewrite.
 */
export function compareWithJournal(seals: readonly SealData[], journal: readonly AnchoredSeal[]): SealFailure | undefined {
  const bySequence = new Map(seals.map((s) => [s.sequence, s]));
  const newest = seals.at(-1);
  for (const anchored of journal) {
    const inLog = bySequence.get(anchored.sequence);
    if (!inLog)
      return {
        sequence: anchored.sequence,
        reason: 'anchored_seal_missing',
        expected: `seal ${anchored.sequence} over ${anchored.eventsCovered} events up to position ${anchored.upToPosition}`,
        stored: newest ? `seal ${newest.sequence} up to position ${newest.upToPosition}` : 'no seal',
      };
    if (inLog.chain !== anchored.chain || inLog.merkleRoot !== anchored.merkleRoot || inLog.upTo !== anchored.upTo || inLog.eventCount !== anchored.eventCount)
      return { sequence: anchored.sequence, reason: 'anchored_seal_mismatch', expected: anchored.chain, stored: inLog.chain };
  }
  return undefined;
}

/**
 * The whole verdict: the log against its own seals, their signatures, the journal on its own, and the log against
 * the journal — the first failure wins, in that order.
 */
export async function verifySealedLog(input: {
  readonly seals: readonly SealData[];
  readonly events: AsyncIterable<LeafEvent>;
  readonly journalLines: readonly string[] | undefined;
  readonly journalLocation?: string;
  readonly keys: SealKeySet;
}): Promise<SealReport> {
  const recomputed = await recomputeSeals(input.seals, input.events);
  const keyIds = [...input.keys.keys()];
  const journal = input.journalLines ? verifyJournal(input.journalLines, input.keys) : undefined;
  const newest = journal?.entries.at(-1);
  const base: SealReport = {
    ...recomputed,
    keyIds,
    ...(journal ? { journalEntries: journal.entries.length } : {}),
    ...(newest
      ? {
          anchored: {
            sequence: newest.sequence,
            upToPosition: newest.upToPosition,
            eventsCovered: newest.eventsCovered,
            location: input.journalLocation ?? '',
          },
        }
      : {}),
  };
  if (!recomputed.ok) return base;
  const failure =
    checkSealSignatures(input.seals, input.keys) ??
    (journal && !journal.ok ? journal.failure : undefined) ??
    compareWithJournal(input.seals, journal?.entries ?? []);
  return failure ? { ...base, ok: false, firstFailure: failure } : base;
}
