// A subgraph stops work the gateway has abandoned (issue 18): the gateway's
// call timed out (the identity's `exp`, which the gateway set to the call's
// timeout, has passed) or its connection closed before the answer went out.
// Such a request is refused before it starts (ABANDONED), and its database
// handle refuses every further SQL statement: queued and half-done work under
// overload does not run for nobody. A write abandoned mid-way rolls back
// whole (its transaction fails); the gateway never retries a mutation, and a
// retry by the client with its requestId is answered as usual.
import type { ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Kysely, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

export function abandonedError(): GraphQLError {
  return new GraphQLError('The gateway abandoned this call (its deadline passed or it went away)', { extensions: { code: 'ABANDONED', http: { status: 503 } } });
}

/** A signal aborted when `deadline` (epoch ms) passes or `res` closes before its answer is finished. */
export function abandonment(res: ServerResponse | undefined, deadline: number): AbortSignal {
  const controller = new AbortController();
  const remaining = deadline - Date.now();
  if (!(remaining > 0)) {
    controller.abort();
    return controller.signal;
  }
  const timer = setTimeout(() => controller.abort(), remaining);
  timer.unref();
  res?.once('close', () => {
    clearTimeout(timer);
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** Refuses every statement once the signal is aborted. */
class AbandonPlugin implements KyselyPlugin {
  constructor(private readonly signal: AbortSignal) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.signal.aborted) throw abandonedError();
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** The database as one request sees it: no statement after the request was abandoned. */
export function abandonable<DB>(db: Kysely<DB>, signal: AbortSignal): Kysely<DB> {
  return db.withPlugin(new AbandonPlugin(signal));
}
