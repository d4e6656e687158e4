// Issue 20: a captured identity cannot be replayed to ANOTHER replica of the
// subgraph either. Two judicial replicas as real processes on one PostgreSQL
// database share Redis (JUDICIAL_REDIS_URL) for the identities they accepted
// (platform/access/replay-memory.ts). An eavesdropper between the gateway and
// replica 1 captures a real call, which replica 1 answers; replica 2 refuses
// it IDENTITY_REPLAYED. The same fresh identity sent to both at once is
// accepted by exactly one. Then a third replica reaches Redis through a link
// the test cuts for real (connections closed and refused; or held, as a
// Redis that does not answer): it refuses every call 503
// REPLAY_CHECK_UNAVAILABLE (fail closed), the gateway answers that agency
// SUBGRAPH_UNAVAILABLE, and once Redis answers again the replica serves.
import net from 'node:net';
import { createClient } from '@keyv/redis';
import { startGateway, type RunningGateway } from '../gateway/gateway';
import { IDENTITY_HEADER } from '../platform/access/identity';
import { reasonOf, recordingProxy, refused } from './eavesdropper';
import { createTestDatabase, identityHeaders, postGraphQL, redisAnswers, signToken, TEST_REDIS_URL, testGatewayKeys } from './harness';
import { eventually, killProcess, serviceEnv, startServiceProcess, type ServiceProcess } from './processes';

const REGION_NAME = JSON.stringify({ query: '{ region(code: "652922") { name } }' });
const nowhere = 'http://127.0.0.1:9/graphql';
/** A gateway calling judicial at `judicialUrl` (the other agencies nowhere). */
const gatewayTo = (judicialUrl: string): Promise<RunningGateway> =>
  startGateway({ port: 0, ...testGatewayKeys(), responseCache: false, watchSupergraph: false, subgraphUrls: { judicial: judicialUrl, 'legal-aid': nowhere, education: nowhere, partners: nowhere } });

type LinkMode = 'forward' | 'held' | 'down';

/**
 * A TCP link to Redis that the test cuts: `forward` passes bytes both ways;
 * `held` keeps what the subgraph sends from reaching Redis (unread, not lost:
 * a Redis or network that does not answer) until the link forwards again;
 * `down` closes every connection and refuses new ones.
 */
async function redisLink(target: string): Promise<{ url: string; set(mode: LinkMode): Promise<void>; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let mode: LinkMode = 'forward';
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port || 6379), hostname);
    const pair = { client, upstream };
    pairs.add(pair);
    for (const [a, b] of [[client, upstream], [upstream, client]]) {
      a.on('error', () => undefined);
      a.on('close', () => (b.destroy(), pairs.delete(pair)));
    }
    upstream.pipe(client);
    if (mode === 'forward') client.pipe(upstream);
  });
  const listen = (at: number) => new Promise<void>((resolve) => server.listen(at, '127.0.0.1', resolve));
  await listen(0);
  const linkPort = (server.address() as net.AddressInfo).port;
  const set = async (next: LinkMode): Promise<void> => {
    if (mode === 'down' && next !== 'down') await listen(linkPort);
    if (next === 'down' && mode !== 'down') {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const { client } of pairs) client.destroy();
      await closed;
    }
    for (const { client, upstream } of pairs) {
      if (next === 'held' && mode === 'forward') client.unpipe(upstream).pause();
      if (next === 'forward' && mode === 'held') client.pipe(upstream);
    }
    mode = next;
  };
  return { url: `redis://127.0.0.1:${linkPort}`, set, close: () => set('down') };
}

