import type { CommandMeta, Decider } from '../decider.js';
import { reject } from '../domain.errors.js';
import { MaxLength, requireText } from '../biomarker/input.guards.js';
import type { AccessCommand } from './access.commands.js';
import { AccessErrors } from './access.errors.js';
import { ACCESS_ROLES, type AccessEvent, type AccessRole, type GrantScopes } from './access.events.js';

/** One actor's active grants, by role: at most one active grant per role (change scopes by revoking and granting). */
export interface ActiveGrant extends GrantScopes {
  readonly reason: string;
  readonly grantedAt: string;
}
export interface AccessState {
  readonly grants: Readonly<Partial<Record<AccessRole, ActiveGrant>>>;
}

/** Same alphabet as a token's `sub` (auth/token-verifier.ts): OIDC subjects may hold @, |, / … */
const ACTOR_ID = /^[A-Za-z0-9._@:|/+=-]{1,200}$/;
const SCOPE_ID = /^(\*|[A-Za-z0-9._:-]{1,128})$/;
const MAX_SCOPE_IDS = 1000;

export function actorStreamId(actorId: string): string {
  return `actor-${actorId}`;
}

export function requireActorId(value: unknown): string {
  if (typeof value !== 'string' || !ACTOR_ID.test(value))
    reject(AccessErrors.INVALID_ACTOR_ID, 'actorId', 'actorId must be a token subject: 1–200 letters, digits or . _ @ : | / + = -');
  return value;
}

function requireRole(value: unknown): AccessRole {
  if (typeof value !== 'string' || !(ACCESS_ROLES as readonly string[]).includes(value))
    reject(AccessErrors.UNKNOWN_ROLE, 'role', `role must be one of ${ACCESS_ROLES.join(', ')}`);
  return value as AccessRole;
}

function scopeIds(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) reject(AccessErrors.INVALID_SCOPE_ID, field, `${field} must be a list of ids`);
  if (value.length > MAX_SCOPE_IDS) reject(AccessErrors.INVALID_SCOPE_ID, field, `${field} may hold at most ${MAX_SCOPE_IDS} ids`);
  value.forEach((id, i) => {
    if (typeof id !== 'string' || !SCOPE_ID.test(id))
      reject(AccessErrors.INVALID_SCOPE_ID, `${field}.${i}`, `${field} holds ids (letters, digits, . _ : -) or * for all`);
  });
  // Sorted and unique, so the recorded grant does not depend on the order the admin typed.
  return [...new Set(value as string[])].sort();
}

function decide(command: AccessCommand, state: AccessState, context: CommandMeta): AccessEvent[] {
  const actorId = requireActorId(command.actorId);
  const role = requireRole(command.role);
  const reason = requireText(command.reason, 'reason', MaxLength.reason, { multiline: true });
  if (command.type === 'GrantRole') {
    if (state.grants[role])
      reject(AccessErrors.ROLE_ALREADY_GRANTED, 'role', `${actorId} already holds an active ${role} grant; revoke it first to change its scopes`);
    const scopes = {
      trials: scopeIds(command.trials, 'trials'),
      programmes: scopeIds(command.programmes, 'programmes'),
      sites: scopeIds(command.sites, 'sites'),
    };
    return [{ type: 'RoleGranted', data: { actorId, role, ...scopes, reason, grantedAt: context.now.toISOString() } }];
  }
  if (!state.grants[role]) reject(AccessErrors.ROLE_NOT_GRANTED, 'role', `${actorId} holds no active ${role} grant`);
  return [{ type: 'RoleRevoked', data: { actorId, role, reason, revokedAt: context.now.toISOString() } }];
}

function evolve(state: AccessState, event: AccessEvent): AccessState {
  if (event.type === 'RoleGranted') {
    const { trials, programmes, sites, reason, grantedAt } = event.data;
    return { grants: { ...state.grants, [event.data.role]: { trials, programmes, sites, reason, grantedAt } } };
  }
  const { [event.data.role]: _revoked, ...rest } = state.grants;
  return { grants: rest };
}

/** Role grants of one actor (stream `actor-<actorId>`): user and permission changes in the audit trail (ICH E6(R3)). */
export const accessDecider: Decider<AccessCommand, AccessEvent, AccessState> = {
  initialState: { grants: {} },
  evolve,
  foldVersion: 'access/1',
  decide,
};
