import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { InputErrors, reject, type ArmType, type LockLevel, type LockScope, type RegisterTrial, type TrialPhase, type UnblindingScope } from '#domain';
import type {
  ActivateTrialSiteInput,
  AddTrialArmInput,
  CloseEnrolmentInput,
  CloseTrialSiteInput,
  DefineVisitScheduleInput,
  LockTrialInput,
  OpenEnrolmentInput,
  RecordUnblindingInput,
  RegisterTrialInput,
  TrialPhase as TrialPhaseInput,
  UnlockTrialInput,
} from '../../../../graphql/generated/graphql.types.js';
import { Authorize, type AuthorizePolicy } from '../auth/authorize.decorator.js';
import type { MutationReceipt } from '../commands/command-message.js';
import { commandOrigin, verifiedActor } from '../commands/command-origin.js';
import { recordId } from '../commands/record-id.js';
import type { GraphqlContext } from '../graphql/graphql-context.js';
import { ChangeTrialCommand } from './change-trial.handler.js';
import { LockTrialCommand, UnlockTrialCommand } from './lock-trial.handler.js';
import { RegisterTrialCommand } from './register-trial.handler.js';

const PHASE: Record<TrialPhaseInput, TrialPhase> = {
  PHASE_0: '0',
  PHASE_I: 'I',
  PHASE_I_II: 'I/II',
  PHASE_II: 'II',
  PHASE_II_III: 'II/III',
  PHASE_III: 'III',
  PHASE_IV: 'IV',
  NOT_APPLICABLE: 'NOT_APPLICABLE',
};

/** The trial a registration creates: the client's id, or one derived from the commandId (also used by the policy). */
const newTrialId = (input: Pick<RegisterTrialInput, 'trialId' | 'commandId'>): string => input.trialId ?? recordId(input.commandId, 'trial');

// A coordinator works within the trials (and sites) its token grants; site operations check both.
type TrialArgs = { input: { trialId: string; siteId?: string } };
const inTrial: AuthorizePolicy<TrialArgs> = { roles: ['coordinator'], scope: { trial: (args) => args.input.trialId } };
const inTrialSite: AuthorizePolicy<TrialArgs> = { roles: ['coordinator'], scope: { trial: (args) => args.input.trialId, site: (args) => args.input.siteId } };

/** siteIds / subjectIds → the decider's scope and ids; both given is refused by the decider's shape check below. */
function lockScope(input: { siteIds?: readonly string[] | null; subjectIds?: readonly string[] | null }): { scope: LockScope; ids: readonly string[] } {
  const sites = input.siteIds ?? [];
  const subjects = input.subjectIds ?? [];
  if (sites.length > 0 && subjects.length > 0) reject(InputErrors.INVALID_ENUM_VALUE, 'subjectIds', 'Lock sites or subjects, not both in one command');
  if (input.siteIds) return { scope: 'site', ids: sites };
  if (input.subjectIds) return { scope: 'subject', ids: subjects };
  return { scope: 'trial', ids: [] };
}

@Resolver()
export class TrialsMutationResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation('registerTrial')
  @Authorize({ roles: ['coordinator', 'admin'], scope: { trial: (args: { input: RegisterTrialInput }) => newTrialId(args.input) } })
  registerTrial(@Args('input') input: RegisterTrialInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const command: RegisterTrial = {
      type: 'RegisterTrial',
      trialId: newTrialId(input),
      // An omitted system is detected from the value by the decider; GraphQL may deliver it as null.
      identifiers: input.identifiers.map((i) =>
        i.system ? { system: i.system, value: i.value } : ({ value: i.value } as RegisterTrial['identifiers'][number]),
      ),
      title: input.title,
      phase: PHASE[input.phase] ?? input.phase,
      sponsor: input.sponsor,
      primaryEndpoint: input.primaryEndpoint,
    };
    return this.commands.execute(new RegisterTrialCommand(command, commandOrigin(ctx, input), verifiedActor(ctx)));
  }

  @Mutation('addTrialArm')
  @Authorize(inTrial)
  addTrialArm(@Args('input') input: AddTrialArmInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const { trialId, armCode, name, plannedSize } = input;
    return this.change({ type: 'AddTrialArm', trialId, armCode, name, armType: input.armType.toLowerCase() as ArmType, plannedSize }, input, ctx);
  }

  @Mutation('activateTrialSite')
  @Authorize(inTrialSite)
  activateTrialSite(@Args('input') input: ActivateTrialSiteInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const { trialId, siteId, name, country } = input;
    return this.change({ type: 'ActivateTrialSite', trialId, siteId, name, country }, input, ctx);
  }

  @Mutation('closeTrialSite')
  @Authorize(inTrialSite)
  closeTrialSite(@Args('input') input: CloseTrialSiteInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const { trialId, siteId, reason } = input;
    return this.change({ type: 'CloseTrialSite', trialId, siteId, reason }, input, ctx, reason);
  }

  @Mutation('defineVisitSchedule')
  @Authorize(inTrial)
  defineVisitSchedule(@Args('input') input: DefineVisitScheduleInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const { trialId, timePoints, reason } = input;
    return this.change({ type: 'DefineVisitSchedule', trialId, timePoints, reason }, input, ctx, reason);
  }

  @Mutation('openEnrolment')
  @Authorize(inTrial)
  openEnrolment(@Args('input') input: OpenEnrolmentInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    return this.change({ type: 'OpenEnrolment', trialId: input.trialId }, input, ctx);
  }

  @Mutation('closeEnrolment')
  @Authorize(inTrial)
  closeEnrolment(@Args('input') input: CloseEnrolmentInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    return this.change({ type: 'CloseEnrolment', trialId: input.trialId, reason: input.reason }, input, ctx, input.reason);
  }

  @Mutation('recordUnblinding')
  @Authorize(inTrial)
  recordUnblinding(@Args('input') input: RecordUnblindingInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const { trialId, subjectId, reason, occurredAt } = input;
    return this.change(
      { type: 'RecordUnblinding', trialId, scope: input.scope.toLowerCase() as UnblindingScope, subjectId, reason, occurredAt },
      input,
      ctx,
      reason,
    );
  }

  @Mutation('lockTrial')
  @Authorize(inTrial)
  lockTrial(@Args('input') input: LockTrialInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const { trialId, reason } = input;
    const level = (input.level ?? 'HARD').toLowerCase() as LockLevel;
    return this.commands.execute(
      new LockTrialCommand({ type: 'LockTrial', trialId, reason, level, ...lockScope(input) }, commandOrigin(ctx, input, reason), verifiedActor(ctx)),
    );
  }

  @Mutation('unlockTrial')
  @Authorize(inTrial)
  unlockTrial(@Args('input') input: UnlockTrialInput, @Context() ctx: GraphqlContext): Promise<MutationReceipt> {
    const { trialId, reason, signature } = input;
    return this.commands.execute(
      new UnlockTrialCommand(
        { type: 'UnlockTrial', trialId, reason, ...lockScope(input) },
        commandOrigin(ctx, input, reason),
        verifiedActor(ctx),
        signature ?? null,
      ),
    );
  }

  private change(
    command: ChangeTrialCommand['command'],
    input: { commandId: string; expectedVersion?: number | null },
    ctx: GraphqlContext,
    reason?: string | null,
  ): Promise<MutationReceipt> {
    return this.commands.execute(new ChangeTrialCommand(command, commandOrigin(ctx, input, reason), verifiedActor(ctx)));
  }
}
