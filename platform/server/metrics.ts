// Prometheus metrics (prom-client), one registry per service, served on
// GET /metrics. Every service counts its GraphQL requests and their latency by
// operation and outcome; the gateway adds its subgraph calls and breakers
// (gateway/data-source.ts), subgraphs their database pool (platform/server/subgraph.ts).
// Each metric carries `service` (gateway, judicial, ...).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { registeredBase, registeredOperationNames } from './operation-names';

/** Seconds; from 5 ms (a cached aggregate) to 10 s (past any deadline). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * What became of a request: `ok` (no error), `partial` (data and errors, e.g.
 * one agency down), `error` (errors and no data, or an HTTP status of 400 or
 * more), `aborted` (the client went away before the answer).
 */
export type Outcome = 'ok' | 'partial' | 'error' | 'aborted';


export interface ServiceMetrics {
  registry: Registry;
  requests: Counter<'operation' | 'outcome'>;
  requestDuration: Histogram<'operation' | 'outcome'>;
  /** The operation's label: its name when it is a registered operation (or a planner's part of one), `anonymous`, else `other`. */
  operationLabel(name: string | null | undefined): string;
}

export function createServiceMetrics(service: string, options: { defaultMetrics?: boolean; operations?: ReadonlySet<string> } = {}): ServiceMetrics {
  const operations = options.operations ?? registeredOperationNames();
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'hub_requests_total',
    help: 'GraphQL requests answered, by operation name and outcome (ok, partial, error, aborted)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: 'hub_request_duration_seconds',
    help: 'Time from receiving a GraphQL request to the end of its answer, by operation name and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    requests,
    requestDuration,
    // Bounded by the registry, whatever names clients send (platform/server/operation-names.ts).
    operationLabel(name) {
      if (!name) return 'anonymous';
      return registeredBase(name, operations) !== null ? name : 'other';
    },
  };
}

/** What registerDatabaseMetrics reads from a database handle (platform/data/database.ts). */
interface ObservedDatabase {
  kind: string;
  statementCount(): number;
  poolStats(): { total: number; idle: number; waiting: number };
}

/**
 * A subgraph's database: connections (PostgreSQL: the pg pool's total, idle
 * and waiting; PGlite: its one in-process connection, idle or busy, and the
 * work queued for it) and SQL statements sent. Read when scraped.
 */
export function registerDatabaseMetrics(registry: Registry, database: ObservedDatabase): void {
  new Gauge({
    name: 'hub_db_pool_connections',
    help: 'Database connections by state: total, idle, waiting (requests queued for a connection)',
    labelNames: ['state', 'kind'] as const,
    registers: [registry],
    collect() {
      const { total, idle, waiting } = database.poolStats();
      this.set({ state: 'total', kind: database.kind }, total);
      this.set({ state: 'idle', kind: database.kind }, idle);
      this.set({ state: 'waiting', kind: database.kind }, waiting);
    },
  });
  let reported = 0;
  new Counter({
    name: 'hub_db_statements_total',
    help: 'SQL statements sent to the database',
    registers: [registry],
    collect() {
      const count = database.statementCount();
      this.inc(count - reported);
      reported = count;
    },
  });
}
