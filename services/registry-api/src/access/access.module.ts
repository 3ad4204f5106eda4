import { Global, Module } from '@nestjs/common';
import { AccessMutationResolver } from './access.mutation-resolver.js';
import { AccessQueryResolver } from './access.query-resolver.js';
import { ACTOR_GRANTS, ActorGrantsService } from './actor-grants.service.js';
import { ManageRoleGrantHandler } from './manage-role-grant.handler.js';

/** Role grants as events, `roleGrants`, and (AUTH_GRANTS=registry) the grants the authentication middleware applies. */
@Global()
@Module({
  providers: [
    ActorGrantsService,
    { provide: ACTOR_GRANTS, useExisting: ActorGrantsService },
    ManageRoleGrantHandler,
    AccessMutationResolver,
    AccessQueryResolver,
  ],
  exports: [ACTOR_GRANTS],
})
export class AccessModule {}
