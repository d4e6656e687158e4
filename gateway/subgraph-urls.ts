// Where the gateway finds each subgraph: `<PREFIX>_URL`, else `<PREFIX>_PORT`
// on localhost, else the URL composed into the supergraph.
import { envPrefix, intFromEnv, stringFromEnv } from '../platform/core/config';

export function subgraphUrlFromEnv(name: string, composedUrl: string): string {
  const prefix = envPrefix(name);
  const url = stringFromEnv(`${prefix}_URL`);
  if (url) return url;
  if (stringFromEnv(`${prefix}_PORT`)) return `http://localhost:${intFromEnv(`${prefix}_PORT`, 0, 1, 65535)}/graphql`;
  return composedUrl;
}
