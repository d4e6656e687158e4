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
import type { UsageCostHelpers } from './usage-cost';
import { machineNow, writeBenchResult } from './results-file';

const round2 = (value: number) => Math.round(value * 100) / 100;
const VARIANTS = ['memory, off', 'memory, on', 'redis, off', 'redis, on'] as const;
type Variant = (typeof VARIANTS)[number];

export async function measureLastKnownCost(h: UsageCostHelpers): Promise<void> {
  const started = Date.now();
  const keys = ['scorecard', 'townshipDetail', 'wideList10'];
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `hub-bench-lastknown-${process.pid}`;
  const stops: (() => Promise<void>)[] = [];
  try {
    const { identitySecret, gatewaySettings } = await h.setUp();
    console.error(`last-known cost: seeding PostgreSQL at the ${h.settings.baseScale} scale`);
    const set = await h.startSubgraphs(h.settings.baseScale, identitySecret, `${h.settings.baseScale}_lastknown`);
    stops.unshift(set.stop);
    const gateways = {} as Record<Variant, Awaited<ReturnType<UsageCostHelpers['startGatewayProcess']>>>;
    for (const variant of VARIANTS) {
      const redis = variant.startsWith('redis') ? { redisUrl, redisPrefix: `${prefix}-${variant.endsWith('on') ? 'on' : 'off'}` } : { redisUrl: '' };
      gateways[variant] = await h.startGatewayProcess({ ...gatewaySettings('hub', set.urls), ...redis, staleIfErrorMaxAge: variant.endsWith('off') ? 0 : 86_400 });
      stops.unshift(gateways[variant].stop);
    }
    const figures: Record<string, Record<Variant, { requests: number; cpuMicros: number; rps: number[] }>> = {};
    for (const key of keys) {
      figures[key] = {} as Record<Variant, { requests: number; cpuMicros: number; rps: number[] }>;
      for (const variant of VARIANTS) {
        await h.post(gateways[variant].url, h.workloads[key]);
        await h.load(gateways[variant], h.workloads[key], h.settings.warmupSeconds);
        figures[key][variant] = { requests: 0, cpuMicros: 0, rps: [] };
      }
    }
    for (let round = 0; round < h.settings.rounds; round++) {
      for (const key of keys) {
        const order = round % 2 === 0 ? [...VARIANTS] : [...VARIANTS].reverse();
        for (const variant of order) {
          console.error(`  round ${round + 1}/${h.settings.rounds}: ${h.workloads[key].name} via ${variant}`);
          const before = await gateways[variant].cpu();
          const run = await h.load(gateways[variant], h.workloads[key], h.settings.durationSeconds);
          const after = await gateways[variant].cpu();
          const entry = figures[key][variant];
          entry.requests += run.requests;
          entry.cpuMicros += after - before;
          entry.rps.push(run.requestsPerSecond);
        }
      }
    }
    const cpu = (f: { requests: number; cpuMicros: number }) => f.cpuMicros / f.requests;
    const rps = (f: { rps: number[] }) => f.rps.reduce((a, b) => a + b, 0) / f.rps.length;
    const rows = keys.map((key) => {
      const f = figures[key];
      return {
        workload: h.workloads[key].name,
        ...Object.fromEntries(VARIANTS.map((v) => [v, { cpuMicrosPerRequest: round2(cpu(f[v])), requestsPerSecond: round2(rps(f[v])), requests: f[v].requests }])),
        cpuPerRequestIncreaseMemory: round2((cpu(f['memory, on']) / cpu(f['memory, off']) - 1) * 100),
        cpuPerRequestIncreaseRedis: round2((cpu(f['redis, on']) / cpu(f['redis, off']) - 1) * 100),
      } as Record<string, unknown> & { workload: string; cpuPerRequestIncreaseMemory: number; cpuPerRequestIncreaseRedis: number };
    });
    console.log(`workload                 ${VARIANTS.map((v) => `CPU µs/req ${v}`.padStart(22)).join('')}  change memory  change redis`);
    for (const r of rows) {
      const cells = VARIANTS.map((v) => (r[v] as { cpuMicrosPerRequest: number }).cpuMicrosPerRequest.toFixed(0).padStart(22)).join('');
      console.log(`${r.workload.padEnd(24)} ${cells}  ${`${r.cpuPerRequestIncreaseMemory.toFixed(1)}%`.padStart(13)}  ${`${r.cpuPerRequestIncreaseRedis.toFixed(1)}%`.padStart(12)}`);
    }
    const result = {
      generatedAt: new Date().toISOString(),
      command: 'npm run bench -- --last-known-cost',
      settings: h.settings,
      machine: machineNow(),
      workloads: rows,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    console.log(`written to ${writeBenchResult('last-known-cost.json', result)} (${result.seconds} s)`);
  } finally {
    for (const stop of stops) await stop().catch((error) => console.error('stop:', error));
    h.stopChildren();
    await h.dropDatabases();
    h.closeLog();
    const client = createClient({ url: redisUrl });
    await client.connect().then(async () => {
      const keys = await client.keys(`${prefix}*`);
      if (keys.length) await client.del(keys);
      await client.close();
    }, (error: Error) => console.error('redis cleanup:', error.message));
  }
}
