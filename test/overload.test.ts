// Issue 18, item 5: load is shed cleanly, and abandoned work is dropped.
// - The gateway holds at most maxInFlight requests: a burst of uncached
//   scorecards beyond it is answered 503 at once, with Retry-After and
//   OVERLOADED, while every admitted request completes in full; /health stays
//   answered during the burst.
// - A subgraph does the same with its own bound.
// - A subgraph refuses a call whose deadline (the identity's exp) has passed
//   without touching its database, and a call the gateway hung up on stops at
//   its next SQL statement (a table lock held by the test keeps the first
//   statement waiting while the caller goes away).
import pg from 'pg';
import { SCORECARD, SCORECARD_VARIABLES } from '../bench/workloads';
import judicial from '../subgraphs/judicial/subgraph';
import { startSubgraph, type RunningSubgraph } from '../platform/server/subgraph';
import { createIdentitySigner } from '../platform/access/identity';
import { createTestDatabase, IDENTITY_SECRET, identityHeaders, postGraphQL, startHub, testIdentityKey, type GraphQLResponse, type Hub } from './harness';

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; retryAfter: string | null; ms: number; json: GraphQLResponse }> {
  const started = Date.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const json = (await response.json()) as GraphQLResponse;
  return { status: response.status, retryAfter: response.headers.get('retry-after'), ms: Date.now() - started, json };
}

describe('admission control at the gateway', () => {
  let hub: Hub;
  const MAX = 3;
  beforeAll(async () => {
    hub = await startHub({ seedScale: 0.1, gateway: { maxInFlight: MAX, responseCache: false } });
  });
  afterAll(() => hub?.stop());

  test('a burst of 30 uncached scorecards: the excess is 503 OVERLOADED with Retry-After at once, every admitted one complete; /health answered throughout', async () => {
    const complete = await hub.query(SCORECARD, SCORECARD_VARIABLES);
    expect(complete.errors).toBeUndefined();
    const burst = Array.from({ length: 30 }, () => post(hub.gateway.url, { query: SCORECARD, variables: SCORECARD_VARIABLES }));
    const health = await fetch(hub.gateway.url.replace('/graphql', '/health'));
    expect(health.status).toBe(200);
    const answers = await Promise.all(burst);
    const shed = answers.filter((a) => a.status === 503);
    const admitted = answers.filter((a) => a.status !== 503);
    expect(shed.length).toBeGreaterThan(0);
    expect(admitted.length).toBeGreaterThanOrEqual(MAX);
    for (const answer of shed) {
      expect(answer.retryAfter).toBe('1');
      expect(answer.json.errors).toEqual([{ message: expect.any(String), extensions: { code: 'OVERLOADED' } }]);
    }
    for (const answer of admitted) {
      expect(answer.status).toBe(200);
      expect(answer.json.errors).toBeUndefined();
      expect(answer.json.data).toEqual(complete.data);
    }
    // Shedding is immediate: the quickest refusal came well before the slowest admitted answer.
    expect(Math.min(...shed.map((a) => a.ms))).toBeLessThan(Math.max(...admitted.map((a) => a.ms)));
    // Capacity is given back: a request after the burst is answered.
    expect((await hub.query(SCORECARD, SCORECARD_VARIABLES)).errors).toBeUndefined();
  });
});

