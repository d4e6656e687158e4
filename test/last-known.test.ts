// Last-known figures (issue 16): when an agency cannot answer, the gateway
// serves its last good public answer to the same fetch, with its age in
// `extensions.lastKnownFigures`; never an answer that held case records or
// personal data. With real processes: the judicial and legal-aid subgraphs and
// three gateways, one keeping the figures in memory and two sharing Redis (so
// a replica that never saw a query still has them). The legal-aid subgraph is
// killed for real; a Redis entry is altered for real, as someone with network
// access to Redis could.
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@keyv/redis';
import { createLastKnownFigures } from '../gateway/last-known';
import { redisAnswers, signToken, TEST_REDIS_URL, type GraphQLResponse } from './harness';
import { eventually, freePort, killProcess, serviceEnv, startServiceProcess, type ServiceProcess } from './processes';

const COUNTY = '652922';
/** A dashboard's public figures from two agencies. */
const SCORECARD = `query Scorecard { region(code: "${COUNTY}") { name judicialStats { offices standardized } legalAidStats { applications accepted closed } } }`;
/** The same figures with case records beside them in the same fetch to legal aid: protected, so never kept. */
const CASES = `query Cases { region(code: "${COUNTY}") { name legalAidStats { applications } legalAidCases(first: 2) { totalCount nodes { id caseNumber } } } }`;

interface LastKnown {
  agency: string;
  ageSeconds: number;
  storedAt: string;
}

