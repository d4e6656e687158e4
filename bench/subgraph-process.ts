// One subgraph of the benchmark in its own process (issue 19), so that its CPU
// time is its own: `npm run bench` reads each process's counters
// (process.cpuUsage) over IPC, with its SQL statements and GraphQL requests.
// Started by bench/run.ts with fork(); settings come in BENCH_SUBGRAPH (JSON).
import { createLogger } from '../platform/core/log';
import { startSubgraph, type StartOptions } from '../platform/server/subgraph';
import { listSubgraphs } from '../schema/subgraphs';

export interface SubgraphProcessSettings {
  name: string;
  options: Partial<StartOptions>;
}

export interface SubgraphStats {
  /** CPU time so far (user + system), microseconds. */
  cpuMicros: number;
  statements: number;
  requests: number;
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.env.BENCH_SUBGRAPH!) as SubgraphProcessSettings;
  const info = listSubgraphs().find((s) => s.name === settings.name);
  if (!info) throw new Error(`no subgraph ${settings.name}`);
  const running = await startSubgraph(info.definition, {
    port: 0,
    ...settings.options,
    // Logs as deployed, to standard output (the benchmark's log file).
    logger: createLogger(info.name),
    progress: (message) => process.send!({ type: 'progress', message }),
  });
  process.on('message', async (message: { type: string }) => {
    if (message.type === 'stats') {
      const { user, system } = process.cpuUsage();
      const stats: SubgraphStats = { cpuMicros: user + system, statements: running.database.statementCount(), requests: running.graphqlRequests() };
      process.send!({ type: 'stats', ...stats });
    } else if (message.type === 'stop') {
      await running.stop();
      process.exit(0);
    }
  });
  process.send!({ type: 'ready', url: running.url });
}

main().catch((error) => {
  console.error('[bench subgraph]', error);
  process.exit(1);
});
