import { Args, Query, Resolver } from '@nestjs/graphql';
import { Authorize } from '../auth/authorize.decorator.js';
import { ActorGrantsService, type RoleGrantView } from './actor-grants.service.js';

@Resolver()
export class AccessQueryResolver {
  constructor(private readonly grants: ActorGrantsService) {}

  /** Read from the actor's stream, not the cache: an auditor sees a revocation the moment it is recorded. */
  @Query('roleGrants')
  @Authorize({ roles: ['admin', 'regulator'], scope: 'global' })
  roleGrants(@Args('actorId') actorId: string): Promise<RoleGrantView[]> {
    return this.grants.activeGrants(actorId);
  }
}
