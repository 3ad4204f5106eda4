import { describe, expect, it } from '@jest/globals';
import { coercionField, isDatabaseUnavailable, restStatusOf } from './error-mapping.js';

describe('coercionField', () => {
  it.each([
    ['Variable "$input" got invalid value "abc" at "input.value.amount"; Float cannot represent non numeric value: "abc"', 'value.amount'],
    ['Variable "$input" got invalid value { value: { amount: 1 } }; Field "commandId" of required type "ID!" was not provided.', 'commandId'],
    ['Variable "$input" got invalid value { a: 1 } at "input.value"; Field "unit" of required type "String!" was not provided.', 'value.unit'],
    ['Variable "$input" got invalid value 1099511627776 at "input.n"; Int cannot represent non 32-bit signed integer value: 1099511627776', 'n'],
    ['Variable "$input" got invalid value { bogus: 1 }; Field "bogus" is not defined by type "I".', 'bogus'],
    ['Variable "$id" got invalid value 5; ID cannot represent value: 5', 'id'],
  ])('names the offending field of %s', (message, field) => {
    expect(coercionField(message)).toBe(field);
  });

  it('gives nothing when the message names no field', () => {
    expect(coercionField('Float cannot represent non numeric value: "abc"')).toBeUndefined();
  });
});

describe('restStatusOf (the status of an expected error on a plain HTTP route)', () => {
  it('answers the retryable and access codes with their statuses, and every other client error with 400, never a 5xx for a client mistake', () => {
    expect(restStatusOf('BUSY')).toBe(503);
    expect(restStatusOf('SERVICE_UNAVAILABLE')).toBe(503);
    expect(restStatusOf('RATE_LIMITED')).toBe(429);
    expect(restStatusOf('UNAUTHENTICATED')).toBe(401);
    expect(restStatusOf('FORBIDDEN')).toBe(403);
    expect(restStatusOf('IDEMPOTENCY_CONFLICT')).toBe(409);
    expect(restStatusOf('BAD_USER_INPUT')).toBe(400);
    expect(restStatusOf('IMPORT_INVALID_HEADER')).toBe(400);
  });
});

describe('isDatabaseUnavailable (retryable: nothing was done)', () => {
  it('counts a session on a primary demoted by an HA failover (25006) with the outage codes, and no statement error', () => {
    const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
    expect(isDatabaseUnavailable(pgError('25006', 'cannot execute INSERT in a read-only transaction'))).toBe(true);
    expect(isDatabaseUnavailable(pgError('57P01', 'terminating connection due to administrator command'))).toBe(true);
    expect(isDatabaseUnavailable(pgError('08006', 'connection failure'))).toBe(true);
    expect(isDatabaseUnavailable(pgError('23505', 'duplicate key value violates unique constraint'))).toBe(false);
    expect(isDatabaseUnavailable(pgError('42P01', 'relation does not exist'))).toBe(false);
  });
});
