import type { CommandMeta, Decider, DomainEvent } from '../decider.js';
import { reject } from '../domain.errors.js';
import { requireArray, requireId, requireObject, requireReason, requireUnique } from '../biomarker/input.guards.js';
import { requirePseudonym } from './subject.pseudonym.js';

/**
 * Keyed pseudonyms are unlinkable across studies by design (a per-trial / per-programme HMAC key). When two studies
 * must be linked for the same person (e.g. a screen-detected cancer enrolled into a trial), an admin records the
 * linkage explicitly, with a reason: it is the only place the registry says two pseudonyms are one person.
 */
export type PseudonymScope = `trial:${string}` | `programme:${string}`;

export interface LinkedPseudonym {
  readonly scope: PseudonymScope;
  readonly pseudonym: string;
}

export interface RecordPseudonymLinkage {
  readonly type: 'RecordPseudonymLinkage';
  readonly linkageId: string;
  readonly members: readonly LinkedPseudonym[];
  readonly reason: string;
}

export type PseudonymLinkageRecorded = DomainEvent<
  'PseudonymLinkageRecorded',
  { linkageId: string; members: readonly LinkedPseudonym[]; reason: string; recordedAt: string }
>;
export type PseudonymLinkageEvent = PseudonymLinkageRecorded;
export type PseudonymLinkageState = { readonly kind: 'none' } | { readonly kind: 'recorded'; readonly members: readonly LinkedPseudonym[] };

export const PseudonymLinkageErrors = {
  LINKAGE_ALREADY_RECORDED: 'LINKAGE_ALREADY_RECORDED',
  INVALID_PSEUDONYM_SCOPE: 'INVALID_PSEUDONYM_SCOPE',
  LINKAGE_WITHIN_ONE_SCOPE: 'LINKAGE_WITHIN_ONE_SCOPE',
} as const;

export function pseudonymLinkageStreamId(linkageId: string): string {
  return `pseudonymlinkage-${linkageId}`;
}

export function pseudonymScope(kind: 'trial' | 'programme', id: string): PseudonymScope {
  return `${kind}:${id}`;
}

/** `trial:<id>` or `programme:<id>`, with a valid id. */
export function requirePseudonymScope(value: unknown, field: string): PseudonymScope {
  const m = typeof value === 'string' ? /^(trial|programme):(.+)$/.exec(value) : null;
  if (!m) reject(PseudonymLinkageErrors.INVALID_PSEUDONYM_SCOPE, field, 'A pseudonym scope is trial:<trialId> or programme:<programmeId>');
  return pseudonymScope(m[1] as 'trial' | 'programme', requireId(m[2], field));
}

function decide(c: RecordPseudonymLinkage, state: PseudonymLinkageState, ctx: CommandMeta): PseudonymLinkageEvent[] {
  const linkageId = requireId(c.linkageId, 'linkageId');
  if (state.kind !== 'none') reject(PseudonymLinkageErrors.LINKAGE_ALREADY_RECORDED, 'linkageId', `Linkage ${linkageId} is already recorded`);
  const members = requireArray(c.members, 'members', 2, 10).map((raw, i) => {
    const m = requireObject(raw, `members.${i}`);
    return { scope: requirePseudonymScope(m['scope'], `members.${i}.scope`), pseudonym: requirePseudonym(m['pseudonym'], `members.${i}.pseudonym`) };
  });
  // Two pseudonyms of one study are two subjects of that study, not one person seen twice: that is a duplicate, not a linkage.
  requireUnique(
    members.map((m) => m.scope),
    'members',
    PseudonymLinkageErrors.LINKAGE_WITHIN_ONE_SCOPE,
  );
  const reason = requireReason(c.reason);
  return [{ type: 'PseudonymLinkageRecorded', data: { linkageId, members, reason, recordedAt: ctx.now.toISOString() } }];
}

export const pseudonymLinkageDecider: Decider<RecordPseudonymLinkage, PseudonymLinkageEvent, PseudonymLinkageState, CommandMeta> = {
  initialState: { kind: 'none' },
  evolve: (_state, event) => ({ kind: 'recorded', members: event.data.members }),
  foldVersion: 'pseudonym-linkage/1',
  decide,
};