describe('replicas of a subgraph share the identities they accepted (Redis)', () => {
  const prefix = `hub-test-replay-${process.pid}-${Date.now().toString(36)}`;
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let replicas: ServiceProcess[] = [];
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  let gateway: RunningGateway;
  const replicaEnv = (redisUrl: string) => serviceEnv({ JUDICIAL_PORT: '0', JUDICIAL_DATABASE_URL: database!.url, JUDICIAL_REDIS_URL: redisUrl, REDIS_PREFIX: prefix });

  beforeAll(async () => {
    if (!(await redisAnswers(TEST_REDIS_URL))) throw new Error(`these tests need Redis at ${TEST_REDIS_URL} (TEST_REDIS_URL)`);
    database = await createTestDatabase('replay');
    // Both at once, as a deployment starts them: one seeds under the lock, the other waits.
    replicas = await Promise.all([1, 2].map(() => startServiceProcess('judicial', replicaEnv(TEST_REDIS_URL))));
    proxy = await recordingProxy(replicas[0].url);
    gateway = await gatewayTo(proxy.url);
  });

  afterAll(async () => {
    await gateway?.stop();
    await proxy?.close();
    await Promise.all(replicas.map(killProcess));
    await database?.drop();
  });

  test('a call captured on its way to replica 1 and answered there is refused IDENTITY_REPLAYED by replica 2 (and by replica 1), for its lifetime in Redis', async () => {
    const token = await signToken({ sub: 'victim', agency: 'judicial', scope: 'judicial:cases judicial:pii' });
    const real = await postGraphQL<{ region: { name: string } }>(gateway.url, REGION_NAME, { authorization: `Bearer ${token}` });
    expect(real).toEqual({ status: 200, data: { region: { name: expect.any(String) } } });
    expect(proxy.captured).toHaveLength(1);
    const [{ identity, body }] = proxy.captured;

    expect(reasonOf(await postGraphQL(replicas[1].url, body, { [IDENTITY_HEADER]: identity }))).toEqual(refused('IDENTITY_REPLAYED'));
    expect(reasonOf(await postGraphQL(replicas[0].url, body, { [IDENTITY_HEADER]: identity }))).toEqual(refused('IDENTITY_REPLAYED'));
    // Replica 2 answers a call of its own: what it refused was the replay.
    expect(await postGraphQL(replicas[1].url, body, identityHeaders('judicial', body))).toMatchObject({ status: 200, data: real.data });

    // One key per identity, expiring by itself when the identity does (plus the clock leeway).
    const { jti, exp } = JSON.parse(Buffer.from(identity.split('.')[1], 'base64url').toString('utf8')) as { jti: string; exp: number };
    const redis = createClient({ url: TEST_REDIS_URL });
    await redis.connect();
    try {
      const ttl = await redis.pTTL(`${prefix}:jti:judicial:${jti}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(exp * 1000 + 1_000 - Date.now() + 50);
    } finally {
      await redis.close();
    }
  });

  test('the same fresh identity sent to both replicas at the same moment is answered by exactly one', async () => {
    for (let round = 0; round < 10; round++) {
      const headers = identityHeaders('judicial', REGION_NAME);
      const answers = await Promise.all(replicas.map((replica) => postGraphQL(replica.url, REGION_NAME, headers)));
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
      expect(reasonOf(answers.find((answer) => answer.status === 401)!)).toEqual(refused('IDENTITY_REPLAYED'));
    }
  });

  describe('when Redis does not answer', () => {
    let link: Awaited<ReturnType<typeof redisLink>>;
    let cut: ServiceProcess;
    let gatewayOverCut: RunningGateway;
    const call = () => postGraphQL(cut.url, REGION_NAME, identityHeaders('judicial', REGION_NAME));
    const unavailable = { status: 503, data: undefined, extensions: { code: 'REPLAY_CHECK_UNAVAILABLE' } };

    beforeAll(async () => {
      link = await redisLink(TEST_REDIS_URL);
      cut = await startServiceProcess('judicial', replicaEnv(link.url));
      replicas.push(cut);
      gatewayOverCut = await gatewayTo(cut.url);
    });

    afterAll(async () => {
      await gatewayOverCut?.stop();
      await link?.close();
    });

    test('connections closed and refused: each call refused at once with 503 REPLAY_CHECK_UNAVAILABLE, the gateway answers the agency unavailable; served again once Redis answers', async () => {
      expect((await call()).status).toBe(200);
      const logged = cut.logs.length;
      await link.set('down');
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        expect(reasonOf(await call())).toEqual(unavailable);
        // Refused without waiting for Redis (no offline queue), well before the check's time limit.
        expect(Date.now() - started).toBeLessThan(1_000);
      }
      const throughGateway = await postGraphQL(gatewayOverCut.url, REGION_NAME);
      expect(throughGateway.status).toBe(200);
      expect(throughGateway.errors?.map((error) => error.extensions)).toEqual([{ code: 'SUBGRAPH_UNAVAILABLE', agency: 'judicial' }]);
      // Told once, not at every call or reconnection attempt.
      expect(cut.logs.slice(logged).filter((line) => String(line.msg).startsWith('redis does not answer'))).toHaveLength(1);

      await link.set('forward');
      await eventually(async () => (await call()).status === 200, 10_000);
      expect(cut.logs.slice(logged).filter((line) => String(line.msg).startsWith('redis answers again'))).toHaveLength(1);
    });

    test('connected but no answer: the call is refused 503 REPLAY_CHECK_UNAVAILABLE after the check\'s time limit (1 s), not served; served again once Redis answers', async () => {
      expect((await call()).status).toBe(200);
      await link.set('held');
      const started = Date.now();
      expect(reasonOf(await call())).toEqual(unavailable);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(Date.now() - started).toBeLessThan(3_000);
      await link.set('forward');
      expect((await call()).status).toBe(200);
    });
  });
});