describe('a subgraph sheds load and drops abandoned work', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let subgraph: RunningSubgraph<any>;
  beforeAll(async () => {
    database = await createTestDatabase('overload_judicial');
    subgraph = await startSubgraph(judicial, { port: 0, databaseUrl: database.url, seedScale: 0.1, identityKey: testIdentityKey('judicial'), maxInFlight: 2 });
  });
  afterAll(async () => {
    await subgraph?.stop();
    await database?.drop();
  });

  test('beyond its bound a subgraph answers 503 OVERLOADED with Retry-After', async () => {
    const body = JSON.stringify({ query: '{ region(code: "650000") { judicialStats { offices mediationCases } children { judicialStats { offices mediationCases } } } }' });
    const answers = await Promise.all(Array.from({ length: 12 }, () => post(subgraph.url, body, identityHeaders('judicial', body))));
    const shed = answers.filter((a) => a.status === 503);
    expect(shed.length).toBeGreaterThan(0);
    for (const answer of shed) expect({ retryAfter: answer.retryAfter, code: answer.json.errors?.[0]?.extensions?.code }).toEqual({ retryAfter: '1', code: 'OVERLOADED' });
    for (const answer of answers.filter((a) => a.status !== 503)) expect(answer.json.errors).toBeUndefined();
    expect((await fetch(subgraph.url.replace('/graphql', '/health'))).status).toBe(200);
  });

  test('a call whose deadline has passed is refused ABANDONED without a SQL statement', async () => {
    const body = JSON.stringify({ query: '{ region(code: "652922") { judicialStats { mediationCases } } }' });
    // Its exp 300 ms ago: still within the clock leeway, so the identity verifies; the call's time is up.
    const late = createIdentitySigner(IDENTITY_SECRET)({ viewer: { subject: null, agency: null, scopes: [], regions: [] }, requestId: 'late' }, { audience: 'judicial', body, lifetimeMs: -300 });
    const before = subgraph.database.statementCount();
    const answer = await postGraphQL(subgraph.url, body, { 'x-hub-identity': late });
    expect(answer.status).toBe(503);
    expect(answer.errors?.[0]?.extensions?.code).toBe('ABANDONED');
    expect(subgraph.database.statementCount()).toBe(before);
  });

  test('a call the gateway hung up on stops at its next SQL statement: two writes in one request, neither made', async () => {
    const WRITER = { subject: 'overload-writer', agency: 'judicial', scopes: ['judicial:write'], regions: [] };
    const OFFICE = 'JO-652922100';
    const writes = (a: number, b: number) => JSON.stringify({ query: `mutation { a: updateJudicialOffice(id: "${OFFICE}", input: { staffCount: ${a} }) { staffCount } b: updateJudicialOffice(id: "${OFFICE}", input: { staffCount: ${b} }) { staffCount } }` });
    const staff = async () => (await postGraphQL<{ judicialOffice: { staffCount: number } }>(subgraph.url, `{"query":"{ judicialOffice(id: \\"${OFFICE}\\") { staffCount } }"}`, identityHeaders('judicial', `{"query":"{ judicialOffice(id: \\"${OFFICE}\\") { staffCount } }"}`))).data!.judicialOffice.staffCount;
    // How many statements the two writes take when nobody hangs up (mutations run one after the other).
    let before = subgraph.database.statementCount();
    const whole = await postGraphQL(subgraph.url, writes(7, 8), identityHeaders('judicial', writes(7, 8), WRITER));
    expect(whole.errors).toBeUndefined();
    const statements = subgraph.database.statementCount() - before;
    expect(statements).toBeGreaterThanOrEqual(4);
    expect(await staff()).toBe(8);

    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table judicial_office in access exclusive mode');
      const controller = new AbortController();
      before = subgraph.database.statementCount();
      const body = writes(9, 10);
      const sent = fetch(subgraph.url, { method: 'POST', headers: { 'content-type': 'application/json', ...identityHeaders('judicial', body, WRITER) }, body, signal: controller.signal }).catch((error: Error) => error);
      // Until the subgraph's first statement waits for the lock.
      for (let i = 0; i < 100; i++) {
        const { rows } = await locker.query<{ n: number }>(`select count(*)::int as n from pg_locks where not granted and relation = 'judicial_office'::regclass`);
        if (rows[0].n > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      controller.abort();
      expect(await sent).toMatchObject({ name: 'AbortError' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await locker.query('commit');
    } finally {
      await locker.end();
    }
    // The waiting statement finishes; nothing after it is sent, and neither write is made.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(subgraph.database.statementCount() - before).toBeLessThan(statements);
    expect(await staff()).toBe(8);
  });
});
