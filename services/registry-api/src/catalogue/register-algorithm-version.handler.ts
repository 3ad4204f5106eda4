import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  algorithmDecider,
  algorithmFacts,
  algorithmStreamId,
  BiomarkerErrors,
  biomarkerDecider,
  biomarkerStreamId,
  optionalId,
  reject,
  requireId,
  type AlgorithmDecisionContext,
  type CommandMeta,
  type RegisterAlgorithmVersion,
} from '#domain';
import { DomainCommandMessage, mutationReceipt, type MutationReceipt } from '../commands/command-message.js';
import { CommandRunner } from '../commands/command-runner.js';

export class RegisterAlgorithmVersionCommand extends DomainCommandMessage<RegisterAlgorithmVersion> {}

/**
 * Registers an algorithm version. Facts from other streams: the predecessor (lineage check in the decider) and
 * every produced biomarker, which must be defined and not retired — a measurement by this version would
 * otherwise name a biomarker the catalogue does not offer.
 */
@CommandHandler(RegisterAlgorithmVersionCommand)
export class RegisterAlgorithmVersionHandler implements ICommandHandler<RegisterAlgorithmVersionCommand, MutationReceipt> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ command, origin }: RegisterAlgorithmVersionCommand): Promise<MutationReceipt> {
    const algorithmVersionId = requireId(command.algorithmVersionId, 'algorithmVersionId');
    const receipt = await this.runner.run({
      streamId: algorithmStreamId(algorithmVersionId),
      decider: algorithmDecider,
      command,
      origin,
      context: async (meta, state) => (state.status === 'none' ? this.facts(command, meta) : meta),
    });
    return mutationReceipt(receipt, algorithmVersionId);
  }

  private async facts(command: RegisterAlgorithmVersion, meta: CommandMeta): Promise<AlgorithmDecisionContext> {
    if (Array.isArray(command.biomarkerIds)) {
      const ids = command.biomarkerIds.slice(0, 200);
      const states = await Promise.all(ids.map((id, i) => this.runner.load(biomarkerStreamId(requireId(id, `biomarkerIds.${i}`)), biomarkerDecider)));
      states.forEach((state, i) => {
        if (state.status === 'none') reject(BiomarkerErrors.BIOMARKER_NOT_FOUND, `biomarkerIds.${i}`, `Biomarker ${ids[i]} is not defined`);
        if (state.status === 'retired') reject(BiomarkerErrors.BIOMARKER_RETIRED, `biomarkerIds.${i}`, `Biomarker ${ids[i]} is retired`);
      });
    }
    const predecessorId = optionalId(command.predecessorVersionId, 'predecessorVersionId');
    if (predecessorId === null || predecessorId === command.algorithmVersionId) return meta;
    const predecessor = algorithmFacts(await this.runner.load(algorithmStreamId(predecessorId), algorithmDecider));
    return predecessor ? { ...meta, predecessor } : meta;
  }
}
