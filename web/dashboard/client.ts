// The dashboard's GraphQL client: urql, asking the hub's own /graphql. In a
// production build (`npm run build:web`) it sends persisted operations: the
// document's id in the persisted-query manifest (codegen puts it in each
// generated document as __meta__.hash), never the query text, so a gateway
// with the dashboard on its safelist (GATEWAY_SAFELIST=dashboard) answers it.
// The Vite dev server (`npm run dev:web`) sends the text, so that an edited
// operation can be tried before `npm run compose` registers it.
import { persistedExchange } from '@urql/exchange-persisted';
import { Client, cacheExchange, fetchExchange, type Exchange } from 'urql';
import { GRAPHQL_PATH } from '../shared/hub';

/** The client name the gateway's usage reports and safelist know the dashboard by. */
export const CLIENT_NAME = 'dashboard';

const persisted: Exchange = persistedExchange({
  enforcePersistedQueries: true,
  enableForMutation: false,
  preferGetForPersistedQueries: false,
  generateHash: async (_query, document) => {
    const id = (document as { __meta__?: { hash?: string } }).__meta__?.hash;
    if (!id) throw new Error('a dashboard document without its manifest id: run npm run codegen');
    return id;
  },
});

export function createHubClient(token: string | null): Client {
  return new Client({
    url: GRAPHQL_PATH,
    exchanges: import.meta.env.PROD ? [cacheExchange, persisted, fetchExchange] : [cacheExchange, fetchExchange],
    preferGetMethod: false,
    requestPolicy: 'cache-first',
    fetchOptions: () => ({
      credentials: 'omit',
      headers: { 'apollographql-client-name': CLIENT_NAME, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    }),
  });
}
