// The rural revitalization partners subgraph through the gateway over HTTP, on
// PGlite and on PostgreSQL, beside the judicial subgraph that owns the region
// directory and the judicial offices: pairings, projects and their legal
// review, resident teams, stats roll-ups, filters, pagination, bad input and
// batching.
import { pageThrough, startHub, type DatabaseKind, type GraphQLResponse, type Hub } from './harness';

const STATS = 'partners projects projectsLegallyReviewed legalReviewRate residentTeams budgetYuan';
/** The figures that add up from children to parent; `partners` counts distinct partners and does not. */
const ADDITIVE = ['projects', 'projectsLegallyReviewed', 'residentTeams', 'budgetYuan'] as const;
const KINDS = ['RURAL_REVITALIZATION_BUREAU', 'FINANCE', 'DEVELOPMENT_REFORM', 'PETITIONS', 'RESIDENT_WORK_TEAM', 'ENTERPRISE', 'SOCIAL_ORGANISATION'];
/** The test hub's SEED_SCALE (harness default) times 30,000 projects at scale 1. */
const PROJECTS = 3000;

type Stats = Record<string, number>;
interface Node {
  id: string;
  [field: string]: any;
}

function expectOk(response: GraphQLResponse): Record<string, any> {
  expect(response.errors).toBeUndefined();
  return response.data!;
}

