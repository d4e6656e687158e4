// `npm run check -- <subgraph> [--schema FILE] [--window DAYS] [--json]`:
// would this SDL for one subgraph break the graph, and who would notice?
// Offline, like `rover subgraph check`: composes the graph with the proposed
// SDL (default: the subgraph's schema.graphql as it is now), compares it with
// schema/supergraph.graphql, checks the public contract and the registered
// operations, and looks up recorded usage of each breaking change (Redis when
// REDIS_URL is set, else .data/usage). Exit 0 safe, 1 breaking, 2 bad input.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { intFromEnv } from '../platform/core/config';
import { openUsageStore, USAGE_DEFAULTS, usageStoreOptionsFromEnv, type UsageStore } from '../gateway/usage-store';
import { checkGraph, isSafe } from '../schema/compose';
import { formatReport } from '../schema/report';
import { listSubgraphs } from '../schema/subgraphs';

const USAGE = 'usage: npm run check -- <subgraph> [--schema FILE] [--window DAYS] [--json]';

function badInput(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { schema: { type: 'string' }, window: { type: 'string' }, json: { type: 'boolean' } } });
  } catch (error) {
    badInput((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) badInput('name one subgraph');
  const subgraphs = listSubgraphs();
  const info = subgraphs.find((s) => s.name === positionals[0]);
  if (!info) badInput(`unknown subgraph "${positionals[0]}": one of ${subgraphs.map((s) => s.name).join(', ')}`);
  const file = path.resolve(values.schema ?? path.join(info.directory, 'schema.graphql'));
  let sdl: string;
  try {
    sdl = readFileSync(file, 'utf8');
  } catch (error) {
    badInput(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let windowDays: number;
  try {
    windowDays = values.window === undefined ? intFromEnv('USAGE_WINDOW_DAYS', USAGE_DEFAULTS.windowDays, 1, 3660) : Number(values.window);
  } catch (error) {
    badInput((error as Error).message);
  }
  if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > 3660) badInput(`--window must be a whole number of days from 1 to 3660, not "${values.window}"`);

  let store: UsageStore | undefined;
  let storeError: string | undefined;
  const storeOptions = usageStoreOptionsFromEnv();
  try {
    store = await openUsageStore({ ...storeOptions, failFast: true });
  } catch (error) {
    storeError = (error as Error).message;
  }
  try {
    const report = await checkGraph({ proposal: { subgraph: info.name, sdl, file }, usage: store ? { store, windowDays } : undefined });
    if (storeError) report.usage = { days: windowDays, from: '', to: '', source: storeOptions.redisUrl ? 'redis' : 'usage store', error: storeError };
    const { supergraphSdl: _composed, ...shown } = report;
    console.log(values.json ? JSON.stringify({ safe: isSafe(report), ...shown }, null, 2) : formatReport(report, 'check'));
    return isSafe(report) ? 0 : 1;
  } finally {
    await store?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`check failed: ${error.stack ?? error.message}`);
    process.exit(2);
  },
);
