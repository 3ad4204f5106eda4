import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { comparePositions, EVENT_STORE, formatPosition, parsePosition, START, WrongExpectedVersionError, type EventStore, type Position, type RecordedEvent } from '#event-store';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { leafHash, MerkleAccumulator, sealChain } from './merkle.js';

export const SEAL_CATEGORY = 'auditseal';
export const SEAL_EVENT = 'AuditTrailSealed';
const GENESIS_CHAIN = '0'.repeat(64);
const BATCH = 5_000;

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
  readonly reason: 'merkle_root_mismatch' | 'event_count_mismatch' | 'chain_mismatch' | 'missing_seal' | 'position_missing';
  readonly expected: string;
  readonly stored: string;
}

export interface SealReport {
  readonly ok: boolean;
  readonly sealsChecked: number;
  readonly eventsCovered: number;
  readonly firstFailure?: SealFailure;
}

/**
 * Periodic seals of the whole log: an RFC 6962 Merkle root over the events since the previous seal, chained to
 * it, appended as an event to `auditseal-<n>`. Hash chains only prove each stream is self-consistent; a DB owner
 * can rewrite a stream *and* its chain. The seals (also logged as they are made, so they can be anchored outside
 * the database) then no longer match. Seals follow the store's gap-safe read order, so an event committing late
 * can never land inside an already sealed range.
 */
@Injectable()
export class AuditSealService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('AuditSeal');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config?.AUDIT_SEAL_INTERVAL_SECONDS ?? 0;
    if (seconds > 0) {
      this.timer = setInterval(() => {
        this.running ??= this.seal()
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

  /** Seals everything readable since the last seal; null when there is nothing new (or another instance sealed first). */
  async seal(now: Date = new Date()): Promise<SealData | null> {
    const previous = (await this.seals()).at(-1);
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
            metadata: { actorId: 'system:audit-sealer', actorRole: 'system', commandId, correlationId: commandId, causationId: commandId, recordedAt: now.toISOString(), schemaVersion: 1 },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
    } catch (err) {
      if (err instanceof WrongExpectedVersionError) return null;
      throw err;
    }
    this.log.log(`audit seal ${sequence}: ${seal.eventCount} events up to ${seal.upToPosition}, merkle root ${merkleRoot}, chain ${seal.chain}`);
    return seal;
  }

  /** Recomputes every seal from the stored events, in one pass over the log. */
  async verify(): Promise<SealReport> {
    const seals = await this.seals();
    let eventsCovered = 0;
    let chain = GENESIS_CHAIN;
    let index = 0;
    let acc = new MerkleAccumulator();
    let after: Position = START;
    const fail = (f: SealFailure): SealReport => ({ ok: false, sealsChecked: index, eventsCovered, firstFailure: f });
    const close = (seal: SealData): SealReport | undefined => {
      if (acc.count !== seal.eventCount) return fail({ sequence: seal.sequence, reason: 'event_count_mismatch', expected: String(acc.count), stored: String(seal.eventCount) });
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
