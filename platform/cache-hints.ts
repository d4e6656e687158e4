// Cache hints of every subgraph (issue 8). Each subgraph answers with a
// Cache-Control header that Apollo Server computes from the fields resolved;
// the gateway combines those of all subgraphs a request reached into the
// response's policy, and caches the response only if that allows it
// (gateway/response-cache.ts).
//
// Public data (the region directory, offices, stations, events, partners,
// projects, every `*Stats` aggregate) takes the default hint: CACHE_MAX_AGE
// seconds, PUBLIC; it changes only on writes, and a write through the hub
// invalidates it at the gateway. What a caller may see of the types below
// depends on who they are, and a read of personal data must leave an audit
// record each time: any field that returns or belongs to one of them makes the
// whole response uncacheable (maxAge 0), whatever the caller.
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import { getNamedType, type GraphQLNamedType } from 'graphql';
import { intFromEnv } from './config';

/** Case records, personal data, audit records and the caller's own identity. */
export const UNCACHEABLE_TYPES = ['MediationCase', 'LegalAidCase', 'Person', 'AuditRecord', 'Viewer'] as const;

const uncacheable = new Set<string>(UNCACHEABLE_TYPES.flatMap((name) => [name, `${name}Connection`, `${name}Edge`]));

/** CACHE_MAX_AGE: seconds a public response may be cached (default 60; 0 turns caching off). */
export function cacheMaxAgeFromEnv(): number {
  return intFromEnv('CACHE_MAX_AGE', 60, 0, 86_400);
}

export function isUncacheableType(type: GraphQLNamedType): boolean {
  return uncacheable.has(type.name);
}

export function subgraphCacheHints(defaultMaxAge = cacheMaxAgeFromEnv()): ApolloServerPlugin[] {
  return [
    ApolloServerPluginCacheControl({ defaultMaxAge }),
    {
      async requestDidStart({ overallCachePolicy }) {
        return {
          async executionDidStart() {
            return {
              willResolveField({ info }) {
                // The whole response's policy, directly: whatever the order of the plugins' field hooks.
                if (isUncacheableType(getNamedType(info.returnType)) || isUncacheableType(info.parentType)) {
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
