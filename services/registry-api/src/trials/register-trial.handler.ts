import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError, requireId, TrialErrors, trialDecider, trialIdentifierStreamId, trialStreamId, type RegisterTrial, type TrialRegistered } from '#domain';
import { DomainCommandMessage, mutationReceipt, type MutationReceipt } from '../commands/command-message.js';
import { CommandRunner } from '../commands/command-runner.js';
import { withReservations } from '../commands/reservation.js';

export class RegisterTrialCommand extends DomainCommandMessage<RegisterTrial> {}

/**
 * Registers a trial: validates it (the decider normalises every registry identifier), claims each identifier's
 * reservation stream (trialidentifier-<SYSTEM>.<VALUE>), then appends TrialRegistered. A second trial with an
 * identifier already held is refused with DUPLICATE_TRIAL_IDENTIFIER on that identifier; a rejected registration
 * gives back the identifiers it claimed.
 */
@CommandHandler(RegisterTrialCommand)
export class RegisterTrialHandler implements ICommandHandler<RegisterTrialCommand, MutationReceipt> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ command, origin }: RegisterTrialCommand): Promise<MutationReceipt> {
    const trialId = requireId(command.trialId, 'trialId');
    const run = { streamId: trialStreamId(trialId), decider: trialDecider, command, origin };
    if (await this.runner.hasHandled(run.streamId, origin.commandId)) return mutationReceipt(await this.runner.run(run), trialId);
    const [registered] = (await this.runner.preview(run)) as TrialRegistered[];
    const requests = registered!.data.identifiers.map((identifier, i) => ({
      streamId: trialIdentifierStreamId(identifier),
      ownerId: trialId,
      origin,
      duplicate: () =>
        new DomainError(
          TrialErrors.DUPLICATE_TRIAL_IDENTIFIER,
          `identifiers.${i}.value`,
          `${identifier.system} ${identifier.value} is already registered for another trial`,
        ),
    }));
    const receipt = await withReservations(
      this.runner.store,
      requests,
      () => this.runner.now(),
      () => this.runner.run(run),
    );
    return mutationReceipt(receipt, trialId);
  }
}
