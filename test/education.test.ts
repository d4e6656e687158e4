// The rule-of-law education subgraph through the gateway over HTTP, on PGlite
// and on PostgreSQL, composed with judicial: offices joined with the events
// they organised, stats roll-ups, `period` at every level, event filters,
// pagination, bad input and entity batching (one SQL statement per batch).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pageThrough, startHub, type DatabaseKind, type Hub } from './harness';
import { AWARDS, CAMPAIGNS, EVENTS_AT_SCALE_1 } from '../subgraphs/education/seed';

const SCALE = 0.1;
const STATS = 'events attendees demonstrationVillages legalUnderstandingPersons';
const COUNTS = ['events', 'attendees', 'demonstrationVillages', 'legalUnderstandingPersons'] as const;
const YEARS = ['2020', '2021', '2022', '2023'];
const EVENT_FIELDS = 'id title theme format heldOn region { code } attendees languages organiser { id } campaign { id }';

type Stats = Record<(typeof COUNTS)[number], number>;
interface EventNode {
  id: string;
  title: string;
  theme: string;
  format: string;
  heldOn: string;
  region: { code: string };
  attendees: number;
  languages: string[];
  organiser: { id: string } | null;
  campaign: { id: string } | null;
}

function sumOf(children: { educationStats: Stats }[], field: keyof Stats): number {
  return children.reduce((total, child) => total + child.educationStats[field], 0);
}

