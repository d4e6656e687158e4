// How the gateway calls a subgraph (issue 9): one data source per subgraph,
// with
// - a timeout per call (GATEWAY_SUBGRAPH_TIMEOUT_MS), never past the request's
//   own deadline (GATEWAY_REQUEST_TIMEOUT_MS); a call out of time is aborted;
// - retries with exponential backoff and jitter for queries only, on failures
//   that are quick and likely passing: the connection refused or reset, HTTP
//   502/503/504. A subgraph request whose operation is a mutation is sent at
//   most once; a timed-out call is not retried (its time is spent);
// - a circuit breaker (opossum) that opens when too many calls in its window
//   fail (timeouts, connection failures, 5xx), answers at once while open,
//   lets one trial call through after GATEWAY_BREAKER_RESET_MS and closes
//   again when that succeeds.
// A failed call is an error for the client that names the agency and says
// "unavailable" or "timed out" (SUBGRAPH_UNAVAILABLE, SUBGRAPH_TIMEOUT, with
// `extensions.agency`); the gateway answers what the other subgraphs served.
// No URL, status body or stack reaches the client: the details are logged.
//
// Fail fast and last-known figures (issue 16): a call that finds the
// subgraph not there (no connection, no answer in time) marks it down, and
// calls to it fail at once until its /health answers (gateway/subgraph-health.ts);
// a fetch that fails because of the agency is answered with its last good
// public answer when one is kept (gateway/last-known.ts).
//
// A subgraph answers bad input in a variable or literal (an invalid Date, say)
// with HTTP 400 and a GraphQL error body; that error, with its code, is passed
// on (and is not a failure of the subgraph).
import { performance } from 'node:perf_hooks';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError } from 'graphql';
import CircuitBreaker from 'opossum';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { reportsCommittedWrite } from '../platform/committed-writes';
import { HUB_CODES } from '../platform/errors';
import { requestRecordOf } from '../platform/http';
import { IDENTITY_HEADER, REQUEST_ID_HEADER } from '../platform/identity';
import type { Logger } from '../platform/log';
import { LATENCY_BUCKETS } from '../platform/metrics';
import { endSpan, startClientSpan, tracingEnabled } from '../platform/tracing';
import { mutualTlsFetch } from '../platform/tls-fetch';
import type { HubTls } from '../platform/tls';
import type { GatewayContext } from './context';
import { fetchIdentity, keepable, noteLastKnown, type LastKnownFigures } from './last-known';
import { viewerKey } from './response-cache';
import { SubgraphHealth, type ProbeSettings } from './subgraph-health';
import { copyAnswer, InFlight, mergeable } from './in-flight';
import { createSubgraphClient, type SubgraphClient } from './subgraph-client';

const RETRY_STATUSES = new Set([502, 503, 504]);

export interface SubgraphCallSettings {
  /** Longest wait for one call to a subgraph. */
  timeoutMs: number;
  /** Further tries of a failed query (never of a mutation). */
  retries: number;
  /** Backoff before the first retry; doubled for each further one, with jitter. */
  retryBackoffMs: number;
  /** The breaker opens when more than this percentage of calls in its window fail... */
  breakerErrorPercent: number;
  /** ...and at least this many calls were made in the window. */
  breakerVolume: number;
  /** The breaker's rolling window. */
  breakerWindowMs: number;
  /** How long the breaker stays open before it lets a trial call through. */
  breakerResetMs: number;
}

export const SUBGRAPH_CALL_DEFAULTS: SubgraphCallSettings = Object.freeze({
  timeoutMs: 5_000,
  retries: 2,
  retryBackoffMs: 50,
  breakerErrorPercent: 50,
  breakerVolume: 5,
  breakerWindowMs: 10_000,
  breakerResetMs: 5_000,
});

/** Outcomes of subgraph calls, as counted: sent and answered, or not. */
export type CallOutcome = 'ok' | 'refused' | 'error' | 'timeout' | 'unavailable' | 'rejected';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** The gateway's metrics of its subgraph calls, shared by every data source. */
export interface SubgraphCallMetrics {
  calls: Counter<'subgraph' | 'outcome'>;
  duration: Histogram<'subgraph' | 'outcome'>;
  retries: Counter<'subgraph'>;
  merged: Counter<'subgraph'>;
}

