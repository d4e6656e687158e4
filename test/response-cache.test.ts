// Response caching at the gateway (issue 8), correctness only: public
// aggregates are served from the cache; case records and personal data never
// are, so no caller sees another's; a write through the hub (a mutation, an
// import) invalidates the cached scorecard; and the wide list (workload 3 of `npm run bench`) sends as
// many SQL statements for 100 offices as for 10.
import { createHash } from 'node:crypto';
import { QueryPlanner } from '@apollo/query-planner';
import { SCORECARD, SCORECARD_VARIABLES, WIDE_LIST, wideListVariables } from '../bench/workloads';
import path from 'node:path';
import { createClient } from '@keyv/redis';
import { startGateway, type RunningGateway } from '../gateway/gateway';
import { importThroughHub, postGraphQL, redisAnswers, signToken, startHub, supergraphWithEducation, TEST_REDIS_URL as REDIS_URL, testGatewayKeys, type Hub, type TokenClaims } from './harness';


const COUNTY = '652922';
const OFFICE = 'JO-652922100';
/** Cases of the county: protected data whose visible part depends on the caller. */
const CASES = `query($code: ID!) { region(code: $code) { code judicialStats { mediationCases } mediationCases(first: 3) { totalCount nodes { id parties { name idNumber } } } } }`;
const AUDIT = `query($subject: String) { judicialAuditRecords(first: 100, filter: { subject: $subject }) { totalCount } }`;

const CLERK: TokenClaims = { sub: 'wensu-clerk', agency: 'judicial', scope: 'judicial:cases judicial:pii', regions: [COUNTY] };
const OUTSIDER: TokenClaims = { sub: 'kashgar-clerk', agency: 'judicial', scope: 'judicial:cases judicial:pii', regions: ['653100'] };
const WRITER: TokenClaims = { sub: 'writer', agency: 'judicial', scope: 'judicial:write' };
const AUDITOR: TokenClaims = { sub: 'auditor', agency: 'judicial', scope: 'judicial:audit' };

