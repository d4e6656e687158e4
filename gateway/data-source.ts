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
// on (and is not a failure of the subgraph): gateway/subgraph-answers.ts.
//
// One call per subgraph per plan stage (issue 19): a client request's queries
// to this subgraph in one stage travel as one batched call
// (gateway/fetch-batch.ts); timeouts, retries, the breaker, merging of
// identical calls in flight (gateway/in-flight.ts) and the identity apply to
// the call, answers and last-known figures to each fetch.
import { performance } from 'node:perf_hooks';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError } from 'graphql';
import CircuitBreaker from 'opossum';
import { reportsCommittedWrite } from '../platform/server/committed-writes';
import { requestRecordOf } from '../platform/server/http';
import { IDENTITY_HEADER, REQUEST_ID_HEADER } from '../platform/access/identity';
import type { Logger } from '../platform/core/log';
import { endSpan, startClientSpan, tracingEnabled } from '../platform/server/tracing';
import { mutualTlsFetch } from '../platform/server/tls-fetch';
import type { HubTls } from '../platform/server/tls';
import type { GatewayContext } from './context';
import { FetchBatcher } from './fetch-batch';
import { copyAnswer, InFlight, mergeable } from './in-flight';
import { fetchIdentity, keepable, noteLastKnown, type LastKnownFigures } from './last-known';
import { viewerKey } from './response-cache';
import { answersOf, cacheHintOf, refusalFor, SubgraphFailure, type Answer } from './subgraph-answers';
import type { BreakerState, CallOutcome, SubgraphCallMetrics } from './subgraph-call-metrics';
import { createSubgraphClient, type SubgraphClient } from './subgraph-client';
import { SubgraphHealth, type ProbeSettings } from './subgraph-health';

export { cacheHintOf } from './subgraph-answers';
export { createSubgraphCallMetrics, type BreakerState, type CallOutcome, type SubgraphCallMetrics } from './subgraph-call-metrics';

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

/** One fetch's request to a subgraph, as the query planner wrote it. */
interface SubgraphRequest {
  query?: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  extensions?: Record<string, unknown>;
}

/** A fetch's request and its JSON, made once: the call's body is built from it, and last-known figures are keyed by it. */
interface Fetch {
  request: SubgraphRequest;
  json: string;
}

/** One HTTP call: its body (one request, or the array of a batch's) for `count` fetches. */
interface Call {
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  count: number;
}

/** A call that failed because of the subgraph: not sent (breaker open, subgraph down, no time left) or sent without an answer. */
class CallFailed extends Error {
  constructor(
    readonly kind: 'timeout' | 'unavailable',
    readonly sent = false,
  ) {
    super(kind);
  }
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

/** The client request's context: Apollo's own calls (health checks) come without one. */
function contextOf(options: GraphQLDataSourceProcessOptions<GatewayContext>): GatewayContext | undefined {
  return 'incomingRequestContext' in options ? (options.context as GatewayContext) : undefined;
}

/** The whole response's cache policy is the most restrictive of its subgraph answers' hints. */
function restrictPolicy(options: GraphQLDataSourceProcessOptions<GatewayContext>, hint: { maxAge: number; scope?: 'PRIVATE' }): void {
  const policy = 'incomingRequestContext' in options ? options.incomingRequestContext.overallCachePolicy : undefined;
  if (policy && 'restrict' in policy) policy.restrict(hint);
}

const copyAnswers = (answers: Answer[]): Answer[] => answers.map(copyAnswer);

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
  /** Call the subgraph over mutual TLS with this certificate (platform/server/tls.ts). */
  tls?: HubTls;
  /** Connections to the subgraph at most (default SUBGRAPH_CONNECTIONS_DEFAULT). */
  connections?: number;
  /** Send a plan stage's fetches to this subgraph as one call (default true). */
  batching?: boolean;
}

