import { Command } from '@nestjs/cqrs';
import type { VerifiedActor } from '../auth/actor.js';
import type { CommandOrigin, CommandReceipt } from './command-runner.js';

/** What a mutation returns: graphql/commands.graphql `CommandReceipt`. */
export interface MutationReceipt {
  readonly id: string;
  readonly createdIds: readonly string[];
  readonly streamId: string;
  readonly version: number;
  readonly globalPosition: string | null;
  readonly events: readonly string[];
  readonly replayed: boolean;
}

export function mutationReceipt(receipt: CommandReceipt, id: string, createdIds: readonly string[] = []): MutationReceipt {
  const { streamId, version, globalPosition, events, replayed } = receipt;
  return { id, createdIds, streamId, version, globalPosition, events, replayed };
}

/**
 * The CommandBus message of a write: the domain command (as the decider takes it), who sent it (origin) and the
 * verified actor, for handlers that check data scope against loaded records (auth/README.md "When the scope is
 * only known from data").
 */
export abstract class DomainCommandMessage<TCommand> extends Command<MutationReceipt> {
  constructor(
    readonly command: TCommand,
    readonly origin: CommandOrigin,
    readonly actor: VerifiedActor,
  ) {
    super();
  }
}
