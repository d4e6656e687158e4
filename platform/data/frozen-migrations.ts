// Migrations that run SQL written out in their own file. A migration is
// frozen: once released, a database has it recorded in kysely_migration and
// never runs it again, so what it does must not change, or a database created
// afresh would differ from one upgraded through it. A migration built from
// live definitions (a roll-up from its subgraph's rollups.ts, through
// platform/data/rollups.ts) would change with them; one of these carries the text
// those definitions gave when it was written, and nothing it runs changes
// when they do. A schema or roll-up changes only by a new migration.
import { sql, type Kysely, type Migration } from 'kysely';
import type { RollupSql } from './rollups';

/** A migration creating a roll-up: the roll-up's SQL as its migration froze it. */
export interface RollupMigration extends Migration {
  rollup: RollupSql;
}

async function run(db: Kysely<unknown>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/** The migration running `up` (and `down` to undo it), statement by statement, as written. */
export function sqlMigration(up: readonly string[], down?: readonly string[]): Migration {
  return {
    up: (db: Kysely<unknown>) => run(db, up),
    ...(down ? { down: (db: Kysely<unknown>) => run(db, down) } : {}),
  };
}

/**
 * The migration creating a roll-up from its frozen SQL: `rollupSql(definition)`
 * as it was when the migration was written (`npm run freeze-rollups` prints it).
 */
export function rollupMigration(frozen: RollupSql): RollupMigration {
  return { ...sqlMigration(frozen.create, frozen.drop), rollup: frozen };
}

/**
 * The migration changing a roll-up: drops it as an earlier migration created
 * it (`before`, that migration's `rollup`) and creates it anew from `after`,
 * the changed definition's SQL frozen in the new migration's file.
 */
export function replaceRollupMigration(before: RollupSql, after: RollupSql): RollupMigration {
  return { ...sqlMigration([...before.drop, ...after.create], [...after.drop, ...before.create]), rollup: after };
}

/** Whether a migration creates a roll-up (and so carries its frozen SQL). */
export function isRollupMigration(migration: Migration): migration is RollupMigration {
  return 'rollup' in migration;
}
