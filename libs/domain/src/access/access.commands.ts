/** Inputs arrive unchecked from the API; the decider validates every field. */
export interface GrantRole {
  readonly type: 'GrantRole';
  readonly actorId: string;
  readonly role: string;
  readonly trials?: readonly string[] | null;
  readonly programmes?: readonly string[] | null;
  readonly sites?: readonly string[] | null;
  readonly reason: string;
}

export interface RevokeRole {
  readonly type: 'RevokeRole';
  readonly actorId: string;
  readonly role: string;
  readonly reason: string;
}

export type AccessCommand = GrantRole | RevokeRole;
