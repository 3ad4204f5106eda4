import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  biomarkerDecider,
  biomarkerStreamId,
  codedConceptKey,
  currentCodedConcepts,
  requireId,
  type BiomarkerCodedConcept,
  type RetireBiomarker,
  type ReviseBiomarker,
} from '#domain';
import { DomainCommandMessage, mutationReceipt, type MutationReceipt } from '../commands/command-message.js';
import { CommandRunner } from '../commands/command-runner.js';
import { releaseReservation, withReservations } from '../commands/reservation.js';
import { biomarkerConceptStreamId, conceptReservations } from './biomarker-concept.reservations.js';

/** Revise or retire a defined biomarker. */
export class ChangeBiomarkerCommand extends DomainCommandMessage<ReviseBiomarker | RetireBiomarker> {}

/**
 * A revision that adds coded concepts claims them first (CODED_CONCEPT_IN_USE when another biomarker carries one);
 * concepts a revision drops, and all of a retired biomarker's, are given back afterwards so another biomarker may
 * carry them (a retired biomarker takes no new measurements, so its concepts would only block the catalogue).
 */
@CommandHandler(ChangeBiomarkerCommand)
export class ChangeBiomarkerHandler implements ICommandHandler<ChangeBiomarkerCommand, MutationReceipt> {
  constructor(private readonly runner: CommandRunner) {}

  async execute({ command, origin }: ChangeBiomarkerCommand): Promise<MutationReceipt> {
    const biomarkerId = requireId(command.biomarkerId, 'biomarkerId');
    const run = { streamId: biomarkerStreamId(biomarkerId), decider: biomarkerDecider, command, origin };
    if (await this.runner.hasHandled(run.streamId, origin.commandId)) return mutationReceipt(await this.runner.run(run), biomarkerId);
    const before = currentCodedConcepts(await this.runner.load(run.streamId, biomarkerDecider));
    const events = await this.runner.preview(run);
    let after: readonly BiomarkerCodedConcept[] = before;
    for (const e of events) {
      if (e.type === 'BiomarkerRevised') after = e.data.codedConcepts ?? [];
      else if (e.type === 'BiomarkerRetired') after = [];
    }
    const held = new Set(before.map(codedConceptKey));
    const kept = new Set(after.map(codedConceptKey));
    const added = after.map((concept, index) => ({ concept, index })).filter(({ concept }) => !held.has(codedConceptKey(concept)));
    const receipt = await withReservations(
      this.runner.store,
      conceptReservations(added, biomarkerId, origin),
      () => this.runner.now(),
      () => this.runner.run(run),
    );
    for (const concept of before.filter((c) => !kept.has(codedConceptKey(c)))) {
      await releaseReservation(
        this.runner.store,
        { streamId: biomarkerConceptStreamId(concept), claimed: true },
        biomarkerId,
        origin,
        command.type === 'RetireBiomarker' ? 'biomarker retired' : `dropped by version ${(command as ReviseBiomarker).version}`,
        this.runner.now(),
      );
    }
    return mutationReceipt(receipt, biomarkerId);
  }
}
