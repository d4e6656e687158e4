// `npm run bench -- --last-known-cost`: what keeping last-known figures
// (gateway/last-known.ts, issue 16) costs the gateway while every agency
// answers: each public subgraph answer hashed, signed and kept. Four hub
// gateways, each its own process, on the same subgraphs (PostgreSQL at
// BENCH_BASE_SCALE): last-known figures off (STALE_IF_ERROR_MAX_AGE 0) and on
// (the default), each in memory and with Redis (BENCH_REDIS_URL, default
// redis://127.0.0.1:6379; there the response cache's store is Redis too, on
// both sides). Interleaved runs of the scorecard, the township detail and the
// 10-office wide list, the order changing each round; the figure that matters
// is each gateway process's own CPU time per request (process.cpuUsage before
// and after each run). Prints a table and writes bench/results/last-known-cost.json.
import { createClient } from '@keyv/redis';
import { cpuPerRequest, cpuRounds, meanRps, round2, startBaseScale, stopAll, writeCostResult, type CostHelpers, type CpuFigures } from './cost-rounds';
import type { GatewayProcess } from './services';

const VARIANTS = ['memory, off', 'memory, on', 'redis, off', 'redis, on'] as const;
type Variant = (typeof VARIANTS)[number];

export async function measureLastKnownCost(h: CostHelpers): Promise<void> {
  const started = Date.now();
  const keys = ['scorecard', 'townshipDetail', 'wideList10'];
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `hub-bench-lastknown-${process.pid}`;
  const stops: (() => Promise<void>)[] = [];
  try {
    const { gatewaySettings } = await startBaseScale(h, 'last-known cost', 'lastknown', stops);
    const gateways = {} as Record<Variant, GatewayProcess>;
    for (const variant of VARIANTS) {
      const redis = variant.startsWith('redis') ? { redisUrl, redisPrefix: `${prefix}-${variant.endsWith('on') ? 'on' : 'off'}` } : { redisUrl: '' };
      gateways[variant] = await h.startGatewayProcess({ ...gatewaySettings('hub'), ...redis, staleIfErrorMaxAge: variant.endsWith('off') ? 0 : 86_400 });
      stops.unshift(gateways[variant].stop);
    }
    const figures = await cpuRounds(h, gateways, keys, (variant) => variant);
    const rows = keys.map((key) => lastKnownRow(h.workloads[key].name, figures[key]));
    printLastKnownRows(rows);
    writeCostResult(h, 'npm run bench -- --last-known-cost', 'last-known-cost.json', rows, started);
  } finally {
    await stopAll(h, stops);
    await dropRedisKeys(redisUrl, prefix);
  }
}

function lastKnownRow(workload: string, f: Record<Variant, CpuFigures>) {
  return {
    workload,
    ...Object.fromEntries(VARIANTS.map((v) => [v, { cpuMicrosPerRequest: round2(cpuPerRequest(f[v])), requestsPerSecond: round2(meanRps(f[v])), requests: f[v].requests }])),
    cpuPerRequestIncreaseMemory: round2((cpuPerRequest(f['memory, on']) / cpuPerRequest(f['memory, off']) - 1) * 100),
    cpuPerRequestIncreaseRedis: round2((cpuPerRequest(f['redis, on']) / cpuPerRequest(f['redis, off']) - 1) * 100),
  } as Record<string, unknown> & { workload: string; cpuPerRequestIncreaseMemory: number; cpuPerRequestIncreaseRedis: number };
}

function printLastKnownRows(rows: ReturnType<typeof lastKnownRow>[]): void {
  console.log(`workload                 ${VARIANTS.map((v) => `CPU µs/req ${v}`.padStart(22)).join('')}  change memory  change redis`);
  for (const r of rows) {
    const cells = VARIANTS.map((v) => (r[v] as { cpuMicrosPerRequest: number }).cpuMicrosPerRequest.toFixed(0).padStart(22)).join('');
    console.log(`${r.workload.padEnd(24)} ${cells}  ${`${r.cpuPerRequestIncreaseMemory.toFixed(1)}%`.padStart(13)}  ${`${r.cpuPerRequestIncreaseRedis.toFixed(1)}%`.padStart(12)}`);
  }
}

/** The keys the run's gateways left in Redis. */
async function dropRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const client = createClient({ url: redisUrl });
  await client.connect().then(async () => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length) await client.del(keys);
    await client.close();
  }, (error: Error) => console.error('redis cleanup:', error.message));
}
