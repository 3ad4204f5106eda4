import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { SignatureTarget } from '#domain';
import { SignedContentReader, type SignatureView } from './signed-content.js';

/**
 * `signatures` on every signable type (§11.50: every view of a signed record shows its signatures). These fields
 * inherit the access check of the query that reached the record; the status is computed against the content as it
 * reads now, so an edit after signing shows at once as INVALIDATED.
 */
@Resolver('Trial')
export class TrialSignaturesResolver {
  constructor(private readonly reader: SignedContentReader) {}

  @ResolveField('signatures')
  signatures(@Parent() trial: { id: string }): Promise<SignatureView[]> {
    return this.reader.signaturesOf({ kind: 'trial', trialId: trial.id });
  }
}

@Resolver('Subject')
export class SubjectSignaturesResolver {
  constructor(private readonly reader: SignedContentReader) {}

  @ResolveField('signatures')
  signatures(@Parent() subject: { id: string }): Promise<SignatureView[]> {
    return this.reader.signaturesOf({ kind: 'subject', subjectId: subject.id });
  }
}

@Resolver('Measurement')
export class MeasurementSignaturesResolver {
  constructor(private readonly reader: SignedContentReader) {}

  @ResolveField('signatures')
  signatures(@Parent() measurement: { id: string; subjectId: string }): Promise<SignatureView[]> {
    return this.reader.signaturesOf({ kind: 'measurement', subjectId: measurement.subjectId, measurementId: measurement.id });
  }
}

/** A lock as Trial.locks lists it (trials/trial-locks.ts). */
export interface LockParent {
  readonly trialId: string;
  readonly scope: 'TRIAL' | 'SITE' | 'SUBJECT';
  readonly scopeId: string | null;
}

@Resolver('RecordLock')
export class LockSignaturesResolver {
  constructor(private readonly reader: SignedContentReader) {}

  @ResolveField('signatures')
  signatures(@Parent() lock: LockParent): Promise<SignatureView[]> {
    const target: SignatureTarget = {
      kind: 'lock',
      trialId: lock.trialId,
      scope: lock.scope.toLowerCase() as 'trial' | 'site' | 'subject',
      scopeId: lock.scopeId,
    };
    return this.reader.signaturesOf(target);
  }
}
