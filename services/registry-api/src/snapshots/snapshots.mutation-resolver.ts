import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { reject, SnapshotErrors, type SnapshotScope } from '#domain';
import type { FreezeAnalysisSnapshotInput } from '../../../../graphql/generated/graphql.types.js';
import { Authorize } from '../auth/authorize.decorator.js';
import type { MutationReceipt } from '../commands/command-message.js';
import { commandOrigin, verifiedActor } from '../commands/command-origin.js';
import { recordId } from '../commands/record-id.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { FreezeAnalysisSnapshotCommand } from './freeze-analysis-snapshot.handler.js';
import { assertSnapshotScope, SNAPSHOT_WRITERS } from './snapshots.scope.js';

/** Exactly one of trialId and programmeId: the scope of a snapshot (or of a list of them). */
export function snapshotScopeOf(args: { trialId?: string | null; programmeId?: string | null }): SnapshotScope {
  const { trialId, programmeId } = args;
  if ((trialId == null) === (programmeId == null)) {
    return reject(SnapshotErrors.SNAPSHOT_SCOPE_REQUIRED, trialId == null ? 'trialId' : 'programmeId', 'Give exactly one of trialId and programmeId');
  }
  return trialId != null ? { kind: 'trial', trialId } : { kind: 'programme', programmeId: programmeId! };
}

const GLOBAL_POSITION = /^(0|[1-9][0-9]{0,18})$/;

@Resolver()
export class SnapshotsMutationResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation('freezeAnalysisSnapshot')
  // The scope is checked here against the one id given (a biostatistician is confined along both dimensions, and a
  // trial snapshot names no programme), before anything is computed.
  @Authorize({ roles: SNAPSHOT_WRITERS, scope: { inHandler: true } })
  freezeAnalysisSnapshot(@Args('input') input: FreezeAnalysisSnapshotInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const actor = verifiedActor(ctx);
    const scope = snapshotScopeOf(input);
    assertSnapshotScope(actor, scope);
    const origin = commandOrigin(ctx, input, input.reason);
    if (input.position != null && !GLOBAL_POSITION.test(input.position))
      reject(SnapshotErrors.UNKNOWN_POSITION, 'position', 'position is a global position (digits)');
    const asOf = input.asOf != null ? new Date(input.asOf) : null;
    const request = {
      snapshotId: recordId(input.commandId, 'snapshot'),
      scope,
      position: input.position != null ? BigInt(input.position) : null,
      asOf,
      purpose: input.purpose,
      reason: input.reason,
    };
    return this.commands.execute(new FreezeAnalysisSnapshotCommand(request, origin, actor));
  }
}
