// Migrations, on PGlite and PostgreSQL: each subgraph's database ends the same
// whether it is created afresh (every migration at once, then seeded) or
// upgraded step by step from its first migration with records written after
// its first release (so the steps carrying data, filling a roll-up or setting
// a sequence, run over them): the same catalog (tables, columns, constraints,
// indexes, triggers, functions, sequences), the same `pg_dump --schema-only`
// on PostgreSQL, the same rows and sequences. And each roll-up's live
// definition gives the SQL the latest migration creating it froze
// (platform/data/frozen-migrations.ts): a roll-up changed without a new migration
// fails here, saying to add one.
import path from 'node:path';
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { databaseDigest } from '../bench/seed-digest';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../platform/data/database';
import { isRollupMigration, replaceRollupMigration, type RollupMigration } from '../platform/data/frozen-migrations';
import { subgraphMigrations } from '../platform/data/migrations';
import { checkRollup, rollupSql, type Rollup } from '../platform/data/rollups';
import { seedOnce } from '../platform/data/seed';
import { listSubgraphs, type SubgraphInfo } from '../schema/subgraphs';
import { createTestDatabase, type DatabaseKind } from './harness';
import { schemaCatalog, schemaDump } from './schema-catalog';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDB = Kysely<any>;

const SUBGRAPHS = listSubgraphs();
const ROOT = path.join(__dirname, '..');
/** A subgraph's first migration of its own: its first release, after which records were written. */
const FIRST_RELEASE = '0001-initial';
const SEED_SCALE = 0.05;

/** What stands between a roll-up's live definition and the latest of `migrations` creating it; null when nothing. */
function frozenProblem(info: SubgraphInfo, migrations: Record<string, Migration>, rollup: Rollup): string | null {
  const folder = path.relative(ROOT, info.directory);
  const add =
    `A migration is frozen: add a new migration (${folder}/migrations/, listed in subgraph.ts) carrying the roll-up's SQL ` +
    `as \`npm run freeze-rollups -- ${info.name}\` prints it (replaceRollupMigration for a changed roll-up, rollupMigration for a new one).`;
  const creating = Object.entries(migrations)
    .filter((entry): entry is [string, RollupMigration] => isRollupMigration(entry[1]) && entry[1].rollup.table === rollup.table)
    .sort(([a], [b]) => a.localeCompare(b));
  const latest = creating.at(-1);
  if (!latest) return `roll-up ${rollup.table} (${folder}/rollups.ts): no migration creates it. ${add}`;
  const [name, { rollup: frozen }] = latest;
  const live = rollupSql(rollup);
  for (const part of ['create', 'drop'] as const) {
    for (let i = 0; i < Math.max(live[part].length, frozen[part].length); i++) {
      if (live[part][i] === frozen[part][i]) continue;
      return (
        `roll-up ${rollup.table}: ${folder}/rollups.ts (through platform/data/rollups.ts) now gives other SQL than migration ${name} froze ` +
        `(${part} statement ${i + 1}).\n  frozen: ${frozen[part][i] ?? '(none)'}\n  live:   ${live[part][i] ?? '(none)'}\n${add}`
      );
    }
  }
  return null;
}

const ROLLUPS = SUBGRAPHS.flatMap((info) => (info.definition.rollups ?? []).map((rollup) => ({ info, rollup })));

describe('frozen roll-up migrations', () => {
  test.each(ROLLUPS.map((c) => [`${c.info.name} ${c.rollup.table}`, c] as const))(
    '%s: the live definition gives the SQL the latest migration creating it froze',
    (_name, { info, rollup }) => {
      expect(frozenProblem(info, info.definition.migrations, rollup)).toBeNull();
    },
  );

  test('a roll-up changed without a migration is named with what to do; with a migration replacing it, it is accepted and the totals are right', async () => {
    const info = SUBGRAPHS.find((s) => s.name === 'judicial')!;
    const [mediation] = info.definition.rollups!;
    const changed: Rollup = { ...mediation, measures: { ...mediation.measures, referred: { value: `(outcome = 'REFERRED')::int` } } };
    const problem = frozenProblem(info, info.definition.migrations, changed);
    expect(problem).toContain('roll-up mediation_case_daily: subgraphs/judicial/rollups.ts (through platform/data/rollups.ts) now gives other SQL than migration 0002-mediation-rollup froze');
    expect(problem).toContain('add a new migration (subgraphs/judicial/migrations/');

    const previous = info.definition.migrations['0002-mediation-rollup'];
    if (!isRollupMigration(previous)) throw new Error('0002-mediation-rollup creates no roll-up');
    const replacing = { ...info.definition.migrations, '0003-mediation-referred': replaceRollupMigration(previous.rollup, rollupSql(changed)) };
    expect(frozenProblem(info, replacing, changed)).toBeNull();

    // Run on a seeded database: the roll-up is dropped and created anew with its totals of the records there.
    const database = await openDatabase<unknown>({});
    try {
      await migrateToLatest(database.db as Kysely<unknown>, subgraphMigrations(info.definition));
      await seedOnce(database, info.definition, { scale: SEED_SCALE, progress: () => undefined });
      expect(await migrateToLatest(database.db as Kysely<unknown>, subgraphMigrations({ migrations: replacing }))).toEqual(['0003-mediation-referred']);
      const { rows } = await sql<{ referred: number }>`select sum(referred)::int as referred from mediation_case_daily where region_code = '650000'`.execute(database.db);
      expect(rows[0].referred).toBeGreaterThan(0);
      expect(await checkRollup(database.db, changed)).toEqual({ count: 0, differences: [] });
    } finally {
      await database.close();
    }
  });
});

