import { Args, Query, Resolver } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { GetRegistryStatusQuery } from './get-registry-status.query.js';
import { VerifyAuditTrailQuery } from './verify-audit-trail.query.js';

@Resolver()
export class StatusResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query('registryStatus')
  registryStatus() {
    return this.queries.execute(new GetRegistryStatusQuery());
  }

  @Query('verifyAuditTrail')
  verifyAuditTrail(@Args('streamId') streamId?: string) {
    return this.queries.execute(new VerifyAuditTrailQuery(streamId));
  }
}
