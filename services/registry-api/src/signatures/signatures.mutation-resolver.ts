import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { reject, SignatureErrors } from '#domain';
import type { SignatureTargetInput, SignRecordInput } from '../../../../graphql/generated/graphql.types.js';
import { SIGNING_ROLES } from '../access/signing-policy.js';
import { Authorize } from '../auth/authorize.decorator.js';
import type { MutationReceipt } from '../commands/command-message.js';
import { commandOrigin, verifiedActor } from '../commands/command-origin.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { SignRecordCommand } from './sign-record.handler.js';

/** The GraphQL target (one of four fields) → the domain's tagged target; the decider validates the ids. */
function target(input: SignatureTargetInput): unknown {
  const given = (['trial', 'subject', 'measurement', 'lock', 'analysisSnapshot'] as const).filter((k) => input[k] !== undefined && input[k] !== null);
  if (given.length !== 1)
    reject(SignatureErrors.INVALID_SIGNATURE_TARGET, 'target', 'Name exactly one of trial, subject, measurement, lock or analysisSnapshot');
  const kind = given[0]!;
  if (kind === 'lock') {
    const lock = input.lock!;
    return { kind, trialId: lock.trialId, scope: (lock.scope ?? 'TRIAL').toLowerCase(), scopeId: lock.scopeId ?? null };
  }
  return { kind, ...input[kind] };
}

@Resolver()
export class SignaturesMutationResolver {
  constructor(private readonly commands: CommandBus) {}

  /** Role, meaning and the record's scope are checked in the handler against the signing policy and the loaded record. */
  @Mutation('signRecord')
  @Authorize({ roles: SIGNING_ROLES, scope: { inHandler: true } })
  signRecord(@Args('input') input: SignRecordInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const request = { target: target(input.target), meaning: input.meaning, statement: input.statement, signingPassword: input.signingPassword ?? null };
    return this.commands.execute(new SignRecordCommand(request, commandOrigin(ctx, input), verifiedActor(ctx)));
  }
}
