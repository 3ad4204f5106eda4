export const AccessErrors = {
  UNKNOWN_ROLE: 'UNKNOWN_ROLE',
  INVALID_ACTOR_ID: 'INVALID_ACTOR_ID',
  INVALID_SCOPE_ID: 'INVALID_SCOPE_ID',
  ROLE_ALREADY_GRANTED: 'ROLE_ALREADY_GRANTED',
  ROLE_NOT_GRANTED: 'ROLE_NOT_GRANTED',
} as const;
export type AccessErrorCode = (typeof AccessErrors)[keyof typeof AccessErrors];
