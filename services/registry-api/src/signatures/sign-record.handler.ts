import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Command } from '@nestjs/cqrs';
import {
  MaxLength,
  requireOneOf,
  requireSignatureTarget,
  requireText,
  SIGNATURE_MEANINGS,
  signatureDecider,
  signatureStreamId,
  type SignatureMeaning,
  type SignRecord,
} from '#domain';
import { maySign } from '../access/signing-policy.js';
import type { VerifiedActor } from '../auth/actor.js';
import { forbidden } from '../auth/auth.errors.js';
import { SigningAuthenticator } from '../auth/signing-authentication.js';
import { mutationReceipt, type MutationReceipt } from '../commands/command-message.js';
import { CommandRunner, type CommandOrigin } from '../commands/command-runner.js';
import { recordId } from '../commands/record-id.js';
import { assertTargetInScope } from './signature-access.js';
import { SignedContentReader } from './signed-content.js';

export interface SignRecordRequest {
  /** One of trial, subject, measurement or lock (graphql/signatures.graphql SignatureTargetInput), as the client sent it. */
  readonly target: unknown;
  readonly meaning: unknown;
  readonly statement: unknown;
  /** Local mode's second component (never stored, never logged). */
  readonly signingPassword?: string | null;
}

export class SignRecordCommand extends Command<MutationReceipt> {
  constructor(
    readonly request: SignRecordRequest,
    readonly origin: CommandOrigin,
    readonly actor: VerifiedActor,
  ) {
    super();
  }
}

/**
 * signRecord: the role policy (who may sign what with which meaning) and the record's scope first, so a denied
 * attempt reads and writes nothing; then the fresh authentication (§11.200); then the content as it reads now, whose
 * SHA-256 the signature carries (§11.70). The signature goes to the target's own signature stream.
 */
@CommandHandler(SignRecordCommand)
export class SignRecordHandler implements ICommandHandler<SignRecordCommand, MutationReceipt> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly authenticator: SigningAuthenticator,
    private readonly content: SignedContentReader,
  ) {}

  async execute({ request, origin, actor }: SignRecordCommand): Promise<MutationReceipt> {
    const target = requireSignatureTarget(request.target);
    const meaning: SignatureMeaning = requireOneOf(request.meaning, SIGNATURE_MEANINGS, 'meaning');
    const statement = requireText(request.statement, 'statement', MaxLength.reason, { multiline: true });
    if (!maySign(actor.role, target.kind, meaning)) throw forbidden();
    const scope = await assertTargetInScope(this.runner, actor, target);
    const authentication = await this.authenticator.authenticate(actor, request.signingPassword, this.runner.now());
    const signatureId = recordId(origin.commandId, 'signature');
    const command: SignRecord = {
      type: 'SignRecord',
      signatureId,
      target,
      meaning,
      statement,
      signerName: actor.name ?? '',
      content: await this.content.current(target),
      authenticationMethod: authentication.method,
      authenticatedAt: authentication.authenticatedAt,
      ...scope,
    };
    const receipt = await this.runner.run({
      streamId: signatureStreamId(target),
      decider: signatureDecider,
      command,
      origin,
      // A repeat of the command is the same signature even though the content was read (and the login checked) again.
      fingerprint: { target, meaning, statement },
    });
    return mutationReceipt(receipt, signatureId);
  }
}