describe.each<DatabaseKind>(['pglite', 'postgres'])('education subgraph on %s', (database) => {
  let hub: Hub;
  /** The office that organised the most events among the first hundred (a few events per office at this scale). */
  let busyOffice: string;
  beforeAll(async () => {
    hub = await startHub({ database, only: ['judicial', 'education'], seedScale: SCALE });
    const { data } = await hub.query('{ judicialOffices(first: 100) { nodes { id educationEvents(first: 0) { totalCount } } } }');
    const offices = data!.judicialOffices.nodes as { id: string; educationEvents: { totalCount: number } }[];
    busyOffice = offices.reduce((best, o) => (o.educationEvents.totalCount > best.educationEvents.totalCount ? o : best)).id;
  });
  afterAll(() => hub?.stop());

  test('region-wide figures follow the seed', async () => {
    const { data, errors } = await hub.query(`{ region(code: "650000") { name educationStats { ${STATS} } } }`);
    expect(errors).toBeUndefined();
    const stats = data!.region.educationStats;
    expect(stats.events).toBe(Math.round(EVENTS_AT_SCALE_1 * SCALE));
    expect(stats.attendees).toBeGreaterThan(stats.events * 20);
    expect(stats.demonstrationVillages).toBe(AWARDS.NATIONAL + AWARDS.AUTONOMOUS_REGION + AWARDS.PREFECTURE);
    // One to three trainings of one to three persons in each of the 9,779 villages.
    expect(stats.legalUnderstandingPersons).toBeGreaterThan(9779);
    expect(stats.legalUnderstandingPersons).toBeLessThan(9779 * 9);
  });

  test('a judicial office joined with the events it organised, and back', async () => {
    // Find a township office that organised events, through the graph itself.
    const listed = await hub.query(`{ region(code: "652900") { educationEvents(first: 100) { nodes { organiser { id } } } } }`);
    const officeId = listed.data!.region.educationEvents.nodes.find((e: EventNode) => e.organiser)!.organiser.id as string;
    const { data, errors } = await hub.query(
      `query($id: ID!) { judicialOffice(id: $id) {
        id name standardization township { code name }
        educationEvents(first: 100) { totalCount nodes { ${EVENT_FIELDS} organiser { id name township { code } } region { code name level } } }
      } }`,
      { id: officeId },
    );
    expect(errors).toBeUndefined();
    const office = data!.judicialOffice;
    const township = office.township.code as string;
    expect(office.name).toMatch(/Judicial Office$/);
    expect(office.educationEvents.totalCount).toBeGreaterThan(0);
    expect(office.educationEvents.nodes).toHaveLength(Math.min(100, office.educationEvents.totalCount));
    for (const event of office.educationEvents.nodes) {
      // The organiser resolves to judicial's office, with its name and township.
      expect(event.organiser).toEqual({ id: officeId, name: office.name, township: { code: township } });
      // Events are held in the office's township or one of its villages; judicial names the region.
      expect(event.region.code.startsWith(township)).toBe(true);
      expect(['TOWNSHIP', 'VILLAGE']).toContain(event.region.level);
      expect(event.region.name).toBeTruthy();
    }
    // From an event to its organiser, region and campaign.
    const first = office.educationEvents.nodes[0] as EventNode;
    const back = await hub.query(`query($id: ID!) { educationEvent(id: $id) { ${EVENT_FIELDS} organiser { name serviceStation { id } } region { parent { code } } } }`, { id: first.id });
    expect(back.errors).toBeUndefined();
    expect(back.data!.educationEvent).toMatchObject({ id: first.id, heldOn: first.heldOn, organiser: { id: officeId, name: office.name } });
    // The township's office from the region directory, and its events.
    const viaRegion = await hub.query(`query($code: ID!) { region(code: $code) { judicialOffice { id educationEvents(first: 0) { totalCount } } } }`, { code: township });
    expect(viaRegion.data!.region.judicialOffice).toEqual({ id: officeId, educationEvents: { totalCount: office.educationEvents.totalCount } });
  });

  test('events carry plausible titles, attendees, languages and organisers', async () => {
    const { data } = await hub.query(`{
      region(code: "650000") {
        all: educationEvents(first: 100) { totalCount nodes { ${EVENT_FIELDS} } }
        xibe: educationEvents(first: 0, filter: { language: "Xibe" }) { totalCount }
      }
      kashgar: region(code: "653100") { educationEvents(first: 0, filter: { language: "Xibe" }) { totalCount } uyghur: educationEvents(first: 0, filter: { language: "Uyghur" }) { totalCount } all: educationEvents(first: 0) { totalCount } }
      ili: region(code: "654000") { kazakh: educationEvents(first: 0, filter: { language: "Kazakh" }) { totalCount } }
    }`);
    const events = data!.region.all.nodes as EventNode[];
    for (const event of events) {
      expect(event.id).toMatch(/^EE-\d{8}$/);
      expect(event.title.length).toBeGreaterThan(5);
      expect(event.heldOn >= '2020-01-01' && event.heldOn <= '2023-12-31').toBe(true);
      expect(event.region.code).toMatch(/^\d{9}(\d{3})?$/);
      expect(event.attendees).toBeGreaterThan(0);
      expect(event.languages.length).toBeGreaterThan(0);
      if (event.organiser) expect(event.organiser.id).toBe(`JO-${event.region.code.slice(0, 9)}`);
    }
    // Ids follow the date held.
    expect(events.map((e) => e.heldOn)).toEqual([...events.map((e) => e.heldOn)].sort());
    const organised = events.filter((e) => e.organiser).length;
    expect(organised).toBeGreaterThan(events.length / 2);
    expect(organised).toBeLessThan(events.length);
    expect(data!.region.xibe.totalCount).toBeGreaterThan(0);
    expect(data!.kashgar.educationEvents.totalCount).toBe(0);
    expect(data!.kashgar.uyghur.totalCount).toBeGreaterThan(data!.kashgar.all.totalCount / 2);
    expect(data!.ili.kazakh.totalCount).toBeGreaterThan(0);
  });

  test.each([
    ['the autonomous region equals the sum of its prefectures', '650000'],
    ['a prefecture equals the sum of its counties', '652900'],
    ['a county equals the sum of its townships', '652922'],
  ])('%s, with and without period', async (_name, code) => {
    const period = { from: '2021-03-01', to: '2022-10-31' };
    for (const variables of [{ code }, { code, period }]) {
      const { data, errors } = await hub.query(
        `query($code: ID!, $period: DateRange) { region(code: $code) { educationStats(period: $period) { ${STATS} } children { educationStats(period: $period) { ${STATS} } } } }`,
        variables,
      );
      expect(errors).toBeUndefined();
      const parent = data!.region.educationStats as Stats;
      expect(parent.events).toBeGreaterThan(0);
      for (const field of COUNTS) {
        expect({ field, value: parent[field] }).toEqual({ field, value: sumOf(data!.region.children, field) });
      }
    }
  });

  test('a township: villages add up to its awards and persons; events held at the township itself come on top', async () => {
    const { data, errors } = await hub.query(`{ region(code: "652922100") { educationStats { ${STATS} } children { educationStats { ${STATS} } } } }`);
    expect(errors).toBeUndefined();
    const township = data!.region.educationStats as Stats;
    const villages = data!.region.children as { educationStats: Stats }[];
    expect(township.legalUnderstandingPersons).toBe(sumOf(villages, 'legalUnderstandingPersons'));
    expect(township.demonstrationVillages).toBe(sumOf(villages, 'demonstrationVillages'));
    expect(township.events).toBeGreaterThanOrEqual(sumOf(villages, 'events'));
    expect(township.attendees).toBeGreaterThanOrEqual(sumOf(villages, 'attendees'));
  });

  test('the Education overview dashboard operation runs and adds up', async () => {
    const operation = readFileSync(path.join(__dirname, '..', 'schema', 'operations', 'education-overview.graphql'), 'utf8');
    const { data, errors } = await hub.query(operation, { code: '653100', period: { from: '2022-01-01', to: '2022-12-31' } });
    expect(errors).toBeUndefined();
    expect(data!.region.children.length).toBeGreaterThan(5);
    for (const field of COUNTS) expect(data!.region.educationStats[field]).toBe(sumOf(data!.region.children, field));
  });

  test('period at every level: the four years add up to the whole, and nothing before 2020', async () => {
    // A village that held an event, and the township, county, prefecture and region above it.
    const listed = await hub.query(`{ region(code: "652900") { educationEvents(first: 100) { nodes { region { code } } } } }`);
    const village = (listed.data!.region.educationEvents.nodes as EventNode[]).map((e) => e.region.code).find((c) => c.length === 12)!;
    const codes = ['650000', '652900', village.slice(0, 6), village.slice(0, 9), village];
    const { data, errors } = await hub.query(`{
      ${codes.map((code, i) => `r${i}: region(code: "${code}") { level
        all: educationStats { ${STATS} }
        ${YEARS.map((y) => `y${y}: educationStats(period: { from: "${y}-01-01", to: "${y}-12-31" }) { ${STATS} }`).join('\n')}
        before: educationStats(period: { to: "2019-12-31" }) { ${STATS} }
        after: educationStats(period: { from: "2024-01-01" }) { ${STATS} }
      }`).join('\n')}
    }`);
    expect(errors).toBeUndefined();
    expect(codes.map((_c, i) => data![`r${i}`].level)).toEqual(['AUTONOMOUS_REGION', 'PREFECTURE', 'COUNTY', 'TOWNSHIP', 'VILLAGE']);
    codes.forEach((code, i) => {
      const region = data![`r${i}`];
      expect({ code, events: region.all.events > 0, persons: region.all.legalUnderstandingPersons > 0 }).toEqual({ code, events: true, persons: true });
      for (const field of ['events', 'attendees', 'legalUnderstandingPersons'] as const) {
        const byYear = YEARS.reduce((sum, y) => sum + region[`y${y}`][field], 0);
        expect({ code, field, value: byYear }).toEqual({ code, field, value: region.all[field] });
        expect({ code, field, before: region.before[field], after: region.after[field] }).toEqual({ code, field, before: 0, after: 0 });
      }
      // Awards are not limited by period.
      for (const key of [...YEARS.map((y) => `y${y}`), 'before', 'after']) expect(region[key].demonstrationVillages).toBe(region.all.demonstrationVillages);
    });
    // A single day.
    const day = await hub.query(`{ region(code: "650000") { educationStats(period: { from: "2022-05-04", to: "2022-05-04" }) { events } educationEvents(first: 100, filter: { heldIn: { from: "2022-05-04", to: "2022-05-04" } }) { totalCount nodes { heldOn } } } }`);
    expect(day.data!.region.educationEvents.totalCount).toBe(day.data!.region.educationStats.events);
    for (const node of day.data!.region.educationEvents.nodes) expect(node.heldOn).toBe('2022-05-04');
  });

  test('each event filter, alone and combined, on regions, offices and campaigns', async () => {
    const { data, errors } = await hub.query(`{
      region(code: "650000") {
        educationStats { events }
        all: educationEvents(first: 0) { totalCount }
        ${['CIVIL_CODE', 'CONSTITUTION', 'LEGAL_AID_LAW', 'ANTI_FRAUD', 'LAND_LAW', 'FAMILY_LAW', 'OTHER'].map((t) => `t_${t}: educationEvents(first: 100, filter: { theme: ${t} }) { totalCount nodes { theme } }`).join('\n')}
        ${['LECTURE', 'MARKET_STALL', 'DOOR_TO_DOOR', 'ONLINE', 'PERFORMANCE', 'TRAINING'].map((f) => `f_${f}: educationEvents(first: 100, filter: { format: ${f} }) { totalCount nodes { format } }`).join('\n')}
        heldIn: educationEvents(first: 100, filter: { heldIn: { from: "2021-05-01", to: "2021-05-31" } }) { totalCount nodes { heldOn } }
        kazakh: educationEvents(first: 100, filter: { language: "Kazakh" }) { totalCount nodes { languages } }
        nobody: educationEvents(first: 5, filter: { language: "Klingon" }) { totalCount nodes { id } }
        campaign: educationEvents(first: 100, filter: { campaignId: "CAMP-2022-CONSTITUTION" }) { totalCount nodes { theme heldOn campaign { id } } }
        combined: educationEvents(first: 100, filter: { theme: CIVIL_CODE, format: LECTURE, heldIn: { from: "2022-01-01", to: "2022-12-31" } }) { totalCount nodes { theme format heldOn } }
      }
      office: judicialOffice(id: "${busyOffice}") {
        all: educationEvents(first: 0) { totalCount }
        lectures: educationEvents(first: 100, filter: { format: LECTURE }) { totalCount nodes { format organiser { id } } }
        others: educationEvents(first: 0, filter: { format: MARKET_STALL }) { totalCount }
      }
      campaign(id: "CAMP-2022-CONSTITUTION") { id title startsOn endsOn theme
        events(first: 100) { totalCount nodes { theme heldOn campaign { id } } }
        lectures: events(first: 0, filter: { format: LECTURE }) { totalCount }
      }
    }`);
    expect(errors).toBeUndefined();
    const region = data!.region;
    const all = region.all.totalCount as number;
    expect(all).toBe(region.educationStats.events);
    const check = (alias: string, predicate: (node: any) => boolean): number => {
      const connection = region[alias];
      expect({ alias, positive: connection.totalCount > 0 && connection.totalCount < all }).toEqual({ alias, positive: true });
      expect(connection.nodes.length).toBe(Math.min(100, connection.totalCount));
      for (const node of connection.nodes) expect({ alias, node, ok: predicate(node) }).toEqual({ alias, node, ok: true });
      return connection.totalCount;
    };
    let themes = 0;
    for (const t of ['CIVIL_CODE', 'CONSTITUTION', 'LEGAL_AID_LAW', 'ANTI_FRAUD', 'LAND_LAW', 'FAMILY_LAW', 'OTHER']) themes += check(`t_${t}`, (n) => n.theme === t);
    expect(themes).toBe(all);
    let formats = 0;
    for (const f of ['LECTURE', 'MARKET_STALL', 'DOOR_TO_DOOR', 'ONLINE', 'PERFORMANCE', 'TRAINING']) formats += check(`f_${f}`, (n) => n.format === f);
    expect(formats).toBe(all);
    check('heldIn', (n) => n.heldOn >= '2021-05-01' && n.heldOn <= '2021-05-31');
    check('kazakh', (n) => n.languages.includes('Kazakh'));
    expect(region.nobody).toEqual({ totalCount: 0, nodes: [] });
    check('campaign', (n) => n.theme === 'CONSTITUTION' && n.heldOn >= '2022-12-01' && n.heldOn <= '2022-12-07' && n.campaign.id === 'CAMP-2022-CONSTITUTION');
    check('combined', (n) => n.theme === 'CIVIL_CODE' && n.format === 'LECTURE' && n.heldOn.startsWith('2022-'));
    // The same filters on an office's events.
    const office = data!.office;
    expect(office.all.totalCount).toBeGreaterThan(0);
    expect(office.lectures.totalCount + office.others.totalCount).toBeLessThanOrEqual(office.all.totalCount);
    for (const node of office.lectures.nodes) expect(node).toEqual({ format: 'LECTURE', organiser: { id: busyOffice } });
    // A campaign's events, and the campaign filter, agree.
    const campaign = data!.campaign;
    expect(campaign).toMatchObject({ id: 'CAMP-2022-CONSTITUTION', title: 'Constitution Day 2022', startsOn: '2022-12-01', endsOn: '2022-12-07', theme: 'CONSTITUTION' });
    expect(campaign.events.totalCount).toBe(region.campaign.totalCount);
    expect(campaign.events.nodes).toEqual(region.campaign.nodes);
    expect(campaign.lectures.totalCount).toBeLessThan(campaign.events.totalCount);
  });

  test('campaigns: the plan campaigns, ordered by start, their events within their dates', async () => {
    const { data, errors } = await hub.query(`{
      campaigns { id title startsOn endsOn theme events(first: 20) { totalCount nodes { heldOn theme campaign { id } } } }
      region(code: "650000") { educationStats { events } }
    }`);
    expect(errors).toBeUndefined();
    const campaigns = data!.campaigns as { id: string; startsOn: string; endsOn: string | null; theme: string | null; events: { totalCount: number; nodes: { heldOn: string; theme: string; campaign: { id: string } }[] } }[];
    expect(campaigns.map((c) => c.id).sort()).toEqual(CAMPAIGNS.map((c) => c.id).sort());
    expect(campaigns.map((c) => c.startsOn)).toEqual([...campaigns.map((c) => c.startsOn)].sort());
    expect(campaigns.some((c) => c.endsOn === null)).toBe(true);
    let inCampaigns = 0;
    for (const campaign of campaigns) {
      expect(campaign.events.totalCount).toBeGreaterThan(0);
      inCampaigns += campaign.events.totalCount;
      for (const event of campaign.events.nodes) {
        expect(event.campaign.id).toBe(campaign.id);
        expect(event.heldOn >= campaign.startsOn && (campaign.endsOn === null || event.heldOn <= campaign.endsOn)).toBe(true);
        if (campaign.theme) expect(event.theme).toBe(campaign.theme);
      }
    }
    // Some events belong to no campaign.
    expect(inCampaigns).toBeGreaterThan(0);
    expect(inCampaigns).toBeLessThan(data!.region.educationStats.events);
  });

  test('demonstration awards: villages only, and they add up to the stats', async () => {
    // Every village of Aksu prefecture, through judicial's directory; awards from education in one batch.
    const { data, errors } = await hub.query(`{ region(code: "652900") {
      demonstrationAward { level }
      educationStats { demonstrationVillages }
      children { children { demonstrationAward { level } children { code level demonstrationAward { level year } } } }
    } }`);
    expect(errors).toBeUndefined();
    const prefecture = data!.region;
    expect(prefecture.demonstrationAward).toBeNull();
    const townships = prefecture.children.flatMap((county: any) => county.children);
    expect(townships.every((t: any) => t.demonstrationAward === null)).toBe(true);
    const villages = townships.flatMap((t: any) => t.children) as { code: string; level: string; demonstrationAward: { level: string; year: number } | null }[];
    const awarded = villages.filter((v) => v.demonstrationAward);
    expect(villages.length).toBeGreaterThan(200);
    expect(awarded.length).toBe(prefecture.educationStats.demonstrationVillages);
    expect(awarded.length).toBeGreaterThan(0);
    expect(awarded.length).toBeLessThan(villages.length / 10);
    for (const { demonstrationAward } of awarded) {
      expect(['NATIONAL', 'AUTONOMOUS_REGION', 'PREFECTURE']).toContain(demonstrationAward!.level);
      expect(demonstrationAward!.year).toBeGreaterThanOrEqual(2020);
      expect(demonstrationAward!.year).toBeLessThanOrEqual(2023);
    }
    // A village's own stats count its award.
    const village = awarded[0];
    const own = await hub.query(`query($code: ID!) { region(code: $code) { educationStats { demonstrationVillages } } }`, { code: village.code });
    expect(own.data!.region.educationStats.demonstrationVillages).toBe(1);
  });

  test('paginates an office\'s and a county\'s events to the end without gaps or repeats', async () => {
    for (const [root, field] of [['region(code: "652922")', 'educationEvents'], [`judicialOffice(id: "${busyOffice}")`, 'educationEvents']]) {
      const { ids: seen, totalCount } = await pageThrough(
        hub,
        `query($first: Int, $after: String) { node: ${root} { ${field}(first: $first, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }`,
        (data) => data.node[field],
        3,
      );
      expect(totalCount).toBeGreaterThan(3);
      expect(seen.length).toBe(totalCount);
      expect(new Set(seen).size).toBe(totalCount);
      expect(seen).toEqual([...seen].sort());
    }
  });

  test.each([
    ['first above 100', '{ region(code: "652900") { educationEvents(first: 101) { totalCount } } }', 'first'],
    ['negative first on an office', '{ judicialOffice(id: "JO-652922100") { educationEvents(first: -1) { totalCount } } }', 'first'],
    ['a forged cursor', '{ region(code: "652900") { educationEvents(after: "bm90LWEtY3Vyc29y") { totalCount } } }', 'after'],
    ['a well-formed cursor of an unknown key', `{ region(code: "652900") { educationEvents(after: "${Buffer.from('k:zzz').toString('base64url')}") { totalCount } } }`, null],
    ['a period that ends before it starts', '{ region(code: "652900") { educationStats(period: { from: "2023-01-01", to: "2022-01-01" }) { events } } }', 'period'],
    ['a heldIn filter that ends before it starts', '{ region(code: "652900") { educationEvents(filter: { heldIn: { from: "2023-01-01", to: "2022-01-01" } }) { totalCount } } }', 'filter.heldIn'],
  ])('%s', async (_name, query, field) => {
    const { data, errors } = await hub.query(query);
    expect(JSON.stringify(errors ?? [])).not.toMatch(/stack|select |\.ts:|localhost/i);
    if (field === null) {
      // Any string is a valid event id, so a cursor past the last id is an empty page, not an error.
      expect(errors).toBeUndefined();
      expect(data!.region.educationEvents.totalCount).toBeGreaterThan(0);
      return;
    }
    expect(errors).toHaveLength(1);
    expect(errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field });
  });

  test('an invalid date in a period is BAD_USER_INPUT', async () => {
    const { errors } = await hub.query('{ region(code: "652900") { educationStats(period: { from: "2023-02-30" }) { events } } }');
    expect(errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('unknown ids are null, not errors; an unknown office organised nothing', async () => {
    const { data, errors } = await hub.query(`{
      educationEvent(id: "EE-99999999") { id }
      odd: educationEvent(id: "not an id; drop table x") { id }
      campaign(id: "CAMP-1999") { id }
    }`);
    expect(errors).toBeUndefined();
    expect(data).toEqual({ educationEvent: null, odd: null, campaign: null });
    const direct = await hub.postToSubgraph<{ _entities: unknown[] }>('education', {
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on JudicialOffice { educationEvents { totalCount } } ... on Region { educationStats { events } } } }',
      variables: { r: [{ __typename: 'JudicialOffice', id: 'JO-000000000' }, { __typename: 'Region', code: 'x' }] },
    });
    expect(direct.errors).toBeUndefined();
    expect(direct.data!._entities).toEqual([{ educationEvents: { totalCount: 0 } }, null]);
  });

  test('entity lookups are batched: one SQL statement per batch', async () => {
    const { data: listed } = await hub.query('{ judicialOffices(first: 60) { nodes { id township { code children { code } } } } }');
    const offices = listed!.judicialOffices.nodes as { id: string; township: { code: string; children: { code: string }[] } }[];
    const codes = ['650000', '652900', '652922', ...offices.map((o) => o.township.code), ...offices.flatMap((o) => o.township.children.map((c) => c.code))];
    const representations = [
      ...offices.map((o) => ({ __typename: 'JudicialOffice', id: o.id })),
      ...codes.map((code) => ({ __typename: 'Region', code })),
    ];
    expect(codes.length).toBeGreaterThan(200);
    const fetchEntities = async (selection: string) => {
      const before = hub.statements('education');
      const response = await hub.postToSubgraph<{ _entities: Record<string, any>[] }>('education', {
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`,
        variables: { r: representations },
      });
      expect(response.errors).toBeUndefined();
      expect(response.data!._entities).toHaveLength(representations.length);
      return { entities: response.data!._entities, statements: hub.statements('education') - before };
    };
    // Resolving the references alone needs no database.
    expect((await fetchEntities('... on Region { code } ... on JudicialOffice { id }')).statements).toBe(0);
    // One aggregate statement for all the regions' event figures.
    const events = await fetchEntities('... on Region { educationStats { events attendees } }');
    expect(events.statements).toBe(1);
    expect(events.entities.slice(offices.length).every((e) => e.educationStats.events >= 0)).toBe(true);
    // Everything: event stats, awards count, persons, the award itself, events by region, events by office
    // (with their count) and the events' campaigns: one statement each.
    const all = await fetchEntities(`
      ... on Region { educationStats { ${STATS} } demonstrationAward { level } educationEvents(first: 2) { nodes { id } } }
      ... on JudicialOffice { educationEvents(first: 3) { totalCount nodes { id campaign { title } } } }`);
    expect(all.statements).toBe(8);
    expect(all.entities.slice(0, offices.length).some((e) => e.educationEvents.totalCount > 0)).toBe(true);
  });

  test('nested lists through the gateway cost the same number of statements for 10 parents as for 100', async () => {
    const cost = async (first: number): Promise<number> => {
      const before = hub.statements('education');
      const { errors } = await hub.query(`{ judicialOffices(first: ${first}) { nodes { name
        township { educationStats { events legalUnderstandingPersons } children { demonstrationAward { level } } }
        educationEvents(first: 3) { totalCount nodes { title region { name } organiser { name } campaign { title } } } } } }`);
      expect(errors).toBeUndefined();
      return hub.statements('education') - before;
    };
    expect(await cost(100)).toBe(await cost(10));
  });
});
