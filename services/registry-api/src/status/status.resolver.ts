import { Args, Query, Resolver } from '@nestjs/graphql';
import { QueryBus } from '@nestjs/cqrs';
import { GetRegistryStatusQuery } from './get-registry-status.query.js';
import { VerifyAuditTrailQuery } from './verify-audit-trail.query.js';
import { ROLES } from '../auth/actor.js';
import { Authorize } from '../auth/authorize.decorator.js';

@Resolver()
export class StatusResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query('registryStatus')
  @Authorize({ roles: ROLES, scope: 'global' })
  registryStatus() {
    return this.queries.execute(new GetRegistryStatusQuery());
  }

  @Query('verifyAuditTrail')
  @Authorize({ roles: ['regulator', 'admin'] })
  verifyAuditTrail(@Args('streamId') streamId?: string) {
    return this.queries.execute(new VerifyAuditTrailQuery(streamId));
  }
}
