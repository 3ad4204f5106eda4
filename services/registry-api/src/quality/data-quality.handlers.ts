import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  dataQualityRuleDecider,
  dataQualityRuleStreamId,
  dataQueryDecider,
  dataQueryStreamId,
  requireId,
  type DataQualityRuleCommand,
  type DataQualityRuleState,
  type DataQueryCommand,
  type DataQueryState,
} from '#domain';
import type { Role, VerifiedActor } from '../auth/actor.js';
import { forbidden } from '../auth/auth.errors.js';
import { assertInScope, requireInScope } from '../auth/scope.js';
import { DomainCommandMessage, mutationReceipt, type MutationReceipt } from '../commands/command-message.js';
import { CommandRunner } from '../commands/command-runner.js';

export class DataQualityRuleCommandMessage extends DomainCommandMessage<DataQualityRuleCommand> {}
export class DataQueryCommandMessage extends DomainCommandMessage<Exclude<DataQueryCommand, { type: 'OpenDataQuery' | 'ResolveDataQuery' }>> {}

const scopeOf = (s: { scope: { trialId?: string; programmeId?: string } }) => ({ trial: s.scope.trialId, programme: s.scope.programmeId });

/**
 * Rules of a trial or programme, by a data manager confined to its trials and programmes. A new rule's scope is
 * what the command names; a change or retirement takes the rule's scope from its creating event, so an id outside
 * the actor's grants is refused the same whether it exists or not.
 */
@CommandHandler(DataQualityRuleCommandMessage)
export class DataQualityRuleHandler implements ICommandHandler<DataQualityRuleCommandMessage, MutationReceipt> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ command, origin, actor }: DataQualityRuleCommandMessage): Promise<MutationReceipt> {
    const ruleId = requireId(command.ruleId, 'ruleId');
    const streamId = dataQualityRuleStreamId(ruleId);
    const access = async () => {
      if (command.type === 'DefineDataQualityRule')
        return assertInScope(actor, { trial: command.trialId ?? undefined, programme: command.programmeId ?? undefined });
      const created = await this.runner.loadCreation(streamId, dataQualityRuleDecider);
      requireInScope(actor, created.status === 'none' ? undefined : created, (r: Exclude<DataQualityRuleState, { status: 'none' }>) => scopeOf(r), [
        'trial',
        'programme',
      ]);
    };
    return mutationReceipt(await this.runner.run({ streamId, decider: dataQualityRuleDecider, command, origin, access }), ruleId);
  }
}

/** Who may take which step on a query: the site answers, the data manager closes and reopens. */
const STEP_ROLES: Readonly<Record<DataQueryCommandMessage['command']['type'], readonly Role[]>> = {
  AnswerDataQuery: ['coordinator', 'screening_manager'],
  CloseDataQuery: ['data_manager'],
  ReopenDataQuery: ['data_manager'],
};

/**
 * Steps of the query workflow. The query's trial or programme and site come from its creating event: a coordinator
 * answers only queries of its trials and sites, a screening manager those of its programmes.
 */
@CommandHandler(DataQueryCommandMessage)
export class DataQueryHandler implements ICommandHandler<DataQueryCommandMessage, MutationReceipt> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ command, origin, actor }: DataQueryCommandMessage): Promise<MutationReceipt> {
    if (!STEP_ROLES[command.type].includes(actor.role)) throw forbidden();
    const queryId = requireId(command.queryId, 'queryId');
    const streamId = dataQueryStreamId(queryId);
    const access = async () => {
      const created = await this.runner.loadCreation(streamId, dataQueryDecider);
      const found = created.status === 'none' ? undefined : created;
      const query = requireInScope(actor, found, (q: Exclude<DataQueryState, { status: 'none' }>) => ({ ...scopeOf(q), site: q.siteId ?? undefined }), [
        'trial',
        'programme',
        'site',
      ]);
      // A screening manager answers programme queries only; a coordinator trial queries only.
      if (query && !sideAllowed(actor, query)) throw forbidden();
    };
    return mutationReceipt(await this.runner.run({ streamId, decider: dataQueryDecider, command, origin, access }), queryId);
  }
}

function sideAllowed(actor: VerifiedActor, query: Exclude<DataQueryState, { status: 'none' }>): boolean {
  if (actor.role === 'coordinator') return query.scope.trialId !== undefined;
  if (actor.role === 'screening_manager') return query.scope.programmeId !== undefined;
  return true;
}
