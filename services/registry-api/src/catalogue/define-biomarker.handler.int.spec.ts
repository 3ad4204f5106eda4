import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { biomarkerCodeStreamId, DomainError, type DefineBiomarker } from '#domain';
import { WrongExpectedVersionError } from '#event-store';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { createCommandContext, type CommandContext } from '../commands/command-context.js';
import { inProcessActor, originFor } from '../commands/command-origin.js';
import { CatalogueCommandsModule } from './catalogue-commands.module.js';
import { ChangeBiomarkerCommand } from './change-biomarker.handler.js';
import { DefineBiomarkerCommand, DUPLICATE_BIOMARKER_CODE } from './define-biomarker.handler.js';
import { biomarkerConceptStreamId, CODED_CONCEPT_IN_USE } from './biomarker-concept.reservations.js';

const admin = inProcessActor('admin-1', 'admin');
const origin = (commandId = randomUUID(), extra: { expectedVersion?: number; reason?: string } = {}) =>
  originFor(admin, { commandId, expectedVersion: extra.expectedVersion }, 'corr-1', extra.reason);

const sma = (biomarkerId: string, code = 'SMA_L3'): DefineBiomarker => ({
  type: 'DefineBiomarker',
  biomarkerId,
  code,
  name: 'Skeletal muscle area at L3',
  modality: 'CT',
  bodySite: 'L3 vertebral level',
  valueType: { kind: 'quantitative', unit: 'cm2', plausibleRange: { min: 20, max: 400 } },
  repeatabilityWcv: 0.02,
});

