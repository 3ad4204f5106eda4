import { randomUUID } from 'node:crypto';
import { testUnlockSignature } from '../../../../libs/domain/src/testing/unlock-signature.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DomainError, trialIdentifierStreamId, type RegisterTrial } from '#domain';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { createCommandContext, type CommandContext } from '../commands/command-context.js';
import { inProcessActor, originFor } from '../commands/command-origin.js';
import { ChangeTrialCommand } from './change-trial.handler.js';
import { RegisterTrialCommand } from './register-trial.handler.js';
import { TrialsCommandsModule } from './trials-commands.module.js';

const coordinator = inProcessActor('coord-1', 'coordinator');
const origin = (commandId: string = randomUUID(), extra: { reason?: string; expectedVersion?: number } = {}) =>
  originFor(coordinator, { commandId, expectedVersion: extra.expectedVersion }, 'corr', extra.reason);

// The system may be left out (the decider detects it), as GraphQL clients do.
type IdentifierInput = { readonly system?: RegisterTrial['identifiers'][number]['system']; readonly value: string };
const trial = (trialId: string, identifiers: readonly IdentifierInput[]): RegisterTrial => ({
  type: 'RegisterTrial',
  trialId,
  identifiers: identifiers as RegisterTrial['identifiers'],
  title: 'Sarcopenia and survival under immunotherapy',
  phase: 'III',
  sponsor: 'Registry Oncology Group',
  primaryEndpoint: 'Overall survival',
});

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof DomainError) return err;
  throw err ?? new Error('expected a rejection');
}

