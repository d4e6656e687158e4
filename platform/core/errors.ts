// Error codes of the hub (DESIGN.md, "Conventions") and the one place that
// decides what of an error reaches a client: never a stack trace or SQL text.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INTERNAL_SERVER_ERROR';

/** Codes that Apollo Server itself gives to requests it cannot run; safe to pass on. */
const REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  // gateway/persisted-operations.ts: a safelisted client sent a document not in the manifest.
  'PERSISTED_QUERY_NOT_IN_LIST',
  // platform/server/admission.ts and platform/server/abandoned-work.ts: a service shedding load, a subgraph dropping work the gateway gave up on.
  'OVERLOADED',
  'ABANDONED',
  // platform/access/replay-memory.ts: a subgraph whose shared replay memory (Redis) does not answer refuses the call (503).
  'REPLAY_CHECK_UNAVAILABLE',
]);
/** The hub's own codes: a client sees them as thrown, and the gateway passes a subgraph's on. */
export const HUB_CODES: ReadonlySet<string> = new Set<string>(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT']);
/**
 * The gateway's errors for a subgraph that did not answer (gateway/data-source.ts):
 * the message names the agency and says "unavailable" or "timed out";
 * `extensions.agency` is the subgraph's name.
 */
const SUBGRAPH_CODES = new Set<string>(['SUBGRAPH_UNAVAILABLE', 'SUBGRAPH_TIMEOUT']);
/** The only extension keys a client sees; anything else (a subgraph URL or response body, a stack) is dropped. */
const PUBLIC_EXTENSIONS = ['code', 'field', 'agency', 'reason'] as const;

function publicExtensions(extensions: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(PUBLIC_EXTENSIONS.filter((key) => extensions?.[key] !== undefined).map((key) => [key, extensions![key]]));
}

export function hubError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

/** Bad input, naming the argument or input field at fault (e.g. `first`, `input.regionCode`). */
export function badUserInput(field: string, message: string): GraphQLError {
  return hubError('BAD_USER_INPUT', `${field}: ${message}`, { field });
}

/** A request without valid credentials: HTTP 401, no data. */
export function unauthenticated(message: string, reason?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', ...(reason ? { reason } : {}), http: { status: 401 } } });
}

export function forbidden(message: string): GraphQLError {
  return hubError('FORBIDDEN', message);
}

/**
 * graphql-js reports a scalar's refusal of a literal (`from: "2023-02-30"`) as
 * a validation error; it is the caller's input that is wrong, so it is
 * reported as BAD_USER_INPUT, as the same value in a variable is.
 */
function isScalarInputError(error: unknown): boolean {
  if (!(error instanceof GraphQLError)) return false;
  const original = error.originalError;
  return (
    (original instanceof GraphQLError && original.extensions.code === 'BAD_USER_INPUT') ||
    /^Expected value of type "[A-Za-z]+!?", found /.test(error.message)
  );
}

const INTERNAL_MESSAGE = 'Internal server error';

export interface FormatErrorOptions {
  /** Where unexpected errors are logged (with their stack); the client sees none of it. */
  logUnexpected?: (error: unknown) => void;
}

export function createErrorFormatter(options: FormatErrorOptions = {}) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = String(formatted.extensions?.code ?? '');
    const extensions = publicExtensions(formatted.extensions);
    if (code === 'GRAPHQL_VALIDATION_FAILED' && isScalarInputError(error)) {
      return { ...formatted, extensions: { ...extensions, code: 'BAD_USER_INPUT' } };
    }
    if (HUB_CODES.has(code) || REQUEST_CODES.has(code) || SUBGRAPH_CODES.has(code)) {
      return { ...formatted, extensions };
    }
    if (code === 'INTERNAL_SERVER_ERROR' && formatted.message === INTERNAL_MESSAGE) {
      // Already reduced (and logged) by the subgraph that raised it.
      return { ...formatted, extensions };
    }
    const original = unwrapResolverError(error);
    (options.logUnexpected ?? defaultLog)(original);
    return {
      message: INTERNAL_MESSAGE,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

function defaultLog(error: unknown): void {
  console.error('unexpected error:', error);
}
