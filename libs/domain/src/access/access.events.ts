/** The registry's six roles; libs/domain imports nothing outside itself, so services/registry-api auth/actor.ts ROLES repeats them (its unit spec checks they agree). */
export const ACCESS_ROLES = ['coordinator', 'reader', 'screening_manager', 'biostatistician', 'regulator', 'admin', 'data_manager'] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];

export interface GrantScopes {
  readonly trials: readonly string[];
  readonly programmes: readonly string[];
  readonly sites: readonly string[];
}

/** An actor (the token's `sub`) may act in `role` within these scopes (`*` = all), from now until revoked. */
export interface RoleGranted {
  readonly type: 'RoleGranted';
  readonly data: GrantScopes & { readonly actorId: string; readonly role: AccessRole; readonly reason: string; readonly grantedAt: string };
}

export interface RoleRevoked {
  readonly type: 'RoleRevoked';
  readonly data: { readonly actorId: string; readonly role: AccessRole; readonly reason: string; readonly revokedAt: string };
}

export type AccessEvent = RoleGranted | RoleRevoked;
