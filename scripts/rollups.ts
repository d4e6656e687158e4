// `npm run rollups -- check|rebuild [subgraph ...]`: compares each roll-up
// (platform/rollups.ts) with its records' sums, or recomputes it from them.
// Uses each subgraph's database settings (<PREFIX>_DATABASE_URL, or PGlite
// under PGLITE_DATA_DIR), as `npm run import` does; runs pending migrations.
// Exit code: 0 when every total agrees (check) or was rebuilt, 1 when check
// finds a difference, 2 on usage.
import { checkRollup, rebuildRollup } from '../platform/rollups';
import { openSubgraphDatabase, type SubgraphDefinition } from '../platform/subgraph';
import { listSubgraphs } from '../schema/subgraphs';

async function main(): Promise<number> {
  const [action, ...names] = process.argv.slice(2);
  const subgraphs = listSubgraphs();
  const chosen = names.length ? names : subgraphs.map((s) => s.name);
  const definitions = chosen.map((name) => subgraphs.find((s) => s.name === name)?.definition);
  if ((action !== 'check' && action !== 'rebuild') || definitions.some((d) => !d)) {
    console.error(`usage: npm run rollups -- <check|rebuild> [${subgraphs.map((s) => s.name).join('|')} ...]`);
    return 2;
  }
  let differing = 0;
  for (const definition of definitions as SubgraphDefinition<unknown, unknown>[]) {
    if (!definition.rollups?.length) continue;
    let database;
    try {
      database = await openSubgraphDatabase(definition);
    } catch (error) {
      console.error(`${definition.name}: ${(error as Error).message}`);
      return 2;
    }
    try {
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
