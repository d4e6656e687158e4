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
// response cache is shared and invalidated through Redis). Then, under the same
// kind of stream, a new supergraph is published as an operator does: an
// agency's compatible change (a description) passes `npm run check`, and
// `npm run compose` writes the supergraph file every gateway replica watches
// (the cluster's one source of it, here in a copy of the project so that the
// repository's files are never changed); each replica, asked on its own
// port, serves it within ROLLOUT_BOUND_MS, and no request fails.
// Skipped, with a warning, when haproxy is not installed, unless
// TEST_HAPROXY is set (.ci/run sets it): then it fails.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { createClient } from '@keyv/redis';
import { databaseUrl, dropDatabases, startCluster, type Cluster } from '../scripts/cluster/cluster';
import { haproxyConfig } from '../scripts/cluster/haproxy-config';
import { clusterLayout, type ReplicaPorts } from '../scripts/cluster/layout';
import { IDENTITY_SECRET, npmRun, postGraphQL, redisAnswers, signToken, TEST_REDIS_URL, type TokenClaims } from './harness';
import { lectureInput, RECORD, startClientStream, VILLAGE } from './cluster-stream';
import { eventually, serviceEnv } from './processes';
import { copyProject, type ProjectCopy } from './project-copy';

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

/** Whether a port can be listened on, on every interface (as the replicas listen), right now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/**
 * Ports free now, below the kernel's ephemeral range (32768 and up here),
 * from which port 0 and every outgoing connection take theirs: a port from
 * that range, freed for a replica that starts seconds later, was once taken
 * by another suite's connection meanwhile (EADDRINUSE in CI).
 */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!ports.has(port) && (await canListen(port))) ports.add(port);
  }
  return [...ports];
}

const WRITER: TokenClaims = { sub: 'cluster-clerk', agency: 'education', scope: 'education:write judicial:read legal-aid:read partners:read', regions: ['652900'] };
const COUNT = 'query($code: ID!) { region(code: $code) { educationEvents(first: 0) { totalCount } } }';

/** The compatible change published: a field's description reworded in the education subgraph. */
const ATTENDEES = { before: 'Attendees of those events.', after: 'People who attended those events.' };
const DESCRIBED = '{ __type(name: "EducationStats") { fields { name description } } }';
/** Longest from the file being written to a gateway replica serving it: watch, guard, new query planner, on a loaded 2-core machine. */
const ROLLOUT_BOUND_MS = 15_000;
/** The operator's commands read no usage here: the store would be Redis's or the copy's .data/usage. */
const OPERATOR_ENV = { ...process.env, REDIS_URL: '' };

/** The supergraph a gateway replica serves, by its admin port's /ready: the first 12 hex digits of its sha256. */
async function servedVersion(replica: ReplicaPorts): Promise<string | undefined> {
  const ready = await fetch(`http://127.0.0.1:${replica.adminPort}/ready`).then((r) => r.json() as Promise<{ supergraph?: { version?: string } }>, () => undefined);
  return ready?.supergraph?.version;
}

const haveHaproxy = haproxyInstalled();
if (!haveHaproxy && !process.env.TEST_HAPROXY) console.warn(`haproxy is not installed (${HAPROXY}): the cluster test is skipped (apt-get install haproxy; TEST_HAPROXY makes it fail instead)`);
const describeCluster = haveHaproxy || process.env.TEST_HAPROXY ? describe : describe.skip;

