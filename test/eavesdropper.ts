// An eavesdropper between the gateway and a subgraph: forwards POST /graphql
// to the subgraph and keeps the identity and body of each call that passed;
// and how a replay it tries is refused (test/identity-replay.test.ts,
// test/identity-replay-replicas.test.ts).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDENTITY_HEADER } from '../platform/access/identity';
import type { GraphQLResponse } from './harness';

export interface Captured {
  identity: string;
  body: string;
}

/** Forwards POST /graphql to `target` and keeps what passed through. */
export async function recordingProxy(target: string): Promise<{ url: string; captured: Captured[]; close(): Promise<void> }> {
  const captured: Captured[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const identity = String(req.headers[IDENTITY_HEADER] ?? '');
    captured.push({ identity, body });
    const answer = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identity }, body });
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(await answer.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    captured,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What of an answer tells a refusal: its status, data and first error's extensions. */
export const reasonOf = (response: GraphQLResponse<unknown>): unknown => ({ status: response.status, data: response.data, extensions: response.errors?.[0]?.extensions });
/** A refused identity, as reasonOf shows it. */
export const refused = (reason: string) => ({ status: 401, data: undefined, extensions: { code: 'UNAUTHENTICATED', reason } });
