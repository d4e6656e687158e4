// What is known of each GraphQL request a service serves (platform/server/http.ts),
// filled in as it runs: its request id (the caller's `x-request-id` when it
// is a plain token), operation, the caller's agency, at the gateway the
// subgraphs called, and what became of it. When the request ends it is one
// log line and its count and latency in the metrics.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Request } from 'express';
import type { Logger } from '../core/log';
import type { Outcome, ServiceMetrics } from './metrics';

/** What is known of one GraphQL request, filled in as it runs; logged and counted when it ends. */
export interface RequestRecord {
  requestId: string;
  /** The operation's name, as the client gave it or as it resolved. */
  operation?: string | null;
  /** The caller's agency, once authenticated. */
  agency?: string | null;
  /** Gateway: the subgraphs called for this request, in call order (each once). */
  subgraphs?: string[];
  outcome?: Outcome;
  /** Codes of the errors in the answer. */
  errorCodes?: string[];
}

const RECORD = Symbol.for('rule-of-law-hub.request-record');

/** The record of the request a GraphQL context belongs to (set by serveGraphQL). */
export function requestRecordOf(contextValue: unknown): RequestRecord | undefined {
  return (contextValue as { [RECORD]?: RequestRecord } | null)?.[RECORD];
}

/** A caller's own request id is kept when it is a plain token; otherwise a new one. */
export function requestIdFrom(given: string | undefined): string {
  return given && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
}

/** The record startRequestRecord made for an HTTP request. */
export function recordOfRequest(req: Request): RequestRecord {
  return (req as unknown as { [RECORD]: RequestRecord })[RECORD];
}

/** A new record for the request, kept on it; its request id is sent back in `x-request-id`. */
export function startRequestRecord(req: Request, res: ServerResponse): RequestRecord {
  const record: RequestRecord = { requestId: requestIdFrom(req.header('x-request-id')) };
  (req as unknown as { [RECORD]: RequestRecord })[RECORD] = record;
  res.setHeader('x-request-id', record.requestId);
  return record;
}

/** Ties a request's GraphQL context to its record: the context's request id and the caller's agency go into the record. */
export function attachRecord<Ctx>(record: RequestRecord, contextValue: Ctx): Ctx {
  const known = contextValue as { requestId?: string; viewer?: { agency?: string | null } };
  if (known.requestId) record.requestId = known.requestId;
  record.agency = known.viewer?.agency ?? null;
  (contextValue as { [RECORD]?: RequestRecord })[RECORD] = record;
  return contextValue;
}

/** Counts the ended request (by operation and outcome) with its latency and logs its line. */
export function finishRequestRecord(record: RequestRecord, res: ServerResponse, started: number, metrics: ServiceMetrics, logger: Logger): void {
  const seconds = (performance.now() - started) / 1000;
  const outcome: Outcome = !res.writableFinished ? 'aborted' : res.statusCode >= 400 ? 'error' : (record.outcome ?? 'ok');
  const operation = metrics.operationLabel(record.operation);
  metrics.requests.inc({ operation, outcome });
  metrics.requestDuration.observe({ operation, outcome }, seconds);
  logger.info(
    {
      requestId: record.requestId,
      operation: record.operation ?? null,
      agency: record.agency ?? null,
      durationMs: Math.round(seconds * 10_000) / 10,
      status: res.statusCode,
      outcome,
      ...(record.errorCodes ? { errors: record.errorCodes } : {}),
      ...(record.subgraphs ? { subgraphs: record.subgraphs } : {}),
    },
    'request',
  );
}