describe('last-known figures (two subgraphs and three gateways as processes)', () => {
  const prefix = `hub-test-lastknown-${process.pid}-${Date.now().toString(36)}`;
  let judicial: ServiceProcess;
  let legalAid: ServiceProcess;
  let legalAidEnv: NodeJS.ProcessEnv;
  /** Figures in memory. */
  let memory: ServiceProcess;
  /** Two replicas sharing Redis. */
  let replicas: ServiceProcess[] = [];
  let redis = false;
  let token: string;
  let baseline: Record<string, any>;
  let warmedAt: number;

  const post = async (gateway: ServiceProcess, query: string, headers: Record<string, string> = {}): Promise<GraphQLResponse & { extensions?: { lastKnownFigures?: LastKnown[] } }> => {
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
    return { ...((await response.json()) as GraphQLResponse), status: response.status };
  };
  const asAnalyst = () => ({ authorization: `Bearer ${token}` });
  const redisEntries = async (agency: string): Promise<Map<string, string>> => {
    const client = createClient({ url: TEST_REDIS_URL });
    await client.connect();
    try {
      const keys = await client.keys(`${prefix}:last-known:${agency}:*`);
      return new Map(await Promise.all(keys.map(async (key) => [key, (await client.get(key))!] as const)));
    } finally {
      await client.close();
    }
  };

  beforeAll(async () => {
    token = await signToken({ sub: 'analyst-16', agency: 'legal-aid', scope: 'legal-aid:cases' }, { expiresIn: '1h' });
    redis = await redisAnswers(TEST_REDIS_URL);
    if (!redis && process.env.TEST_REDIS_URL) throw new Error(`TEST_REDIS_URL ${TEST_REDIS_URL} does not answer`);
    if (!redis) console.warn(`no Redis at ${TEST_REDIS_URL}: the tests of figures kept in Redis are skipped`);
    legalAidEnv = serviceEnv({ LEGAL_AID_PORT: '0' });
    [judicial, legalAid] = await Promise.all([startServiceProcess('judicial', serviceEnv({ JUDICIAL_PORT: '0' })), startServiceProcess('legal-aid', legalAidEnv)]);
    legalAidEnv.LEGAL_AID_PORT = String(legalAid.port);
    const nowhere = `http://127.0.0.1:${await freePort()}/graphql`;
    const gatewayEnv = (extra: Record<string, string>) =>
      serviceEnv({
        GATEWAY_PORT: '0',
        JUDICIAL_URL: judicial.url,
        LEGAL_AID_URL: legalAid.url,
        EDUCATION_URL: nowhere,
        PARTNERS_URL: nowhere,
        GATEWAY_STARTUP_WAIT_FOR: 'judicial,legal-aid',
        GATEWAY_SUBGRAPH_RETRY_BACKOFF_MS: '20',
        GATEWAY_PROBE_INTERVAL_MS: '200',
        GATEWAY_SUPERGRAPH_WATCH: 'off',
        // On, as by default (test/processes.ts turns it off for the other suites).
        STALE_IF_ERROR_MAX_AGE: '86400',
        ...extra,
      });
    [memory, ...replicas] = await Promise.all([
      startServiceProcess('gateway', gatewayEnv({})),
      ...(redis ? [1, 2].map(() => startServiceProcess('gateway', gatewayEnv({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix }))) : []),
    ]);
  }, 300_000);

  afterAll(async () => {
    for (const service of [memory, ...replicas, legalAid, judicial]) await killProcess(service);
    if (redis) {
      const client = createClient({ url: TEST_REDIS_URL });
      await client.connect();
      const keys = await client.keys(`${prefix}:*`);
      if (keys.length) await client.del(keys);
      await client.close();
    }
  });

  test('all up: fresh figures, no lastKnownFigures; only public answers are kept, in Redis when it is set', async () => {
    warmedAt = Date.now();
    const first = await post(memory, SCORECARD);
    expect(first.errors).toBeUndefined();
    expect(first.extensions?.lastKnownFigures).toBeUndefined();
    baseline = first.data!;
    expect(baseline.region.legalAidStats.applications).toBeGreaterThan(0);
    const cases = await post(memory, CASES, asAnalyst());
    expect(cases.errors).toBeUndefined();
    expect(cases.data!.region.legalAidCases.totalCount).toBeGreaterThan(0);
    if (!redis) return;
    // The first replica warms Redis; the second asks nothing before legal aid is down.
    expect(await post(replicas[0], SCORECARD)).toMatchObject({ data: baseline });
    expect((await post(replicas[0], CASES, asAnalyst())).errors).toBeUndefined();
    const entries = await eventually(async () => {
      const found = await redisEntries('legal-aid');
      return found.size > 0 ? found : undefined;
    }, 10_000);
    // One fetch to legal aid was public (the scorecard's); the one with case records was not kept.
    expect(entries.size).toBe(1);
    for (const value of entries.values()) {
      const entry = JSON.parse(value) as { storedAt: number; text: string; mac: string };
      expect(JSON.parse(entry.text).data._entities[0].legalAidStats).toEqual(baseline.region.legalAidStats);
      expect(entry.text).not.toMatch(/legalAidCases|caseNumber|totalCount/);
      expect(entry.mac).toMatch(/^[\w-]{43}$/);
    }
    expect((await redisEntries('judicial')).size).toBeGreaterThan(0);
  });

  test('legal aid killed: the scorecard keeps its legal aid figures, marked with the agency and their age; the case records are null with an error', async () => {
    legalAid.child.kill('SIGKILL');
    await legalAid.exited;
    await sleep(1100);
    const askedAt = Date.now();
    const response = await post(memory, SCORECARD);
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual(baseline);
    const [mark, ...more] = response.extensions!.lastKnownFigures!;
    expect(more).toEqual([]);
    expect(mark).toEqual({ agency: 'legal-aid', ageSeconds: expect.any(Number), storedAt: expect.any(String) });
    const storedAt = Date.parse(mark.storedAt);
    expect(storedAt).toBeGreaterThanOrEqual(warmedAt);
    expect(storedAt).toBeLessThanOrEqual(askedAt - 1100);
    expect(mark.ageSeconds).toBeGreaterThanOrEqual(1);
    expect(mark.ageSeconds).toBeLessThanOrEqual(Math.ceil((Date.now() - storedAt) / 1000));

    // The same fetch with case records in it was never kept: nothing stands in for it.
    const cases = await post(memory, CASES, asAnalyst());
    expect(cases.data).toEqual({ region: { name: baseline.region.name, legalAidStats: null, legalAidCases: null } });
    expect(cases.errors).toEqual([expect.objectContaining({ extensions: { code: 'SUBGRAPH_UNAVAILABLE', agency: 'legal-aid' } })]);
    expect(cases.extensions?.lastKnownFigures).toBeUndefined();
  });

  test('from Redis: a replica that never asked the scorecard serves the figures another replica kept', async () => {
    if (!redis) return;
    const response = await post(replicas[1], SCORECARD);
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual(baseline);
    expect(response.extensions!.lastKnownFigures).toEqual([{ agency: 'legal-aid', ageSeconds: expect.any(Number), storedAt: expect.any(String) }]);
    const cases = await post(replicas[1], CASES, asAnalyst());
    expect(cases.data!.region.legalAidCases).toBeNull();
    expect(cases.extensions?.lastKnownFigures).toBeUndefined();
  });

  test('a Redis entry altered by someone else is refused: the field is null with an error, and the gateway logs it', async () => {
    if (!redis) return;
    const client = createClient({ url: TEST_REDIS_URL });
    await client.connect();
    try {
      const entries = await redisEntries('legal-aid');
      expect(entries.size).toBe(1);
      for (const [key, value] of entries) {
        const entry = JSON.parse(value) as { storedAt: number; text: string; mac: string };
        // Bigger figures, the signature left as it was.
        const text = entry.text.replace(/"applications":(\d+)/, (_match, n) => `"applications":${Number(n) + 1000}`);
        expect(text).not.toBe(entry.text);
        await client.set(key, JSON.stringify({ ...entry, text }), { KEEPTTL: true });
      }
    } finally {
      await client.close();
    }
    const response = await post(replicas[1], SCORECARD);
    expect(response.data!.region).toEqual({ ...baseline.region, legalAidStats: null });
    expect(response.errors).toEqual([expect.objectContaining({ extensions: { code: 'SUBGRAPH_UNAVAILABLE', agency: 'legal-aid' } })]);
    expect(response.extensions?.lastKnownFigures).toBeUndefined();
    expect(replicas[1].logs.some((line) => line.msg === 'last-known figures refused: the entry is not signed by this hub' && line.subgraph === 'legal-aid')).toBe(true);
  });

  test('legal aid back on its port: fresh figures again, without lastKnownFigures, without a gateway restart', async () => {
    legalAid = await startServiceProcess('legal-aid', legalAidEnv);
    for (const gateway of [memory, ...replicas]) {
      const fresh = await eventually(async () => {
        const response = await post(gateway, SCORECARD);
        return !response.errors && !response.extensions?.lastKnownFigures ? response : undefined;
      }, 30_000, 100);
      expect(fresh.data).toEqual(baseline);
      expect(gateway.child.exitCode).toBeNull();
    }
  }, 120_000);
});

