import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '#event-store';
import type { VerificationReport } from '../../../../graphql/generated/graphql.types.js';
import { AuditSealService } from '../audit/audit-seal.service.js';

export class VerifyAuditTrailQuery extends Query<VerificationReport> {
  constructor(readonly streamId: string | undefined) {
    super();
  }
}

@QueryHandler(VerifyAuditTrailQuery)
export class VerifyAuditTrailHandler implements IQueryHandler<VerifyAuditTrailQuery, VerificationReport> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly seals: AuditSealService,
  ) {}

  /**
   * Chains prove each stream agrees with itself, and nothing more: a stream whose newest events were deleted still
   * chains. Over the whole log the seals (and the seal kept outside the database) close that gap.
   */
  async execute({ streamId }: VerifyAuditTrailQuery): Promise<VerificationReport> {
    const [r, seals] = await Promise.all([this.store.verify(streamId ? { streamId } : {}), streamId ? undefined : this.seals.verify()]);
    const f = r.firstFailure;
    return {
      ok: r.ok && (seals?.ok ?? true),
      seals: seals
        ? {
            ...seals,
            anchored: seals.anchored ?? null,
            firstFailure: seals.firstFailure ?? null,
            journalEntries: seals.journalEntries ?? 0,
            keyIds: [...(seals.keyIds ?? [])],
          }
        : null,
      eventsChecked: r.eventsChecked,
      streamsChecked: r.streamsChecked,
      firstFailure: f
        ? {
            streamId: f.streamId,
            revision: Number(f.revision),
            globalPosition: f.position.prepare.toString(),
            eventId: f.eventId,
            reason: f.reason,
            expectedHash: f.expectedHash,
            storedHash: f.storedHash,
          }
        : null,
    };
  }
}
