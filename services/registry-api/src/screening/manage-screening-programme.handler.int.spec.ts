import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DomainError, type DefineScreeningProgramme } from '#domain';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { createCommandContext, type CommandContext } from '../commands/command-context.js';
import { inProcessActor, originFor } from '../commands/command-origin.js';
import { ScreeningProgrammeCommand } from './manage-screening-programme.handler.js';
import { ScreeningCommandsModule } from './screening-commands.module.js';

const manager = inProcessActor('manager-1', 'screening_manager');
const origin = (commandId: string = randomUUID(), expectedVersion?: number) => originFor(manager, { commandId, expectedVersion }, 'corr');

const breast = (programmeId: string): DefineScreeningProgramme => ({
  type: 'DefineScreeningProgramme',
  programmeId,
  name: 'Breast screening North',
  cancerType: 'breast',
  targetPopulation: 'Women aged 50–74',
  ageRange: { min: 50, max: 74 },
  intervalMonths: 24,
  kpiTargets: [
    { kpi: 'participation_rate', scope: 'all_rounds', direction: 'at_least', acceptable: 0.7, desirable: 0.75 },
    { kpi: 'recall_rate', scope: 'first_round', direction: 'at_most', acceptable: 0.07, desirable: 0.05 },
  ],
});

describe('screening programme handler (PostgreSQL)', () => {
  let db: TestDatabase;
  let ctx: CommandContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    ctx = await createCommandContext({ databaseUrl: db.eventStoreUrl, modules: [ScreeningCommandsModule] });
  });
  afterAll(async () => {
    await ctx?.close();
    await db?.drop();
  });

  const send = (command: ScreeningProgrammeCommand['command'], commandId?: string, expectedVersion?: number) =>
    ctx.bus.execute(new ScreeningProgrammeCommand(command, origin(commandId, expectedVersion), manager));
  const count = async () => await ctx.store.countEvents();

  it('defines a programme and opens a round (its id in createdIds); a repeated commandId appends nothing', async () => {
    const programmeId = randomUUID();
    expect(await send(breast(programmeId))).toMatchObject({ id: programmeId, createdIds: [], version: 0, events: ['ScreeningProgrammeDefined'] });
    const commandId = randomUUID();
    const open = { type: 'OpenScreeningRound' as const, programmeId, roundId: 'R1', name: 'Round 1', opensOn: '2025-01-06' };
    const opened = await send(open, commandId);
    expect(opened).toMatchObject({ createdIds: ['R1'], version: 1, events: ['ScreeningRoundOpened'] });
    const before = await count();
    expect(await send(open, commandId)).toMatchObject({ replayed: true, globalPosition: opened.globalPosition });
    expect(await count()).toBe(before);
  });

  it('two concurrent rounds are both kept; closing the same round twice at once: one wins, one is refused', async () => {
    const programmeId = randomUUID();
    await send(breast(programmeId));
    await Promise.all(['R1', 'R2'].map((roundId) => send({ type: 'OpenScreeningRound', programmeId, roundId, name: roundId, opensOn: '2025-01-06' })));
    const close = () => send({ type: 'CloseScreeningRound', programmeId, roundId: 'R1', closesOn: '2025-06-30' });
    const results = await Promise.allSettled([close(), close()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as DomainError).code).toBe('ROUND_NOT_OPEN');
    const types = (await ctx.store.readStream(`programme-${programmeId}`)).map((e) => e.type);
    expect(types).toEqual(['ScreeningProgrammeDefined', 'ScreeningRoundOpened', 'ScreeningRoundOpened', 'ScreeningRoundClosed']);
  });

  it('refuses a pinned stale version with the current version, and inconsistent KPI targets with the field', async () => {
    const programmeId = randomUUID();
    await send(breast(programmeId));
    await expect(send({ type: 'OpenScreeningRound', programmeId, roundId: 'R9', name: 'R9', opensOn: '2025-01-06' }, undefined, 3)).rejects.toMatchObject({
      name: 'WrongExpectedVersionError',
      actualRevision: 0n,
    });
    const bad = breast(randomUUID());
    const err = await send({ ...bad, kpiTargets: [{ ...bad.kpiTargets[0]!, desirable: 0.5 }] }).catch((e: DomainError) => e);
    expect(err).toMatchObject({ code: 'INCONSISTENT_KPI_TARGET', field: 'kpiTargets.0.desirable' });
  });
});
