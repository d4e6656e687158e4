// Cache hints of every subgraph (issue 8). Each subgraph answers with a
// Cache-Control header that Apollo Server computes from the fields resolved;
// the gateway combines those of all subgraphs a request reached into the
// response's policy, and caches the response only if that allows it
// (gateway/response-cache.ts).
//
// A batched request (issue 19: a plan stage's fetches to one subgraph in one
// HTTP call) has one header for all its answers, the most restrictive of
// theirs; each answer also carries its own hint in its extensions
// (ANSWER_CACHE_HINT_EXTENSION, the header's syntax), which the gateway reads
// per fetch (gateway/subgraph-answers.ts).
//
// Public data (the region directory, offices, stations, events, partners,
// projects, every `*Stats` aggregate) takes the default hint: CACHE_MAX_AGE
// seconds, PUBLIC; it changes only on writes, and a write through the hub
// invalidates it at the gateway. What a caller may see of some types depends
// on who they are (case records, the caller's identity), and a read of
// personal data must leave an audit record each time: the agency that owns
// such a type says so in its own SDL, `type XCase @cacheControl(maxAge: 0)`
// (Apollo's directive, declared in platform/server/shared.graphql). Any field that
// returns or belongs to such a type, or to its `<Type>Connection` and
// `<Type>Edge` (a count of cases depends on the caller too), makes the whole
// response uncacheable (maxAge 0), whatever the caller. This file names no
// agency's type.
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { getNamedType, isCompositeType, Kind, type ConstDirectiveNode, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { intFromEnv } from '../core/config';

/** CACHE_MAX_AGE: seconds a public response may be cached (default 60; 0 turns caching off). */
function cacheMaxAgeFromEnv(): number {
  return intFromEnv('CACHE_MAX_AGE', 60, 0, 86_400);
}

function declaresMaxAgeZero(directives: readonly ConstDirectiveNode[] | undefined): boolean {
  return !!directives?.some((directive) => {
    if (directive.name.value !== 'cacheControl') return false;
    const maxAge = directive.arguments?.find((argument) => argument.name.value === 'maxAge')?.value;
    return maxAge?.kind === Kind.INT && Number(maxAge.value) === 0;
  });
}

/** Names of the types a schema marks `@cacheControl(maxAge: 0)`, with their connection and edge types. */
export function uncacheableTypes(schema: GraphQLSchema): Set<string> {
  const names = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isCompositeType(type)) continue;
    const directives = [type.astNode, ...type.extensionASTNodes].flatMap((node) => node?.directives ?? []);
    if (declaresMaxAgeZero(directives)) for (const name of [type.name, `${type.name}Connection`, `${type.name}Edge`]) names.add(name);
  }
  return names;
}

const perSchema = new WeakMap<GraphQLSchema, Set<string>>();

function isUncacheableType(schema: GraphQLSchema, type: GraphQLNamedType): boolean {
  let names = perSchema.get(schema);
  if (!names) perSchema.set(schema, (names = uncacheableTypes(schema)));
  return names.has(type.name);
}

/** Where each answer of a batched request carries its own cache hint, e.g. `max-age=60, public` or `no-store`. */
export const ANSWER_CACHE_HINT_EXTENSION = 'hubCacheControl';

const BATCHED = Symbol.for('rule-of-law-hub.batched');

/** Marks a request's context as serving a batch (an HTTP body that is an array of requests). */
export function markBatched<C extends object>(contextValue: C, body: unknown): C {
  if (Array.isArray(body)) (contextValue as { [BATCHED]?: boolean })[BATCHED] = true;
  return contextValue;
}

export function subgraphCacheHints(defaultMaxAge = cacheMaxAgeFromEnv()): ApolloServerPlugin[] {
  return [
    ApolloServerPluginCacheControl({ defaultMaxAge }),
    {
      async requestDidStart({ overallCachePolicy, contextValue }) {
        const batched = (contextValue as { [BATCHED]?: boolean })[BATCHED] === true;
        return {
          async willSendResponse({ response }) {
            if (!batched || response.body.kind !== 'single') return;
            // As Apollo's plugin writes the header: cacheable only without errors.
            const policy = response.body.singleResult.errors ? null : overallCachePolicy.policyIfCacheable();
            const hint = policy ? `max-age=${policy.maxAge}, ${policy.scope.toLowerCase()}` : 'no-store';
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, [ANSWER_CACHE_HINT_EXTENSION]: hint };
          },
          async executionDidStart() {
            return {
              willResolveField({ info }) {
                // The whole response's policy, directly: whatever the order of the plugins' field hooks.
                if (isUncacheableType(info.schema, getNamedType(info.returnType)) || isUncacheableType(info.schema, info.parentType)) {
                  overallCachePolicy.restrict({ maxAge: 0 });
                }
              },
            };
          },
        };
      },
    },
  ];
}
