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
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ streamId }: VerifyAuditTrailQuery): Promise<VerificationReport> {
    const r = await this.store.verify(streamId ? { streamId } : {});
    const f = r.firstFailure;
    return {
      ok: r.ok,
      eventsChecked: r.eventsChecked,
      streamsChecked: r.streamsChecked,
      firstFailure: f
        ? { streamId: f.streamId, revision: Number(f.revision), globalPosition: f.position.prepare.toString(), eventId: f.eventId, reason: f.reason, expectedHash: f.expectedHash, storedHash: f.storedHash }
        : null,
    };
  }
}