describe('the last-known store itself (in memory)', () => {
  const secret = Buffer.alloc(32, 7);

  test('off at STALE_IF_ERROR_MAX_AGE 0', async () => {
    expect(await createLastKnownFigures({ maxAgeSeconds: 0, secret })).toBeUndefined();
  });

  test('an answer older than STALE_IF_ERROR_MAX_AGE is not served', async () => {
    const store = (await createLastKnownFigures({ maxAgeSeconds: 1, secret }))!;
    store.remember('legal-aid', 'fetch-1', '{"data":{"x":1}}');
    await sleep(10);
    expect(await store.recall('legal-aid', 'fetch-1')).toEqual({ response: { data: { x: 1 } }, storedAt: expect.any(Number) });
    expect(await store.recall('legal-aid', 'fetch-2')).toBeUndefined();
    expect(await store.recall('education', 'fetch-1')).toBeUndefined();
    await sleep(1100);
    expect(await store.recall('legal-aid', 'fetch-1')).toBeUndefined();
    await store.close();
  });

  test('a fetch answered many times is written again only once LAST_KNOWN_REFRESH_SECONDS have passed', async () => {
    const store = (await createLastKnownFigures({ maxAgeSeconds: 60, refreshSeconds: 1, secret }))!;
    store.remember('legal-aid', 'fetch-1', '{"data":{"x":1}}');
    store.remember('legal-aid', 'fetch-1', '{"data":{"x":2}}');
    expect((await store.recall('legal-aid', 'fetch-1'))?.response).toEqual({ data: { x: 1 } });
    await sleep(1100);
    store.remember('legal-aid', 'fetch-1', '{"data":{"x":3}}');
    expect((await store.recall('legal-aid', 'fetch-1'))?.response).toEqual({ data: { x: 3 } });
    const every = (await createLastKnownFigures({ maxAgeSeconds: 60, refreshSeconds: 0, secret }))!;
    every.remember('legal-aid', 'fetch-1', '{"data":{"x":1}}');
    every.remember('legal-aid', 'fetch-1', '{"data":{"x":2}}');
    expect((await every.recall('legal-aid', 'fetch-1'))?.response).toEqual({ data: { x: 2 } });
    await Promise.all([store.close(), every.close()]);
  });
});
