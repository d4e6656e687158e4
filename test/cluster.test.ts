// The cluster (`npm run start:cluster`, scripts/cluster/): real processes
// behind the real balancer (HAProxy), on PostgreSQL (one database per agency)
// and Redis. A stream of cross-agency queries and idempotent creates runs
// while one gateway replica is SIGKILLed, then one replica of each subgraph,
// then every gateway is restarted in turn (SIGTERM: /ready turns 503, HAProxy
// takes it out, it drains, it starts again), then every subgraph replica in turn. No query fails (the balancer
// repeats a query a dead replica never answered; the gateway repeats a query a
// dead subgraph replica never answered); a create is repeated by the client
// with its requestId only (contract/write.graphql: the same requestId writes
// nothing more); afterwards every create is in the database exactly once, and
// a write through one replica is seen at once through every other (the
// response cache is shared and invalidated through Redis).
// Skipped, with a warning, when haproxy is not installed, unless
// TEST_HAPROXY is set (.ci/run sets it): then it fails.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import pg from 'pg';
import { createClient } from '@keyv/redis';
import { databaseUrl, dropDatabases, startCluster, type Cluster } from '../scripts/cluster/cluster';
import { haproxyConfig } from '../scripts/cluster/haproxy-config';
import { clusterLayout } from '../scripts/cluster/layout';
import { IDENTITY_SECRET, postGraphQL, redisAnswers, signToken, TEST_REDIS_URL, type TokenClaims } from './harness';
import { eventually, serviceEnv } from './processes';

jest.setTimeout(600_000);

const POSTGRES = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const HAPROXY = process.env.TEST_HAPROXY && process.env.TEST_HAPROXY !== '1' ? process.env.TEST_HAPROXY : 'haproxy';

