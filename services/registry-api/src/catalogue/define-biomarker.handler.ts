import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { biomarkerCodeStreamId, biomarkerDecider, biomarkerStreamId, DomainError, requireId, type DefineBiomarker } from '#domain';
import { DomainCommandMessage, mutationReceipt, type MutationReceipt } from '../commands/command-message.js';
import { CommandRunner } from '../commands/command-runner.js';
import { withReservations } from '../commands/reservation.js';
import { conceptReservations } from './biomarker-concept.reservations.js';

/** Not in BiomarkerErrors: uniqueness across streams is the handler's job (the decider sees one stream). */
export const DUPLICATE_BIOMARKER_CODE = 'DUPLICATE_BIOMARKER_CODE';

export class DefineBiomarkerCommand extends DomainCommandMessage<DefineBiomarker> {}

/**
 * Defines a biomarker: validates the definition, claims its code (biomarkercode-<CODE>) and each coded concept
 * (biomarkerconcept-<hash>: one (scheme, value) names one biomarker, CODED_CONCEPT_IN_USE otherwise), then appends
 * BiomarkerDefined; a rejected definition gives what it claimed back.
 */
@CommandHandler(DefineBiomarkerCommand)
export class DefineBiomarkerHandler implements ICommandHandler<DefineBiomarkerCommand, MutationReceipt> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ command, origin }: DefineBiomarkerCommand): Promise<MutationReceipt> {
    const biomarkerId = requireId(command.biomarkerId, 'biomarkerId');
    const run = { streamId: biomarkerStreamId(biomarkerId), decider: biomarkerDecider, command, origin };
    if (await this.runner.hasHandled(run.streamId, origin.commandId)) return mutationReceipt(await this.runner.run(run), biomarkerId);
    // Validate before claiming the code, so a malformed definition leaves no trace anywhere.
    const [defined] = await this.runner.preview(run);
    const concepts = defined?.type === 'BiomarkerDefined' ? (defined.data.codedConcepts ?? []) : [];
    const code = command.code.trim();
    const receipt = await withReservations(
      this.runner.store,
      [
        {
          streamId: biomarkerCodeStreamId(code),
          ownerId: biomarkerId,
          origin,
          duplicate: () => new DomainError(DUPLICATE_BIOMARKER_CODE, 'code', `Biomarker code ${code} is already defined`),
        },
        ...conceptReservations(
          concepts.map((concept, index) => ({ concept, index })),
          biomarkerId,
          origin,
        ),
      ],
      () => this.runner.now(),
      () => this.runner.run(run),
    );
    return mutationReceipt(receipt, biomarkerId);
  }
}
