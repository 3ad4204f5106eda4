import { beforeAll, describe, expect, it } from '@jest/globals';
import { useTestDataSource } from '../../../../test/support/test-data-source.js';
import { copyRows, loadRows, loadRowsTogether, upsertRows } from './sql.js';

describe('copyRows (COPY for rows known to be new)', () => {
  const database = useTestDataSource();
  const COLUMNS = ['id', 'version', 'label', 'details', 'value', 'flag', 'at'];
  beforeAll(async () => {
    for (const t of ['copied', 'inserted']) {
      await database.ds.query(
        `CREATE TABLE public.${t} (id text, version int, label text, details jsonb, value double precision, flag boolean, at timestamptz, PRIMARY KEY (id, version))`,
      );
    }
  });

  it('stores exactly what the insert path stores, delimiters and escapes included', async () => {
    const rows = [
      {
        id: 'a',
        version: 1,
        label: 'tab\there, newline\nthere, CR\r, backslash \\ and \\N',
        details: { note: 'line\nbreak \\ "quoted"', n: [1, 2] },
        value: 1.5,
        flag: true,
        at: '2026-11-27T10:00:00.123Z',
      },
      { id: 'a', version: 2, label: '\\N', details: null, value: null, flag: false, at: new Date(Date.UTC(2026, 0, 1)) },
      { id: 'b', version: 1, label: '', details: { emoji: 'é ✓' }, value: -0.000123, flag: null, at: null },
    ];
    await database.ds.transaction(async (m) => {
      await copyRows(m, 'public.copied', rows, ['id', 'version'], COLUMNS);
      await upsertRows(m, 'public.inserted', rows, ['id', 'version'], COLUMNS, 'nothing');
    });
    const copied = await database.ds.query(`SELECT * FROM public.copied ORDER BY id, version`);
    expect(copied).toEqual(await database.ds.query(`SELECT * FROM public.inserted ORDER BY id, version`));
    expect(copied[1].label).toBe('\\N');
    expect(copied[1].details).toBeNull();
    expect(copied[0].label).toBe(rows[0]!.label);
  });

  it('refuses a row whose key exists, leaving nothing of the statement behind', async () => {
    const err = await database.ds
      .transaction((m) =>
        copyRows(
          m,
          'public.copied',
          [
            { id: 'c', version: 1 },
            { id: 'a', version: 1 },
          ],
          ['id', 'version'],
          ['id', 'version'],
        ),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(String(err)).toMatch(/duplicate key/);
    expect(await database.ds.query(`SELECT id FROM public.copied WHERE id = 'c'`)).toEqual([]);
  });
});

describe('loadRowsTogether (several key lookups in one round trip)', () => {
  const database = useTestDataSource();
  beforeAll(async () => {
    await database.ds.query(`CREATE TABLE public.a (id text PRIMARY KEY, at timestamptz, n int)`);
    await database.ds.query(`CREATE TABLE public.b (id text PRIMARY KEY, gone boolean)`);
    await database.ds.query(`INSERT INTO public.a VALUES ('o''brien', '2026-01-01T00:00:00Z', 1), ('x', now(), 2), ('back\\slash', now(), 3)`);
    await database.ds.query(`INSERT INTO public.b VALUES ('1', false), ('2', true)`);
  });

  it('answers each lookup as loadRows would, quoting keys as data, and skips empty ones', async () => {
    const hostile = [`o'brien`, `x'); DROP TABLE public.b; --`, `back\\slash`];
    const [a, none, b] = await database.ds.transaction((m) =>
      loadRowsTogether(m, [
        { table: 'public.a', keyColumn: 'id', keys: hostile },
        { table: 'public.a', keyColumn: 'id', keys: [] },
        { table: 'public.b', keyColumn: 'id', keys: ['1', '2'], where: 'AND NOT gone' },
      ]),
    );
    const expected = await database.ds.transaction((m) => loadRows<Record<string, unknown>>(m, 'public.a', 'id', hostile));
    expect(a).toEqual(expected);
    expect(a!.map((r) => r['id']).sort()).toEqual([`back\\slash`, `o'brien`]);
    expect(a!.find((r) => r['id'] === `o'brien`)!['at']).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(none).toEqual([]);
    expect(b).toEqual([{ id: '1', gone: false }]);
    expect(await database.ds.query(`SELECT count(*)::int AS n FROM public.b`)).toEqual([{ n: 2 }]);
  });

  it('works outside a transaction too', async () => {
    const [a] = await loadRowsTogether(database.ds.manager, [{ table: 'public.a', keyColumn: 'id', keys: ['x'] }]);
    expect(a!.map((r) => r['n'])).toEqual([2]);
  });
});
