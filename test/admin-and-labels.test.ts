// Issue 18, item 7: what the public port shows, and what clients can put into
// metrics and audit records.
// - Only GET /health and POST /graphql on the public port; GET /ready (with
//   the supergraph's path and versions) and /metrics on the admin port
//   (port + 100, 127.0.0.1 by default), for the gateway and a subgraph alike.
// - Operation-name labels are the registered operations' names (and the query
//   planner's names for their parts) or `other`: 200 junk names do not push a
//   dashboard's own operation into `other`.
// - A client's x-request-id is kept only when it is a plain token; any other
//   is replaced before it reaches a log line or an audit record.
import type { Kysely } from 'kysely';
import { defaultAdminPort } from '../platform/server/http';
import { SCORECARD, SCORECARD_VARIABLES } from '../bench/workloads';
import { signToken, startHub, type Hub } from './harness';
import { metricValue, parsePrometheus } from './processes';

describe('admin port, operation labels and request ids', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startHub({ seedScale: 0.05, only: ['judicial', 'legal-aid', 'education', 'partners'] });
  });
  afterAll(() => hub?.stop());

  test('the public port answers /health and /graphql only; /ready and /metrics are on the admin port, on 127.0.0.1', async () => {
    for (const service of [{ url: hub.gateway.url, admin: hub.gateway.adminUrl }, { url: hub.subgraphs.judicial.url, admin: hub.subgraphs.judicial.adminUrl }]) {
      const publicBase = service.url.replace('/graphql', '');
      expect((await fetch(`${publicBase}/health`)).status).toBe(200);
      for (const path of ['/ready', '/metrics']) {
        const response = await fetch(`${publicBase}${path}`);
        expect({ path, status: response.status }).toEqual({ path, status: 404 });
        expect(await response.text()).not.toMatch(/supergraph|hub_requests_total|\.graphql/);
      }
      expect(service.admin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${service.admin}/ready`)).status).toBe(200);
      expect(await (await fetch(`${service.admin}/metrics`)).text()).toContain('hub_requests_total');
    }
    const ready = (await (await fetch(`${hub.gateway.adminUrl}/ready`)).json()) as { supergraph: unknown };
    expect(ready.supergraph).toBeDefined();
    expect(defaultAdminPort(4000)).toBe(4100);
    expect(defaultAdminPort(0)).toBe(0);
  });

  test("200 junk operation names count as 'other'; the registered scorecard keeps its own label, at the gateway and in each subgraph", async () => {
    for (let i = 0; i < 200; i++) await hub.query(`query Junk${i} { __typename }`);
    const { errors } = await hub.query(SCORECARD, SCORECARD_VARIABLES);
    expect(errors).toBeUndefined();
    const gateway = parsePrometheus(await (await fetch(`${hub.gateway.adminUrl}/metrics`)).text());
    expect(metricValue(gateway, 'hub_requests_total', { operation: 'RegionScorecard', outcome: 'ok' })).toBe(1);
    expect(metricValue(gateway, 'hub_requests_total', { operation: 'other' })).toBe(200);
    expect([...gateway.keys()].some((key) => key.includes('Junk'))).toBe(false);
    const judicial = parsePrometheus(await (await fetch(`${hub.subgraphs.judicial.adminUrl}/metrics`)).text());
    expect(metricValue(judicial, 'hub_requests_total', { operation: 'RegionScorecard__judicial__0', outcome: 'ok' })).toBe(1);
  });

  test('a plain x-request-id is kept; any other is replaced, in the answer and in the audit record of a personal-data read', async () => {
    const token = await signToken({ sub: 'request-id-probe', agency: 'judicial', scope: 'judicial:cases judicial:pii' });
    const read = async (requestId: string) => {
      const response = await fetch(hub.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
        body: JSON.stringify({ query: '{ region(code: "652922") { mediationCases(first: 1) { nodes { parties { name } } } } }' }),
      });
      expect(response.status).toBe(200);
      return response.headers.get('x-request-id')!;
    };
    expect(await read('dashboard-7.a_b')).toBe('dashboard-7.a_b');
    const db = hub.subgraphs.judicial.database.db as Kysely<any>;
    for (const unsafe of ['x'.repeat(65), 'a b', 'id;drop', '<script>', 'victim/../id', 'é']) {
      const given = await read(unsafe);
      expect(given).not.toBe(unsafe);
      expect(given).toMatch(/^[0-9a-f-]{36}$/);
      const audits = await db.selectFrom('hub_audit').select('request_id').where('subject', '=', 'request-id-probe').where('request_id', '=', given).execute();
      expect(audits.length).toBeGreaterThan(0);
    }
    const unsafeStored = await db.selectFrom('hub_audit').select('request_id').where('subject', '=', 'request-id-probe').where('request_id', '!~', '^[A-Za-z0-9._-]{1,64}$').execute();
    expect(unsafeStored).toEqual([]);
  });
});
