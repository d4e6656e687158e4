// One agency down is not the hub down (issue 9), with real processes: the
// judicial subgraph (PGlite), the legal-aid subgraph (on a fresh PostgreSQL
// database, so that the test can hold its tables with a lock and refuse it
// connections) and the gateway, each started as deployed, configured only by
// environment variables. Every fault is caused for real:
// - a subgraph gone: SIGKILL, then started again on its port;
// - a subgraph that answers too late: its table held by an ACCESS EXCLUSIVE lock
//   from the test's own connection, so its SELECT waits;
// - a subgraph that does not answer at all: SIGSTOP (and SIGCONT);
// - a database unreachable: PostgreSQL refusing connections to it;
// - a stop while a request is in flight: SIGTERM to gateway and subgraph while
//   the subgraph's query waits on a lock.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createTestDatabase, postGraphQL, signToken, TEST_POSTGRES_URL, type GraphQLResponse } from './harness';
import { eventually, freePort, killProcess, logLinesOf, metricValue, scrape, serviceEnv, startServiceProcess, type ServiceProcess } from './processes';

const SUBGRAPH_TIMEOUT_MS = 3000;
const REQUEST_TIMEOUT_MS = 8000;
const BREAKER_RESET_MS = 1500;

/** A village of Wensu County with a legal advisor, and the county: both cross judicial and legal aid. */
const VILLAGE = '652922100201';
const COUNTY = '652922';
/**
 * `village` and `county` ask for fields legal aid adds to a region
 * (legalAdvisor, legalAidStats), nullable as every cross-agency field is:
 * with legal aid down they are null and the rest of each region stays.
 */
const CROSS_AGENCY = `query Stream {
  village: region(code: "${VILLAGE}") { name judicialStats { offices } legalAdvisor { since } }
  county: region(code: "${COUNTY}") { name judicialStats { offices } legalAidStats { applications } }
}`;

interface StreamData {
  village: { name: string; judicialStats: { offices: number }; legalAdvisor: { since: string } | null } | null;
  county: { name: string; judicialStats: { offices: number }; legalAidStats: { applications: number } | null } | null;
}