function haproxyInstalled(): boolean {
  try {
    execFileSync(HAPROXY, ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<import('node:net').Server>((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => resolve(s)); })),
  );
  const ports = servers.map((s) => (s.address() as import('node:net').AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** Wensu County (652922) of Aksu prefecture (652900): a village of Yeken Town. */
const VILLAGE = '652922100201';
const WRITER: TokenClaims = { sub: 'cluster-clerk', agency: 'education', scope: 'education:write judicial:read legal-aid:read partners:read', regions: ['652900'] };
const RECORD = 'mutation($input: RecordEducationEventInput!) { recordEducationEvent(input: $input) { id title } }';
/** Reads all four agencies for one village (the gateway calls every subgraph). */
const ACROSS = `query($code: ID!) { region(code: $code) { code name
  judicialStats { __typename } legalAidStats { __typename } revitalizationStats { __typename }
  educationStats { events attendees } educationEvents(first: 0) { totalCount } } }`;
const COUNT = 'query($code: ID!) { region(code: $code) { educationEvents(first: 0) { totalCount } } }';

const haveHaproxy = haproxyInstalled();
if (!haveHaproxy && !process.env.TEST_HAPROXY) console.warn(`haproxy is not installed (${HAPROXY}): the cluster test is skipped (apt-get install haproxy; TEST_HAPROXY makes it fail instead)`);
const describeCluster = haveHaproxy || process.env.TEST_HAPROXY ? describe : describe.skip;

describeCluster('the cluster: HAProxy, 3 gateways, 2 replicas of each subgraph, PostgreSQL and Redis', () => {
  let cluster: Cluster | undefined;
  const databasePrefix = `hub_cluster_test_${process.pid}_`;
  const redisPrefix = `hub-cluster-test-${process.pid}:`;
  let authorization: Record<string, string>;
  const logs: string[] = [];

  beforeAll(async () => {
    if (!(await redisAnswers(TEST_REDIS_URL))) throw new Error(`the cluster test needs Redis at ${TEST_REDIS_URL}`);
    const ports = await freePorts(40);
    const layout = clusterLayout(() => ports.shift()!);
    cluster = await startCluster({
      layout,
      env: serviceEnv({ RESPONSE_CACHE: 'on', LOG_LEVEL: 'warn', SEED_SCALE: '0.01' }),
      identitySecret: IDENTITY_SECRET,
      postgresUrl: POSTGRES,
      databasePrefix,
      redisUrl: TEST_REDIS_URL,
      redisPrefix,
      haproxy: HAPROXY,
      onLog: (replica, line) => logs.push(`${replica} ${line}`),
    });
    authorization = { authorization: `Bearer ${await signToken(WRITER, { expiresIn: '1h' })}` };
  });

  afterAll(async () => {
    await cluster?.stop();
    await dropDatabases(POSTGRES, Object.values(cluster?.databases ?? {}));
    const redis = createClient({ url: TEST_REDIS_URL });
    await redis.connect();
    const keys = await redis.keys(`*${redisPrefix}*`);
    if (keys.length) await redis.del(keys);
    await redis.close();
  });

  test('the configuration checks each replica on its admin port (/ready), and the gateways reach each agency through HAProxy', () => {
    const config = haproxyConfig(cluster!.layout);
    for (const g of cluster!.layout.gateways) expect(config).toContain(`server ${g.id} 127.0.0.1:${g.port} check port ${g.adminPort}`);
    for (const s of cluster!.layout.subgraphs) for (const r of s.replicas) expect(config).toContain(`server ${r.id} 127.0.0.1:${r.port} check port ${r.adminPort}`);
    expect(config).toMatch(/option httpchk GET \/ready/);
  });

  test('killed replicas, then rolling restarts of the gateways and of every subgraph: no failed request, no write lost or doubled, every write seen at once through every replica', async () => {
    const c = cluster!;
    const failures: string[] = [];
    const created = new Map<string, string>(); // requestId -> event id
    let queries = 0;
    let clientRepeats = 0;
    let running = true;
    let serial = 0;

    const query = async (): Promise<void> => {
      const response = await postGraphQL<any>(c.url, { query: ACROSS, variables: { code: VILLAGE } }, authorization).catch((error: Error) => ({ status: 0, errors: [{ message: error.message }] }) as any);
      queries++;
      if (response.status !== 200 || response.errors) failures.push(`query: HTTP ${response.status} ${JSON.stringify(response.errors)}`);
    };
    const create = async (): Promise<void> => {
      const requestId = `cluster-${process.pid}-${++serial}`;
      const input = { requestId, title: `Cluster lecture ${requestId}`, theme: 'CIVIL_CODE', format: 'LECTURE', heldOn: '2022-05-12', regionCode: VILLAGE, attendees: 10, languages: ['Uyghur'] };
      // A create is safe to repeat with its requestId: the client repeats it until it has an answer.
      for (let attempt = 0; ; attempt++) {
        const response = await postGraphQL<any>(c.url, { query: RECORD, variables: { input } }, authorization).catch((error: Error) => ({ status: 0, errors: [{ message: error.message }] }) as any);
        if (response.status === 200 && !response.errors) {
          created.set(requestId, response.data.recordEducationEvent.id);
          return;
        }
        const codes = (response.errors ?? []).map((e: any) => e.extensions?.code);
        if (codes.some((code: string) => code === 'BAD_USER_INPUT' || code === 'FORBIDDEN' || code === 'CONFLICT') || attempt >= 20) {
          failures.push(`create ${requestId}: HTTP ${response.status} ${JSON.stringify(response.errors)}`);
          return;
        }
        clientRepeats++;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const worker = async (n: number): Promise<void> => {
      for (let i = 0; running; i++) await ((i + n) % 4 === 0 ? create() : query());
    };
    const workers = [0, 1, 2, 3].map(worker);
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    await pause(2_000);
    // One gateway replica dies (SIGKILL), with requests in flight.
    await c.gateways[0].kill();
    await pause(3_000);
    await c.gateways[0].start();
    await c.waitUntilUp();
    // One replica of each subgraph dies at once.
    await Promise.all(Object.values(c.subgraphs).map((replicas) => replicas[0].kill()));
    await pause(3_000);
    await Promise.all(Object.values(c.subgraphs).map((replicas) => replicas[0].start()));
    await c.waitUntilUp();
    // A rolling restart of every gateway: each leaves the pool, drains, starts again, is back before the next.
    const leftPoolWhileAccepting: boolean[] = [];
    for (const gateway of c.gateways) {
      gateway.terminate();
      // HAProxy sees it out of the pool while it still answers (SHUTDOWN_DELAY_MS), not once it refuses.
      await eventually(async () => (await c.serverStatus())[`gateways/${gateway.id}`] !== 'UP', 10_000, 20);
      const health = await fetch(`http://127.0.0.1:${gateway.ports.port}/health`).then((r) => r.status, () => 0);
      leftPoolWhileAccepting.push(gateway.running() && health === 200);
      await gateway.exited;
      await gateway.start();
      await c.waitUntilUp();
    }
    // A new version of every subgraph, replica by replica (SIGTERM, drain, start again).
    for (const replicas of Object.values(c.subgraphs)) {
      for (const replica of replicas) {
        await replica.restart();
        await c.waitUntilUp();
      }
    }
    await pause(1_000);
    running = false;
    await Promise.all(workers);

    console.log(`cluster stream: ${queries} queries, ${created.size} creates, ${clientRepeats} creates repeated by the client with their requestId`);
    expect(failures).toEqual([]);
    expect(leftPoolWhileAccepting).toEqual([true, true, true]);
    expect(queries).toBeGreaterThan(50);
    expect(created.size).toBeGreaterThan(10);

    // Every create exactly once in the education database: none lost, none doubled.
    const db = new pg.Client({ connectionString: databaseUrl(POSTGRES, c.databases.education) });
    await db.connect();
    try {
      const rows = await db.query<{ title: string; n: string }>("select title, count(*) as n from education_event where title like $1 group by title", [`Cluster lecture cluster-${process.pid}-%`]);
      const byTitle = new Map(rows.rows.map((r) => [r.title, Number(r.n)]));
      for (const requestId of created.keys()) expect([requestId, byTitle.get(`Cluster lecture ${requestId}`)]).toEqual([requestId, 1]);
      expect(rows.rows.length).toBe(created.size);
    } finally {
      await db.end();
    }

    // A write through one replica is seen at once through every other, each having cached the count before.
    const countVia = async (url: string): Promise<number> => {
      const response = await postGraphQL<any>(url, { query: COUNT, variables: { code: VILLAGE } }, authorization);
      expect(response.errors).toBeUndefined();
      return response.data.region.educationEvents.totalCount;
    };
    const before = await Promise.all(c.gateways.map((g) => countVia(g.url)));
    expect(new Set(before).size).toBe(1);
    expect(await Promise.all(c.gateways.map((g) => countVia(g.url)))).toEqual(before);
    const requestId = `cluster-${process.pid}-last`;
    const input = { requestId, title: `Cluster lecture ${requestId}`, theme: 'CIVIL_CODE', format: 'LECTURE', heldOn: '2022-05-12', regionCode: VILLAGE, attendees: 10, languages: ['Uyghur'] };
    const written = await postGraphQL<any>(c.gateways[1].url, { query: RECORD, variables: { input } }, authorization);
    expect(written.errors).toBeUndefined();
    expect(await Promise.all(c.gateways.map((g) => countVia(g.url)))).toEqual(before.map((n) => n + 1));
  });
});