interface TestDatabase {
  handle: DatabaseHandle<unknown>;
  db: AnyDB;
  url?: string;
  close(): Promise<void>;
}

async function testDatabase(kind: DatabaseKind, label: string): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const handle = await openDatabase<unknown>({});
    return { handle, db: handle.db, close: () => handle.close() };
  }
  const created = await createTestDatabase(label);
  const handle = await openDatabase<unknown>({ url: created.url, onPoolError: () => undefined });
  return { handle, db: handle.db, url: created.url, close: () => handle.close().finally(() => created.drop()) };
}

/** Runs the migrations one at a time in the migrator's order (Migrator.migrateTo each name), calling `afterStep` after each; returns their names. */
async function migrateStepByStep(db: AnyDB, migrations: Record<string, Migration>, afterStep: (name: string) => Promise<void>): Promise<string[]> {
  // As start-up runs them (platform/data/database.ts): a platform migration added later may sort before ones already run.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
  const names = (await migrator.getMigrations()).map((migration) => migration.name);
  for (const name of names) {
    const { error, results } = await migrator.migrateTo(name);
    if (error) throw error;
    expect(results?.map((result) => `${result.migrationName} ${result.status}`)).toEqual([`${name} Success`]);
    await afterStep(name);
  }
  return names;
}

/**
 * Writes `source`'s rows into every table `target` has now (the columns it has
 * now), as records written at that point would be: the foreign keys hold once
 * all are in (not checked in between), and each identity column's sequence
 * is past its highest id. Returns the number of rows written.
 */
async function writeRowsOf(source: AnyDB, target: AnyDB): Promise<number> {
  const { rows: tables } = await sql<{ name: string }>`
    select tablename as name from pg_tables where schemaname = 'public' and tablename not like 'kysely%' order by 1`.execute(target);
  return target.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    let written = 0;
    for (const { name } of tables) {
      const table = sql.table(name);
      const { rows: columns } = await sql<{ name: string; identity: boolean }>`
        select attname as name, attidentity <> '' as identity from pg_attribute
        where attrelid = ${name}::regclass and attnum > 0 and not attisdropped order by attnum`.execute(trx);
      const list = sql.join(columns.map((column) => sql.id(column.name)));
      const { rows } = await sql<{ rows: string }>`select coalesce(jsonb_agg(to_jsonb(t)), '[]')::text as rows from ${table} t`.execute(source);
      const inserted = await sql`insert into ${table} (${list}) select ${list} from jsonb_populate_recordset(null::${table}, ${rows[0].rows}::jsonb)`.execute(trx);
      written += Number(inserted.numAffectedRows ?? 0);
      for (const column of columns.filter((c) => c.identity)) {
        await sql`select setval(pg_get_serial_sequence(${name}, ${column.name}), max(${sql.id(column.name)})) from ${table} having count(*) > 0`.execute(trx);
      }
    }
    return written;
  });
}

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`a database created afresh and one upgraded step by step, on ${kind}`, () => {
    for (const info of SUBGRAPHS) {
      test(`${info.name}: the same schema, rows and sequences`, async () => {
        const fresh = await testDatabase(kind, `${info.name}_fresh`);
        const upgraded = await testDatabase(kind, `${info.name}_upgraded`);
        try {
          const migrations = subgraphMigrations(info.definition);
          await migrateToLatest(fresh.db, migrations);
          await seedOnce(fresh.handle, info.definition, { scale: SEED_SCALE, progress: () => undefined });

          let written = 0;
          const steps = await migrateStepByStep(upgraded.db, migrations, async (name) => {
            if (name === FIRST_RELEASE) written = await writeRowsOf(fresh.db, upgraded.db);
          });
          // Records were there before the subgraph's later migrations ran.
          expect(steps.indexOf(FIRST_RELEASE)).toBeLessThan(steps.length - 1);
          expect(written).toBeGreaterThan(1000);

          expect(await schemaCatalog(upgraded.db)).toEqual(await schemaCatalog(fresh.db));
          if (upgraded.url && fresh.url) expect(await schemaDump(upgraded.url)).toBe(await schemaDump(fresh.url));
          // Roll-up totals built by the upgrade's migrations, the event serial set by its migration: as the fresh database's.
          expect(await databaseDigest(upgraded.db)).toEqual(await databaseDigest(fresh.db));
        } finally {
          await upgraded.close();
          await fresh.close();
        }
      }, 300_000);
    }
  });
}