describe.each<DatabaseKind>(['pglite', 'postgres'])('partners subgraph on %s', (database) => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startHub({ database, only: ['judicial', 'partners'] });
  });
  afterAll(() => hub?.stop());

  test('region-wide figures', async () => {
    const data = expectOk(
      await hub.query(`{
        region(code: "650000") { revitalizationStats { ${STATS} } partners(first: 0) { totalCount } residentTeam { id } }
        partners(first: 0) { totalCount }
        villages: regions(level: VILLAGE, first: 0) { totalCount }
      }`),
    );
    const stats: Stats = data.region.revitalizationStats;
    expect(stats.projects).toBe(PROJECTS);
    // A few thousand partners, every one paired with some region.
    expect(stats.partners).toBeGreaterThan(2000);
    expect(stats.partners).toBeLessThan(6000);
    expect(stats.partners).toBe(data.region.partners.totalCount);
    expect(stats.partners).toBe(data.partners.totalCount);
    // Most villages have a resident team.
    expect(stats.residentTeams).toBeGreaterThan(0.8 * data.villages.totalCount);
    expect(stats.residentTeams).toBeLessThan(data.villages.totalCount);
    expect(stats.legalReviewRate).toBeCloseTo(stats.projectsLegallyReviewed / stats.projects, 10);
    expect(stats.legalReviewRate).toBeGreaterThan(0.3);
    expect(stats.legalReviewRate).toBeLessThan(0.95);
    expect(stats.budgetYuan).toBeGreaterThan(stats.projects * 10_000);
    expect(data.region.residentTeam).toBeNull();
  });

  test('the legal review rate differs across prefectures', async () => {
    const data = expectOk(await hub.query('{ region(code: "650000") { children { code revitalizationStats { projects legalReviewRate } } } }'));
    const rates: number[] = data.region.children.map((c: { revitalizationStats: Stats }) => c.revitalizationStats.legalReviewRate);
    expect(rates).toHaveLength(14);
    for (const child of data.region.children) expect(child.revitalizationStats.projects).toBeGreaterThan(0);
    expect(Math.max(...rates) - Math.min(...rates)).toBeGreaterThan(0.3);
  });

  test.each([
    ['the autonomous region equals the sum of its prefectures', '650000'],
    ['a prefecture equals the sum of its counties', '652900'],
    ['a county equals the sum of its townships', '652922'],
    ['a township equals the sum of its villages', '652922100'],
  ])('%s', async (_name, code) => {
    const period = { from: '2021-03-01', to: '2022-10-31' };
    for (const variables of [{ code }, { code, period }]) {
      const data = expectOk(
        await hub.query(
          `query($code: ID!, $period: DateRange) { region(code: $code) { level revitalizationStats(period: $period) { ${STATS} } children { revitalizationStats(period: $period) { ${STATS} } } } }`,
          variables,
        ),
      );
      const parent: Stats = data.region.revitalizationStats;
      const children: Stats[] = data.region.children.map((c: { revitalizationStats: Stats }) => c.revitalizationStats);
      expect(parent.projects).toBeGreaterThan(0);
      for (const field of ADDITIVE) {
        const sum = children.reduce((total, child) => total + child[field], 0);
        expect({ field, value: parent[field] }).toEqual({ field, value: sum });
      }
      expect(parent.legalReviewRate).toBeCloseTo(parent.projectsLegallyReviewed / parent.projects, 10);
      for (const child of children) expect(child.legalReviewRate).toBe(child.projects ? child.projectsLegallyReviewed / child.projects : 0);
      // Distinct partners: at least as many as in any child; above township
      // level, no more than the children's together (a partner paired with
      // several children counts once).
      expect(parent.partners).toBeGreaterThanOrEqual(Math.max(...children.map((c) => c.partners)));
      if (data.region.level !== 'TOWNSHIP') expect(parent.partners).toBeLessThanOrEqual(children.reduce((t, c) => t + c.partners, 0));
    }
  });

  test('period: the four years and the projects not started make up the whole; stats agree with the startedIn filter', async () => {
    const years = ['2020', '2021', '2022', '2023'];
    const data = expectOk(
      await hub.query(`{
        region(code: "652900") {
          all: revitalizationStats { projects partners residentTeams }
          ${years.map((y) => `y${y}: revitalizationStats(period: { from: "${y}-01-01", to: "${y}-12-31" }) { projects projectsLegallyReviewed budgetYuan }`).join('\n')}
          before: revitalizationStats(period: { to: "2019-12-31" }) { ${STATS} }
          upTo2021: revitalizationStats(period: { to: "2021-12-31" }) { partners residentTeams }
          planned: projects(first: 0, filter: { status: PLANNED }) { totalCount }
          suspended: projects(first: 0, filter: { status: SUSPENDED }) { totalCount }
          started2022: projects(first: 100, filter: { startedIn: { from: "2022-01-01", to: "2022-12-31" } }) { totalCount nodes { startedOn status } }
          reviewed2022: projects(first: 0, filter: { startedIn: { from: "2022-01-01", to: "2022-12-31" }, legallyReviewed: true }) { totalCount }
        }
      }`),
    );
    const region = data.region;
    const started = years.reduce((sum, y) => sum + region[`y${y}`].projects, 0);
    const notStarted = region.all.projects - started;
    // Planned projects have no start date; suspended ones may have none.
    expect(notStarted).toBeGreaterThanOrEqual(region.planned.totalCount);
    expect(notStarted).toBeLessThanOrEqual(region.planned.totalCount + region.suspended.totalCount);
    expect(region.planned.totalCount).toBeGreaterThan(0);
    expect(region.before).toEqual({ partners: 0, projects: 0, projectsLegallyReviewed: 0, legalReviewRate: 0, residentTeams: 0, budgetYuan: 0 });
    // Pairings and teams count when in place by the end of the period.
    expect(region.upTo2021.partners).toBeGreaterThan(0);
    expect(region.upTo2021.partners).toBeLessThan(region.all.partners);
    expect(region.upTo2021.residentTeams).toBeLessThan(region.all.residentTeams);
    expect(region.started2022.totalCount).toBe(region.y2022.projects);
    expect(region.reviewed2022.totalCount).toBe(region.y2022.projectsLegallyReviewed);
    expect(region.started2022.nodes.length).toBe(Math.min(100, region.started2022.totalCount));
    for (const { startedOn, status } of region.started2022.nodes) {
      expect(startedOn >= '2022-01-01' && startedOn <= '2022-12-31').toBe(true);
      expect(status).not.toBe('PLANNED');
    }
  });

  test('reviewing offices are judicial offices, joined through the gateway', async () => {
    const data = expectOk(
      await hub.query(`{
        region(code: "652900") {
          revitalizationStats { projectsLegallyReviewed }
          reviewed: projects(first: 100, filter: { legallyReviewed: true }) {
            totalCount
            nodes { id legallyReviewed village { code name level parent { code } }
              reviewingOffice { id name standardization township { code name parent { code } } } }
          }
          unreviewed: projects(first: 50, filter: { legallyReviewed: false }) { totalCount nodes { legallyReviewed reviewingOffice { id } } }
        }
      }`),
    );
    const { reviewed, unreviewed } = data.region;
    expect(reviewed.totalCount).toBe(data.region.revitalizationStats.projectsLegallyReviewed);
    expect(reviewed.nodes.length).toBe(Math.min(100, reviewed.totalCount));
    expect(reviewed.nodes.length).toBeGreaterThan(20);
    let ownTownship = 0;
    for (const project of reviewed.nodes) {
      const { village, reviewingOffice: office } = project;
      expect(project.legallyReviewed).toBe(true);
      // Resolved by the judicial subgraph: the village's directory entry and the office.
      expect(village).toMatchObject({ level: 'VILLAGE', parent: { code: village.code.slice(0, 9) } });
      expect(village.name).toMatch(/\w/);
      expect(office.name).toMatch(/ Judicial Office$/);
      expect(office.id).toBe(`JO-${office.township.code}`);
      expect(['NOT_STARTED', 'IN_PROGRESS', 'STANDARDIZED']).toContain(office.standardization);
      // The reviewer is an office of the village's county, mostly of its own township.
      expect(office.township.parent.code).toBe(village.code.slice(0, 6));
      if (office.township.code === village.code.slice(0, 9)) ownTownship++;
    }
    expect(ownTownship / reviewed.nodes.length).toBeGreaterThan(0.6);
    expect(unreviewed.nodes.length).toBeGreaterThan(0);
    for (const project of unreviewed.nodes) expect(project).toEqual({ legallyReviewed: false, reviewingOffice: null });
  });

  test("a township's partners: paired with it or a village in it, distinct, by id, with their regions by code", async () => {
    const data = expectOk(
      await hub.query(`{
        region(code: "652922100") {
          revitalizationStats { partners }
          partners(first: 100) { totalCount nodes { id name kind regions { code name level } } }
        }
      }`),
    );
    const { partners, revitalizationStats } = data.region;
    expect(partners.totalCount).toBe(revitalizationStats.partners);
    expect(partners.nodes.length).toBe(Math.min(100, partners.totalCount));
    expect(partners.nodes.length).toBeGreaterThan(1);
    const ids = partners.nodes.map((p: Node) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort());
    for (const partner of partners.nodes) {
      expect(KINDS).toContain(partner.kind);
      expect(partner.name).toMatch(/\w/);
      const codes = partner.regions.map((r: { code: string }) => r.code);
      expect(codes).toEqual([...codes].sort());
      expect(codes.some((code: string) => code.startsWith('652922100'))).toBe(true);
      for (const region of partner.regions) {
        expect(['TOWNSHIP', 'VILLAGE']).toContain(region.level);
        expect(region.name).toMatch(/\w/);
      }
    }
  });

  test('partner kind filters partition the partners', async () => {
    const data = expectOk(
      await hub.query(`{
        all: partners(first: 0) { totalCount }
        ${KINDS.map((k) => `${k}: partners(kind: ${k}, first: 100) { totalCount nodes { kind } }`).join('\n')}
        region(code: "652900") {
          all: partners(first: 0) { totalCount }
          ${KINDS.map((k) => `${k}: partners(kind: ${k}, first: 100) { totalCount nodes { kind } }`).join('\n')}
        }
      }`),
    );
    for (const scope of [data, data.region]) {
      let sum = 0;
      for (const kind of KINDS) {
        sum += scope[kind].totalCount;
        for (const node of scope[kind].nodes) expect(node.kind).toBe(kind);
      }
      expect(sum).toBe(scope.all.totalCount);
    }
    expect(data.RESIDENT_WORK_TEAM.totalCount).toBeGreaterThan(1000);
    expect(data.RURAL_REVITALIZATION_BUREAU.totalCount).toBeGreaterThan(100);
  });

  test('resident teams: most villages have one, run by a resident work team partner paired with the village', async () => {
    const data = expectOk(
      await hub.query(`{
        region(code: "652922100") {
          residentTeam { id }
          revitalizationStats { residentTeams }
          children {
            code level
            residentTeam { id members since partner { id kind regions { code } } }
            partners(kind: RESIDENT_WORK_TEAM) { nodes { id } }
          }
        }
      }`),
    );
    const township = data.region;
    expect(township.residentTeam).toBeNull();
    const withTeam = township.children.filter((c: { residentTeam: unknown }) => c.residentTeam);
    expect(withTeam.length).toBe(township.revitalizationStats.residentTeams);
    expect(withTeam.length / township.children.length).toBeGreaterThan(0.5);
    for (const village of withTeam) {
      const team = village.residentTeam;
      expect(team.id).toBe(`RT-${village.code}`);
      expect(team.members).toBeGreaterThanOrEqual(1);
      expect(team.since >= '2020-01-01' && team.since <= '2023-12-31').toBe(true);
      expect(team.partner.kind).toBe('RESIDENT_WORK_TEAM');
      expect(team.partner.regions.map((r: { code: string }) => r.code)).toContain(village.code);
      expect(village.partners.nodes.map((p: Node) => p.id)).toContain(team.partner.id);
    }
  });

  test('projects follow their life cycle and are run by a partner paired with the village or its township', async () => {
    const data = expectOk(
      await hub.query(`{
        region(code: "652900") {
          projects(first: 100) { nodes { id title status startedOn completedOn budgetYuan legallyReviewed
            village { code } partner { id kind regions { code } } } }
          completed: projects(first: 30, filter: { status: COMPLETED }) { totalCount nodes { status startedOn completedOn } }
        }
      }`),
    );
    const { projects, completed } = data.region;
    expect(projects.nodes).toHaveLength(100);
    const statuses = new Set<string>();
    for (const project of projects.nodes) {
      statuses.add(project.status);
      const { status, startedOn, completedOn } = project;
      if (status === 'PLANNED') expect(startedOn).toBeNull();
      if (status === 'IN_PROGRESS' || status === 'COMPLETED') expect(startedOn).not.toBeNull();
      expect(completedOn === null).toBe(status !== 'COMPLETED');
      if (startedOn !== null) expect(startedOn >= '2020-01-01' && startedOn <= '2023-12-31').toBe(true);
      if (completedOn !== null) expect(completedOn >= startedOn && completedOn <= '2023-12-31').toBe(true);
      expect(project.budgetYuan).toBeGreaterThan(0);
      expect(project.title).toMatch(/\w/);
      expect(project.village.code.startsWith('6529')).toBe(true);
      const paired = project.partner.regions.map((r: { code: string }) => r.code);
      expect(paired.includes(project.village.code) || paired.includes(project.village.code.slice(0, 9))).toBe(true);
    }
    expect(statuses.size).toBe(4);
    expect(completed.totalCount).toBeGreaterThan(0);
    for (const project of completed.nodes) expect(project.status).toBe('COMPLETED');

    // The same records by id, and a partner's own projects.
    const [first] = projects.nodes;
    const byId = expectOk(
      await hub.query(
        `query($project: ID!, $partner: ID!) {
          project(id: $project) { id title status village { code } partner { id } }
          partner(id: $partner) { id kind projects(first: 100) { totalCount nodes { id partner { id } } } }
        }`,
        { project: first.id, partner: first.partner.id },
      ),
    );
    expect(byId.project).toEqual({ id: first.id, title: first.title, status: first.status, village: first.village, partner: { id: first.partner.id } });
    expect(byId.partner).toMatchObject({ id: first.partner.id, kind: first.partner.kind });
    expect(byId.partner.projects.nodes.map((p: Node) => p.id)).toContain(first.id);
    for (const project of byId.partner.projects.nodes) expect(project.partner.id).toBe(first.partner.id);
  });

  test('unknown and malformed ids are null, not errors', async () => {
    const response = await hub.query(`{
      project(id: "999999999") { id } badProject: project(id: "abc") { id } hugeProject: project(id: "99999999999999999999") { id }
      partner(id: "PT-99999") { id } badPartner: partner(id: "nope") { id }
    }`);
    expect(expectOk(response)).toEqual({ project: null, badProject: null, hugeProject: null, partner: null, badPartner: null });
  });

  test("paginates a region's partners and projects to the end without gaps or repeats", async () => {
    const partners = await pageThrough(
      hub,
      'query($first: Int, $after: String) { region(code: "652922") { partners(first: $first, after: $after) { totalCount edges { cursor node { id } } nodes { id } pageInfo { hasNextPage endCursor } } } }',
      (data) => data.region.partners,
      9,
    );
    expect(partners.totalCount).toBeGreaterThan(9);
    expect(partners.ids).toHaveLength(partners.totalCount);
    expect(new Set(partners.ids).size).toBe(partners.totalCount);
    expect(partners.ids).toEqual([...partners.ids].sort());

    const projects = await pageThrough(
      hub,
      'query($first: Int, $after: String) { region(code: "652922") { projects(first: $first, after: $after) { totalCount edges { cursor node { id } } nodes { id } pageInfo { hasNextPage endCursor } } } }',
      (data) => data.region.projects,
      7,
    );
    expect(projects.totalCount).toBeGreaterThan(7);
    expect(projects.ids).toHaveLength(projects.totalCount);
    expect(new Set(projects.ids).size).toBe(projects.totalCount);
    expect(projects.ids.map(Number)).toEqual([...projects.ids.map(Number)].sort((a, b) => a - b));

    const teams = await pageThrough(
      hub,
      'query($first: Int, $after: String) { partners(kind: PETITIONS, first: $first, after: $after) { totalCount edges { cursor node { id } } nodes { id } pageInfo { hasNextPage endCursor } } }',
      (data) => data.partners,
      50,
    );
    expect(teams.ids).toHaveLength(teams.totalCount);
    expect(new Set(teams.ids).size).toBe(teams.totalCount);
  });

  test.each([
    ['first above 100', '{ partners(first: 101) { totalCount } }', 'first'],
    ['negative first', '{ region(code: "652900") { projects(first: -1) { totalCount } } }', 'first'],
    ['huge first on a partner\'s projects', '{ partners(first: 1) { nodes { projects(first: 99999999) { totalCount } } } }', 'first'],
    ['a forged cursor', '{ region(code: "652900") { partners(after: "bm90LWEtY3Vyc29y") { totalCount } } }', 'after'],
    ['a cursor whose key is no project id', `{ region(code: "652900") { projects(after: "${Buffer.from('k:abc').toString('base64url')}") { totalCount } } }`, 'after'],
    ['a period that ends before it starts', '{ region(code: "652900") { revitalizationStats(period: { from: "2023-01-01", to: "2022-01-01" }) { projects } } }', 'period'],
    ['a startedIn that ends before it starts', '{ region(code: "652900") { projects(filter: { startedIn: { from: "2023-01-01", to: "2022-01-01" } }) { totalCount } } }', 'filter.startedIn'],
  ])('%s is BAD_USER_INPUT naming the argument', async (_name, query, field) => {
    const { errors } = await hub.query(query);
    expect(errors).toHaveLength(1);
    expect(errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(JSON.stringify(errors)).not.toMatch(/stack|select |\.ts:|localhost/i);
  });

  test('an invalid date in a period or filter is BAD_USER_INPUT', async () => {
    const literal = await hub.query('{ region(code: "652900") { revitalizationStats(period: { to: "2023-02-30" }) { projects } } }');
    expect(literal.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const variable = await hub.query('query($d: Date) { region(code: "652900") { projects(filter: { startedIn: { from: $d } }) { totalCount } } }', { d: '2022-13-01' });
    expect(variable.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('entity lookups are batched: one SQL statement per batch', async () => {
    const listed = expectOk(
      await hub.query('{ partners(first: 60) { nodes { id } } region(code: "650000") { projects(first: 60) { nodes { id village { code parent { code } } } } } }'),
    );
    const partnerIds: string[] = listed.partners.nodes.map((p: Node) => p.id);
    const projects: { id: string; village: { code: string; parent: { code: string } } }[] = listed.region.projects.nodes;
    expect(partnerIds).toHaveLength(60);
    expect(projects).toHaveLength(60);
    const entities = async (query: string, representations: object[]) => {
      const before = hub.statements('partners');
      const response = await hub.postToSubgraph<{ _entities: (Record<string, any> | null)[] }>('partners', {
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ${query} } }`,
        variables: { r: representations },
      });
      expect(response.errors).toBeUndefined();
      return { entities: response.data!._entities, statements: hub.statements('partners') - before };
    };

    // Partners and projects: one statement each.
    const records = await entities('... on Partner { name kind } ... on Project { title status }', [
      ...partnerIds.map((id) => ({ __typename: 'Partner', id })),
      ...projects.map((p) => ({ __typename: 'Project', id: p.id })),
    ]);
    expect(records.entities.filter((e) => e?.name || e?.title)).toHaveLength(120);
    expect(records.statements).toBe(2);

    // Regions of every level: their stats are three statements (projects,
    // pairings, teams) whatever their number; their resident teams one more.
    const codes = [...new Set(projects.flatMap((p) => [p.village.code, p.village.parent.code, p.village.code.slice(0, 6)]))];
    const regions = await entities('... on Region { code revitalizationStats { projects partners residentTeams } residentTeam { id } }', [
      ...codes.map((code) => ({ __typename: 'Region', code })),
      { __typename: 'Region', code: 'not-a-code' },
    ]);
    expect(regions.entities).toHaveLength(codes.length + 1);
    expect(regions.entities[codes.length]).toBeNull();
    for (const region of regions.entities.slice(0, codes.length)) expect(region!.revitalizationStats.projects).toBeGreaterThan(0);
    expect(regions.statements).toBe(4);
  });

  test('nested lists cost the same number of statements for 10 parents as for 100', async () => {
    const cost = async (query: string): Promise<number> => {
      const before = hub.statements('partners');
      expectOk(await hub.query(query));
      return hub.statements('partners') - before;
    };
    const partnersQuery = (first: number) => `{ partners(first: ${first}) { nodes { name regions { code name }
      projects(first: 3, filter: { legallyReviewed: true }) { totalCount nodes { title partner { name } reviewingOffice { name } } } } } }`;
    const partnersCost = await cost(partnersQuery(10));
    expect(partnersCost).toBeGreaterThan(0);
    expect(await cost(partnersQuery(100))).toBe(partnersCost);
    const regionsQuery = (first: number) => `{ regions(level: TOWNSHIP, first: ${first}) { nodes { name
      revitalizationStats { projects partners } partners(first: 2) { totalCount nodes { name } }
      projects(first: 2) { totalCount nodes { village { name } partner { kind } } }
      children { residentTeam { members partner { name } } } } } }`;
    const regionsCost = await cost(regionsQuery(10));
    expect(regionsCost).toBeGreaterThan(0);
    expect(await cost(regionsQuery(100))).toBe(regionsCost);
  });
});
