// Migrations that run SQL written out in their own file. A migration is
// frozen: once released, a database has it recorded in kysely_migration and
// never runs it again, so what it does must not change, or a database created
// afresh would differ from one upgraded through it. A migration built from
// live definitions (a roll-up from its subgraph's rollups.ts, through
// platform/data/rollups.ts) would change with them; one of these carries the text
// those definitions gave when it was written, and nothing it runs changes
// when they do. A schema or roll-up changes only by a new migration.
import { sql, type Kysely, type Migration } from 'kysely';

/** A roll-up's migration SQL as text: what `rollupSql` (platform/data/rollups.ts) gives, and a migration freezes. */
export interface RollupSql {
  table: string;
  create: string[];
  drop: string[];
}

/** A migration creating a roll-up: the roll-up's SQL as its migration froze it. */
export interface RollupMigration extends Migration {
  rollup: RollupSql;
}

/**
 * The function every roll-up's triggers call (the region codes a record counts
 * in: its own and each above it), as the first roll-up migrations created it.
 * Frozen like them: the live roll-ups (platform/data/rollups.ts) use this
 * version; a changed function is a new constant and a new migration.
 */
export const REGION_ANCESTORS_FUNCTION_V1 = `
  create or replace function hub_region_ancestors(code text) returns text[]
  language sql immutable parallel safe as $$
    select array(select distinct a from unnest(case length(code)
      when 12 then array[left(code, 2) || '0000', left(code, 4) || '00', left(code, 6), left(code, 9), code]
      when 9 then array[left(code, 2) || '0000', left(code, 4) || '00', left(code, 6), code]
      when 6 then array[left(code, 2) || '0000', left(code, 4) || '00', code]
      else array[code] end) as a order by a)
  $$`;

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
