// Query plans of the registered operations (schema/operations/*.graphql),
// built at start-up (issue 8) so that a dashboard's first request does not pay
// for planning. ApolloGateway has no public call for this: the plan is built
// with its own query planner and stored in its own plan cache under the key
// its executor looks up (sha256 of the query text, with the operation name),
// so a client that sends an operation's text as registered (or its APQ hash)
// finds the plan. Should a future gateway change those internals, nothing is
// warmed (and the count says so); requests are planned as before.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ApolloGateway } from '@apollo/gateway';
import { operationFromDocument } from '@apollo/federation-internals';
import { Kind, parse } from 'graphql';
import type { Logger } from '../platform/core/log';
import { operationFiles } from '../schema/registry';

interface GatewayInternals {
  apiSchema?: Parameters<typeof operationFromDocument>[0];
  queryPlanner?: { buildQueryPlan(operation: unknown, options?: Record<string, unknown>): unknown };
  queryPlanStore?: { set(key: string, plan: unknown): Promise<void> };
  recursiveSelectionsLimitDisabled?: boolean;
  nonLocalSelectionsLimitDisabled?: boolean;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Builds and stores the plan of every registered operation; returns how
 * many were stored. An operation the supergraph cannot serve (a subgraph
 * dropped a field it uses) is logged as a warning and left to fail when sent.
 */
export async function warmQueryPlans(gateway: ApolloGateway, logger: Logger, persistedBodies: string[] = []): Promise<number> {
  const internals = gateway as unknown as GatewayInternals;
  const { apiSchema, queryPlanner, queryPlanStore } = internals;
  if (!apiSchema || !queryPlanner || !queryPlanStore) return 0;
  let warmed = 0;
  // Each file's text as registered, and each persisted operation's body (what a request by id runs).
  const texts = [
    ...operationFiles().map((filePath) => ({ file: path.basename(filePath), text: readFileSync(filePath, 'utf8'), counted: true })),
    ...persistedBodies.map((text) => ({ file: 'persisted-query-manifest', text, counted: false })),
  ];
  for (const { file, text, counted } of texts) {
    const document = parse(text);
    // The executor's key: the hash of the query and the operation name when
    // the request names it, the query's hash alone when it does not.
    const queryHash = sha256(text);
    const onlyOperation = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length === 1;
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION || !definition.name) continue;
      const operationName = definition.name.value;
      try {
        const operation = operationFromDocument(apiSchema, document, { operationName });
        const plan = queryPlanner.buildQueryPlan(operation, {
          recursiveSelectionsLimitDisabled: internals.recursiveSelectionsLimitDisabled,
          nonLocalSelectionsLimitDisabled: internals.nonLocalSelectionsLimitDisabled,
        });
        await queryPlanStore.set(createHash('sha256').update(queryHash).update(operationName).digest('hex'), plan);
        if (onlyOperation) await queryPlanStore.set(queryHash, plan);
        if (counted) warmed++;
      } catch (error) {
        logger.warn({ file, operation: operationName, reason: (error as Error).message }, 'could not plan a registered operation');
      }
    }
  }
  return warmed;
}