export function createSubgraphCallMetrics(registry: Registry, sources: () => Iterable<HubDataSource>): SubgraphCallMetrics {
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

/** A failure of the subgraph itself (not of the request): counted by the breaker. */
class SubgraphFailure extends Error {
  constructor(
    readonly kind: 'timeout' | 'unavailable',
    readonly retryable: boolean,
    readonly detail: string,
    /** The subgraph is not there (no connection, no answer), as opposed to an answer of HTTP 5xx. */
    readonly down = false,
  ) {
    super(detail);
  }
}

/** What one call gives: the subgraph's answer, or an error of the request to pass on. */
type Answer = { response: GatewayGraphQLResponse; cacheControl: string | null; text: string } | { refused: GraphQLError };

/**
 * A subgraph's Cache-Control header as a cache hint, as the stock data source
 * reads it: max-age (0 when absent, so an answer without a hint is not cached)
 * and private scope.
 */
export function cacheHintOf(header: string | null): { maxAge: number; scope?: 'PRIVATE' } {
  const maxAge = /(?:^|,)\s*max-age=(\d+)/i.exec(header ?? '');
  return { maxAge: maxAge ? Number(maxAge[1]) : 0, ...(/(?:^|,)\s*private\b/i.test(header ?? '') ? { scope: 'PRIVATE' as const } : {}) };
}

interface Call {
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** The error a client sees for a subgraph that failed: the agency and what happened, nothing else. */
export function subgraphError(agency: string, kind: 'timeout' | 'unavailable'): GraphQLError {
  return kind === 'timeout'
    ? new GraphQLError(`The ${agency} agency timed out; the fields it serves are missing from this answer`, { extensions: { code: 'SUBGRAPH_TIMEOUT', agency } })
    : new GraphQLError(`The ${agency} agency is unavailable; the fields it serves are missing from this answer`, { extensions: { code: 'SUBGRAPH_UNAVAILABLE', agency } });
}

/** The operation type of a subgraph request as the query planner writes it: `mutation Name__x__0(...) {...}`. */
export function isMutation(query: string | undefined): boolean {
  return query !== undefined && /^\s*mutation\b/.test(query);
}

/** The code of a network failure (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET...), never a URL. */
function networkCause(error: unknown): string {
  const own = (error as { code?: unknown } | null)?.code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : 'connection failed';
}

export interface LastCall {
  outcome: CallOutcome;
  /** Epoch ms. */
  at: number;
  durationMs: number;
}

export interface HubDataSourceOptions {
  name: string;
  url: string;
  settings: SubgraphCallSettings;
  metrics?: SubgraphCallMetrics;
  logger?: Logger;
  /** Probing of the subgraph's /health once a call found it down; without it, no fail-fast beyond the breaker. */
  probe?: ProbeSettings;
  lastKnown?: LastKnownFigures;
  /** Call the subgraph over mutual TLS with this certificate (platform/tls.ts). */
  tls?: HubTls;
  /** Connections to the subgraph at most (default SUBGRAPH_CONNECTIONS_DEFAULT). */
  connections?: number;
}

export class HubDataSource implements GraphQLDataSource<GatewayContext> {
  readonly name: string;
  readonly url: string;
  private readonly settings: SubgraphCallSettings;
  private readonly metrics?: SubgraphCallMetrics;
  private readonly logger?: Logger;
  private readonly breaker: CircuitBreaker<[Call], Answer>;
  readonly health?: SubgraphHealth;
  private readonly lastKnown?: LastKnownFigures;
  /** How this source reaches its subgraph: global fetch, or with the client certificate under mutual TLS. */
  readonly fetch: typeof fetch;
  /** How calls are sent: a keep-alive connection pool (gateway/subgraph-client.ts). */
  private readonly client: SubgraphClient;
  /** The last call sent (not one the breaker rejected), for /ready. */
  lastCall?: LastCall;
  private readonly inFlight = new InFlight<Answer>();

  constructor(options: HubDataSourceOptions) {
    this.name = options.name;
    this.url = options.url;
    this.settings = options.settings;
    this.metrics = options.metrics;
    this.logger = options.logger;
    this.lastKnown = options.lastKnown;
    this.fetch = options.tls ? mutualTlsFetch(options.tls) : fetch;
    this.client = createSubgraphClient({ tls: options.tls, connections: options.connections });
    this.health = options.probe ? new SubgraphHealth(this.name, this.url, options.probe, this.logger, this.fetch) : undefined;
    this.breaker = new CircuitBreaker((call: Call) => this.send(call), {
      name: this.name,
      // Timeouts are this class's own: it aborts the call.
      timeout: false,
      errorThresholdPercentage: this.settings.breakerErrorPercent,
      volumeThreshold: this.settings.breakerVolume,
      rollingCountTimeout: this.settings.breakerWindowMs,
      rollingCountBuckets: 10,
      resetTimeout: this.settings.breakerResetMs,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
    });
    this.breaker.on('open', () => this.logger?.warn({ subgraph: this.name, resetMs: this.settings.breakerResetMs }, 'circuit breaker open: calls fail fast'));
    this.breaker.on('halfOpen', () => this.logger?.info({ subgraph: this.name }, 'circuit breaker half-open: one trial call'));
    this.breaker.on('close', () => this.logger?.info({ subgraph: this.name }, 'circuit breaker closed'));
  }

  breakerState(): BreakerState {
    return this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  /** Stops the breaker's timers. */
  shutdown(): void {
    this.breaker.shutdown();
    this.health?.shutdown();
    void this.client.close();
  }

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    // Apollo's own calls (health checks) come without a request context.
    const context = 'incomingRequestContext' in options ? (options.context as GatewayContext) : undefined;
    // Nothing the client sent is forwarded: the outgoing request is built here,
    // so a client's own `x-hub-identity` never reaches a subgraph.
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (context?.identityFor) {
      headers[REQUEST_ID_HEADER] = context.requestId;
      const record = requestRecordOf(context);
      if (record) {
        record.subgraphs ??= [];
        if (!record.subgraphs.includes(this.name)) record.subgraphs.push(this.name);
      }
    }
    const body = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName, extensions: request.extensions });
    const retries = isMutation(request.query) ? 0 : this.settings.retries;
    const deadline = context?.deadline ?? Number.POSITIVE_INFINITY;
    const span = tracingEnabled() ? startClientSpan(`subgraph ${this.name}`, { 'hub.subgraph': this.name, 'graphql.operation.name': request.operationName ?? '' }) : undefined;
    if (span) Object.assign(headers, span.headers);
    let failure: 'timeout' | 'unavailable' | undefined;
    const query = !isMutation(request.query);
    try {
      if (this.health?.isDown()) {
        this.count('rejected');
        failure = 'unavailable';
        throw subgraphError(this.name, 'unavailable');
      }
      for (let attempt = 0; ; attempt++) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          this.count('timeout');
          failure = 'timeout';
          throw subgraphError(this.name, 'timeout');
        }
        try {
          const timeoutMs = Math.min(this.settings.timeoutMs, remaining);
          const fire = () => {
            // A new identity for each try: this subgraph, this body, this call's time (platform/identity.ts).
            if (context?.identityFor) headers[IDENTITY_HEADER] = context.identityFor({ audience: this.name, body, lifetimeMs: timeoutMs });
            return this.breaker.fire({ body, headers: { ...headers }, timeoutMs });
          };
          // Identical queries in flight for the same caller share one call (gateway/in-flight.ts).
          const mergeKey = query && context && mergeable(context) ? InFlight.key(this.name, viewerKey(context), body) : undefined;
          const answer = mergeKey ? await this.inFlight.run(mergeKey, fire, copyAnswer, () => this.metrics?.merged.inc({ subgraph: this.name })) : await fire();
          if ('refused' in answer) throw answer.refused;
          // Cached responses this subgraph served are invalidated only for a committed write (gateway/response-cache.ts).
          if (reportsCommittedWrite(answer.response)) context?.committedWrites.add(this.name);
          // The whole response's cache policy is the most restrictive of its subgraph answers' hints.
          if ('incomingRequestContext' in options) {
            const policy = options.incomingRequestContext.overallCachePolicy;
            if (policy && 'restrict' in policy) policy.restrict(cacheHintOf(answer.cacheControl));
          }
          this.health?.markUp();
          if (this.lastKnown && context && query && keepable(cacheHintOf(answer.cacheControl), answer.response)) {
            this.lastKnown.remember(this.name, fetchIdentity(body, viewerKey(context)), answer.text);
          }
          return answer.response;
        } catch (error) {
          if (error instanceof SubgraphFailure) {
            const wait = this.settings.retryBackoffMs * 2 ** attempt * (0.5 + Math.random() / 2);
            if (error.retryable && attempt < retries && Date.now() + wait < deadline) {
              this.metrics?.retries.inc({ subgraph: this.name });
              await new Promise((resolve) => setTimeout(resolve, wait));
              continue;
            }
            failure = error.kind;
            if (error.down) this.health?.markDown();
            // A mutation sent without an answer may have committed.
            if (isMutation(request.query)) context?.committedWrites.add(this.name);
            throw subgraphError(this.name, error.kind);
          }
          if ((error as { code?: string }).code === 'EOPENBREAKER') {
            this.count('rejected');
            failure = 'unavailable';
            throw subgraphError(this.name, 'unavailable');
          }
          throw error;
        }
      }
    } catch (error) {
      // The agency failed: its last good answer to this fetch, when one is kept.
      const kept = failure && query && context && this.lastKnown ? await this.lastKnown.recall(this.name, fetchIdentity(body, viewerKey(context))) : undefined;
      if (!kept || !context) throw error;
      noteLastKnown(context, this.name, kept.storedAt);
      // Never cached as a fresh answer.
      const policy = 'incomingRequestContext' in options ? options.incomingRequestContext.overallCachePolicy : undefined;
      if (policy && 'restrict' in policy) policy.restrict({ maxAge: 0 });
      return kept.response;
    } finally {
      if (span) endSpan(span.span, failure);
    }
  }

  private count(outcome: CallOutcome): void {
    this.metrics?.calls.inc({ subgraph: this.name, outcome });
  }

  /** One call, within its timeout. Throws SubgraphFailure for a failure of the subgraph. */
  private async send(call: Call): Promise<Answer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), call.timeoutMs);
    const started = performance.now();
    let outcome: CallOutcome = 'ok';
    try {
      let status: number;
      let text: string;
      let cacheControl: string | null;
      try {
        ({ status, cacheControl, text } = await this.client.post(this.url, { headers: call.headers, body: call.body, signal: controller.signal }));
      } catch (error) {
        if (controller.signal.aborted) {
          outcome = 'timeout';
          throw new SubgraphFailure('timeout', false, `no answer within ${call.timeoutMs} ms`, true);
        }
        outcome = 'unavailable';
        throw new SubgraphFailure('unavailable', true, networkCause(error), true);
      }
      if (status >= 500) {
        outcome = 'error';
        throw new SubgraphFailure('unavailable', RETRY_STATUSES.has(status), `HTTP ${status}`);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      if (status >= 400) {
        outcome = 'refused';
        return { refused: refusal(parsed, status) };
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        outcome = 'error';
        throw new SubgraphFailure('unavailable', false, `HTTP ${status} without a GraphQL answer`);
      }
      return { response: parsed as GatewayGraphQLResponse, cacheControl, text };
    } catch (error) {
      if (error instanceof SubgraphFailure) this.logger?.warn({ subgraph: this.name, outcome, detail: error.detail }, 'subgraph call failed');
      throw error;
    } finally {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      this.lastCall = { outcome, at: Date.now(), durationMs: Math.round(seconds * 1000) };
      this.count(outcome);
      this.metrics?.duration.observe({ subgraph: this.name, outcome }, seconds);
    }
  }
}

/** A subgraph's refusal of a request (4xx): its own error when its code is one the hub passes on. */
function refusal(body: unknown, status: number): GraphQLError {
  const errors = (body as { errors?: { message?: string; extensions?: { code?: string; field?: string } }[] } | undefined)?.errors;
  const first = Array.isArray(errors) ? errors.find((error) => HUB_CODES.has(String(error?.extensions?.code))) : undefined;
  if (first) {
    const { code, field } = first.extensions ?? {};
    return new GraphQLError(String(first.message), { extensions: { code, ...(field ? { field } : {}) } });
  }
  return new GraphQLError(`subgraph answered HTTP ${status}`, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}
