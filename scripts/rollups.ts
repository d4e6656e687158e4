// `npm run rollups -- check|rebuild [subgraph ...]`: compares each roll-up
// (platform/rollups.ts) with its records' sums, or recomputes it from them.
// Uses each subgraph's database settings (<PREFIX>_DATABASE_URL, or PGlite
// under PGLITE_DATA_DIR), as `npm run import` does; runs pending migrations.
// Exit code: 0 when every total agrees (check) or was rebuilt, 1 when check
// finds a difference, 2 on usage.
import path from 'node:path';
import type { Kysely } from 'kysely';
import { migrateToLatest, openDatabase } from '../platform/database';
import { checkRollup, rebuildRollup } from '../platform/rollups';
import { platformMigrations, startOptionsFromEnv, type SubgraphDefinition } from '../platform/subgraph';
import { listSubgraphs } from '../schema/subgraphs';

function definitionOf(name: string): SubgraphDefinition<unknown, unknown> | undefined {
  const info = listSubgraphs().find((s) => s.name === name);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return info && (require(path.join(info.directory, 'subgraph')).default as SubgraphDefinition<unknown, unknown>);
}

async function main(): Promise<number> {
  const [action, ...names] = process.argv.slice(2);
  const all = listSubgraphs().map((s) => s.name);
  const chosen = names.length ? names : all;
  const definitions = chosen.map(definitionOf);
  if ((action !== 'check' && action !== 'rebuild') || definitions.some((d) => !d)) {
    console.error(`usage: npm run rollups -- <check|rebuild> [${all.join('|')} ...]`);
    return 2;
  }
  let differing = 0;
  for (const definition of definitions as SubgraphDefinition<unknown, unknown>[]) {
    if (!definition.rollups?.length) continue;
    const options = startOptionsFromEnv(definition);
    if (!options.databaseUrl && !options.pgliteDataDir) {
      console.error(`${definition.name}: set ${definition.name.toUpperCase().replace(/-/g, '_')}_DATABASE_URL (or PGLITE_DATA_DIR)`);
      return 2;
    }
    const database = await openDatabase<unknown>({ url: options.databaseUrl, pgliteDataDir: options.pgliteDataDir });
    try {
      await migrateToLatest(database.db as Kysely<unknown>, { ...platformMigrations, ...definition.migrations });
      for (const rollup of definition.rollups) {
        const started = Date.now();
        if (action === 'rebuild') {
          await rebuildRollup(database.db, rollup);
          console.log(`${definition.name} ${rollup.table}: rebuilt from ${rollup.source} in ${Date.now() - started} ms`);
          continue;
        }
        const { count, differences } = await checkRollup(database.db, rollup);
        differing += count;
        console.log(`${definition.name} ${rollup.table}: ${count === 0 ? 'agrees with' : `${count} region-days differ from`} ${rollup.source} (${Date.now() - started} ms)`);
        for (const d of differences) {
          console.log(`  ${d.regionCode} ${d.day ?? '(no day)'}: stored ${JSON.stringify(d.stored)}, records ${JSON.stringify(d.fromRecords)}`);
        }
      }
    } finally {
      await database.close();
    }
  }
  if (differing > 0) console.log('run `npm run rollups -- rebuild` to recompute them from the records');
  return differing > 0 ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