async function codeOf(err: Promise<unknown>): Promise<string> {
  try {
    await err;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    if (e instanceof WrongExpectedVersionError) return 'CONCURRENCY_CONFLICT';
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('biomarker catalogue handlers (PostgreSQL)', () => {
  let db: TestDatabase;
  let ctx: CommandContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    ctx = await createCommandContext({ databaseUrl: db.eventStoreUrl, modules: [CatalogueCommandsModule] });
  });
  afterAll(async () => {
    await ctx?.close();
    await db?.drop();
  });

  const countAll = async () => await ctx.store.countEvents();

  it('defines a biomarker, claims its code and records the actor and correlation in the metadata', async () => {
    const id = randomUUID();
    const receipt = await ctx.bus.execute(new DefineBiomarkerCommand(sma(id), origin(), admin));
    expect(receipt).toMatchObject({ id, createdIds: [], streamId: `biomarker-${id}`, version: 0, events: ['BiomarkerDefined'], replayed: false });
    expect(receipt.globalPosition).toMatch(/^\d+$/);
    const [event] = await ctx.store.readStream(`biomarker-${id}`);
    expect(event!.data).toMatchObject({ biomarkerId: id, code: 'SMA_L3', version: 1, valueType: { unit: 'cm2' } });
    expect(event!.metadata).toMatchObject({ actorId: 'admin-1', actorRole: 'admin', correlationId: 'corr-1' });
    const reservation = await ctx.store.readStream(biomarkerCodeStreamId('SMA_L3'));
    expect(reservation.map((e) => [e.type, e.data['ownerId']])).toEqual([['ReservationClaimed', id]]);
  });

  it('refuses a second biomarker with the same code (DUPLICATE_BIOMARKER_CODE) and writes nothing', async () => {
    const before = await countAll();
    expect(await codeOf(ctx.bus.execute(new DefineBiomarkerCommand(sma(randomUUID()), origin(), admin)))).toBe(DUPLICATE_BIOMARKER_CODE);
    expect(await countAll()).toBe(before);
  });

  it('lets only one of two concurrent definitions of one code win', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const results = await Promise.allSettled([
      ctx.bus.execute(new DefineBiomarkerCommand(sma(a, 'VFA'), origin(), admin)),
      ctx.bus.execute(new DefineBiomarkerCommand(sma(b, 'VFA'), origin(), admin)),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as DomainError).code).toBe(DUPLICATE_BIOMARKER_CODE);
    const defined = (await Promise.all([a, b].map((id) => ctx.store.readStream(`biomarker-${id}`)))).filter((s) => s.length > 0);
    expect(defined).toHaveLength(1);
  });

  it('replays a repeated commandId: first result, nothing appended', async () => {
    const id = randomUUID();
    const commandId = randomUUID();
    const first = await ctx.bus.execute(new DefineBiomarkerCommand(sma(id, 'LESION_LD'), origin(commandId), admin));
    const before = await countAll();
    const again = await ctx.bus.execute(new DefineBiomarkerCommand(sma(id, 'LESION_LD'), origin(commandId), admin));
    expect(again).toMatchObject({ id, version: first.version, globalPosition: first.globalPosition, events: ['BiomarkerDefined'], replayed: true });
    expect(await countAll()).toBe(before);
  });

  it('validates before claiming: an invalid definition leaves the code free', async () => {
    const before = await countAll();
    const bad = { ...sma(randomUUID(), 'NODULE_VOL'), valueType: { kind: 'quantitative' as const, unit: 'furlongs', plausibleRange: { min: 0, max: 1 } } };
    expect(await codeOf(ctx.bus.execute(new DefineBiomarkerCommand(bad, origin(), admin)))).toBe('INVALID_UCUM_UNIT');
    expect(await countAll()).toBe(before);
    const ok = await ctx.bus.execute(new DefineBiomarkerCommand(sma(randomUUID(), 'NODULE_VOL'), origin(), admin));
    expect(ok.replayed).toBe(false);
  });

  it('revises and retires with a reason; two concurrent revisions to the same version: one wins, one is refused', async () => {
    const id = randomUUID();
    await ctx.bus.execute(new DefineBiomarkerCommand(sma(id, 'SUVMAX'), origin(), admin));
    const revise = (reason: string) => {
      const { type: _type, code: _code, ...rest } = sma(id, 'SUVMAX');
      return new ChangeBiomarkerCommand({ ...rest, type: 'ReviseBiomarker', version: 2, reason }, origin(undefined, { reason }), admin);
    };
    const results = await Promise.allSettled([ctx.bus.execute(revise('new range A')), ctx.bus.execute(revise('new range B'))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    // The loser is retried on the new state and then refused by the decider: no lost update, no silent overwrite.
    expect(((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as DomainError).code).toBe('INVALID_VERSION_NUMBER');
    const stream = await ctx.store.readStream(`biomarker-${id}`);
    expect(stream.map((e) => e.type)).toEqual(['BiomarkerDefined', 'BiomarkerRevised']);
    expect(stream[1]!.metadata['reason']).toMatch(/^new range [AB]$/);

    expect(await codeOf(ctx.bus.execute(new ChangeBiomarkerCommand({ type: 'RetireBiomarker', biomarkerId: id, reason: ' ' }, origin(), admin)))).toBe(
      'REASON_REQUIRED',
    );
    const retired = await ctx.bus.execute(
      new ChangeBiomarkerCommand({ type: 'RetireBiomarker', biomarkerId: id, reason: 'superseded' }, origin(undefined, { expectedVersion: 1 }), admin),
    );
    expect(retired).toMatchObject({ version: 2, events: ['BiomarkerRetired'] });
  });

  it('answers a stale expectedVersion with a conflict carrying the current version', async () => {
    const id = randomUUID();
    await ctx.bus.execute(new DefineBiomarkerCommand(sma(id, 'HU_MEAN'), origin(), admin));
    const stale = ctx.bus.execute(
      new ChangeBiomarkerCommand({ type: 'RetireBiomarker', biomarkerId: id, reason: 'x' }, origin(undefined, { expectedVersion: 5 }), admin),
    );
    await expect(stale).rejects.toMatchObject({ name: 'WrongExpectedVersionError', actualRevision: 0n });
  });

  describe('coded concepts', () => {
    const ld = { scheme: 'SCT', value: '103339001', meaning: 'Long axis' };
    const vol = { scheme: 'SCT', value: '118565006', meaning: 'Volume' };
    const withConcepts = (id: string, code: string, codedConcepts: DefineBiomarker['codedConcepts']): DefineBiomarker => ({ ...sma(id, code), codedConcepts });
    const revise = (id: string, code: string, version: number, codedConcepts?: DefineBiomarker['codedConcepts']) => {
      const { type: _type, code: _code, ...rest } = sma(id, code);
      return new ChangeBiomarkerCommand(
        { ...rest, type: 'ReviseBiomarker', version, reason: 'concepts', codedConcepts },
        origin(undefined, { reason: 'x' }),
        admin,
      );
    };
    const holder = async (concept: { scheme: string; value: string }) => {
      let owner: unknown = null;
      for (const e of await ctx.store.readStream(biomarkerConceptStreamId(concept)))
        owner = e.type === 'ReservationClaimed' ? e.data['ownerId'] : e.type === 'ReservationReleased' ? null : owner;
      return owner;
    };

    it('claims each concept for its biomarker and refuses it on a second biomarker (CODED_CONCEPT_IN_USE), writing nothing', async () => {
      const a = randomUUID();
      await ctx.bus.execute(new DefineBiomarkerCommand(withConcepts(a, 'CC_LD', [ld]), origin(), admin));
      expect(await holder(ld)).toBe(a);
      const before = await countAll();
      const b = randomUUID();
      const refused = ctx.bus.execute(new DefineBiomarkerCommand(withConcepts(b, 'CC_OTHER', [vol, ld]), origin(), admin));
      await expect(refused).rejects.toMatchObject({ code: CODED_CONCEPT_IN_USE, field: 'codedConcepts.1' });
      // The code and the first concept it claimed on the way were given back: a claim and a release each, nothing else.
      expect(await holder(vol)).toBeNull();
      expect(await ctx.store.readStream(`biomarker-${b}`)).toEqual([]);
      expect(await countAll()).toBe(before + 4);
      const ok = await ctx.bus.execute(new DefineBiomarkerCommand(withConcepts(b, 'CC_OTHER', [vol]), origin(), admin));
      expect(ok.replayed).toBe(false);
      expect(await holder(vol)).toBe(b);
    });

    it('a revision keeps, adds and drops concepts; a dropped or retired one is free for another biomarker', async () => {
      const lesion = { scheme: 'LN', value: '21889-1', meaning: 'Size Tumor' };
      const extra = { scheme: 'RADLEX', value: 'RID39123', meaning: 'diameter' };
      const a = randomUUID();
      await ctx.bus.execute(new DefineBiomarkerCommand(withConcepts(a, 'CC_REV', [lesion]), origin(), admin));
      await ctx.bus.execute(revise(a, 'CC_REV', 2));
      expect((await ctx.store.readStream(`biomarker-${a}`))[1]!.data['codedConcepts']).toEqual([lesion]);
      await ctx.bus.execute(revise(a, 'CC_REV', 3, [extra]));
      expect([await holder(lesion), await holder(extra)]).toEqual([null, a]);
      const b = randomUUID();
      await ctx.bus.execute(new DefineBiomarkerCommand(withConcepts(b, 'CC_REV_B', [lesion]), origin(), admin));
      await expect(ctx.bus.execute(revise(b, 'CC_REV_B', 2, [lesion, extra]))).rejects.toMatchObject({ code: CODED_CONCEPT_IN_USE, field: 'codedConcepts.1' });
      expect((await ctx.store.readStream(`biomarker-${b}`)).map((e) => e.type)).toEqual(['BiomarkerDefined']);
      await ctx.bus.execute(new ChangeBiomarkerCommand({ type: 'RetireBiomarker', biomarkerId: a, reason: 'superseded' }, origin(), admin));
      expect(await holder(extra)).toBeNull();
      await ctx.bus.execute(revise(b, 'CC_REV_B', 2, [lesion, extra]));
      expect(await holder(extra)).toBe(b);
    });
  });
});