async function bearer(claims: TokenClaims): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await signToken(claims, { expiresIn: '1h' })}` };
}

describe('response caching at the gateway', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startHub({ gateway: { responseCache: true } });
  });
  afterAll(() => hub?.stop());

  test('a repeated public scorecard is answered from the cache, without reaching a subgraph', async () => {
    const first = await hub.query(SCORECARD, SCORECARD_VARIABLES);
    expect(first.errors).toBeUndefined();
    const before = hub.subgraphRequests();
    const second = await hub.query(SCORECARD, SCORECARD_VARIABLES);
    expect(second).toEqual(first);
    expect(hub.subgraphRequests()).toBe(before);
    // No Cache-Control for clients: no HTTP cache outside the hub keeps a figure past a write.
    const response = await fetch(hub.gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: SCORECARD, variables: SCORECARD_VARIABLES }) });
    expect(response.headers.get('cache-control')).toBeNull();
  });

  test('case records and personal data are never cached: each caller gets their own, every read reaches the subgraph and is audited', async () => {
    const clerk = await bearer(CLERK);
    const outsider = await bearer(OUTSIDER);
    const auditor = await bearer(AUDITOR);
    const audited = async (subject: string) => (await hub.query(AUDIT, { subject }, auditor)).data!.judicialAuditRecords.totalCount as number;

    const anonymous = await hub.query(CASES, { code: COUNTY });
    expect(anonymous.data!.region.mediationCases.totalCount).toBe(0);

    const auditsBefore = await audited(CLERK.sub!);
    const requestsBefore = hub.subgraphRequests();
    const mine = await hub.query(CASES, { code: COUNTY }, clerk);
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.region.mediationCases.totalCount).toBeGreaterThan(0);
    expect(mine.data!.region.mediationCases.nodes[0].parties[0].name).toEqual(expect.any(String));
    const again = await hub.query(CASES, { code: COUNTY }, clerk);
    expect(again.data).toEqual(mine.data);
    // Both of the clerk's requests reached the judicial subgraph, and both reads of parties are on record.
    expect(hub.subgraphRequests() - requestsBefore).toBeGreaterThanOrEqual(2);
    expect(await audited(CLERK.sub!)).toBe(auditsBefore + 2 * mine.data!.region.mediationCases.nodes.length);

    // Neither an anonymous caller after the clerk, nor a caller of another region, sees the clerk's cases.
    const anonymousAfter = await hub.query(CASES, { code: COUNTY });
    expect(anonymousAfter.data!.region.mediationCases).toEqual(anonymous.data!.region.mediationCases);
    const theirs = await hub.query(CASES, { code: COUNTY }, outsider);
    expect(theirs.data!.region.mediationCases.totalCount).toBe(0);
    // The public figure in the same response is the same for everyone.
    expect(theirs.data!.region.judicialStats).toEqual(mine.data!.region.judicialStats);
  });

  test('a write through the hub invalidates the cached scorecard', async () => {
    const writer = await bearer(WRITER);
    const read = async () => {
      const { data, errors } = await hub.query(SCORECARD, { code: '652900' });
      expect(errors).toBeUndefined();
      return data!.region;
    };
    const standardizedIn = (region: any) => region.children.find((c: any) => c.code === COUNTY).judicialStats.standardized as number;

    const { data: office } = await hub.query(`{ judicialOffice(id: "${OFFICE}") { standardization } }`);
    const was = office!.judicialOffice.standardization as string;
    const before = await read();
    expect(await read()).toEqual(before); // cached now

    const flipped = was === 'STANDARDIZED' ? 'IN_PROGRESS' : 'STANDARDIZED';
    const write = await hub.query(`mutation($id: ID!, $input: UpdateJudicialOfficeInput!) { updateJudicialOffice(id: $id, input: $input) { id } }`, { id: OFFICE, input: { standardization: flipped } }, writer);
    expect(write.errors).toBeUndefined();

    const after = await read();
    const delta = flipped === 'STANDARDIZED' ? 1 : -1;
    expect(standardizedIn(after)).toBe(standardizedIn(before) + delta);
    expect(after.judicialStats.standardized).toBe(before.judicialStats.standardized + delta);
  });

  test('refused mutations (anonymous, out of scope, bad input) leave the cached scorecard cached', async () => {
    await hub.query(SCORECARD, SCORECARD_VARIABLES);
    const before = hub.subgraphRequests();
    expect(await hub.query(SCORECARD, SCORECARD_VARIABLES)).toMatchObject({ status: 200 });
    expect(hub.subgraphRequests()).toBe(before); // cached
    const update = `mutation($id: ID!, $input: UpdateJudicialOfficeInput!) { updateJudicialOffice(id: $id, input: $input) { id } }`;
    const kashgarWriter = await bearer({ sub: 'kashgar-writer', agency: 'judicial', scope: 'judicial:write', regions: ['653100'] });
    const refusals = [
      await hub.query(update, { id: OFFICE, input: { standardization: 'STANDARDIZED' } }),
      await hub.query(update, { id: OFFICE, input: { standardization: 'STANDARDIZED' } }, kashgarWriter),
      await hub.query(update, { id: 'JO-000000000', input: { standardization: 'STANDARDIZED' } }, await bearer(WRITER)),
    ];
    for (let i = 0; i < 10; i++) refusals.push(await hub.query(update, { id: OFFICE, input: { standardization: 'STANDARDIZED' } }));
    for (const refusal of refusals) expect(['FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT']).toContain(refusal.errors?.[0]?.extensions?.code);
    const afterRefusals = hub.subgraphRequests();
    // Still cached: the scorecard reaches no subgraph.
    await hub.query(SCORECARD, SCORECARD_VARIABLES);
    expect(hub.subgraphRequests()).toBe(afterRefusals);
  });

  test("a committed write invalidates only responses that read its agency: a partners-only list stays cached after a judicial write", async () => {
    const PARTNERS = '{ partners(first: 3) { totalCount nodes { id name } } }';
    const first = await hub.query(PARTNERS);
    expect(first.errors).toBeUndefined();
    await hub.query(SCORECARD, SCORECARD_VARIABLES);
    const before = hub.subgraphRequests();
    await hub.query(PARTNERS);
    await hub.query(SCORECARD, SCORECARD_VARIABLES);
    expect(hub.subgraphRequests()).toBe(before); // both cached

    const { data: office } = await hub.query(`{ judicialOffice(id: "${OFFICE}") { standardization } }`);
    const flipped = office!.judicialOffice.standardization === 'STANDARDIZED' ? 'IN_PROGRESS' : 'STANDARDIZED';
    const write = await hub.query(`mutation($id: ID!, $input: UpdateJudicialOfficeInput!) { updateJudicialOffice(id: $id, input: $input) { id } }`, { id: OFFICE, input: { standardization: flipped } }, await bearer(WRITER));
    expect(write.errors).toBeUndefined();

    const afterWrite = hub.subgraphRequests();
    expect(await hub.query(PARTNERS)).toEqual(first);
    expect(hub.subgraphRequests()).toBe(afterWrite); // partners-only: still cached
    await hub.query(SCORECARD, SCORECARD_VARIABLES);
    expect(hub.subgraphRequests()).toBeGreaterThan(afterWrite); // reads judicial: asked again
  });

  test('an import through the hub (npm run import) invalidates the cached scorecard', async () => {
    const read = async () => {
      const { data, errors } = await hub.query(SCORECARD, { code: '652900' });
      expect(errors).toBeUndefined();
      return data!.region;
    };
    const before = await read();
    expect(await read()).toEqual(before); // cached now
    const report = await importThroughHub(hub, WRITER, 'judicial', path.join(__dirname, 'fixtures', 'judicial', 'mediation-cases-cli.csv'));
    expect(report).toMatchObject({ written: 2, problems: [] });
    const after = await read();
    expect(after.judicialStats.mediationCases).toBe(before.judicialStats.mediationCases + 2);
  });
});

describe('two gateway replicas sharing Redis', () => {
  const prefix = `hub-test-${process.pid}-${Date.now().toString(36)}`;
  let hub: Hub | undefined;
  let replica: RunningGateway | undefined;
  let available = false;
  beforeAll(async () => {
    available = await redisAnswers(REDIS_URL);
    if (!available) {
      if (process.env.TEST_REDIS_URL) throw new Error(`TEST_REDIS_URL ${REDIS_URL} does not answer`);
      console.warn(`no Redis at ${REDIS_URL}: the replica tests are skipped`);
      return;
    }
    const gateway = { responseCache: true, redisUrl: REDIS_URL, redisPrefix: prefix };
    hub = await startHub({ gateway });
    replica = await startGateway({ port: 0, ...testGatewayKeys(), ...gateway, subgraphUrls: Object.fromEntries(Object.values(hub.subgraphs).map((s) => [s.name, s.url])) });
  });
  afterAll(async () => {
    await replica?.stop();
    await hub?.stop();
    if (available) {
      const client = createClient({ url: REDIS_URL });
      await client.connect();
      const keys = await client.keys(`*${prefix}*`);
      if (keys.length) await client.del(keys);
      await client.close();
    }
  });

  test('a response cached by one replica is served by the other; a write through either invalidates both', async () => {
    if (!available) return;
    const viaReplica = (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => postGraphQL<any>(replica!.url, { query, variables }, headers);
    const first = await hub!.query(SCORECARD, { code: '652900' });
    expect(first.errors).toBeUndefined();
    const before = hub!.subgraphRequests();
    const second = await viaReplica(SCORECARD, { code: '652900' });
    expect(second).toEqual(first);
    expect(hub!.subgraphRequests()).toBe(before);

    const { data: office } = await hub!.query(`{ judicialOffice(id: "${OFFICE}") { standardization } }`);
    const flipped = office!.judicialOffice.standardization === 'STANDARDIZED' ? 'IN_PROGRESS' : 'STANDARDIZED';
    const write = await viaReplica(`mutation($id: ID!, $input: UpdateJudicialOfficeInput!) { updateJudicialOffice(id: $id, input: $input) { id } }`, { id: OFFICE, input: { standardization: flipped } }, await bearer(WRITER));
    expect(write.errors).toBeUndefined();
    const after = await hub!.query(SCORECARD, { code: '652900' });
    expect(after.data!.region.judicialStats.standardized).toBe(first.data!.region.judicialStats.standardized + (flipped === 'STANDARDIZED' ? 1 : -1));
  });

  test('a replica on another supergraph (a rolling update) shares Redis but no cached response: it answers from the subgraphs and keeps its own', async () => {
    if (!available) return;
    // A compatible change (a description of education's), as a rolling update would bring to one replica first.
    const next = supergraphWithEducation((sdl) => sdl.replace('"Attendees of those events."', '"People who attended those events."'));
    const updated = await startGateway({
      port: 0, ...testGatewayKeys(), responseCache: true, redisUrl: REDIS_URL, redisPrefix: prefix, supergraphSdl: next,
      subgraphUrls: Object.fromEntries(Object.values(hub!.subgraphs).map((s) => [s.name, s.url])),
    });
    try {
      const variables = { code: '653100' };
      const old = await hub!.query(SCORECARD, variables);
      expect(old.errors).toBeUndefined();
      const cached = hub!.subgraphRequests();
      expect(await hub!.query(SCORECARD, variables)).toEqual(old);
      expect(hub!.subgraphRequests()).toBe(cached);

      // The updated replica does not take the old graph's response: its request reaches the subgraphs...
      const fresh = await postGraphQL<any>(updated.url, { query: SCORECARD, variables });
      expect(fresh).toEqual(old);
      expect(hub!.subgraphRequests()).toBeGreaterThan(cached);
      // ...and it caches its own, under its own supergraph; the old replicas keep theirs.
      const own = hub!.subgraphRequests();
      expect(await postGraphQL<any>(updated.url, { query: SCORECARD, variables })).toEqual(old);
      expect(await postGraphQL<any>(replica!.url, { query: SCORECARD, variables })).toEqual(old);
      expect(hub!.subgraphRequests()).toBe(own);
    } finally {
      await updated.stop();
    }
  });

  test('a query persisted through one replica is known to the other', async () => {
    if (!available) return;
    const query = '{ region(code: "654000") { name judicialStats { offices } } }';
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    const registered = await postGraphQL(hub!.gateway.url, { query, extensions: { persistedQuery } });
    expect(registered.errors).toBeUndefined();
    expect(await postGraphQL(replica!.url, { extensions: { persistedQuery } })).toEqual(registered);
  });
});

describe('without response caching', () => {
  // One hub for both groups: what they check is counted from before to after each request, or set at start-up.
  let hub: Hub;
  beforeAll(async () => {
    hub = await startHub({ gateway: { responseCache: false } });
  });
  afterAll(() => hub?.stop());

  describe('persisted queries and warmed query plans', () => {
    test('automatic persisted queries: an unknown hash is asked for, then the hash alone is enough', async () => {
      const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(SCORECARD).digest('hex') };
      const unknown = await postGraphQL(hub.gateway.url, { variables: SCORECARD_VARIABLES, extensions: { persistedQuery } });
      expect(unknown.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
      const registered = await postGraphQL(hub.gateway.url, { query: SCORECARD, variables: SCORECARD_VARIABLES, extensions: { persistedQuery } });
      expect(registered.errors).toBeUndefined();
      const byHash = await postGraphQL(hub.gateway.url, { variables: SCORECARD_VARIABLES, extensions: { persistedQuery } });
      expect(byHash).toEqual(registered);
    });

    test('the registered operations are planned at start-up; a first request of one is not planned again', async () => {
      const ready = (await (await fetch(`${hub.gateway.adminUrl}/ready`)).json()) as { warmedPlans: number };
      // Every operation of the registry: the scorecard, three overviews and the dashboard's three.
      expect(ready.warmedPlans).toBe(7);
      const planner = jest.spyOn(QueryPlanner.prototype, 'buildQueryPlan');
      try {
        const named = await postGraphQL(hub.gateway.url, { query: SCORECARD, operationName: 'RegionScorecard', variables: { code: '653100' } });
        expect(named.errors).toBeUndefined();
        const unnamed = await hub.query(SCORECARD, { code: '653100' });
        expect(unnamed.errors).toBeUndefined();
        expect(planner).not.toHaveBeenCalled();
        // An operation that is not registered is planned on its first request.
        await hub.query('{ region(code: "653100") { name legalAidStats { closed } } }');
        expect(planner).toHaveBeenCalledTimes(1);
      } finally {
        planner.mockRestore();
      }
    });
  });

  describe('workload 3 (the wide list)', () => {
    async function statementsFor(first: number): Promise<{ sql: Record<string, number>; subgraphRequests: number }> {
      const names = Object.keys(hub.subgraphs);
      const before = Object.fromEntries(names.map((name) => [name, hub.statements(name)]));
      const requestsBefore = hub.subgraphRequests();
      const { data, errors } = await hub.query(WIDE_LIST, wideListVariables(first));
      expect(errors).toBeUndefined();
      expect(data!.judicialOffices.nodes).toHaveLength(first);
      expect(data!.judicialOffices.nodes.every((o: any) => o.educationEvents.nodes.length <= 5)).toBe(true);
      return {
        sql: Object.fromEntries(names.map((name) => [name, hub.statements(name) - before[name]])),
        subgraphRequests: hub.subgraphRequests() - requestsBefore,
      };
    }

    test('sends the same SQL statements, per subgraph, and the same subgraph requests for 100 offices as for 10', async () => {
      await statementsFor(10); // warm the query plan
      const at10 = await statementsFor(10);
      const at100 = await statementsFor(100);
      expect(at100).toEqual(at10);
      // One statement per entity type per fetch stage: the office page (and its count), referrals, events.
      expect(at10.subgraphRequests).toBe(3);
    });
  });
});
