import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DomainError, type RegisterAlgorithmVersion } from '#domain';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { DefineBiomarkerCommand } from './define-biomarker.handler.js';
import { CatalogueCommandsModule } from './catalogue-commands.module.js';
import { createCommandContext, type CommandContext } from '../commands/command-context.js';
import { inProcessActor, originFor } from '../commands/command-origin.js';
import { AlgorithmsCommandsModule } from './algorithms-commands.module.js';
import { ChangeAlgorithmVersionCommand } from './change-algorithm-version.handler.js';
import { RegisterAlgorithmVersionCommand } from './register-algorithm-version.handler.js';

const admin = inProcessActor('admin-1', 'admin');
const origin = (commandId = randomUUID(), reason?: string) => originFor(admin, { commandId }, 'corr', reason);

async function codeOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof DomainError) return err.code;
  throw err ?? new Error('expected a rejection');
}

describe('algorithm registry handlers (PostgreSQL)', () => {
  let db: TestDatabase;
  let ctx: CommandContext;
  const biomarkerId = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase();
    ctx = await createCommandContext({ databaseUrl: db.eventStoreUrl, modules: [CatalogueCommandsModule, AlgorithmsCommandsModule] });
    await ctx.bus.execute(
      new DefineBiomarkerCommand(
        {
          type: 'DefineBiomarker',
          biomarkerId,
          code: 'SMA_L3',
          name: 'SMA',
          modality: 'CT',
          valueType: { kind: 'quantitative', unit: 'cm2', plausibleRange: { min: 20, max: 400 } },
        },
        origin(),
        admin,
      ),
    );
  });
  afterAll(async () => {
    await ctx?.close();
    await db?.drop();
  });

  const version = (id: string, v: string, extra: Partial<RegisterAlgorithmVersion> = {}): RegisterAlgorithmVersion => ({
    type: 'RegisterAlgorithmVersion',
    algorithmVersionId: id,
    manufacturer: 'Acme Imaging',
    name: 'BodyComp',
    version: v,
    intendedUse: 'Segmentation of muscle and fat at L3 on CT',
    regulatory: { status: 'ce_marked', ceClass: 'IIa', udiDi: '0123456789' },
    biomarkerIds: [biomarkerId],
    ...extra,
  });
  const count = async () => await ctx.store.countEvents();

  it('registers a lineage: v2 names v1 as predecessor; an unknown predecessor or biomarker is refused', async () => {
    const v1 = randomUUID();
    const v2 = randomUUID();
    expect(await ctx.bus.execute(new RegisterAlgorithmVersionCommand(version(v1, '1.0'), origin(), admin))).toMatchObject({
      id: v1,
      events: ['AlgorithmVersionRegistered'],
    });
    const r2 = await ctx.bus.execute(new RegisterAlgorithmVersionCommand(version(v2, '2.0', { predecessorVersionId: v1 }), origin(), admin));
    expect((await ctx.store.readStream(r2.streamId))[0]!.data).toMatchObject({ predecessorVersionId: v1, version: '2.0' });

    const before = await count();
    expect(
      await codeOf(ctx.bus.execute(new RegisterAlgorithmVersionCommand(version(randomUUID(), '3.0', { predecessorVersionId: randomUUID() }), origin(), admin))),
    ).toBe('PREDECESSOR_NOT_FOUND');
    expect(
      await codeOf(ctx.bus.execute(new RegisterAlgorithmVersionCommand(version(randomUUID(), '3.0', { biomarkerIds: [randomUUID()] }), origin(), admin))),
    ).toBe('BIOMARKER_NOT_FOUND');
    expect(
      await codeOf(
        ctx.bus.execute(
          new RegisterAlgorithmVersionCommand(version(randomUUID(), '3.0', { manufacturer: 'Other', predecessorVersionId: v1 }), origin(), admin),
        ),
      ),
    ).toBe('PREDECESSOR_MISMATCH');
    expect(await count()).toBe(before);
  });

  it('replays a repeated commandId and appends nothing', async () => {
    const id = randomUUID();
    const commandId = randomUUID();
    const first = await ctx.bus.execute(new RegisterAlgorithmVersionCommand(version(id, '1.1'), origin(commandId), admin));
    const before = await count();
    const again = await ctx.bus.execute(new RegisterAlgorithmVersionCommand(version(id, '1.1'), origin(commandId), admin));
    expect(again).toMatchObject({ replayed: true, version: first.version, globalPosition: first.globalPosition });
    expect(await count()).toBe(before);
  });

  it('two concurrent suspensions: one is recorded, the other is refused on the fresh state', async () => {
    const id = randomUUID();
    await ctx.bus.execute(new RegisterAlgorithmVersionCommand(version(id, '4.0'), origin(), admin));
    const suspend = (reason: string) =>
      new ChangeAlgorithmVersionCommand({ type: 'SuspendAlgorithmVersion', algorithmVersionId: id, reason }, origin(undefined, reason), admin);
    const results = await Promise.allSettled([ctx.bus.execute(suspend('drift alarm site A')), ctx.bus.execute(suspend('drift alarm site B'))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as DomainError).code).toBe('ALGORITHM_SUSPENDED');

    await ctx.bus.execute(new ChangeAlgorithmVersionCommand({ type: 'ReinstateAlgorithmVersion', algorithmVersionId: id, reason: 'fixed' }, origin(), admin));
    await ctx.bus.execute(new ChangeAlgorithmVersionCommand({ type: 'WithdrawAlgorithmVersion', algorithmVersionId: id, reason: 'recalled' }, origin(), admin));
    expect(
      await codeOf(
        ctx.bus.execute(new ChangeAlgorithmVersionCommand({ type: 'ReinstateAlgorithmVersion', algorithmVersionId: id, reason: 'oops' }, origin(), admin)),
      ),
    ).toBe('ALGORITHM_WITHDRAWN');
    expect((await ctx.store.readStream(`algorithm-${id}`)).map((e) => e.type)).toEqual([
      'AlgorithmVersionRegistered',
      'AlgorithmVersionSuspended',
      'AlgorithmVersionReinstated',
      'AlgorithmVersionWithdrawn',
    ]);
  });
});
