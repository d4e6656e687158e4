// The judicial offices subgraph through the gateway over HTTP, on PGlite and on
// PostgreSQL: the region directory, offices, stats roll-ups, pagination,
// filters and bad input.
import { pageThrough, startHub, type DatabaseKind, type Hub } from './harness';

const STATS = 'offices standardized standardizedRate demonstration branded mediationCases mediationResolved mediationSuccessRate';
const COUNTS = ['offices', 'standardized', 'demonstration', 'branded', 'mediationCases', 'mediationResolved'] as const;

describe.each<DatabaseKind>(['pglite', 'postgres'])('judicial subgraph on %s', (database) => {
  let hub: Hub;
  beforeAll(async () => {
    // A judicial case worker with statewide access: the access rules have their own suite (security.test.ts).
    hub = await startHub({ database, only: ['judicial'], caller: { agency: 'judicial', scope: 'judicial:cases judicial:pii' } });
  });
  afterAll(() => hub?.stop());

  test('region-wide figures match the published ones', async () => {
    const { data, errors } = await hub.query(`{ region(code: "650000") { name level parent { code } judicialStats { ${STATS} } } }`);
    expect(errors).toBeUndefined();
    const stats = data!.region.judicialStats;
    expect(data!.region).toMatchObject({ level: 'AUTONOMOUS_REGION', parent: null });
    expect(stats.branded).toBe(183);
    expect(stats.demonstration).toBe(143);
    expect(stats.standardizedRate).toBeGreaterThanOrEqual(0.7);
    expect(stats.standardizedRate).toBeLessThanOrEqual(0.8);
    expect(stats.offices).toBeGreaterThan(900);
  });

  test('the directory has the real prefectures and Aksu counties', async () => {
    const { data } = await hub.query(`{
      regions(level: PREFECTURE) { totalCount nodes { code name } }
      aksu: region(code: "652900") { children { code name level } }
    }`);
    expect(data!.regions.totalCount).toBe(14);
    expect(data!.regions.nodes.map((r: { code: string }) => r.code)).toEqual([
      '650100', '650200', '650400', '650500', '652300', '652700', '652800', '652900', '653000', '653100', '653200', '654000', '654200', '654300',
    ]);
    expect(data!.aksu.children).toContainEqual({ code: '652901', name: 'Aksu City', level: 'COUNTY' });
    expect(data!.aksu.children).toContainEqual({ code: '652922', name: 'Wensu County', level: 'COUNTY' });
  });

  test("a township's office, station and stats", async () => {
    const { data, errors } = await hub.query(`{
      region(code: "652922100") {
        name level parent { code name }
        judicialOffice { id name township { code } standardization demonstration brand staffCount
          serviceStation { id name region { code } services } }
        judicialStats { ${STATS} }
        children { code level }
      }
    }`);
    expect(errors).toBeUndefined();
    const township = data!.region;
    expect(township).toMatchObject({ level: 'TOWNSHIP', parent: { code: '652922', name: 'Wensu County' } });
    expect(township.judicialOffice).toMatchObject({ id: 'JO-652922100', township: { code: '652922100' } });
    expect(township.judicialOffice.serviceStation.region.code).toBe('652922100');
    expect(township.judicialOffice.serviceStation.services.length).toBeGreaterThan(0);
    expect(township.judicialStats.offices).toBe(1);
    expect(township.children.length).toBeGreaterThan(0);
    expect(township.children.every((c: { code: string; level: string }) => c.level === 'VILLAGE' && c.code.startsWith('652922100'))).toBe(true);
    // A village has no office of its own.
    const village = await hub.query(`{ region(code: "${township.children[0].code}") { judicialOffice { id } judicialStats { offices } } }`);
    expect(village.data!.region).toEqual({ judicialOffice: null, judicialStats: { offices: 0 } });
  });

  test.each([
    ['a prefecture equals the sum of its counties', '652900'],
    ['the autonomous region equals the sum of its prefectures', '650000'],
    ['a county equals the sum of its townships', '652922'],
  ])('%s', async (_name, code) => {
    const period = { from: '2021-03-01', to: '2022-10-31' };
    for (const variables of [{ code }, { code, period }]) {
      const { data, errors } = await hub.query(
        `query($code: ID!, $period: DateRange) { region(code: $code) { judicialStats(period: $period) { ${STATS} } children { judicialStats(period: $period) { ${STATS} } } } }`,
        variables,
      );
      expect(errors).toBeUndefined();
      const parent = data!.region.judicialStats;
      expect(parent.mediationCases).toBeGreaterThan(0);
      for (const field of COUNTS) {
        const sum = data!.region.children.reduce((total: number, child: { judicialStats: Record<string, number> }) => total + child.judicialStats[field], 0);
        expect({ field, value: parent[field] }).toEqual({ field, value: sum });
      }
      expect(parent.mediationSuccessRate).toBeCloseTo(parent.mediationResolved / parent.mediationCases, 10);
    }
  });

  test('period filters: four years add up to the whole, and listed cases fall within the period', async () => {
    const years = ['2020', '2021', '2022', '2023'];
    const { data } = await hub.query(`{
      region(code: "652900") {
        all: judicialStats { mediationCases }
        ${years.map((y) => `y${y}: judicialStats(period: { from: "${y}-01-01", to: "${y}-12-31" }) { mediationCases }`).join('\n')}
        before: judicialStats(period: { to: "2019-12-31" }) { mediationCases }
        mediationCases(first: 100, filter: { receivedIn: { from: "2022-06-01", to: "2022-06-30" } }) { totalCount nodes { receivedOn } }
      }
    }`);
    const region = data!.region;
    expect(years.reduce((sum, y) => sum + region[`y${y}`].mediationCases, 0)).toBe(region.all.mediationCases);
    expect(region.before.mediationCases).toBe(0);
    expect(region.mediationCases.nodes.length).toBe(Math.min(100, region.mediationCases.totalCount));
    for (const { receivedOn } of region.mediationCases.nodes) {
      expect(receivedOn >= '2022-06-01' && receivedOn <= '2022-06-30').toBe(true);
    }
  });

  test('office and case filters', async () => {
    const { data } = await hub.query(`{
      demonstration: judicialOffices(filter: { demonstration: true }, first: 0) { totalCount }
      branded: judicialOffices(filter: { branded: true }, first: 100) { totalCount nodes { brand } }
      unbranded: judicialOffices(filter: { branded: false }, first: 0) { totalCount }
      all: judicialOffices(first: 0) { totalCount }
      standardized: judicialOffices(filter: { standardization: STANDARDIZED }, first: 0) { totalCount }
      region(code: "652900") {
        judicialStats { standardized mediationCases }
        judicialOffices(filter: { standardization: STANDARDIZED }, first: 0) { totalCount }
        resolved: mediationCases(filter: { outcome: RESOLVED, category: LABOUR }, first: 50) { totalCount nodes { outcome category } }
      }
    }`);
    expect(data!.demonstration.totalCount).toBe(143);
    expect(data!.branded.totalCount).toBe(183);
    expect(data!.branded.nodes.every((o: { brand: string | null }) => o.brand)).toBe(true);
    expect(data!.branded.totalCount + data!.unbranded.totalCount).toBe(data!.all.totalCount);
    expect(data!.region.judicialOffices.totalCount).toBe(data!.region.judicialStats.standardized);
    for (const node of data!.region.resolved.nodes) expect(node).toEqual({ outcome: 'RESOLVED', category: 'LABOUR' });
  });

  test('paginates a list to its end without gaps or repeats', async () => {
    const { ids: seen, totalCount } = await pageThrough(
      hub,
      `query($first: Int, $after: String) { region(code: "652922") { mediationCases(first: $first, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }`,
      (data) => data.region.mediationCases,
      7,
    );
    expect(totalCount).toBeGreaterThan(7);
    expect(seen.length).toBe(totalCount);
    expect(new Set(seen).size).toBe(totalCount);
    expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => a - b));
  });

  test('regions list pages by code, under a parent', async () => {
    const first = await hub.query(`{ regions(parentCode: "652900", first: 4) { totalCount nodes { code } pageInfo { hasNextPage endCursor } } }`);
    const connection = first.data!.regions;
    expect(connection.totalCount).toBe(9);
    const rest = await hub.query(`query($after: String) { regions(parentCode: "652900", after: $after) { nodes { code } pageInfo { hasNextPage } } }`, {
      after: connection.pageInfo.endCursor,
    });
    expect([...connection.nodes, ...rest.data!.regions.nodes].map((r: { code: string }) => r.code)).toEqual([
      '652901', '652902', '652922', '652924', '652925', '652926', '652927', '652928', '652929',
    ]);
    expect(rest.data!.regions.pageInfo.hasNextPage).toBe(false);
  });

  test.each([
    ['first above 100', '{ regions(first: 101) { totalCount } }', 'first'],
    ['negative first', '{ region(code: "652900") { mediationCases(first: -1) { totalCount } } }', 'first'],
    ['huge first', '{ judicialOffices(first: 99999999) { totalCount } }', 'first'],
    ['a forged cursor', '{ regions(after: "bm90LWEtY3Vyc29y") { totalCount } }', 'after'],
    ['a well-formed cursor with a key of the wrong kind', `{ region(code: "652900") { mediationCases(after: "${Buffer.from('k:abc').toString('base64url')}") { totalCount } } }`, 'after'],
    ['a malformed region code', '{ region(code: "65292") { name } }', 'code'],
    ['a malformed parent code', '{ regions(parentCode: "x") { totalCount } }', 'parentCode'],
    ['a period that ends before it starts', '{ region(code: "652900") { judicialStats(period: { from: "2023-01-01", to: "2022-01-01" }) { offices } } }', 'period'],
  ])('%s is BAD_USER_INPUT naming the argument', async (_name, query, field) => {
    const { errors } = await hub.query(query);
    expect(errors).toHaveLength(1);
    expect(errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(JSON.stringify(errors)).not.toMatch(/stack|select |\.ts:/i);
  });

  test('an invalid date is BAD_USER_INPUT, as a literal and as a variable', async () => {
    const literal = await hub.query('{ region(code: "652900") { judicialStats(period: { from: "2023-02-30" }) { offices } } }');
    expect(literal.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(literal.errors?.[0].message).toMatch(/2023-02-30/);
    const variable = await hub.query('query($d: Date) { region(code: "652900") { judicialStats(period: { from: $d }) { offices } } }', { d: '2023-13-01' });
    expect(variable.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify([literal, variable])).not.toMatch(/localhost|stack/);
  });

  test('unknown codes and ids are null, not errors', async () => {
    const { data, errors } = await hub.query('{ region(code: "659999") { name } village: region(code: "652922100999") { name } judicialOffice(id: "JO-000000000") { name } }');
    expect(errors).toBeUndefined();
    expect(data).toEqual({ region: null, village: null, judicialOffice: null });
  });

  test('entity lookups are batched: one SQL statement per batch', async () => {
    const { data: listed } = await hub.query('{ judicialOffices(first: 60) { nodes { id township { code } } } }');
    const offices = listed!.judicialOffices.nodes as { id: string; township: { code: string } }[];
    const representations = [
      ...offices.map((o) => ({ __typename: 'JudicialOffice', id: o.id })),
      ...offices.map((o) => ({ __typename: 'Region', code: o.township.code })),
    ];
    const before = hub.statements('judicial');
    const response = await hub.postToSubgraph<{ _entities: { name: string }[] }>('judicial', {
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on JudicialOffice { name } ... on Region { name } } }',
      variables: { r: representations },
    });
    expect(response.data!._entities.filter((e) => e?.name)).toHaveLength(120);
    // One statement for the offices, one for the regions.
    expect(hub.statements('judicial') - before).toBe(2);
  });

  test('nested lists cost the same number of statements for 10 parents as for 100', async () => {
    const cost = async (first: number): Promise<number> => {
      const before = hub.statements('judicial');
      const { errors } = await hub.query(`{ judicialOffices(first: ${first}) { nodes { township { name parent { name } } serviceStation { name }
        mediationCases(first: 3) { totalCount nodes { region { name } } } } } }`);
      expect(errors).toBeUndefined();
      return hub.statements('judicial') - before;
    };
    expect(await cost(100)).toBe(await cost(10));
  });
});