describe('trial handlers (PostgreSQL)', () => {
  let db: TestDatabase;
  let ctx: CommandContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    ctx = await createCommandContext({ databaseUrl: db.eventStoreUrl, modules: [TrialsCommandsModule] });
  });
  afterAll(async () => {
    await ctx?.close();
    await db?.drop();
  });

  const count = async () => await ctx.store.countEvents();
  const register = (t: RegisterTrial, commandId?: string) => ctx.bus.execute(new RegisterTrialCommand(t, origin(commandId), coordinator));
  const change = (c: ChangeTrialCommand['command'], extra: { reason?: string; expectedVersion?: number } = {}) =>
    ctx.bus.execute(new ChangeTrialCommand(c, origin(undefined, extra), coordinator));

  it('registers a trial with normalised identifiers and refuses the same identifier for another trial', async () => {
    const id = randomUUID();
    const receipt = await register(trial(id, [{ value: 'nct 0000 0001' }, { system: 'EU_CT', value: '2024-512345-12-00' }]));
    expect(receipt).toMatchObject({ id, streamId: `trial-${id}`, version: 0, events: ['TrialRegistered'] });
    expect((await ctx.store.readStream(trialIdentifierStreamId('NCT00000001')))[0]!.data['ownerId']).toBe(id);

    const before = await count();
    const err = await rejection(register(trial(randomUUID(), [{ value: 'ISRCTN00000001' }, { value: 'NCT00000001' }])));
    expect({ code: err.code, field: err.field }).toEqual({ code: 'DUPLICATE_TRIAL_IDENTIFIER', field: 'identifiers.1.value' });
    // The identifier claimed before the failure was given back: claimed + released, and free for another trial.
    const isrctn = await ctx.store.readStream(trialIdentifierStreamId('ISRCTN00000001'));
    expect(isrctn.map((e) => e.type)).toEqual(['ReservationClaimed', 'ReservationReleased']);
    expect(await count()).toBe(before + 2);
    expect((await register(trial(randomUUID(), [{ value: 'ISRCTN00000001' }]))).events).toEqual(['TrialRegistered']);
  });

  it('refuses an invalid identifier before claiming anything', async () => {
    const before = await count();
    const err = await rejection(register(trial(randomUUID(), [{ system: 'NCT', value: 'NCT123' }])));
    expect({ code: err.code, field: err.field }).toEqual({ code: 'INVALID_TRIAL_IDENTIFIER', field: 'identifiers.0.value' });
    expect(await count()).toBe(before);
  });

  it('two concurrent registrations with one identifier: exactly one trial exists afterwards', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const results = await Promise.allSettled([register(trial(a, [{ value: 'NCT00000099' }])), register(trial(b, [{ value: 'NCT00000099' }]))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as DomainError).code).toBe('DUPLICATE_TRIAL_IDENTIFIER');
    const streams = await Promise.all([a, b].map((id) => ctx.store.readStream(`trial-${id}`)));
    expect(streams.filter((s) => s.length > 0)).toHaveLength(1);
  });

  it('replays a repeated registration: first result, nothing appended', async () => {
    const id = randomUUID();
    const commandId = randomUUID();
    const first = await register(trial(id, [{ value: 'NCT00000100' }]), commandId);
    const before = await count();
    expect(await register(trial(id, [{ value: 'NCT00000100' }]), commandId)).toMatchObject({
      replayed: true,
      globalPosition: first.globalPosition,
      version: 0,
    });
    expect(await count()).toBe(before);
  });

  it('concurrent arm additions are both kept (retried, never lost); a duplicate arm code is refused', async () => {
    const trialId = randomUUID();
    await register(trial(trialId, [{ value: 'NCT00000200' }]));
    const arm = (armCode: string) => change({ type: 'AddTrialArm', trialId, armCode, name: armCode, armType: 'experimental', plannedSize: 100 });
    const results = await Promise.allSettled([arm('A'), arm('B'), arm('B')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as DomainError).code).toBe('DUPLICATE_ARM_CODE');
    const armsAdded = (await ctx.store.readStream(`trial-${trialId}`)).filter((e) => e.type === 'TrialArmAdded').map((e) => e.data['armCode']);
    expect(armsAdded.sort()).toEqual(['A', 'B']);
  });

  it('runs a trial to lock: sites, schedule, enrolment; after lockTrial only unlockTrial (with a reason) is accepted', async () => {
    const trialId = randomUUID();
    await register(trial(trialId, [{ value: 'NCT00000300' }]));
    expect((await rejection(change({ type: 'OpenEnrolment', trialId }))).code).toBe('TRIAL_HAS_NO_ARMS');
    await change({ type: 'AddTrialArm', trialId, armCode: 'EXP', name: 'Experimental', armType: 'experimental', plannedSize: 50 });
    await change({ type: 'ActivateTrialSite', trialId, siteId: 'SITE-01', name: 'Leiden', country: 'NL' });
    await change({
      type: 'DefineVisitSchedule',
      trialId,
      timePoints: [
        { code: 'BASELINE', label: 'Baseline', targetDay: -14, windowBeforeDays: 14, windowAfterDays: 0 },
        { code: 'W8', label: 'Week 8', targetDay: 56, windowBeforeDays: 7, windowAfterDays: 7 },
      ],
    });
    const opened = await change({ type: 'OpenEnrolment', trialId });
    expect(opened).toMatchObject({ version: 4, events: ['EnrolmentOpened'] });
    await change({ type: 'LockTrial', trialId, reason: 'database lock for the primary analysis' }, { reason: 'database lock for the primary analysis' });
    const before = await count();
    expect((await rejection(change({ type: 'CloseEnrolment', trialId }))).code).toBe('TRIAL_LOCKED');
    expect((await rejection(change({ type: 'UnlockTrial', trialId, reason: '' }))).code).toBe('REASON_REQUIRED');
    expect(await count()).toBe(before);
    const unlocked = await change(
      { type: 'UnlockTrial', trialId, reason: 'query resolution', signature: testUnlockSignature('coord-1') },
      { reason: 'query resolution', expectedVersion: 5 },
    );
    expect(unlocked).toMatchObject({ version: 6, events: ['TrialUnlocked'] });
    const last = (await ctx.store.readStream(`trial-${trialId}`)).at(-1)!;
    expect(last.metadata).toMatchObject({ reason: 'query resolution', actorId: 'coord-1', actorRole: 'coordinator' });
  });
});
