import { createHash } from 'node:crypto';
import { codedConceptKey, DomainError, type BiomarkerCodedConcept } from '#domain';
import type { CommandOrigin } from '../commands/command-runner.js';
import type { ReservationRequest } from '../commands/reservation.js';

/** A second biomarker claiming a (scheme, value) another one carries: one coded concept names one biomarker. */
export const CODED_CONCEPT_IN_USE = 'CODED_CONCEPT_IN_USE';

/**
 * The reservation stream of one coded concept. Schemes may be URIs and values may hold any character, which a stream
 * name may not, so the name is a hash of the (case-sensitive) key; the claim event names the owner.
 */
export function biomarkerConceptStreamId(concept: Pick<BiomarkerCodedConcept, 'scheme' | 'value'>): string {
  return `biomarkerconcept-${createHash('sha256').update(codedConceptKey(concept)).digest('hex').slice(0, 40)}`;
}

/** Claims for the concepts of `concepts` (with their index in the command's list, for the error's field). */
export function conceptReservations(
  concepts: readonly { readonly concept: BiomarkerCodedConcept; readonly index: number }[],
  biomarkerId: string,
  origin: CommandOrigin,
): ReservationRequest[] {
  return concepts.map(({ concept, index }) => ({
    streamId: biomarkerConceptStreamId(concept),
    ownerId: biomarkerId,
    origin,
    duplicate: () =>
      new DomainError(
        CODED_CONCEPT_IN_USE,
        `codedConcepts.${index}`,
        `The coded concept ${concept.scheme} ${concept.value} ("${concept.meaning}") is carried by another biomarker already`,
        { scheme: concept.scheme, value: concept.value },
      ),
  }));
}
