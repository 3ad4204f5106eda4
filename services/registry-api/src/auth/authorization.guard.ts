import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { Request } from 'express';
import type { GraphQLResolveInfo } from 'graphql';
import { ANONYMOUS, outOfScope, ROLE_SCOPE_DIMENSIONS, type Actor, type ScopeDimension, type VerifiedActor } from './actor.js';
import { forbidden, unauthenticated } from './auth.errors.js';
import { PUBLIC_OPERATION } from '#runtime';
import { AUTHORIZE_POLICY, type AuthorizePolicy } from './authorize.decorator.js';
import { actorOf } from './authentication.middleware.js';

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/** Evaluates a policy against an actor and the operation's arguments; throws FORBIDDEN on any doubt. */
export function enforcePolicy(policy: AuthorizePolicy, actor: VerifiedActor, args: unknown): void {
  if (!policy.roles.includes(actor.role)) throw forbidden();
  const binding = ROLE_SCOPE_DIMENSIONS[actor.role];
  if (binding.length === 0 || policy.scope === 'global') return;
  const scope = policy.scope ?? {};
  let checked = false;
  for (const dimension of ['trial', 'programme', 'site'] as ScopeDimension[]) {
    const select = scope[dimension];
    if (!select || !binding.includes(dimension)) continue;
    let picked: ReturnType<typeof select>;
    try {
      picked = select(args as never);
    } catch {
      picked = undefined;
    }
    const ids = picked === undefined || picked === null ? [] : typeof picked === 'string' ? [picked] : picked;
    if (ids.length === 0) throw forbidden();
    for (const id of ids) if (typeof id !== 'string' || outOfScope(actor, dimension, id)) throw forbidden();
    checked = true;
  }
  // A confined role allowed without any check along its dimensions would see everything: refuse unless the
  // resolver declared that it checks scope against the data it loads.
  if (!checked && !scope.inHandler) throw forbidden();
}

/**
 * The one guard, registered globally: GraphQL root fields need a policy (deny by default), field resolvers
 * with a policy are checked too, HTTP routes the same way. Denials never say whether the target exists.
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  private readonly log = new Logger('Authorization');

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_OPERATION, targets)) return true;
    const policy = this.reflector.getAllAndOverride<AuthorizePolicy | undefined>(AUTHORIZE_POLICY, targets);
    let actor: Actor;
    let args: unknown;
    let root = true;
    let name: string;
    if (context.getType<GqlContextType>() === 'graphql') {
      const gql = GqlExecutionContext.create(context);
      const info = gql.getInfo<GraphQLResolveInfo>();
      root = ROOT_TYPES.has(info.parentType.name);
      actor = gql.getContext<{ actor?: Actor }>().actor ?? ANONYMOUS;
      args = gql.getArgs();
      name = `${info.parentType.name}.${info.fieldName}`;
    } else {
      const req = context.switchToHttp().getRequest<Request>();
      actor = actorOf(req);
      args = { ...(req.query as object), ...(req.params as object), ...(typeof req.body === 'object' && req.body ? (req.body as object) : {}) };
      name = `${req.method} ${req.path}`;
    }
    if (!policy) {
      if (!root) return true;
      this.log.warn(`${name} has no @Authorize policy and is refused`);
      if (actor.unauthenticated) throw unauthenticated();
      throw forbidden();
    }
    if (actor.unauthenticated) throw unauthenticated();
    enforcePolicy(policy, actor, args);
    return true;
  }
}
