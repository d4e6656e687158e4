// What a subgraph's reply means for the fetches it answers (issue 9, issue 19):
// a failure of the subgraph (HTTP 5xx, no GraphQL answer), a refusal of a
// request (HTTP 4xx with the subgraph's error, passed on when its code is one
// the hub passes on), or an answer; for a batched call, one of these per fetch:
// an element without `data` is that fetch's request refused (what a lone
// request would get as HTTP 400), the others are answers, so one fetch's bad
// input costs none of the others their data.
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError } from 'graphql';
import { ANSWER_CACHE_HINT_EXTENSION } from '../platform/server/cache-hints';
import { HUB_CODES } from '../platform/core/errors';
import type { SubgraphReply } from './subgraph-client';

const RETRY_STATUSES = new Set([502, 503, 504]);

/** What one fetch gets: the subgraph's answer (with its cache hint and its text), or an error of the request to pass on. */
export type Answer = { response: GatewayGraphQLResponse; cacheControl: string | null; text: string } | { refused: GraphQLError };

/** A failure of the subgraph itself (not of the request): counted by the breaker. */
export class SubgraphFailure extends Error {
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

/**
 * A subgraph's Cache-Control header as a cache hint, as the stock data source
 * reads it: max-age (0 when absent, so an answer without a hint is not cached)
 * and private scope.
 */
export function cacheHintOf(header: string | null): { maxAge: number; scope?: 'PRIVATE' } {
  const maxAge = /(?:^|,)\s*max-age=(\d+)/i.exec(header ?? '');
  return { maxAge: maxAge ? Number(maxAge[1]) : 0, ...(/(?:^|,)\s*private\b/i.test(header ?? '') ? { scope: 'PRIVATE' as const } : {}) };
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

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

/** One element of a batched reply: its own answer, with its own cache hint (platform/server/cache-hints.ts). */
function batchedAnswer(element: unknown, header: string | null): Answer {
  if (!isObject(element)) throw new SubgraphFailure('unavailable', false, 'a batched answer without a GraphQL answer');
  if (!('data' in element)) return { refused: refusal(element, 400) };
  const hint = (element.extensions as Record<string, unknown> | undefined)?.[ANSWER_CACHE_HINT_EXTENSION];
  return { response: element as GatewayGraphQLResponse, cacheControl: typeof hint === 'string' ? hint : header, text: JSON.stringify(element) };
}

/** The answers of the `count` fetches a reply is for, in order. Throws SubgraphFailure for a failure of the subgraph. */
export function answersOf(reply: SubgraphReply, count: number): Answer[] {
  const { status, text, cacheControl } = reply;
  if (status >= 500) throw new SubgraphFailure('unavailable', RETRY_STATUSES.has(status), `HTTP ${status}`);
  const body = parsed(text);
  if (count > 1 && Array.isArray(body) && body.length === count) return body.map((element) => batchedAnswer(element, cacheControl));
  if (status >= 400) return Array.from({ length: count }, () => ({ refused: refusal(body, status) }));
  if (count === 1 && isObject(body)) return [{ response: body as GatewayGraphQLResponse, cacheControl, text }];
  throw new SubgraphFailure('unavailable', false, `HTTP ${status} without a GraphQL answer`);
}

/** A fetch's own copy of a refusal: errors are not shared between fetches. */
export function refusalFor(answer: { refused: GraphQLError }): GraphQLError {
  return new GraphQLError(answer.refused.message, { extensions: { ...answer.refused.extensions } });
}
