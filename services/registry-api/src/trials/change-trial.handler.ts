import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { requireId, trialDecider, trialStreamId, type RegisterTrial, type TrialCommand } from '#domain';
import { DomainCommandMessage, mutationReceipt, type MutationReceipt } from '../commands/command-message.js';
import { CommandRunner } from '../commands/command-runner.js';

/**
 * Every trial command after registration: arms, sites, schedule, enrolment, unblinding. Over the API, locks and
 * unlocks go through lock-trial.handler.ts (site and subject scope checks, the unlock's signature after a fresh
 * authentication); in process (seed, tests) they may come here, an unlock with a signature its caller vouches for.
 */
export class ChangeTrialCommand extends DomainCommandMessage<Exclude<TrialCommand, RegisterTrial>> {}

/**
 * One stream, no facts from elsewhere: the trial decider guards the order of things (no enrolment without an arm
 * and an active site) and refuses everything but a lock or an unlock while the whole trial is locked.
 */
@CommandHandler(ChangeTrialCommand)
export class ChangeTrialHandler implements ICommandHandler<ChangeTrialCommand, MutationReceipt> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ command, origin }: ChangeTrialCommand): Promise<MutationReceipt> {
    const trialId = requireId(command.trialId, 'trialId');
    return mutationReceipt(await this.runner.run({ streamId: trialStreamId(trialId), decider: trialDecider, command, origin }), trialId);
  }
}
