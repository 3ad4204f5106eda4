/**
 * An expected business rejection: a stable SCREAMING_SNAKE `code`, the offending input `field` (a dotted
 * path into the command, e.g. `value.unit`), and a human message. The API maps it to a GraphQL error
 * in one place; nothing is written when a decider throws it.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly field: string | undefined,
    message: string,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function reject(code: string, field: string | undefined, message: string, details?: Record<string, unknown>): never {
  throw new DomainError(code, field, message, details);
}
