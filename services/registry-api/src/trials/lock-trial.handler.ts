import { Optional } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  DomainError,
  MaxLength,
  requireId,
  requireOneOf,
  requireReason,
  requireText,
  SIGNATURE_MEANINGS,
  SignatureErrors,
  TrialErrors,
  trialDecider,
  trialStreamId,
  type LockTrial,
  type UnlockTrial,
} from '#domain';
import { DataSource } from 'typeorm';
import { maySign } from '../access/signing-policy.js';
import type { VerifiedActor } from '../auth/actor.js';
import { forbidden } from '../auth/auth.errors.js';
import { assertInScope } from '../auth/scope.js';
import { SigningAuthenticator } from '../auth/signing-authentication.js';
import { DomainCommandMessage, mutationReceipt, type MutationReceipt } from '../commands/command-message.js';
import { CommandRunner, type CommandOrigin } from '../commands/command-runner.js';
import { countOpenDataQueriesIn } from '../quality/data-quality.queries.js';
import { requireTrialSubjectInScope } from '../signatures/signature-access.js';

export class LockTrialCommand extends DomainCommandMessage<LockTrial> {}

/** What the client sent to sign an unlock; the handler turns it into the event's signature after re-authentication. */
export interface UnlockSigningRequest {
  readonly meaning?: unknown;
  readonly statement?: unknown;
  readonly signingPassword?: string | null;
}

export class UnlockTrialCommand extends DomainCommandMessage<Omit<UnlockTrial, 'signature'>> {
  constructor(
    command: Omit<UnlockTrial, 'signature'>,
    origin: CommandOrigin,
    actor: VerifiedActor,
    readonly signing: UnlockSigningRequest | null,
  ) {
    super(command, origin, actor);
  }
}

/**
 * Site and subject locks name records the policy's trial selector does not cover: each site must be in the actor's
 * grants, each subject in the trial and in the actor's sites, before anything is decided (a denial writes nothing).
 */
async function assertLockScope(runner: CommandRunner, actor: VerifiedActor, command: Pick<LockTrial, 'trialId' | 'scope' | 'ids'>): Promise<void> {
  const ids = Array.isArray(command.ids) ? command.ids : [];
  if (command.scope === 'site') ids.forEach((id) => assertInScope(actor, { site: requireId(id, 'siteIds') }));
  if (command.scope === 'subject') {
    for (const [i, id] of ids.entries()) await requireTrialSubjectInScope(runner, actor, requireId(id, `subjectIds.${i}`), `subjectIds.${i}`, command.trialId);
  }
}

/** lockTrial: the trial decider's lock workflow (soft → hard, trial, sites or a batch of subjects) on the trial stream. */
@CommandHandler(LockTrialCommand)
export class LockTrialHandler implements ICommandHandler<LockTrialCommand, MutationReceipt> {
  constructor(
    private readonly runner: CommandRunner,
    // The read-model database: the API has it; an in-process command context (seeding, handler int tests) holds only
    // the event store and no data queries, so there the hold-back below has nothing to count and is skipped.
    @Optional() private readonly dataSource?: DataSource,
  ) {}

  async execute({ command, origin, actor }: LockTrialCommand): Promise<MutationReceipt> {
    const trialId = requireId(command.trialId, 'trialId');
    await assertLockScope(this.runner, actor, command);
    // A hard lock freezes the scope: data queries still open or answered there must be closed (or resolved) first,
    // or they could never be worked off. A soft lock leaves them answerable, so it is not held back.
    if (this.dataSource && (command.level ?? 'hard') === 'hard') {
      const scope = command.scope ?? 'trial';
      const open = await countOpenDataQueriesIn(this.dataSource, trialId, scope, Array.isArray(command.ids) ? command.ids : []);
      if (open > 0) {
        throw new DomainError(
          TrialErrors.OPEN_DATA_QUERIES,
          'level',
          `${open} data quer${open === 1 ? 'y is' : 'ies are'} still open here; close them before a hard lock`,
          {
            openDataQueries: open,
          },
        );
      }
    }
    return mutationReceipt(await this.runner.run({ streamId: trialStreamId(trialId), decider: trialDecider, command, origin }), trialId);
  }
}

/**
 * unlockTrial: a reason and an electronic signature (§11.200 fresh authentication, the role policy's RESPONSIBILITY
 * or APPROVAL on locks); the TrialUnlocked event carries the signature, so history and the audit log show who
 * reopened what, when, why and with which meaning.
 */
@CommandHandler(UnlockTrialCommand)
export class UnlockTrialHandler implements ICommandHandler<UnlockTrialCommand, MutationReceipt> {
  constructor(
    private readonly runner: CommandRunner,
    private readonly authenticator: SigningAuthenticator,
  ) {}

  async execute({ command, origin, actor, signing }: UnlockTrialCommand): Promise<MutationReceipt> {
    const trialId = requireId(command.trialId, 'trialId');
    await assertLockScope(this.runner, actor, command);
    // Cheap refusals first: no reason, no signature → nothing is authenticated, read or written.
    requireReason(command.reason);
    let signature: UnlockTrial['signature'] = null;
    let fingerprint: unknown = { ...command, signature: null };
    if (signing) {
      const meaning = requireOneOf(signing.meaning ?? 'RESPONSIBILITY', SIGNATURE_MEANINGS, 'signature.meaning');
      const statement = requireText(signing.statement, 'signature.statement', MaxLength.reason, { multiline: true });
      if (!maySign(actor.role, 'lock', meaning)) throw forbidden();
      if (!actor.name)
        throw new DomainError(SignatureErrors.SIGNER_NAME_REQUIRED, 'signature', 'The token carries no printed name (claim "name") to sign with');
      const authentication = await this.authenticator.authenticate(actor, signing.signingPassword, this.runner.now());
      signature = {
        signerId: actor.id,
        signerName: actor.name,
        meaning,
        statement,
        signedAt: this.runner.now().toISOString(),
        authenticationMethod: authentication.method,
        authenticatedAt: authentication.authenticatedAt,
      };
      fingerprint = { ...command, signature: { meaning, statement } };
    }
    const receipt = await this.runner.run({ streamId: trialStreamId(trialId), decider: trialDecider, command: { ...command, signature }, origin, fingerprint });
    return mutationReceipt(receipt, trialId);
  }
}
