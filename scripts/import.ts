// `npm run import -- <subgraph> <file.csv> [--good-rows-only] [--as NAME]`:
// loads a CSV file into one subgraph's database through the same validation
// as its create mutation (see platform/import.ts). Uses the subgraph's
// database settings (<PREFIX>_DATABASE_URL, or PGlite under PGLITE_DATA_DIR).
// Exit code: 0 when every row is in, 1 when any row was refused, 2 on usage.
import { userInfo } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bumpSharedDataVersion } from '../gateway/response-cache';
import { stringFromEnv } from '../platform/config';
import { importCsv, readCsvFile } from '../platform/import';
import { openSubgraphDatabase } from '../platform/subgraph';
import { listSubgraphs } from '../schema/subgraphs';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'good-rows-only': { type: 'boolean', default: false }, as: { type: 'string' } },
  });
  const [name, file] = positionals;
  const subgraphs = listSubgraphs();
  const definition = subgraphs.find((s) => s.name === name)?.definition;
  if (!definition?.importer || !file) {
    console.error(`usage: npm run import -- <${subgraphs.map((s) => s.name).join('|')}> <file.csv> [--good-rows-only] [--as NAME]`);
    return 2;
  }
  let database;
  try {
    database = await openSubgraphDatabase(definition);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  try {
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
