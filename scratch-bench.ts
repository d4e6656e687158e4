import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { readFileSync } from 'node:fs';
import { startSubgraph } from './platform/subgraph';
import judicial from './subgraphs/judicial/subgraph';
import { IDENTITY_KEYS, identityHeaders, testGatewayKeys } from './test/harness';
import { startGateway } from './gateway/gateway';
import { SUPERGRAPH_PATH } from './schema/compose';

async function load(url: string, n: number, conc: number) {
  const body = JSON.stringify({ query: '{ region(code: "652900") { name judicialStats { offices } } }' });
  let i = 0; const t = performance.now();
  await Promise.all(Array.from({ length: conc }, async () => {
    while (i++ < n) { const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }); await r.text(); }
  }));
  return n / ((performance.now() - t) / 1000);
}
(async () => {
  const sub = await startSubgraph(judicial, { port: 0, seedScale: 0.01, identityPublicKey: IDENTITY_KEYS.publicKey, logger: require('pino')({level:'silent'}) });
  const headers = await identityHeaders();
  const bare = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'), buildService: ({ name }) => new (class extends RemoteGraphQLDataSource { override willSendRequest({ request }: any) { for (const [k, v] of Object.entries(headers)) request.http.headers.set(k, v); } })({ url: name === 'judicial' ? sub.url : 'http://127.0.0.1:9/graphql' }) }) });
  const { url: bareUrl } = await startStandaloneServer(bare, { listen: { port: 0 } });
  const hub = await startGateway({ port: 0, ...testGatewayKeys(), subgraphUrls: { judicial: sub.url }, logger: require('pino')({level: process.env.HUBLOG ?? 'silent'}) });
  await load(bareUrl, 300, 10); await load(hub.url, 300, 10);
  for (let k = 0; k < 3; k++) {
    console.log('bare', (await load(bareUrl, 1500, 16)).toFixed(0), 'hub', (await load(hub.url, 1500, 16)).toFixed(0));
  }
  await hub.stop(); await bare.stop(); await sub.stop();
})();
