import { Module } from '@nestjs/common';
import { SignRecordHandler } from './sign-record.handler.js';
import { SignaturesMutationResolver } from './signatures.mutation-resolver.js';
import { LockSignaturesResolver, MeasurementSignaturesResolver, SubjectSignaturesResolver, TrialSignaturesResolver } from './signatures.query-resolver.js';
import { SignedContentReader } from './signed-content.js';

/** Electronic signatures (issue 18, docs/part11.md): signRecord and the `signatures` fields of the signable types. */
@Module({
  providers: [
    SignedContentReader,
    SignRecordHandler,
    SignaturesMutationResolver,
    TrialSignaturesResolver,
    SubjectSignaturesResolver,
    MeasurementSignaturesResolver,
    LockSignaturesResolver,
  ],
})
export class SignaturesModule {}
