import { describe, expect, it } from '@jest/globals';
import { fold } from '../decider.js';
import { rejection } from '../testing/decider-testing.js';
import type { SignRecord } from './signature.commands.js';
import { requireSignatureTarget, signatureDecider, signatureStatus, signatureStreamId } from './signature.decider.js';
import type { SignatureEvent } from './signature.events.js';

const ctx = { commandId: 'c-1', actor: { id: 'ivy-investigator', role: 'coordinator' }, now: new Date('2026-01-05T09:30:00Z') };
const run = (given: readonly SignatureEvent[], command: SignRecord) => signatureDecider.decide(command, fold(signatureDecider, given), ctx);
const content = { streamId: 'subject-S1', revision: 4, sha256: 'a'.repeat(64), eventCount: 5 };
const sign: SignRecord = {
  type: 'SignRecord',
  signatureId: 'sig-1',
  target: { kind: 'subject', subjectId: 'S1' },
  meaning: 'APPROVAL',
  statement: 'I approve this casebook as complete and correct',
  signerName: 'Ivy Investigator',
  content,
  authenticationMethod: 'oidc_auth_time',
  authenticatedAt: '2026-01-05T09:28:00.000Z',
  trialId: 'onco-01',
};

describe('signature decider', () => {
  it('given no signature, when a subject is signed, then the event carries the printed name, the UTC time, the meaning and the content hash', () => {
    expect(run([], sign)).toStrictEqual([
      {
        type: 'RecordSigned',
        data: {
          signatureId: 'sig-1',
          target: { kind: 'subject', subjectId: 'S1' },
          trialId: 'onco-01',
          subjectId: 'S1',
          signerId: 'ivy-investigator',
          signerName: 'Ivy Investigator',
          signerRole: 'coordinator',
          meaning: 'APPROVAL',
          statement: 'I approve this casebook as complete and correct',
          signedAt: '2026-01-05T09:30:00.000Z',
          content,
          authenticationMethod: 'oidc_auth_time',
          authenticatedAt: '2026-01-05T09:28:00.000Z',
        },
      },
    ]);
  });

  it('given a signature, when the same signer signs the same content with the same meaning, then ALREADY_SIGNED; another meaning or new content is a new signature', () => {
    const signed = run([], sign);
    expect(rejection(() => run(signed, { ...sign, signatureId: 'sig-2' }))).toMatchObject({ code: 'ALREADY_SIGNED', field: 'meaning' });
    expect(run(signed, { ...sign, signatureId: 'sig-2', meaning: 'VERIFICATION' })).toHaveLength(1);
    expect(run(signed, { ...sign, signatureId: 'sig-3', content: { ...content, revision: 5, sha256: 'b'.repeat(64) } })).toHaveLength(1);
  });

  it('refuses a signature without a printed name, a meaning outside the five, or a statement', () => {
    expect(rejection(() => run([], { ...sign, signerName: ' ' }))).toMatchObject({ code: 'SIGNER_NAME_REQUIRED' });
    expect(rejection(() => run([], { ...sign, meaning: 'AUTHORISATION' as never }))).toMatchObject({ code: 'INVALID_ENUM_VALUE', field: 'meaning' });
    expect(rejection(() => run([], { ...sign, statement: '' }))).toMatchObject({ field: 'statement' });
  });

  it('is valid while the content hashes the same and nothing changed after it; invalidated otherwise', () => {
    expect(signatureStatus(content, { sha256UpToRevision: content.sha256, changesAfter: 0 })).toBe('VALID');
    expect(signatureStatus(content, { sha256UpToRevision: content.sha256, changesAfter: 1 })).toBe('INVALIDATED');
    expect(signatureStatus(content, { sha256UpToRevision: 'c'.repeat(64), changesAfter: 0 })).toBe('INVALIDATED');
  });

  it('gives every target its own stream, even when ids contain dots', () => {
    const a = signatureStreamId({ kind: 'measurement', subjectId: 'a.b', measurementId: 'c' });
    const b = signatureStreamId({ kind: 'measurement', subjectId: 'a', measurementId: 'b.c' });
    expect(a).not.toBe(b);
    expect(signatureStreamId({ kind: 'lock', trialId: 'T1', scope: 'trial', scopeId: null })).toBe('signatures-lock.2.T1.trial');
    expect(requireSignatureTarget({ kind: 'lock', trialId: 'T1', scope: 'site', scopeId: 'S1' })).toStrictEqual({
      kind: 'lock',
      trialId: 'T1',
      scope: 'site',
      scopeId: 'S1',
    });
    expect(rejection(() => requireSignatureTarget({ kind: 'nothing' }))).toMatchObject({ code: 'INVALID_SIGNATURE_TARGET' });
    expect(signatureStreamId(requireSignatureTarget({ kind: 'analysisSnapshot', snapshotId: 'snap-1' }))).toBe('signatures-analysisSnapshot.snap-1');
  });
});