describeCluster('the cluster: HAProxy, 3 gateways, 2 replicas of each subgraph, PostgreSQL and Redis', () => {
  let cluster: Cluster | undefined;
  let copy: ProjectCopy | undefined;
  const databasePrefix = `hub_cluster_test_${process.pid}_`;
  const redisPrefix = `hub-cluster-test-${process.pid}:`;
  let authorization: Record<string, string>;
  const logs: string[] = [];

  beforeAll(async () => {
    if (!(await redisAnswers(TEST_REDIS_URL))) throw new Error(`the cluster test needs Redis at ${TEST_REDIS_URL}`);
    const ports = await freePorts(40);
    const layout = clusterLayout(() => ports.shift()!);
    // The project's supergraph file in a copy: the rollout test publishes a new one there.
    copy = copyProject();
    cluster = await startCluster({
      supergraphPath: path.join(copy.root, 'schema', 'supergraph.graphql'),
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
    copy?.remove();
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
    const stream = startClientStream(c.url, authorization, `cluster-${process.pid}-`);
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
    await stream.stop();
    const { failures, created } = stream;

    console.log(`cluster stream: ${stream.queries()} queries, ${created.size} creates, ${stream.clientRepeats()} creates repeated by the client with their requestId`);
    expect(failures).toEqual([]);
    expect(leftPoolWhileAccepting).toEqual([true, true, true]);
    expect(stream.queries()).toBeGreaterThan(50);
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
    const written = await postGraphQL<any>(c.gateways[1].url, { query: RECORD, variables: { input: lectureInput(requestId) } }, authorization);
    expect(written.errors).toBeUndefined();
    expect(await Promise.all(c.gateways.map((g) => countVia(g.url)))).toEqual(before.map((n) => n + 1));
  });

  test(`a new supergraph, checked and composed as an operator does, is served by every gateway replica within ${ROLLOUT_BOUND_MS / 1000} s, with no failed request`, async () => {
    const c = cluster!;
    const root = copy!.root;
    const schemaFile = path.join(root, 'subgraphs', 'education', 'schema.graphql');
    const sdl = readFileSync(schemaFile, 'utf8');
    expect(sdl).toContain(`"${ATTENDEES.before}"`);
    writeFileSync(schemaFile, sdl.replace(`"${ATTENDEES.before}"`, `"${ATTENDEES.after}"`));
    // The hub's schema checks, as the agency runs them before publishing.
    const checked = await npmRun('check', ['education'], OPERATOR_ENV, 180_000, root);
    expect(checked).toMatchObject({ code: 0, stdout: expect.stringContaining('SAFE: nothing breaks.') });
    const versionsBefore = await Promise.all(c.gateways.map((g) => servedVersion(g.ports)));

    const stream = startClientStream(c.url, authorization, `rollout-${process.pid}-`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const queriesBefore = stream.queries();
    const composed = await npmRun('compose', [], OPERATOR_ENV, 180_000, root);
    expect(composed).toMatchObject({ code: 0, stdout: expect.stringContaining('Wrote schema/supergraph.graphql.') });
    const composedAt = Date.now();
    const writtenAt = statSync(c.supergraphPath).mtimeMs;
    const version = createHash('sha256').update(readFileSync(c.supergraphPath)).digest('hex').slice(0, 12);
    expect(versionsBefore).not.toContain(version);
    // Each replica on its own port, not through HAProxy: when it serves the new file.
    const servedAfterMs = await Promise.all(
      c.gateways.map(async (g) => {
        await eventually(async () => (await servedVersion(g.ports)) === version, ROLLOUT_BOUND_MS + 5_000, 50);
        return Math.round(Date.now() - writtenAt);
      }),
    );
    for (const g of c.gateways) {
      const described = await postGraphQL<any>(g.url, { query: DESCRIBED }, authorization);
      expect(described.data.__type.fields.find((f: { name: string }) => f.name === 'attendees').description).toBe(ATTENDEES.after);
    }
    const queriesDuring = stream.queries() - queriesBefore;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await stream.stop();

    console.log(`supergraph rollout: npm run compose returned ${Math.round(composedAt - writtenAt)} ms after writing the file; served by ${c.gateways.map((g, i) => `${g.id} after ${servedAfterMs[i]} ms`).join(', ')}; ${queriesDuring} queries and ${stream.created.size} creates meanwhile`);
    expect(stream.failures).toEqual([]);
    expect(queriesDuring).toBeGreaterThan(5);
    expect(Math.max(...servedAfterMs)).toBeLessThan(ROLLOUT_BOUND_MS);
  });
});
