import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  comparePositions,
  EVENT_STORE,
  formatPosition,
  parsePosition,
  START,
  WrongExpectedVersionError,
  type EventStore,
  type Position,
  type RecordedEvent,
} from '#event-store';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '#runtime';
import { leafHash, MerkleAccumulator, sealChain } from './merkle.js';
import { SEAL_ANCHOR, type AnchoredSeal, type SealAnchor } from './seal-anchor.js';

export const SEAL_CATEGORY = 'auditseal';
export const SEAL_EVENT = 'AuditTrailSealed';
const GENESIS_CHAIN = '0'.repeat(64);
const BATCH = 5_000;
/** One sealer at a time across every API instance on the database (pg advisory lock key). */
const SEALER_LOCK = "hashtextextended('registry:audit-sealer', 0)";

export interface SealData {
  readonly sequence: number;
  /** `commit.prepare`: the seal covers every event at or before this position in the log's read order. */
  readonly upTo: string;
  readonly upToPosition: string;
  readonly eventCount: number;
  readonly merkleRoot: string;
  readonly chain: string;
  readonly algorithm: 'rfc6962-sha256/v1';
  readonly sealedAt: string;
}

export interface SealFailure {
  readonly sequence: number;
  readonly reason:
    | 'merkle_root_mismatch'
    | 'event_count_mismatch'
    | 'chain_mismatch'
    | 'missing_seal'
    | 'position_missing'
    // The newest seal kept outside the database is not in the log (the tail was cut off) or differs from it (rewritten).
    | 'anchored_seal_missing'
    | 'anchored_seal_mismatch';
  readonly expected: string;
  readonly stored: string;
}

export interface SealReport {
  readonly ok: boolean;
  readonly sealsChecked: number;
  readonly eventsCovered: number;
  /** The newest seal kept outside the database that the log was compared with. */
  readonly anchored?: { readonly sequence: number; readonly upToPosition: string; readonly eventsCovered: number; readonly location: string };
  readonly firstFailure?: SealFailure;
}