export class HubDataSource implements GraphQLDataSource<GatewayContext> {
  readonly name: string;
  readonly url: string;
  private readonly settings: SubgraphCallSettings;
  private readonly metrics?: SubgraphCallMetrics;
  private readonly logger?: Logger;
  private readonly breaker: CircuitBreaker<[Call], Answer[]>;
  readonly health?: SubgraphHealth;
  private readonly lastKnown?: LastKnownFigures;
  /** How this source reaches its subgraph: global fetch, or with the client certificate under mutual TLS. */
  readonly fetch: typeof fetch;
  /** How calls are sent: a keep-alive connection pool (gateway/subgraph-client.ts). */
  private readonly client: SubgraphClient;
  /** The last call sent (not one the breaker rejected), for /ready. */
  lastCall?: LastCall;
  private readonly inFlight = new InFlight<Answer[]>();
  private readonly batcher?: FetchBatcher<GatewayContext, Fetch, Answer>;

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
    this.batcher = options.batching === false ? undefined : new FetchBatcher((context, fetches) => this.exchange(context, fetches));
    this.breaker = this.createBreaker();
  }

  private createBreaker(): CircuitBreaker<[Call], Answer[]> {
    const breaker = new CircuitBreaker((call: Call) => this.send(call), {
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
    breaker.on('open', () => this.logger?.warn({ subgraph: this.name, resetMs: this.settings.breakerResetMs }, 'circuit breaker open: calls fail fast'));
    breaker.on('halfOpen', () => this.logger?.info({ subgraph: this.name }, 'circuit breaker half-open: one trial call'));
    breaker.on('close', () => this.logger?.info({ subgraph: this.name }, 'circuit breaker closed'));
    return breaker;
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
    const context = contextOf(options);
    const record = context ? requestRecordOf(context) : undefined;
    if (record && !(record.subgraphs ??= []).includes(this.name)) record.subgraphs.push(this.name);
    const { query, variables, operationName, extensions } = options.request;
    const request: SubgraphRequest = { query, variables, operationName, extensions };
    const planned: Fetch = { request, json: JSON.stringify(request) };
    this.metrics?.fetches.inc({ subgraph: this.name });
    try {
      // A query of a client request waits for the other fetches of its stage to this subgraph.
      const answer = this.batcher && context && !isMutation(query) ? await this.batcher.add(context, planned) : (await this.exchange(context, [planned]))[0];
      return this.accept(options, context, planned, answer);
    } catch (error) {
      return await this.lastKnownFor(options, context, planned, error);
    }
  }

  /** A fetch's answer: its data for the gateway, its cache hint for the response, a committed write noted, a public answer kept. */
  private accept(options: GraphQLDataSourceProcessOptions<GatewayContext>, context: GatewayContext | undefined, planned: Fetch, answer: Answer): GatewayGraphQLResponse {
    if ('refused' in answer) throw refusalFor(answer);
    // Cached responses this subgraph served are invalidated only for a committed write (gateway/response-cache.ts).
    if (reportsCommittedWrite(answer.response)) context?.committedWrites.add(this.name);
    const hint = cacheHintOf(answer.cacheControl);
    restrictPolicy(options, hint);
    if (this.lastKnown && context && !isMutation(planned.request.query) && keepable(hint, answer.response)) {
      this.lastKnown.remember(this.name, fetchIdentity(planned.json, viewerKey(context)), answer.text);
    }
    return answer.response;
  }

  /** The agency failed: its last good answer to this fetch, when one is kept; else the failure for the client. */
  private async lastKnownFor(options: GraphQLDataSourceProcessOptions<GatewayContext>, context: GatewayContext | undefined, planned: Fetch, error: unknown): Promise<GatewayGraphQLResponse> {
    if (!(error instanceof CallFailed)) throw error;
    const kept = context && this.lastKnown && !isMutation(planned.request.query) ? await this.lastKnown.recall(this.name, fetchIdentity(planned.json, viewerKey(context))) : undefined;
    if (!kept || !context) throw subgraphError(this.name, error.kind);
    noteLastKnown(context, this.name, kept.storedAt);
    // Never cached as a fresh answer.
    restrictPolicy(options, { maxAge: 0 });
    return kept.response;
  }

  /** One HTTP call for `fetches` (one, or a stage's batch), with fail-fast, retries, merging and its trace span. */
  private async exchange(context: GatewayContext | undefined, fetches: Fetch[]): Promise<Answer[]> {
    // One request's JSON, or the array of a batch's (as JSON.stringify of the array writes it).
    const body = fetches.length === 1 ? fetches[0].json : `[${fetches.map((planned) => planned.json).join(',')}]`;
    const mutation = fetches.some((planned) => isMutation(planned.request.query));
    const span = tracingEnabled()
      ? startClientSpan(`subgraph ${this.name}`, { 'hub.subgraph': this.name, 'graphql.operation.name': fetches.map((planned) => planned.request.operationName ?? '').join(' ') })
      : undefined;
    const headers: Record<string, string> = { 'content-type': 'application/json', ...span?.headers };
    if (context) headers[REQUEST_ID_HEADER] = context.requestId;
    const fire = (timeoutMs: number): Promise<Answer[]> => {
      // A new identity for each try: this subgraph, this body, this call's time (platform/access/identity.ts).
      if (context) headers[IDENTITY_HEADER] = context.identityFor({ audience: this.name, body, lifetimeMs: timeoutMs });
      return this.breaker.fire({ body, headers: { ...headers }, timeoutMs, count: fetches.length });
    };
    // Identical queries in flight for the same caller share one call (gateway/in-flight.ts).
    const mergeKey = !mutation && context && mergeable(context) ? InFlight.key(this.name, viewerKey(context), body) : undefined;
    const onMerged = () => this.metrics?.merged.inc({ subgraph: this.name });
    let failure: string | undefined;
    try {
      if (this.health?.isDown()) this.refuse('rejected', 'unavailable');
      const answers = await this.withRetries(context, mutation ? 0 : this.settings.retries, (timeoutMs) =>
        mergeKey ? this.inFlight.run(mergeKey, () => fire(timeoutMs), copyAnswers, onMerged) : fire(timeoutMs),
      );
      this.health?.markUp();
      return answers;
    } catch (error) {
      failure = error instanceof CallFailed ? error.kind : undefined;
      // A mutation sent without an answer may have committed.
      if (mutation && error instanceof CallFailed && error.sent) context?.committedWrites.add(this.name);
      throw error;
    } finally {
      if (span) endSpan(span.span, failure);
    }
  }

  /** Tries `attempt` within the request's deadline; retries a retryable failure of the subgraph up to `retries` times. */
  private async withRetries(context: GatewayContext | undefined, retries: number, attempt: (timeoutMs: number) => Promise<Answer[]>): Promise<Answer[]> {
    const deadline = context?.deadline ?? Number.POSITIVE_INFINITY;
    for (let tried = 0; ; tried++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) this.refuse('timeout', 'timeout');
      try {
        return await attempt(Math.min(this.settings.timeoutMs, remaining));
      } catch (error) {
        if ((error as { code?: string } | null)?.code === 'EOPENBREAKER') this.refuse('rejected', 'unavailable');
        if (!(error instanceof SubgraphFailure)) throw error;
        const wait = this.settings.retryBackoffMs * 2 ** tried * (0.5 + Math.random() / 2);
        if (!(error.retryable && tried < retries && Date.now() + wait < deadline)) {
          if (error.down) this.health?.markDown();
          throw new CallFailed(error.kind, true);
        }
        this.metrics?.retries.inc({ subgraph: this.name });
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /** A call not sent: counted, and failed for its fetches. */
  private refuse(outcome: CallOutcome, kind: 'timeout' | 'unavailable'): never {
    this.count(outcome);
    throw new CallFailed(kind);
  }

  private count(outcome: CallOutcome): void {
    this.metrics?.calls.inc({ subgraph: this.name, outcome });
  }

  /** One call, within its timeout: an answer per fetch. Throws SubgraphFailure for a failure of the subgraph. */
  private async send(call: Call): Promise<Answer[]> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), call.timeoutMs);
    const started = performance.now();
    let outcome: CallOutcome = 'error';
    try {
      const reply = await this.client.post(this.url, { headers: call.headers, body: call.body, signal: controller.signal }).catch((error: unknown) => {
        outcome = controller.signal.aborted ? 'timeout' : 'unavailable';
        throw controller.signal.aborted
          ? new SubgraphFailure('timeout', false, `no answer within ${call.timeoutMs} ms`, true)
          : new SubgraphFailure('unavailable', true, networkCause(error), true);
      });
      const answers = answersOf(reply, call.count);
      outcome = reply.status >= 400 ? 'refused' : 'ok';
      return answers;
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
