import { DomainError } from '../domain.errors.js';

/** Runs `fn` and returns the DomainError it throws, so a then-step can assert its code and field. */
export function rejection(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}
