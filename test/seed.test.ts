// The seed's bulk load (platform/data/seed.ts, platform/data/bulk-load.ts): on PGlite
// COPY with triggers off, keys checked once and roll-ups built once; on
// PostgreSQL multi-row INSERTs with triggers on. Both must give the same data.
import { sql, type Kysely } from 'kysely';
import { seededDigest } from '../bench/seed-digest';
import { copyRows, insertRows } from '../platform/data/bulk-load';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../platform/data/database';
import { subgraphMigrations } from '../platform/data/migrations';
import { isSeeded, seedOnce, type SeedDefinition } from '../platform/data/seed';
import { listSubgraphs } from '../schema/subgraphs';
import type { JudicialDatabase } from '../subgraphs/judicial/database';
import judicial from '../subgraphs/judicial/subgraph';

describe('the seed', () => {
  for (const { name, definition } of listSubgraphs()) {
    test(`${name}: the same rows, ids, totals and sequences on PGlite (COPY) as on PostgreSQL (INSERT)`, async () => {
      const [pglite, postgres] = await Promise.all([seededDigest(definition, 'pglite', 0.1), seededDigest(definition, 'postgres', 0.1)]);
      expect(pglite).toEqual(postgres);
      // Not empty: the seed's tables and roll-ups hold rows.
      expect(pglite.filter((table) => !table.name.startsWith('sequence') && table.rows > 100).length).toBeGreaterThanOrEqual(3);
    }, 300_000);
  }

  test('COPY stores awkward values exactly as INSERT does: quotes, commas, line breaks, backslashes, arrays, JSON, nulls', async () => {
    const database = await openDatabase<unknown>({});
    try {
      const db = database.db as Kysely<any>;
      for (const table of ['by_copy', 'by_insert']) {
        await sql`create table ${sql.table(table)} (id int, label text, tags text[], doc jsonb, flag boolean, amount numeric, day date)`.execute(db);
      }
      const rows = [
        { id: 1, label: 'a "quoted", comma\nand line', tags: ['x', 'y "z"', 'back\\slash', 'comma,here', ''], doc: JSON.stringify({ name: 'Ayşe "Q"', n: [1, 2] }), flag: true, amount: 1234.5, day: '2023-12-31' },
        { id: 2, label: '', tags: [], doc: JSON.stringify(null), flag: false, amount: 0, day: '2020-01-01' },
        { id: 3, label: null, tags: null, doc: null, flag: null, amount: null, day: null },
        { id: 4, label: 'NULL', tags: ['NULL', null], doc: '"NULL"', flag: true, amount: -7, day: '2021-06-15' },
      ];
      await copyRows(database.pglite!, 'by_copy', rows);
      await insertRows(db, 'by_insert', rows);
      const read = (table: string) => sql<Record<string, unknown>>`select * from ${sql.table(table)} order by id`.execute(db).then((r) => r.rows);
      const copied = await read('by_copy');
      expect(copied).toEqual(await read('by_insert'));
      expect(copied[0]).toMatchObject({ label: 'a "quoted", comma\nand line', tags: ['x', 'y "z"', 'back\\slash', 'comma,here', ''] });
      expect(copied[2]).toMatchObject({ label: null, tags: null, doc: null });
      expect(copied[3]).toMatchObject({ label: 'NULL', tags: ['NULL', null] });
    } finally {
      await database.close();
    }
  });

  test('on PGlite, a seed that breaks a foreign key is refused and leaves nothing', async () => {
    const database = await openDatabase<unknown>({});
    try {
      await migrateToLatest(database.db as Kysely<unknown>, subgraphMigrations(judicial));
      // An office in a township the seed never loaded.
      const broken: SeedDefinition<JudicialDatabase> = {
        name: 'judicial',
        rollups: judicial.rollups,
        seed: async (_db, { load }) => {
          await load('region', [{ code: '650000', name: 'Region', level: 'AUTONOMOUS_REGION', parent_code: null }]);
          await load('judicial_office', [{ id: 'JO-652922100', township_code: '652922100', name: 'Nowhere', standardization: 'NOT_STARTED', demonstration: false, brand: null, staff_count: 1 }]);
        },
      };
      await expect(seedOnce(database as DatabaseHandle<JudicialDatabase>, broken, { scale: 1, progress: () => undefined })).rejects.toThrow(
        'the seed broke foreign keys: judicial_office (township_code) -> region (judicial_office_township_code_fkey)',
      );
      expect(await isSeeded(database.db as Kysely<unknown>, 'judicial')).toBe(false);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from region`.execute(database.db);
      expect(rows[0].n).toBe(0);
    } finally {
      await database.close();
    }
  });
});