/** Nothing a client may not see: no URL, network error, status body or stack. */
const LEAKS = /localhost|127\.0\.0\.1|https?:\/\/|ECONN|UND_ERR|socket|fetch failed|stack|\.ts\b|HTTP \d{3}|at \w+ \(/i;

function isFull(response: GraphQLResponse<StreamData>): boolean {
  return response.status === 200 && !response.errors && !!response.data?.village?.legalAdvisor && !!response.data?.county?.legalAidStats;
}

/** Legal aid's part missing, the judicial part there, and errors that name legal aid and nothing else. */
function expectLegalAidMissing(response: GraphQLResponse<StreamData>, codes: string[]): void {
  expect(response.status).toBe(200);
  expect(response.data?.village).toEqual({ name: expect.any(String), judicialStats: { offices: expect.any(Number) }, legalAdvisor: null });
  // legalAidStats is nullable (issue 16): it alone is null, the county stays.
  expect(response.data?.county).toEqual({ name: expect.any(String), judicialStats: { offices: expect.any(Number) }, legalAidStats: null });
  expect(response.errors?.length).toBeGreaterThan(0);
  for (const error of response.errors!) {
    expect(codes).toContain(error.extensions?.code);
    expect(error.extensions?.agency).toBe('legal-aid');
    expect(error.message).toMatch(/^The legal-aid agency (is unavailable|timed out)/);
    expect(Object.keys(error.extensions!).sort()).toEqual(['agency', 'code']);
  }
  expect(JSON.stringify(response.errors)).not.toMatch(LEAKS);
}


describe('one agency down is not the hub down (real processes)', () => {
  let database: { url: string; drop(): Promise<void> };
  let judicial: ServiceProcess;
  let legalAid: ServiceProcess | undefined;
  let gateway: ServiceProcess;
  let legalAidEnv: NodeJS.ProcessEnv;
  const admin = () => new pg.Client({ connectionString: TEST_POSTGRES_URL });
  const databaseName = () => new URL(database.url).pathname.slice(1);

  const query = <T = StreamData>(body: string | { query: string; variables?: unknown }, headers: Record<string, string> = {}) =>
    postGraphQL<T>(gateway.url, typeof body === 'string' ? { query: body } : body, headers);
  const ready = async (service: { admin: string }) => {
    const response = await fetch(`${service.admin}/ready`);
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  /** Until a cross-agency query is answered in full again and legal aid's breaker is closed. */
  const healthy = () =>
    eventually(async () => isFull(await query(CROSS_AGENCY)) && (await ready(gateway)).body.subgraphs['legal-aid'].breaker === 'closed', 60_000, 200);

  /** Holds legal aid's advisors table with a lock from the test's own connection until `release`. */
  async function lockAdvisors(): Promise<{ release(): Promise<void> }> {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query('begin');
    await client.query('lock table village_legal_advisor in access exclusive mode');
    return {
      async release() {
        await client.query('rollback');
        await client.end();
      },
    };
  }

  beforeAll(async () => {
    database = await createTestDatabase('resilience_legal_aid');
    const nowhere = `http://127.0.0.1:${await freePort()}/graphql`;
    legalAidEnv = serviceEnv({ LEGAL_AID_PORT: '0', LEGAL_AID_DATABASE_URL: database.url, SHUTDOWN_GRACE_MS: '15000' });
    [judicial, legalAid] = await Promise.all([
      startServiceProcess('judicial', serviceEnv({ JUDICIAL_PORT: '0' })),
      startServiceProcess('legal-aid', legalAidEnv),
    ]);
    legalAidEnv.LEGAL_AID_PORT = String(legalAid.port);
    gateway = await startServiceProcess(
      'gateway',
      serviceEnv({
        GATEWAY_PORT: '0',
        JUDICIAL_URL: judicial.url,
        LEGAL_AID_URL: legalAid.url,
        EDUCATION_URL: nowhere,
        PARTNERS_URL: nowhere,
        // Two agencies are not running at all: ready once the two that run have started.
        GATEWAY_STARTUP_WAIT_FOR: 'judicial,legal-aid',
        GATEWAY_SUBGRAPH_TIMEOUT_MS: String(SUBGRAPH_TIMEOUT_MS),
        GATEWAY_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        GATEWAY_SUBGRAPH_RETRY_BACKOFF_MS: '20',
        GATEWAY_BREAKER_VOLUME: '3',
        GATEWAY_BREAKER_WINDOW_MS: '5000',
        GATEWAY_BREAKER_RESET_MS: String(BREAKER_RESET_MS),
        GATEWAY_SUPERGRAPH_WATCH: 'off',
        SHUTDOWN_GRACE_MS: '15000',
      }),
    );
  }, 180_000);

  afterAll(async () => {
    for (const service of [gateway, legalAid, judicial]) await killProcess(service);
    await database?.drop();
  });

  test('all up: a cross-agency query is answered in full; every service is ready', async () => {
    const response = await query(CROSS_AGENCY);
    expect(response.errors).toBeUndefined();
    expect(isFull(response)).toBe(true);
    for (const service of [judicial, legalAid!]) {
      const { status, body } = await ready(service);
      expect(status).toBe(200);
      expect(body).toMatchObject({ ready: true, database: { reachable: true, migrations: 'done' } });
    }
    const { status, body } = await ready(gateway);
    expect(status).toBe(200);
    expect(body).toMatchObject({ ready: true, supergraph: { source: 'file', version: expect.stringMatching(/^[0-9a-f]{12}$/) } });
    expect(body.subgraphs['legal-aid']).toMatchObject({ breaker: 'closed', lastCall: { outcome: 'ok' } });
    expect(JSON.stringify(body)).not.toMatch(/https?:\/\//);
    const health = await fetch(`${gateway.base}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  test('logs: one line per request with its id, operation, agency, duration and subgraphs; the subgraphs log the same id', async () => {
    const token = await signToken({ sub: 'clerk-1', agency: 'education' });
    const response = await query(CROSS_AGENCY, { 'x-request-id': 'resilience-log-1', authorization: `Bearer ${token}` });
    expect(isFull(response)).toBe(true);
    // A line is written once the answer has gone out.
    await eventually(() => [gateway, judicial, legalAid!].every((service) => logLinesOf(service, 'resilience-log-1').length > 0), 10_000);
    const [line] = logLinesOf(gateway, 'resilience-log-1');
    expect(line).toMatchObject({
      service: 'gateway',
      msg: 'request',
      operation: 'Stream',
      agency: 'education',
      status: 200,
      outcome: 'ok',
      durationMs: expect.any(Number),
      subgraphs: expect.arrayContaining(['judicial', 'legal-aid']),
    });
    for (const service of [judicial, legalAid!]) {
      for (const subgraphLine of logLinesOf(service, 'resilience-log-1')) {
        expect(subgraphLine).toMatchObject({ service: service.name, msg: 'request', agency: 'education', outcome: 'ok', operation: expect.stringMatching(/^Stream__/) });
      }
    }
  });

  test('/metrics parses and counts the requests sent, at the gateway and at the subgraph', async () => {
    const [gatewayBefore, judicialBefore] = await Promise.all([scrape(gateway), scrape(judicial)]);
    const sent = 7;
    for (let i = 0; i < sent; i++) {
      const response = await query('query JudicialOverview { region(code: "650000") { name } }');
      expect(response.errors).toBeUndefined();
    }
    // The gateway counts a request when its answer has gone out: give the last one a moment.
    await sleep(100);
    const [gatewayAfter, judicialAfter, legalAidMetrics] = await Promise.all([scrape(gateway), scrape(judicial), scrape(legalAid!)]);
    const delta = (after: Map<string, number>, before: Map<string, number>, name: string, labels: Record<string, string>) =>
      metricValue(after, name, labels) - metricValue(before, name, labels);
    const probe = { operation: 'JudicialOverview', outcome: 'ok', service: 'gateway' };
    expect(delta(gatewayAfter, gatewayBefore, 'hub_requests_total', probe)).toBe(sent);
    expect(delta(gatewayAfter, gatewayBefore, 'hub_request_duration_seconds_count', probe)).toBe(sent);
    expect(delta(gatewayAfter, gatewayBefore, 'hub_request_duration_seconds_bucket', { ...probe, le: '+Inf' })).toBe(sent);
    expect(delta(gatewayAfter, gatewayBefore, 'hub_subgraph_requests_total', { subgraph: 'judicial', outcome: 'ok' })).toBe(sent);
    expect(delta(gatewayAfter, gatewayBefore, 'hub_subgraph_request_duration_seconds_count', { subgraph: 'judicial', outcome: 'ok' })).toBe(sent);
    expect(metricValue(gatewayAfter, 'hub_subgraph_breaker_state', { subgraph: 'judicial' })).toBe(0);
    // The subgraph sees the operation under the query planner's name for its part.
    expect(delta(judicialAfter, judicialBefore, 'hub_requests_total', { operation: 'JudicialOverview__judicial__0', outcome: 'ok', service: 'judicial' })).toBe(sent);
    expect(delta(judicialAfter, judicialBefore, 'hub_db_statements_total', {})).toBeGreaterThan(0);
    // Database pools: PGlite's one connection; PostgreSQL's pool.
    expect(metricValue(judicialAfter, 'hub_db_pool_connections', { state: 'total', kind: 'pglite' })).toBe(1);
    expect(metricValue(legalAidMetrics, 'hub_db_pool_connections', { state: 'total', kind: 'postgres' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(legalAidMetrics, 'process_cpu_user_seconds_total', { service: 'legal-aid' })).toBeGreaterThan(0);
  });

  test('an agency not running at all (education here): its root field is null with an error naming it, the rest is answered', async () => {
    const response = await query<{ region: { name: string } | null; campaigns: unknown[] | null }>(`{ region(code: "${COUNTY}") { name } campaigns { id title } }`);
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ region: { name: expect.any(String) }, campaigns: null });
    expect(response.errors).toEqual([
      { message: 'The education agency is unavailable; the fields it serves are missing from this answer', extensions: { code: 'SUBGRAPH_UNAVAILABLE', agency: 'education' } },
    ]);
  });

  test('a subgraph that answers past the timeout: its fields are null, the error says it timed out, the rest is answered', async () => {
    await healthy();
    const lock = await lockAdvisors();
    try {
      const started = Date.now();
      const response = await query(`{ village: region(code: "${VILLAGE}") { name judicialStats { offices } legalAdvisor { since } } }`);
      const elapsed = Date.now() - started;
      expect(response.status).toBe(200);
      expect(response.data).toEqual({ village: { name: expect.any(String), judicialStats: { offices: expect.any(Number) }, legalAdvisor: null } });
      expect(response.errors).toEqual([
        { message: 'The legal-aid agency timed out; the fields it serves are missing from this answer', extensions: { code: 'SUBGRAPH_TIMEOUT', agency: 'legal-aid' } },
      ]);
      // Not sooner than the timeout, and no retry of a call that timed out: well within the request's deadline.
      expect(elapsed).toBeGreaterThanOrEqual(SUBGRAPH_TIMEOUT_MS - 100);
      expect(elapsed).toBeLessThan(REQUEST_TIMEOUT_MS);
    } finally {
      await lock.release();
    }
  });

  test('the breaker opens on a subgraph that does not answer (SIGSTOP), fails fast while open, and closes by itself when it answers again', async () => {
    await healthy();
    const before = await scrape(gateway);
    legalAid!.child.kill('SIGSTOP');
    try {
      // Enough calls in the window, failing (more than the successes just before): the breaker opens.
      // Each request named apart, so that their calls are not merged in flight (gateway/in-flight.ts):
      // one batched call to legal aid each (gateway/fetch-batch.ts).
      const first = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => query(CROSS_AGENCY.replace('query Stream', `query Stream${n}`))));
      for (const response of first) expectLegalAidMissing(response, ['SUBGRAPH_TIMEOUT', 'SUBGRAPH_UNAVAILABLE']);
      expect((await ready(gateway)).body.subgraphs['legal-aid'].breaker).toBe('open');
      // While open: answered at once, without waiting for the subgraph.
      const started = Date.now();
      const fast = await query(CROSS_AGENCY);
      expect(Date.now() - started).toBeLessThan(SUBGRAPH_TIMEOUT_MS / 2);
      expectLegalAidMissing(fast, ['SUBGRAPH_UNAVAILABLE']);
      const during = await scrape(gateway);
      expect(metricValue(during, 'hub_subgraph_requests_total', { subgraph: 'legal-aid', outcome: 'rejected' })).toBeGreaterThan(
        metricValue(before, 'hub_subgraph_requests_total', { subgraph: 'legal-aid', outcome: 'rejected' }),
      );
      expect(metricValue(during, 'hub_subgraph_breaker_state', { subgraph: 'legal-aid' })).toBe(2);
      // The judicial subgraph's breaker is not touched.
      expect(metricValue(during, 'hub_subgraph_breaker_state', { subgraph: 'judicial' })).toBe(0);
    } finally {
      legalAid!.child.kill('SIGCONT');
    }
    // After the reset time a trial call goes through, succeeds, and the breaker closes: no restart.
    await healthy();
    expect((await ready(gateway)).body.subgraphs['legal-aid']).toMatchObject({ breaker: 'closed', lastCall: { outcome: 'ok' } });
  });

  test('a subgraph stopped mid-way through a stream of cross-agency queries: no hang, partial answers naming it, recovery once it is back', async () => {
    await healthy();
    const gatewayPid = gateway.pid;
    const results: { sentAt: number; doneAt: number; response: GraphQLResponse<StreamData> }[] = [];
    let streaming = true;
    const streams = [1, 2].map(async () => {
      while (streaming) {
        const sentAt = Date.now();
        const response = await query(CROSS_AGENCY);
        results.push({ sentAt, doneAt: Date.now(), response });
        await sleep(25);
      }
    });
    try {
      await eventually(() => results.length >= 6, 30_000);
      const killedAt = Date.now();
      legalAid!.child.kill('SIGKILL');
      await legalAid!.exited;
      await sleep(1500);
      // Back on its port, with its database as it was.
      legalAid = await startServiceProcess('legal-aid', legalAidEnv);
      const backAt = Date.now();
      await eventually(() => results.some((r) => r.sentAt > backAt && isFull(r.response)), 60_000);
      streaming = false;
      await Promise.all(streams);

      const before = results.filter((r) => r.doneAt < killedAt);
      const down = results.filter((r) => r.sentAt > killedAt + 50 && r.doneAt < backAt);
      expect(before.length).toBeGreaterThan(0);
      expect(down.length).toBeGreaterThan(3);
      for (const r of before) expect(isFull(r.response)).toBe(true);
      for (const r of down) expectLegalAidMissing(r.response, ['SUBGRAPH_UNAVAILABLE']);
      // No answer waited for the dead subgraph: each well within the request's deadline.
      for (const r of results) {
        expect(r.response.status).toBe(200);
        expect(r.doneAt - r.sentAt).toBeLessThan(REQUEST_TIMEOUT_MS);
      }
      // The same gateway process throughout.
      expect(gateway.child.exitCode).toBeNull();
      expect(gateway.pid).toBe(gatewayPid);
    } finally {
      streaming = false;
      await Promise.all(streams);
    }
    await healthy();
  });

  test('readiness turns false when the database refuses connections, and true again when it accepts them', async () => {
    await healthy();
    const client = admin();
    await client.connect();
    try {
      await client.query(`alter database "${databaseName()}" allow_connections false`);
      await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [databaseName()]);
      const down = await eventually(async () => {
        const state = await ready(legalAid!);
        return state.status === 503 ? state : undefined;
      }, 20_000);
      expect(down.body).toMatchObject({ ready: false, database: { kind: 'postgres', reachable: false, reason: expect.any(String) } });
      expect(JSON.stringify(down.body)).not.toMatch(/postgres:\/\/|127\.0\.0\.1/);
      // Alive all the same, and the gateway stays ready: one agency's trouble is not the hub's.
      expect((await fetch(`${legalAid!.base}/health`)).status).toBe(200);
      expect((await ready(gateway)).status).toBe(200);
    } finally {
      await client.query(`alter database "${databaseName()}" allow_connections true`);
      await client.end();
    }
    const up = await eventually(async () => {
      const state = await ready(legalAid!);
      return state.status === 200 ? state : undefined;
    }, 20_000);
    expect(up.body).toMatchObject({ ready: true, database: { reachable: true, migrations: 'done' } });
  });

  test('SIGTERM while a request is in flight: no new connections, the request completes, gateway and subgraph exit 0', async () => {
    await healthy();
    const lock = await lockAdvisors();
    let released = false;
    try {
      const pending = query(`query InFlight { village: region(code: "${VILLAGE}") { name legalAdvisor { since } } }`);
      // The subgraph's SELECT is waiting on the test's lock: the request is in flight at both services.
      const client = admin();
      await client.connect();
      try {
        await eventually(async () => {
          const { rows } = await client.query("select count(*)::int as n from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'", [databaseName()]);
          return rows[0].n > 0;
        }, 20_000, 50);
      } finally {
        await client.end();
      }
      gateway.child.kill('SIGTERM');
      legalAid!.child.kill('SIGTERM');
      // Both stop accepting connections...
      await eventually(async () => {
        const refused = await Promise.all([gateway, legalAid!].map((s) => fetch(`${s.base}/health`).then(() => false, () => true)));
        return refused.every(Boolean);
      }, 5_000, 50);
      expect(gateway.child.exitCode).toBeNull();
      expect(legalAid!.child.exitCode).toBeNull();
      // ...and finish what they had once the subgraph's query can go on.
      await lock.release();
      released = true;
      const response = await pending;
      expect(response.status).toBe(200);
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({ village: { name: expect.any(String), legalAdvisor: { since: expect.any(String) } } });
      expect(await gateway.exited).toEqual({ code: 0, signal: null });
      expect(await legalAid!.exited).toEqual({ code: 0, signal: null });
      for (const service of [gateway, legalAid!]) {
        expect(service.logs.some((line) => line.msg === 'stopped')).toBe(true);
        expect(service.logs.some((line) => line.msg === 'request' && /^InFlight(__|$)/.test(String(line.operation)) && line.status === 200)).toBe(true);
      }
    } finally {
      if (!released) await lock.release();
    }
    // The judicial subgraph, on PGlite, stops cleanly too.
    judicial.child.kill('SIGTERM');
    expect(await judicial.exited).toEqual({ code: 0, signal: null });
  });
});
