import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  snapshotDecider,
  snapshotStreamId,
  type AnalysisSnapshotFrozen,
  type FreezeAnalysisSnapshot,
  type SnapshotManifest,
  type SnapshotScope,
} from '#domain';
import { EVENT_STORE, type EventStore } from '#event-store';
import { SNAPSHOT_HASH_ALGORITHM } from '#projections';
import { DataSource } from 'typeorm';
import { DomainCommandMessage, mutationReceipt, type MutationReceipt } from '../commands/command-message.js';
import { CommandRunner } from '../commands/command-runner.js';
import { materialiseSnapshotRows, resolveCut, withScopeSnapshot } from './snapshot-compute.js';
import { keepSnapshotRows, snapshotRowsKept } from './snapshot-rows.js';

/** What the client asked for: the command's fingerprint (a repeat with other content is IDEMPOTENCY_CONFLICT). */
export interface FreezeRequest {
  readonly snapshotId: string;
  readonly scope: SnapshotScope;
  readonly position: bigint | null;
  readonly asOf: Date | null;
  readonly purpose: string;
  readonly reason: string;
}

export class FreezeAnalysisSnapshotCommand extends DomainCommandMessage<FreezeRequest> {}

const manifestOf = (d: AnalysisSnapshotFrozen['data']): SnapshotManifest => ({
  position: d.position,
  commitPosition: d.commitPosition,
  readModels: d.readModels,
  rowCounts: d.rowCounts,
  contentHash: d.contentHash,
  hashAlgorithm: d.hashAlgorithm,
});

/**
 * Computes the dataset at the cut from the log (libs/projections computeSnapshot), lets the pure decider record it as
 * one `AnalysisSnapshotFrozen` event, then keeps the rows. The event is the fact; the kept rows are derived (a crash
 * before they are written leaves them to be re-materialised from the log on the next read, checked against the hash).
 * A repeated commandId finds the snapshot's stream and answers the first receipt without recomputing anything.
 */
@CommandHandler(FreezeAnalysisSnapshotCommand)
export class FreezeAnalysisSnapshotHandler implements ICommandHandler<FreezeAnalysisSnapshotCommand, MutationReceipt> {
  constructor(
    private readonly runner: CommandRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly dataSource: DataSource,
  ) {}

  async execute({ command: request, origin }: FreezeAnalysisSnapshotCommand): Promise<MutationReceipt> {
    const streamId = snapshotStreamId(request.snapshotId);
    const fingerprint = {
      scope: request.scope,
      position: request.position?.toString() ?? null,
      asOf: request.asOf?.toISOString() ?? null,
      purpose: request.purpose,
      reason: request.reason,
    };
    const command = (manifest: SnapshotManifest): FreezeAnalysisSnapshot => ({
      type: 'FreezeAnalysisSnapshot',
      snapshotId: request.snapshotId,
      scope: request.scope,
      purpose: request.purpose,
      reason: request.reason,
      asOf: request.asOf?.toISOString() ?? null,
      manifest,
    });
    const run = (manifest: SnapshotManifest) =>
      this.runner.run({ streamId, decider: snapshotDecider, command: command(manifest), origin: { ...origin, reason: request.reason }, fingerprint });
    const [frozen] = (await this.store.readStream(streamId, { maxCount: 1 })) as unknown as { data: AnalysisSnapshotFrozen['data'] }[];
    const receipt = frozen
      ? await run(manifestOf(frozen.data))
      : await withScopeSnapshot(this.store, this.dataSource, request.scope, await resolveCut(this.store, request.position, request.asOf), async (computed) => {
          const manifest: SnapshotManifest = {
            position: computed.position.prepare.toString(),
            commitPosition: computed.position.commit.toString(),
            readModels: computed.readModels,
            rowCounts: computed.tables.map((t) => ({ table: t.table, rows: t.rows, hash: t.hash })),
            contentHash: computed.contentHash,
            hashAlgorithm: SNAPSHOT_HASH_ALGORITHM,
          };
          const r = await run(manifest);
          // Keep the rows when they are the frozen ones: a concurrent repeat with the default cut may have computed a
          // later position than the writer that won; its rows are not this snapshot's.
          if (r.state.status === 'frozen' && r.state.manifest.contentHash === computed.contentHash && r.state.manifest.position === manifest.position) {
            await keepSnapshotRows(computed, request.snapshotId);
          }
          return r;
        });
    const state = receipt.state;
    if (state.status === 'frozen' && !(await snapshotRowsKept(this.dataSource, request.snapshotId))) {
      await materialiseSnapshotRows(this.store, this.dataSource, request.snapshotId, state.scope, state.manifest);
    }
    return mutationReceipt(receipt, request.snapshotId);
  }
}
