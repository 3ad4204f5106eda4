import type { CommandMeta, Decider } from '../decider.js';
import { reject } from '../domain.errors.js';
import { InputErrors, MaxLength, requireId, requireInteger, requireOneOf, requireText } from '../biomarker/input.guards.js';
import type { SignatureCommand } from './signature.commands.js';
import { SignatureErrors } from './signature.errors.js';
import {
  SIGNATURE_MEANINGS,
  SIGNING_AUTHENTICATION_METHODS,
  type SignatureEvent,
  type SignatureTarget,
  type SignedContent,
  type RecordSigned,
} from './signature.events.js';

/** The signatures of one record, oldest first; none is ever removed (an edited record shows them as invalidated). */
export interface SignatureState {
  readonly signatures: readonly RecordSigned['data'][];
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The stream that holds a record's signatures: `signatures-<kind>.<ids>`. Each id but the last is prefixed by its
 * length, because ids may contain `.` and `:` themselves; so two targets never share a stream.
 */
export function signatureStreamId(target: SignatureTarget): string {
  const parts = ((): string[] => {
    switch (target.kind) {
      case 'trial':
        return [target.trialId];
      case 'subject':
        return [target.subjectId];
      case 'measurement':
        return [target.subjectId, target.measurementId];
      case 'lock':
        return [target.trialId, target.scope, ...(target.scopeId === null ? [] : [target.scopeId])];
      case 'analysisSnapshot':
        return [target.snapshotId];
    }
  })();
  const head = parts.slice(0, -1).map((p) => `${p.length}.${p}.`);
  return `signatures-${target.kind}.${head.join('')}${parts.at(-1)!}`;
}

/** Validates a target the client named (ids in the registry's alphabet). */
export function requireSignatureTarget(input: unknown): SignatureTarget {
  const t = (input ?? {}) as Record<string, unknown>;
  switch (t['kind']) {
    case 'trial':
      return { kind: 'trial', trialId: requireId(t['trialId'], 'target.trial.trialId') };
    case 'subject':
      return { kind: 'subject', subjectId: requireId(t['subjectId'], 'target.subject.subjectId') };
    case 'measurement':
      return {
        kind: 'measurement',
        subjectId: requireId(t['subjectId'], 'target.measurement.subjectId'),
        measurementId: requireId(t['measurementId'], 'target.measurement.measurementId'),
      };
    case 'lock': {
      const scope = requireOneOf(t['scope'] ?? 'trial', ['trial', 'site', 'subject'] as const, 'target.lock.scope');
      const scopeId = scope === 'trial' ? null : requireId(t['scopeId'], 'target.lock.scopeId');
      return { kind: 'lock', trialId: requireId(t['trialId'], 'target.lock.trialId'), scope, scopeId };
    }
    case 'analysisSnapshot':
      return { kind: 'analysisSnapshot', snapshotId: requireId(t['snapshotId'], 'target.analysisSnapshot.snapshotId') };
    default:
      return reject(SignatureErrors.INVALID_SIGNATURE_TARGET, 'target', 'Name exactly one of trial, subject, measurement, lock or analysisSnapshot');
  }
}

function requireContent(content: SignedContent): SignedContent {
  if (!content || typeof content.streamId !== 'string' || !SHA256.test(content.sha256)) throw new Error('Signed content must carry a stream and its SHA-256');
  return {
    streamId: content.streamId,
    revision: requireInteger(content.revision, 'content.revision', -1, Number.MAX_SAFE_INTEGER),
    sha256: content.sha256,
    eventCount: requireInteger(content.eventCount, 'content.eventCount', 0, Number.MAX_SAFE_INTEGER),
  };
}

function decide(command: SignatureCommand, state: SignatureState, context: CommandMeta): SignatureEvent[] {
  switch (command.type) {
    case 'SignRecord': {
      const meaning = requireOneOf(command.meaning, SIGNATURE_MEANINGS, 'meaning');
      const statement = requireText(command.statement, 'statement', MaxLength.reason, { multiline: true });
      if (typeof command.signerName !== 'string' || command.signerName.trim() === '') {
        reject(SignatureErrors.SIGNER_NAME_REQUIRED, 'signerName', 'The token carries no printed name (claim "name") to show with the signature');
      }
      const signerName = requireText(command.signerName, 'signerName', MaxLength.name);
      const content = requireContent(command.content);
      const authenticationMethod = requireOneOf(command.authenticationMethod, SIGNING_AUTHENTICATION_METHODS, 'authenticationMethod');
      // The signer is whoever the verified token names: the command has no field that could say otherwise.
      const signerId = context.actor.id;
      if (state.signatures.some((s) => s.signerId === signerId && s.meaning === meaning && s.content.sha256 === content.sha256)) {
        reject(SignatureErrors.ALREADY_SIGNED, 'meaning', `You already signed this content with the meaning ${meaning}`);
      }
      return [
        {
          type: 'RecordSigned',
          data: {
            signatureId: requireId(command.signatureId, 'signatureId'),
            target: command.target,
            ...(command.trialId ? { trialId: command.trialId } : {}),
            ...(command.programmeId ? { programmeId: command.programmeId } : {}),
            ...(command.target.kind === 'subject' || command.target.kind === 'measurement' ? { subjectId: command.target.subjectId } : {}),
            signerId,
            signerName,
            signerRole: context.actor.role,
            meaning,
            statement,
            signedAt: context.now.toISOString(),
            content,
            authenticationMethod,
            authenticatedAt: command.authenticatedAt,
          },
        },
      ];
    }
    default:
      return reject(InputErrors.INVALID_ENUM_VALUE, 'type', `Unknown signature command ${(command as { type?: unknown }).type as string}`);
  }
}

function evolve(state: SignatureState, event: SignatureEvent): SignatureState {
  switch (event.type) {
    case 'RecordSigned':
      return { signatures: [...state.signatures, event.data] };
    default:
      return state;
  }
}

export const signatureDecider: Decider<SignatureCommand, SignatureEvent, SignatureState, CommandMeta> = {
  initialState: { signatures: [] },
  evolve,
  foldVersion: 'signature/1',
  decide,
};

export type SignatureStatus = 'VALID' | 'INVALIDATED';

/**
 * §11.70 and OpenClinica's rule: a signature stays valid while the signed content is what it was. `current` is the
 * content as it reads now up to the signed revision (its hash) and how many content events came after it. Any later
 * change, or content that no longer hashes the same, invalidates the signature; it is kept and shown as such.
 */
export function signatureStatus(signed: SignedContent, current: { readonly sha256UpToRevision: string; readonly changesAfter: number }): SignatureStatus {
  return current.changesAfter === 0 && current.sha256UpToRevision === signed.sha256 ? 'VALID' : 'INVALIDATED';
}
