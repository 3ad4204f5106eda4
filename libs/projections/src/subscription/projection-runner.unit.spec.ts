import { describe, expect, it } from '@jest/globals';
import { isTransient } from './projection-runner.js';

/** What pg and Node hand the runner while the database restarts or crashes, and what a bad event raises. */
const socketError = (code: string, message: string) => Object.assign(new Error(message), { code, errno: -111, syscall: 'connect' });
const sqlError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'ERROR' });

describe('isTransient: a database outage never marks a projection failed', () => {
  it.each([
    ['connection refused while the server restarts', socketError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:55480')],
    ['connection reset', socketError('ECONNRESET', 'read ECONNRESET')],
    ['a write to a closed socket', socketError('EPIPE', 'write EPIPE')],
    ['a timeout', socketError('ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.5:5432')],
    ['server shutting down (57P01)', sqlError('57P01', 'terminating connection due to administrator command')],
    ['server starting (57P03)', sqlError('57P03', 'the database system is not yet accepting connections')],
    ['connection failure (08006)', sqlError('08006', 'connection failure')],
    ['a serialization failure', sqlError('40001', 'could not serialize access')],
    ['pg without a code', new Error('Connection terminated unexpectedly')],
  ])('%s is transient', (_, err) => {
    expect(isTransient(err)).toBe(true);
  });

  it.each([
    ['a constraint violation', sqlError('23505', 'duplicate key value violates unique constraint')],
    ['a type error in the projection', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['an invalid value', sqlError('22P02', 'invalid input syntax for type uuid')],
  ])('%s blames the event', (_, err) => {
    expect(isTransient(err)).toBe(false);
  });
});
