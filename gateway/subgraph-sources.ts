// The gateway's subgraph calls: one HubDataSource per subgraph
// (gateway/data-source.ts), made when the supergraph names the subgraph and
// made again on a reload only when its URL changed; their metrics, and what
// /ready says of each (breaker, health, last call).
import type { Registry } from 'prom-client';
import { tlsUrl, type HubTls } from '../platform/server/tls';
import type { Logger } from '../platform/core/log';
import { createSubgraphCallMetrics, HubDataSource, type SubgraphCallSettings } from './data-source';
import type { LastKnownFigures } from './last-known';
import type { ProbeSettings } from './subgraph-health';
import { subgraphUrlFromEnv } from './subgraph-urls';

export interface SubgraphSourcesOptions {
  /** Subgraph name -> URL; others from the environment or the supergraph. */
  urls?: Record<string, string>;
  tls?: HubTls;
  /** A plan stage's fetches to one subgraph as one call (gateway/fetch-batch.ts; default on). */
  batching?: boolean;
  settings: SubgraphCallSettings;
  probe: ProbeSettings;
  lastKnown?: LastKnownFigures;
  logger: Logger;
  registry: Registry;
}

export interface SubgraphSources {
  /** ApolloGateway's buildService: called once per subgraph, and again on a reload. */
  buildService(definition: { name: string; url?: string }): HubDataSource;
  values(): IterableIterator<HubDataSource>;
  /** Each subgraph's breaker, health and last call, by name. */
  states(): Record<string, unknown>;
  shutdown(): void;
}

export function createSubgraphSources(options: SubgraphSourcesOptions): SubgraphSources {
  const { settings, logger, probe, lastKnown } = options;
  const dataSources = new Map<string, HubDataSource>();
  const callMetrics = createSubgraphCallMetrics(options.registry, () => dataSources.values());
  return {
    // Called once per subgraph, and again on a reload only for a subgraph whose URL changed.
    buildService: ({ name, url }) => {
      const configured = options.urls?.[name] ?? subgraphUrlFromEnv(name, url ?? '');
      const target = options.tls ? tlsUrl(configured) : configured;
      const existing = dataSources.get(name);
      if (existing && existing.url === target) return existing;
      existing?.shutdown();
      const source = new HubDataSource({ name, url: target, settings, metrics: callMetrics, logger, probe, lastKnown, tls: options.tls, batching: options.batching });
      dataSources.set(name, source);
      return source;
    },
    values: () => dataSources.values(),
    states: () => Object.fromEntries([...dataSources.values()].map((source) => [source.name, stateOf(source)])),
    shutdown: () => {
      for (const source of dataSources.values()) source.shutdown();
    },
  };
}

function stateOf(source: HubDataSource): Record<string, unknown> {
  return {
    breaker: source.breakerState(),
    ...(source.health ? { health: source.health.state() } : {}),
    lastCall: source.lastCall ? { ...source.lastCall, at: new Date(source.lastCall.at).toISOString() } : null,
  };
}
