// The gateway's metrics of its subgraph calls (issue 9), shared by every data
// source: calls by outcome and their latency, retries, merged calls, and each
// subgraph's circuit breaker state.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS } from '../platform/server/metrics';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Outcomes of subgraph calls, as counted: sent and answered, or not. */
export type CallOutcome = 'ok' | 'refused' | 'error' | 'timeout' | 'unavailable' | 'rejected';

/** The gateway's metrics of its subgraph calls, shared by every data source. */
export interface SubgraphCallMetrics {
  calls: Counter<'subgraph' | 'outcome'>;
  duration: Histogram<'subgraph' | 'outcome'>;
  retries: Counter<'subgraph'>;
  merged: Counter<'subgraph'>;
  fetches: Counter<'subgraph'>;
}

export function createSubgraphCallMetrics(registry: Registry, sources: () => Iterable<{ name: string; breakerState(): BreakerState }>): SubgraphCallMetrics {
  const states: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };
  new Gauge({
    name: 'hub_subgraph_breaker_state',
    help: "Each subgraph's circuit breaker: 0 closed, 1 half-open (a trial call allowed), 2 open (calls fail fast)",
    labelNames: ['subgraph'] as const,
    registers: [registry],
    collect() {
      for (const source of sources()) this.set({ subgraph: source.name }, states[source.breakerState()]);
    },
  });
  return {
    calls: new Counter({
      name: 'hub_subgraph_requests_total',
      help: 'Calls to subgraphs by outcome: ok, refused (4xx), error (5xx or no JSON), timeout, unavailable (no connection), rejected (breaker open, not sent)',
      labelNames: ['subgraph', 'outcome'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'hub_subgraph_request_duration_seconds',
      help: 'Latency of calls sent to subgraphs, by outcome',
      labelNames: ['subgraph', 'outcome'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    fetches: new Counter({
      name: 'hub_subgraph_fetches_total',
      help: 'Fetches the query plans sent to subgraphs; a batched call carries several (hub_subgraph_requests_total counts calls)',
      labelNames: ['subgraph'] as const,
      registers: [registry],
    }),
    merged: new Counter({
      name: 'hub_subgraph_merged_total',
      help: 'Queries that waited for an identical call in flight (same subgraph, caller and body) instead of sending their own',
      labelNames: ['subgraph'] as const,
      registers: [registry],
    }),
    retries: new Counter({
      name: 'hub_subgraph_retries_total',
      help: 'Queries sent again to a subgraph after a failure',
      labelNames: ['subgraph'] as const,
      registers: [registry],
    }),
  };
}

