import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, formatPosition, parsePosition, START, WrongExpectedVersionError, type EventStore, type Position, type RecordedEvent } from '#event-store';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '#runtime';
import { leafHash, MerkleAccumulator, sealChain } from './merkle.js';
import { SEAL_JOURNAL, type SealJournal } from './seal-journal.js';
import { SEAL_SIGNER, checkSealSignature, signSeal, type SealSigner } from './seal-signing.js';
import { GENESIS_CHAIN, verifySealedLog, type AnchoredSeal, type SealData, type SealReport } from './seal-verification.js';

export const SEAL_CATEGORY = 'auditseal';
export const SEAL_EVENT = 'AuditTrailSealed';
const BATCH = 5_000;
/** How long an on-demand seal waits for its own event to become readable before journaling it (else: next tick). */
const SETTLE_WAIT_MS = 5_000;
/** One sealer at a time across every API instance on the database (pg advisory lock key). */
const SEALER_LOCK = "hashtextextended('registry:audit-sealer', 0)";

export type { SealData, SealFailure, SealReport } from './seal-verification.js';

/**
 * Periodic seals of the whole log: an RFC 6962 Merkle root over the events since the previous seal, chained to
 * it, signed with Ed25519 (the key outside the database, seal-signing.ts), appended as an event to `auditseal-<n>`
 * and as a line to the seal journal outside the database (seal-journal.ts). Hash chains only prove each stream is
 * self-consistent; a DB owner can rewrite a stream *and* its chain, and then the seals no longer match. If the owner
 * recomputes the seal rows too, their signatures fail (no key); with a stolen key, the journal still holds the
 * original seals. A cut-off tail (the newest events and the seals over them) leaves a log that agrees with itself,
 * but not with the journal. Only events after the newest journaled seal can go unnoticed, which is why the
 * registry seals every few seconds. Seals follow the store's gap-safe read order, so an event committing late can
 * never land inside an already sealed range. docs/audit-threat-model.md says what remains.
 */
