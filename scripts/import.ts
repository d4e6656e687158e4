// `npm run import -- <subgraph> <file.csv> [--good-rows-only] [--as NAME]`:
// loads a CSV file into one subgraph's database through the same validation
// as its create mutation (see platform/import.ts). Uses the subgraph's
// database settings (<PREFIX>_DATABASE_URL, or PGlite under PGLITE_DATA_DIR).
// Exit code: 0 when every row is in, 1 when any row was refused, 2 on usage.
import { userInfo } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { bumpSharedDataVersion } from '../gateway/response-cache';
import { stringFromEnv } from '../platform/config';
import { migrateToLatest, openDatabase } from '../platform/database';
import { importCsv, readCsvFile } from '../platform/import';
import { platformMigrations, startOptionsFromEnv, type SubgraphDefinition } from '../platform/subgraph';
import { listSubgraphs } from '../schema/subgraphs';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'good-rows-only': { type: 'boolean', default: false }, as: { type: 'string' } },
  });
  const [name, file] = positionals;
  const info = listSubgraphs().find((s) => s.name === name);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const definition = info && (require(path.join(info.directory, 'subgraph')).default as SubgraphDefinition<unknown, unknown>);
  if (!definition?.importer || !file) {
    const names = listSubgraphs().map((s) => s.name).join('|');
    console.error(`usage: npm run import -- <${names}> <file.csv> [--good-rows-only] [--as NAME]`);
    return 2;
  }
  const options = startOptionsFromEnv(definition);
  if (!options.databaseUrl && !options.pgliteDataDir) {
    console.error(`set ${name.toUpperCase().replace(/-/g, '_')}_DATABASE_URL (or PGLITE_DATA_DIR): an in-memory database would vanish with this command`);
    return 2;
  }
  const database = await openDatabase<unknown>({ url: options.databaseUrl, pgliteDataDir: options.pgliteDataDir });
  try {
    await migrateToLatest(database.db as Kysely<unknown>, { ...platformMigrations, ...definition.migrations });
    const subject = values.as ?? `import:${userInfo().username}`;
    const report = await importCsv(
      { db: database.db, viewer: { subject, agency: definition.name, scopes: [], regions: [] }, requestId: `import:${path.basename(file)}:${Date.now()}` },
      definition.importer,
      readCsvFile(file),
      { goodRowsOnly: values['good-rows-only'] },
    );
    for (const problem of report.problems) console.error(`line ${problem.line}: ${problem.message}`);
    const refused = report.problems.length;
    console.log(
      `${report.rows} rows: ${report.written} written, ${report.alreadyPresent} already present, ${refused} refused` +
        (refused && !values['good-rows-only'] ? ' (nothing written: fix the rows or pass --good-rows-only)' : ''),
    );
    // Cached responses at the gateways may hold figures the import changed (gateway/response-cache.ts).
    const redisUrl = stringFromEnv('REDIS_URL');
    if (report.written > 0 && redisUrl) await bumpSharedDataVersion(redisUrl, stringFromEnv('REDIS_PREFIX'));
    return refused ? 1 : 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
