// `npm run rollups -- check|rebuild [subgraph ...] [--url URL]`: compares each
// roll-up (platform/data/rollups.ts) with its records' sums, or recomputes it from
// them, through the running hub with the operator's token in HUB_TOKEN (scope
// `<subgraph>:rollups`; rebuilding also needs a token for every region),
// month by month (cli/rollups.ts). A progress bar on stderr when it is a terminal.
// Exit code: 0 when every total agrees (check) or was rebuilt, 1 when check
// finds a difference, 2 on usage, 3 when the hub refused or failed a request.
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { hubConnectionFromEnv, HubRequestError } from '../cli/hub-client';
import { runRollups, type RollupAction } from '../cli/rollups';
import { listSubgraphs } from '../schema/subgraphs';

async function main(): Promise<number> {
  const subgraphs = listSubgraphs().filter((s) => s.definition.rollups?.length);
  const usage = `usage: npm run rollups -- <check|rebuild> [${subgraphs.map((s) => s.name).join('|')} ...] [--url URL]
  HUB_TOKEN   your token, with <subgraph>:rollups for each subgraph (development: HUB_TOKEN=$(npm run -s token -- --scopes "judicial:rollups legal-aid:rollups education:rollups partners:rollups"))
  HUB_URL     the gateway (default http://localhost:$GATEWAY_PORT/graphql, port 4000)`;
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { url: { type: 'string' } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const [action, ...names] = parsed.positionals;
  const chosen = names.length ? names : subgraphs.map((s) => s.name);
  if ((action !== 'check' && action !== 'rebuild') || chosen.some((name) => !subgraphs.some((s) => s.name === name))) {
    console.error(usage);
    return 2;
  }
  const hub = hubConnectionFromEnv(parsed.values.url);
  if (!hub.token) {
    console.error(`HUB_TOKEN is not set: the command runs as you, with your token.\n${usage}`);
    return 2;
  }
  let differing = 0;
  for (const name of chosen) {
    const bar = process.stderr.isTTY ? new SingleBar({ format: `${name} ${action} |{bar}| {value}/{total} months`, stream: process.stderr, hideCursor: true }, Presets.shades_classic) : undefined;
    let outcomes;
    try {
      outcomes = await runRollups({
        hub,
        action: action as RollupAction,
        subgraph: name,
        onPart: (done, total) => {
          if (done === 1) bar?.start(total, 0);
          bar?.update(done);
        },
      });
    } catch (error) {
      bar?.stop();
      if (!(error instanceof HubRequestError)) throw error;
      console.error(`${name}: ${error.message} (${error.code})`);
      return 3;
    }
    bar?.stop();
    for (const outcome of outcomes) {
      if (action === 'rebuild') {
        console.log(`${name} ${outcome.table}: rebuilt from ${outcome.source} in ${outcome.ms} ms (${outcome.regionDays} region-days, ${outcome.parts} parts)`);
        continue;
      }
      differing += outcome.differing;
      console.log(`${name} ${outcome.table}: ${outcome.differing === 0 ? 'agrees with' : `${outcome.differing} region-days differ from`} ${outcome.source} (${outcome.ms} ms, ${outcome.parts} parts)`);
      for (const d of outcome.differences) {
        const figures = (pick: 'stored' | 'fromRecords') => JSON.stringify(Object.fromEntries(d.figures.map((f) => [f.measure, f[pick]])));
        console.log(`  ${d.regionCode} ${d.day ?? '(no day)'}: stored ${figures('stored')}, records ${figures('fromRecords')}`);
      }
    }
  }
  if (differing > 0) console.log('run `npm run rollups -- rebuild` to recompute them from the records');
  return differing > 0 ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 3;
  },
);
