// Which subgraphs an operation reads, from its query plan: the scope of a
// cached response (gateway/response-cache.ts keys it by those subgraphs'
// data versions only, so a committed write to one agency leaves responses
// that read only others cached). The plan is looked up in ApolloGateway's
// own plan store under the key its executor uses (as gateway/warm-plans.ts
// does), and built and stored there when missing, so it is planned once for
// both. If those internals change, null: the response depends on every subgraph.
//
// And which supergraph a request's schema came from: a cached response is kept
// under it too, so a gateway that has loaded another supergraph (a reload of
// the file, or a replica of a rolling update sharing Redis with one still on
// the old graph) never serves a response computed under the other.
import { createHash } from 'node:crypto';
import type { ApolloGateway } from '@apollo/gateway';
import type { GraphQLRequestContext } from '@apollo/server';
import { operationFromDocument } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';
import { supergraphVersion } from './supergraph';

interface GatewayInternals {
  apiSchema?: Parameters<typeof operationFromDocument>[0];
  queryPlanner?: { buildQueryPlan(operation: unknown, options?: Record<string, unknown>): unknown };
  queryPlanStore?: { get(key: string): Promise<unknown>; set(key: string, plan: unknown): Promise<void> };
  recursiveSelectionsLimitDisabled?: boolean;
  nonLocalSelectionsLimitDisabled?: boolean;
}

interface PlanNode {
  kind?: string;
  serviceName?: string;
  node?: PlanNode;
  nodes?: PlanNode[];
  primary?: PlanNode;
  deferred?: PlanNode[];
  rest?: PlanNode;
  ifClause?: PlanNode;
  elseClause?: PlanNode;
}

/** The services of every Fetch in a plan. */
function servicesOfPlan(plan: unknown, into = new Set<string>()): Set<string> {
  const node = plan as PlanNode | undefined;
  if (!node || typeof node !== 'object') return into;
  if (node.kind === 'Fetch' && node.serviceName) into.add(node.serviceName);
  for (const child of [node.node, node.primary, node.rest, node.ifClause, node.elseClause, ...(node.nodes ?? []), ...(node.deferred ?? [])]) servicesOfPlan(child, into);
  return into;
}

/** A function giving the subgraphs a request's operation reads, sorted, or null when unknown. */
export function operationSubgraphs(gateway: ApolloGateway): (requestContext: GraphQLRequestContext<object>) => Promise<string[] | null> {
  return async (requestContext) => {
    const internals = gateway as unknown as GatewayInternals;
    const { apiSchema, queryPlanner, queryPlanStore } = internals;
    const { document, queryHash, request } = requestContext as GraphQLRequestContext<object> & { queryHash?: string };
    if (!apiSchema || !queryPlanner || !queryPlanStore || !document || !queryHash) return null;
    try {
      const key = request.operationName ? createHash('sha256').update(queryHash).update(request.operationName).digest('hex') : queryHash;
      let plan = await queryPlanStore.get(key);
      if (!plan) {
        const operation = operationFromDocument(apiSchema, document, { operationName: request.operationName });
        plan = queryPlanner.buildQueryPlan(operation, {
          recursiveSelectionsLimitDisabled: internals.recursiveSelectionsLimitDisabled,
          nonLocalSelectionsLimitDisabled: internals.nonLocalSelectionsLimitDisabled,
        });
        await queryPlanStore.set(key, plan);
      }
      return [...servicesOfPlan(plan)].sort();
    } catch {
      return null;
    }
  };
}

/**
 * A function giving the supergraph a request's schema was loaded from (its
 * version, as /ready shows it: gateway/supergraph.ts), undefined for a schema this
 * gateway did not load. Apollo Server hands each request the API schema of
 * the gateway's load or update it started under (`requestContext.schema`),
 * so a request that began before a reload keeps the supergraph it ran on.
 */
export function supergraphVersions(gateway: ApolloGateway): (schema: GraphQLSchema | undefined) => string | undefined {
  const versions = new WeakMap<GraphQLSchema, string>();
  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    versions.set(apiSchema, supergraphVersion(coreSupergraphSdl));
  });
  return (schema) => (schema ? versions.get(schema) : undefined);
}