/**
 * Periodic seals of the whole log: an RFC 6962 Merkle root over the events since the previous seal, chained to
 * it, appended as an event to `auditseal-<n>`. Hash chains only prove each stream is self-consistent; a DB owner
 * can rewrite a stream *and* its chain. The seals then no longer match. A superuser can also cut the tail off (the
 * newest events and the seals over them): the log agrees with itself again, so each seal is also kept outside the
 * database (SealAnchor) and `verify` compares the log with the newest anchored seal. Only events after the newest
 * seal can go unnoticed, which is why the registry seals every few seconds. Seals follow the store's gap-safe read
 * order, so an event committing late can never land inside an already sealed range.
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
    @Optional() @Inject(SEAL_ANCHOR) private readonly anchor?: SealAnchor,
    @Optional() private readonly dataSource?: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config?.AUDIT_SEAL_INTERVAL_SECONDS ?? 0;
    if (seconds > 0) {
      this.timer = setInterval(() => {
        this.running ??= this.seal(new Date(), { wait: false })
          .then(() => this.anchorNewest())
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
   * Seals everything readable since the last seal, and anchors the seal outside the database; null when there is
   * nothing new (or another instance sealed first). One sealer at a time across instances: the timer skips a
   * period while another instance holds the lock, an on-demand seal (`wait`) waits for it.
   */
  async seal(now: Date = new Date(), options: { wait?: boolean } = {}): Promise<SealData | null> {
    if (!this.dataSource) return this.sealLocked(now);
    const wait = options.wait ?? true;
    return this.dataSource.transaction(async (m) => {
      if (wait) {
        await m.query(`SET LOCAL lock_timeout = '30s'`);
        await m.query(`SELECT pg_advisory_xact_lock(${SEALER_LOCK})`);
      } else {
        const [{ locked }] = (await m.query(`SELECT pg_try_advisory_xact_lock(${SEALER_LOCK}) AS locked`)) as [{ locked: boolean }];
        if (!locked) return null;
      }
      return this.sealLocked(now);
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

  /** Records the log's newest seal in the anchor when the anchor lacks it (e.g. another instance made it). */
  private async anchorNewest(): Promise<void> {
    if (!this.anchor) return;
    const { seal, eventsCovered } = await this.newest();
    if (seal && ((await this.anchor.latest())?.sequence ?? 0) < seal.sequence) await this.anchor.record(anchored(seal, eventsCovered));
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
    const seal: SealData = {
      sequence,
      upTo,
      upToPosition: last.position.prepare.toString(),
      eventCount: acc.count,
      merkleRoot,
      chain: sealChain(previous?.chain ?? GENESIS_CHAIN, sequence, upTo, merkleRoot, acc.count),
      algorithm: 'rfc6962-sha256/v1',
      sealedAt: now.toISOString(),
    };
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
    await this.anchor?.record(anchored(seal, this.head.eventsCovered));
    this.log.log(`audit seal ${sequence}: ${seal.eventCount} events up to ${seal.upToPosition}, merkle root ${merkleRoot}, chain ${seal.chain}`);
    return seal;
  }

  /** Recomputes every seal from the stored events in one pass over the log, then compares with the anchored seal. */
  async verify(): Promise<SealReport> {
    const [seals, latest] = await Promise.all([this.seals(), this.anchor?.latest()]);
    const report = await this.recompute(seals);
    if (!report.ok || !latest || !this.anchor) return report;
    const anchoredView = { sequence: latest.sequence, upToPosition: latest.upToPosition, eventsCovered: latest.eventsCovered, location: this.anchor.location };
    const inLog = seals.find((s) => s.sequence === latest.sequence);
    if (!inLog) {
      const newest = seals.at(-1);
      return {
        ...report,
        ok: false,
        anchored: anchoredView,
        firstFailure: {
          sequence: latest.sequence,
          reason: 'anchored_seal_missing',
          expected: `seal ${latest.sequence} over ${latest.eventsCovered} events up to position ${latest.upToPosition}`,
          stored: newest ? `seal ${newest.sequence} over ${report.eventsCovered} events up to position ${newest.upToPosition}` : 'no seal',
        },
      };
    }
    if (inLog.chain !== latest.chain || inLog.merkleRoot !== latest.merkleRoot || inLog.upTo !== latest.upTo || inLog.eventCount !== latest.eventCount) {
      return {
        ...report,
        ok: false,
        anchored: anchoredView,
        firstFailure: { sequence: latest.sequence, reason: 'anchored_seal_mismatch', expected: latest.chain, stored: inLog.chain },
      };
    }
    return { ...report, anchored: anchoredView };
  }

  private async recompute(seals: readonly SealData[]): Promise<SealReport> {
    let eventsCovered = 0;
    let chain = GENESIS_CHAIN;
    let index = 0;
    let acc = new MerkleAccumulator();
    let after: Position = START;
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
    outer: for (;;) {
      const batch = await this.store.readAll({ after, maxCount: BATCH });
      for (const e of batch) {
        while (index < seals.length && comparePositions(e.position, parsePosition(seals[index]!.upTo)) > 0) {
          const failure = close(seals[index]!);
          if (failure) return failure;
        }
        if (index >= seals.length) break outer;
        acc.add(leafHash(e));
      }
      if (batch.length < BATCH) break;
      after = batch.at(-1)!.position;
    }
    while (index < seals.length) {
      const failure = close(seals[index]!);
      if (failure) return failure;
    }
    return { ok: true, sealsChecked: index, eventsCovered };
  }
}

function anchored(seal: SealData, eventsCovered: number): AnchoredSeal {
  const { sequence, upTo, upToPosition, eventCount, merkleRoot, chain, sealedAt } = seal;
  return { sequence, upTo, upToPosition, eventCount, eventsCovered, merkleRoot, chain, sealedAt };
}
