import { InputErrors, requireId } from '../biomarker/input.guards.js';
import type { CommandMeta, Decider, DomainEvent } from '../decider.js';
import { reject } from '../domain.errors.js';
import { allocate, requireAllocationScheme, type Allocation, type AllocationScheme, type Draw } from './randomisation.js';

/**
 * The allocation sequence of one trial, on its own stream `randomisation-<trialId>`: the scheme, then one event per
 * allocation. Every allocation appends at the stream's next revision, so two concurrent randomisations can never take
 * the same slot: the second append conflicts, is retried on the new state and gets the next slot. The stream holds
 * what was allocated, never what will be: the sequence itself lives only in the registry's seed.
 */
export type AllocationSchemeDefined = DomainEvent<'AllocationSchemeDefined', { trialId: string; scheme: AllocationScheme }>;
export type SubjectAllocated = DomainEvent<'SubjectAllocated', { trialId: string } & Allocation>;
export type RandomisationEvent = AllocationSchemeDefined | SubjectAllocated;

export type RandomisationCommand =
  | { readonly type: 'DefineAllocationScheme'; readonly trialId: string; readonly scheme: AllocationScheme }
  | { readonly type: 'AllocateSubject'; readonly trialId: string; readonly subjectId: string; readonly factors: Readonly<Record<string, string>> };

export interface RandomisationState {
  readonly scheme: AllocationScheme | null;
  readonly allocations: readonly Allocation[];
}

export interface RandomisationContext extends CommandMeta {
  /** The trial's arm codes (DefineAllocationScheme) and whether the subject is enrolled in it and not withdrawn. */
  readonly armCodes: readonly string[];
  readonly subjectEligible?: boolean;
  /** The registry's seeded draws for this trial. */
  readonly draw: Draw;
}

export const RandomisationErrors = {
  SCHEME_ALREADY_DEFINED: 'SCHEME_ALREADY_DEFINED',
  NO_ALLOCATION_SCHEME: 'NO_ALLOCATION_SCHEME',
  SUBJECT_NOT_ELIGIBLE: 'SUBJECT_NOT_ELIGIBLE',
} as const;

export function randomisationStreamId(trialId: string): string {
  return `randomisation-${trialId}`;
}

/** The allocation of a subject, if any (an allocation is never repeated: a retry finds it here). */
export function allocationOf(state: RandomisationState, subjectId: string): Allocation | undefined {
  return state.allocations.find((a) => a.subjectId === subjectId);
}

export const randomisationDecider: Decider<RandomisationCommand, RandomisationEvent, RandomisationState, RandomisationContext> = {
  initialState: { scheme: null, allocations: [] },
  foldVersion: 'randomisation/1',
  evolve(state, event) {
    switch (event.type) {
      case 'AllocationSchemeDefined':
        return { ...state, scheme: event.data.scheme };
      case 'SubjectAllocated': {
        const { trialId: _trial, ...allocation } = event.data;
        return { ...state, allocations: [...state.allocations, allocation] };
      }
    }
  },
  decide(command, state, ctx) {
    const trialId = requireId(command.trialId, 'trialId');
    switch (command.type) {
      case 'DefineAllocationScheme':
        // Changing the scheme mid-trial would change the meaning of the slots already used.
        if (state.scheme) reject(RandomisationErrors.SCHEME_ALREADY_DEFINED, 'trialId', 'The trial already has an allocation scheme');
        return [{ type: 'AllocationSchemeDefined', data: { trialId, scheme: requireAllocationScheme(command.scheme, ctx.armCodes) } }];
      case 'AllocateSubject': {
        const subjectId = requireId(command.subjectId, 'subjectId');
        if (!state.scheme) reject(RandomisationErrors.NO_ALLOCATION_SCHEME, 'trialId', 'Define the allocation scheme before randomising');
        if (allocationOf(state, subjectId)) return [];
        if (ctx.subjectEligible !== true)
          reject(RandomisationErrors.SUBJECT_NOT_ELIGIBLE, 'subjectId', 'Only an enrolled, not withdrawn subject of the trial is randomised');
        if (typeof command.factors !== 'object' || command.factors === null) reject(InputErrors.FIELD_REQUIRED, 'factors', 'Give the factor levels');
        return [{ type: 'SubjectAllocated', data: { trialId, ...allocate(state.scheme, state.allocations, subjectId, command.factors, ctx.draw) } }];
      }
    }
  },
};
