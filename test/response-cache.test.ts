// Response caching at the gateway (issue 8), correctness only: public
// aggregates are served from the cache; case records and personal data never
// are, so no caller sees another's; a write through the hub invalidates the
// cached scorecard; and the wide list (workload 3 of `npm run bench`) sends as
// many SQL statements for 100 offices as for 10.
import { SCORECARD, SCORECARD_VARIABLES, WIDE_LIST, wideListVariables } from '../bench/workloads';
import { signToken, startHub, type Hub, type TokenClaims } from './harness';

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
});

describe('workload 3 (the wide list) without response caching', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startHub({ gateway: { responseCache: false } });
  });
  afterAll(() => hub?.stop());

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