@Injectable()
export class AuditSealService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('AuditSeal');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  /** The newest seal in the log and the events up to it, as this instance last saw them (reloaded when stale). */
  private head?: { readonly seal: SealData | undefined; readonly eventsCovered: number };

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig,
    @Optional() @Inject(SEAL_JOURNAL) private readonly journal?: SealJournal,
    @Optional() private readonly dataSource?: DataSource,
    @Optional() @Inject(SEAL_SIGNER) private readonly signer?: SealSigner,
  ) {}

  onApplicationBootstrap(): void {
    if (this.signer)
      this.log.log(`audit seals signed with Ed25519 key ${this.signer.key.kid} (${this.signer.key.source}); ${this.signer.keys.size} key(s) accepted`);
    const seconds = this.config?.AUDIT_SEAL_INTERVAL_SECONDS ?? 0;
    if (seconds > 0) {
      this.timer = setInterval(() => {
        this.running ??= this.seal(new Date(), { wait: false })
          .catch((err: unknown) => this.log.error(`sealing failed: ${(err as Error).message}`))
          .finally(() => (this.running = undefined));
      }, seconds * 1000);
      this.timer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async seals(): Promise<SealData[]> {
    const out: SealData[] = [];
    let after: Position = START;
    for (;;) {
      const batch = await this.store.readAll({ after, maxCount: BATCH, filter: { streamCategories: [SEAL_CATEGORY], eventTypes: [SEAL_EVENT] } });
      for (const e of batch) out.push(e.data as unknown as SealData);
      if (batch.length < BATCH) return out.sort((a, b) => a.sequence - b.sequence);
      after = batch.at(-1)!.position;
    }
  }

  /**
   * Seals everything readable since the last seal, and journals the seal outside the database; null when there is
   * nothing new (or another instance sealed first). One sealer at a time across instances: the timer skips a
   * period while another instance holds the lock, an on-demand seal (`wait`) waits for it. The journal is written
   * under the same lock, so instances sharing it never fork its chain.
   */
  async seal(now: Date = new Date(), options: { wait?: boolean } = {}): Promise<SealData | null> {
    const wait = options.wait ?? true;
    const locked = async () => {
      const seal = await this.sealLocked(now);
      await this.journalNewest(wait ? SETTLE_WAIT_MS : 0);
      return seal;
    };
    if (!this.dataSource) return locked();
    return this.dataSource.transaction(async (m) => {
      if (wait) {
        await m.query(`SET LOCAL lock_timeout = '30s'`);
        await m.query(`SELECT pg_advisory_xact_lock(${SEALER_LOCK})`);
      } else {
        const [{ locked: got }] = (await m.query(`SELECT pg_try_advisory_xact_lock(${SEALER_LOCK}) AS locked`)) as [{ locked: boolean }];
        if (!got) return null;
      }
      return locked();
    });
  }

  /**
   * The newest seal of the log and the events up to it. After the first full read, only seal events after the known
   * newest one are read (another instance may have sealed since), so a tick every few seconds stays cheap.
   */
  private async newest(): Promise<{ seal: SealData | undefined; eventsCovered: number }> {
    if (!this.head) {
      const all = await this.seals();
      this.head = { seal: all.at(-1), eventsCovered: all.reduce((n, s) => n + s.eventCount, 0) };
      return this.head;
    }
    let { seal, eventsCovered } = this.head;
    if (!seal) {
      this.head = undefined;
      return this.newest();
    }
    for (let after = parsePosition(seal.upTo); ;) {
      const batch = await this.store.readAll({ after, maxCount: BATCH, filter: { streamCategories: [SEAL_CATEGORY], eventTypes: [SEAL_EVENT] } });
      for (const e of batch) {
        const next = e.data as unknown as SealData;
        if (next.sequence === seal.sequence + 1) {
          seal = next;
          eventsCovered += next.eventCount;
        }
      }
      if (batch.length < BATCH) break;
      after = batch.at(-1)!.position;
    }
    this.head = { seal, eventsCovered };
    return this.head;
  }

  /**
   * Brings the journal up to the log's newest seal (the seal just made, or ones another instance made, or one whose
   * journal line a crash lost). Copies a seal from the log only when it continues the journal's chain and carries a
   * valid signature, so a forged seal row never enters the journal.
   */
  private async journalNewest(settleWaitMs: number): Promise<void> {
    if (!this.journal) return;
    const { seal: newest, eventsCovered } = await this.newest();
    const latest = await this.journal.latest();
    if (!newest || (latest?.sequence ?? 0) >= newest.sequence) return;
    // A seal event is readable (gap-safe) only once every older transaction of the cluster has ended. Journaled
    // before that, `verify` would find the journal ahead of the log and cry "tail cut off"; so it waits (briefly,
    // on demand) and otherwise leaves the line to the next tick.
    if (!(await this.settled(newest, settleWaitMs))) return;
    // An empty journal starts at the newest seal (its chain commits to every seal before it); otherwise every seal
    // after the journal's newest, in order.
    const missing: { seal: SealData; eventsCovered: number }[] = [];
    if (!latest || latest.sequence === newest.sequence - 1) missing.push({ seal: newest, eventsCovered });
    else {
      let covered = 0;
      for (const s of await this.seals()) {
        covered += s.eventCount;
        if (s.sequence > latest.sequence) missing.push({ seal: s, eventsCovered: covered });
      }
    }
    let previous: AnchoredSeal | undefined = latest;
    for (const { seal, eventsCovered: covered } of missing) {
      const continues = !previous || sealChain(previous.chain, seal.sequence, seal.upTo, seal.merkleRoot, seal.eventCount) === seal.chain;
      const signed = this.signer ? checkSealSignature(seal, this.signer.keys) === 'valid' : true;
      if (!continues || !signed) {
        this.log.warn(`audit seal ${seal.sequence} in the log does not continue the seal journal (${continues ? 'bad signature' : 'chain'}): not journaled`);
        return;
      }
      const entry: AnchoredSeal = { ...seal, eventsCovered: covered };
      await this.journal.record(entry);
      previous = entry;
    }
  }

  /** Whether the seal's own event is in the log's gap-safe read order yet, polling up to `waitMs`. */
  private async settled(seal: SealData, waitMs: number): Promise<boolean> {
    for (const deadline = Date.now() + waitMs; ; await new Promise((r) => setTimeout(r, 25))) {
      const after = await this.store.readAll({
        after: parsePosition(seal.upTo),
        maxCount: BATCH,
        filter: { streamCategories: [SEAL_CATEGORY], eventTypes: [SEAL_EVENT] },
      });
      if (after.some((e) => (e.data as unknown as SealData).sequence === seal.sequence)) return true;
      if (Date.now() >= deadline) return false;
    }
  }

  private async sealLocked(now: Date): Promise<SealData | null> {
    const head = await this.newest();
    const previous = head.seal;
    let after = previous ? parsePosition(previous.upTo) : START;
    const acc = new MerkleAccumulator();
    let last: RecordedEvent | undefined;
    let substantive = false;
    for (;;) {
      const batch = await this.store.readAll({ after, maxCount: BATCH });
      for (const e of batch) {
        acc.add(leafHash(e));
        last = e;
        if (!e.streamId.startsWith(`${SEAL_CATEGORY}-`)) substantive = true;
      }
      if (batch.length < BATCH) break;
      after = batch.at(-1)!.position;
    }
    // Sealing only the previous seal event would add a seal every period for ever.
    if (!last || !substantive) return null;
    const sequence = (previous?.sequence ?? 0) + 1;
    const upTo = formatPosition(last.position);
    const merkleRoot = acc.root();
    const unsigned: SealData = {
      sequence,
      upTo,
      upToPosition: last.position.prepare.toString(),
      eventCount: acc.count,
      merkleRoot,
      chain: sealChain(previous?.chain ?? GENESIS_CHAIN, sequence, upTo, merkleRoot, acc.count),
      algorithm: 'rfc6962-sha256/v1',
      sealedAt: now.toISOString(),
    };
    const seal: SealData = this.signer ? signSeal(unsigned, this.signer.key) : unsigned;
    const commandId = randomUUID();
    try {
      await this.store.appendToStream(
        `${SEAL_CATEGORY}-${sequence}`,
        [
          {
            id: randomUUID(),
            type: SEAL_EVENT,
            data: { ...seal },
            metadata: {
              actorId: 'system:audit-sealer',
              actorRole: 'system',
              commandId,
              correlationId: commandId,
              causationId: commandId,
              recordedAt: now.toISOString(),
              schemaVersion: 1,
            },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
    } catch (err) {
      this.head = undefined;
      if (err instanceof WrongExpectedVersionError) return null;
      throw err;
    }
    this.head = { seal, eventsCovered: head.eventsCovered + seal.eventCount };
    this.log.log(
      `audit seal ${sequence}: ${seal.eventCount} events up to ${seal.upToPosition}, merkle root ${merkleRoot}, chain ${seal.chain}, key ${seal.kid ?? 'none'}`,
    );
    return seal;
  }

  /**
   * Recomputes every seal from the stored events in one pass over the log, checks their signatures, checks the
   * journal line by line, and compares the log's seals with the journal's.
   */
  async verify(): Promise<SealReport> {
    const [seals, journalLines] = await Promise.all([this.seals(), this.journal?.lines()]);
    return verifySealedLog({
      seals,
      events: this.allEvents(),
      journalLines,
      ...(this.journal ? { journalLocation: this.journal.location } : {}),
      keys: this.signer?.keys ?? new Map(),
    });
  }

  private async *allEvents(): AsyncGenerator<RecordedEvent> {
    for (let after: Position = START; ;) {
      const batch = await this.store.readAll({ after, maxCount: BATCH });
      yield* batch;
      if (batch.length < BATCH) return;
      after = batch.at(-1)!.position;
    }
  }
}
