// Issue 18, item 2: an identity the gateway forwards is good for one subgraph
// call only. A recording proxy sits between the gateway and the judicial
// subgraph (as an eavesdropper on the network would), captures a real
// x-hub-identity with the body it came with, and replays it: with another
// body, on another subgraph, a second time, and after its lifetime. Each is
// refused UNAUTHENTICATED with a reason naming the check.
import { IDENTITY_HEADER } from '../platform/access/identity';
import { startGateway, type RunningGateway } from '../gateway/gateway';
import { postGraphQL, signToken, startHub, testGatewayKeys, type Hub } from './harness';
import { reasonOf, recordingProxy, refused } from './eavesdropper';

describe('a captured gateway identity cannot be replayed', () => {
  let hub: Hub;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  let spy: RunningGateway;
  const CALL_TIMEOUT_MS = 1_500;

  beforeAll(async () => {
    hub = await startHub({ seedScale: 0.05, only: ['judicial', 'legal-aid'] });
    proxy = await recordingProxy(hub.subgraphs.judicial.url);
    // A second gateway whose judicial calls pass the eavesdropper; its call timeout (so the identity's lifetime) is short.
    spy = await startGateway({
      port: 0,
      ...testGatewayKeys(),
      responseCache: false,
      subgraphCalls: { timeoutMs: CALL_TIMEOUT_MS },
      requestTimeoutMs: 5_000,
      subgraphUrls: { judicial: proxy.url, 'legal-aid': hub.subgraphs['legal-aid'].url },
    });
  });

  afterAll(async () => {
    await spy?.stop();
    await proxy?.close();
    await hub?.stop();
  });

  test('replayed with another body, on another subgraph, twice, after its lifetime: each refused, and the real call answered', async () => {
    // A caller with personal-data access reads names; the eavesdropper records the call.
    const token = await signToken({ sub: 'victim', agency: 'judicial', scope: 'judicial:cases judicial:pii' });
    const real = await postGraphQL<{ region: { name: string } }>(spy.url, { query: '{ region(code: "652922") { name } }' }, { authorization: `Bearer ${token}` });
    expect(real).toEqual({ status: 200, data: { region: { name: expect.any(String) } } });
    expect(proxy.captured).toHaveLength(1);
    const [{ identity, body }] = proxy.captured;
    const sentAt = Date.now();

    // Another body: the personal data the victim may read.
    const other = JSON.stringify({ query: '{ region(code: "652922") { mediationCases(first: 100) { nodes { parties { name idNumber } } } } }' });
    expect(reasonOf(await postGraphQL(hub.subgraphs.judicial.url, other, { [IDENTITY_HEADER]: identity }))).toEqual(refused('IDENTITY_BODY_MISMATCH'));
    // Another subgraph, the same body.
    expect(reasonOf(await postGraphQL(hub.subgraphs['legal-aid'].url, body, { [IDENTITY_HEADER]: identity }))).toEqual(refused('IDENTITY_WRONG_AUDIENCE'));
    // The very request again, within its lifetime.
    expect(Date.now() - sentAt).toBeLessThan(CALL_TIMEOUT_MS);
    expect(reasonOf(await postGraphQL(hub.subgraphs.judicial.url, body, { [IDENTITY_HEADER]: identity }))).toEqual(refused('IDENTITY_REPLAYED'));

    // The identity lived as long as the call's timeout (plus the clock leeway), no longer.
    const payload = JSON.parse(Buffer.from(identity.split('.')[1], 'base64url').toString('utf8')) as { exp: number; iat: number; aud: string };
    expect(payload.aud).toBe('judicial');
    expect(payload.exp * 1000 - payload.iat * 1000).toBeLessThanOrEqual(CALL_TIMEOUT_MS);
    await new Promise((resolve) => setTimeout(resolve, payload.exp * 1000 + 1_100 - Date.now()));
    expect(reasonOf(await postGraphQL(hub.subgraphs.judicial.url, body, { [IDENTITY_HEADER]: identity }))).toEqual(refused('IDENTITY_EXPIRED'));

    // The gateway's own next call carries a new identity and is answered.
    const again = await postGraphQL(spy.url, { query: '{ region(code: "652922") { name } }' }, { authorization: `Bearer ${token}` });
    expect(again.status).toBe(200);
    expect(proxy.captured[1].identity).not.toBe(identity);
  });

  test('an identity without a body hash match is refused even when everything else is right: a body with one byte changed', async () => {
    await postGraphQL(spy.url, { query: '{ region(code: "650000") { name } }' });
    const { identity, body } = proxy.captured[proxy.captured.length - 1];
    const changed = body.replace('650000', '650001');
    expect(reasonOf(await postGraphQL(hub.subgraphs.judicial.url, changed, { [IDENTITY_HEADER]: identity }))).toEqual(refused('IDENTITY_BODY_MISMATCH'));
  });
});
