// The legal aid subgraph through the gateway over HTTP, on PGlite and on
// PostgreSQL: a township's office with its referrals (joined by the gateway
// from legal aid to judicial), stats roll-ups, filters, the status life cycle
// as stored, village legal advisors, entity batching and bad input.
import type { Kysely } from 'kysely';
import { pageThrough, startHub, type DatabaseKind, type Hub } from './harness';

const STATS = 'applications accepted rejected closed averageDaysToClose';
const COUNTS = ['applications', 'accepted', 'rejected', 'closed'] as const;
const STATUSES = ['APPLIED', 'ACCEPTED', 'REJECTED', 'ASSIGNED', 'CLOSED'] as const;
const CATEGORIES = ['CRIMINAL_DEFENCE', 'WAGE_ARREARS', 'FAMILY', 'LAND_CONTRACT', 'PERSONAL_INJURY', 'ADMINISTRATIVE', 'OTHER'] as const;
const CASE = `id caseNumber category status appliedOn decidedOn assignedOn closedOn region { code }
  referredBy { id } provider { id name kind organisation } applicant { name idNumber phone }`;

type Stats = Record<(typeof COUNTS)[number], number> & { averageDaysToClose: number | null };
interface CaseNode {
  id: string;
  caseNumber: string;
  category: string;
  status: (typeof STATUSES)[number];
  appliedOn: string;
  decidedOn: string | null;
  assignedOn: string | null;
  closedOn: string | null;
  region: { code: string };
  referredBy: { id: string } | null;
  provider: { id: string; name: string; kind: string; organisation: string } | null;
  applicant: { name: string; idNumber: string | null; phone: string | null } | null;
}

/** Days from one date to another. */
function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}

describe.each<DatabaseKind>(['pglite', 'postgres'])('legal aid subgraph on %s', (database) => {
  let hub: Hub;
  beforeAll(async () => {
    // A legal aid case worker with statewide access: the access rules have their own suite (security.test.ts).
    hub = await startHub({ database, only: ['judicial', 'legal-aid'], caller: { agency: 'legal-aid', scope: 'legal-aid:cases legal-aid:pii' } });
  });
  afterAll(() => hub?.stop());

  async function query<T = Record<string, any>>(text: string, variables?: Record<string, unknown>): Promise<T> {
    const { data, errors } = await hub.query<T>(text, variables);
    expect(errors).toBeUndefined();
    return data!;
  }

  test("one query: a township's judicial office with its legal aid referrals, and the township's legal aid stats", async () => {
    // The Wensu County township whose office referred the most applicants.
    const county = await query(`{ region(code: "652922") { children { code judicialOffice { id legalAidReferrals } } } }`);
    const townships = county.region.children as { code: string; judicialOffice: { id: string; legalAidReferrals: number } }[];
    const township = [...townships].sort((a, b) => b.judicialOffice.legalAidReferrals - a.judicialOffice.legalAidReferrals)[0];
    expect(township.judicialOffice.legalAidReferrals).toBeGreaterThan(0);

    const period = { from: '2021-01-01', to: '2022-12-31' };
    const data = await query(
      `query($code: ID!, $period: DateRange) {
        region(code: $code) {
          code name level
          judicialOffice { id name township { code name } standardization legalAidReferrals inPeriod: legalAidReferrals(period: $period) }
          legalAidStats { ${STATS} }
          periodStats: legalAidStats(period: $period) { ${STATS} }
          legalAidCases(first: 100) { totalCount nodes { appliedOn referredBy { id name } region { code } } }
        }
      }`,
      { code: township.code, period },
    );
    const region = data.region;
    // Judicial's fields and legal aid's fields on the same office and region.
    expect(region.level).toBe('TOWNSHIP');
    expect(region.judicialOffice).toMatchObject({ id: `JO-${township.code}`, township: { code: township.code, name: region.name } });
    expect(region.judicialOffice.name).toMatch(/Judicial Office$/);
    expect(region.judicialOffice.legalAidReferrals).toBe(township.judicialOffice.legalAidReferrals);

    const stats: Stats = region.legalAidStats;
    const cases = region.legalAidCases;
    expect(cases.totalCount).toBe(stats.applications);
    expect(cases.nodes).toHaveLength(stats.applications);
    expect(stats.accepted + stats.rejected).toBeLessThanOrEqual(stats.applications);
    expect(stats.closed).toBeLessThanOrEqual(stats.accepted);
    // Seeded applicants are referred by their own township's office: the office's referrals are this township's referred cases.
    const referred = cases.nodes.filter((c: CaseNode) => c.referredBy !== null);
    for (const c of referred) expect(c.referredBy).toEqual({ id: `JO-${township.code}`, name: region.judicialOffice.name });
    expect(referred).toHaveLength(region.judicialOffice.legalAidReferrals);
    const inPeriod = (c: CaseNode) => c.appliedOn >= period.from && c.appliedOn <= period.to;
    expect(referred.filter(inPeriod)).toHaveLength(region.judicialOffice.inPeriod);
    expect(region.periodStats.applications).toBe(cases.nodes.filter(inPeriod).length);
    for (const c of cases.nodes) expect(c.region.code.startsWith(township.code)).toBe(true);
  });

  test.each([
    ['a prefecture equals the sum of its counties', '652900'],
    ['the autonomous region equals the sum of its prefectures', '650000'],
    ['a county equals the sum of its townships', '652922'],
  ])('%s, with and without a period', async (_name, code) => {
    const period = { from: '2021-03-01', to: '2022-10-31' };
    for (const variables of [{ code }, { code, period }]) {
      const data = await query(
        `query($code: ID!, $period: DateRange) { region(code: $code) { legalAidStats(period: $period) { ${STATS} } children { legalAidStats(period: $period) { ${STATS} } } } }`,
        variables,
      );
      const parent: Stats = data.region.legalAidStats;
      const children: Stats[] = data.region.children.map((child: { legalAidStats: Stats }) => child.legalAidStats);
      expect(parent.applications).toBeGreaterThan(0);
      for (const field of COUNTS) {
        const sum = children.reduce((total, child) => total + child[field], 0);
        expect({ field, value: parent[field] }).toEqual({ field, value: sum });
      }
      // The mean is a sum of days over a count, so the parent's total days are the children's.
      const days = children.reduce((total, child) => total + (child.averageDaysToClose ?? 0) * child.closed, 0);
      expect(parent.averageDaysToClose).not.toBeNull();
      expect(parent.averageDaysToClose! * parent.closed).toBeCloseTo(days, 6);
    }
  });

  test('stats: realistic mixes and durations, periods that add up, null mean when nothing closed', async () => {
    const years = ['2020', '2021', '2022', '2023'];
    const data = await query(`{
      region(code: "650000") {
        all: legalAidStats { ${STATS} }
        ${years.map((y) => `y${y}: legalAidStats(period: { from: "${y}-01-01", to: "${y}-12-31" }) { ${STATS} }`).join('\n')}
        before: legalAidStats(period: { to: "2019-12-31" }) { ${STATS} }
        after: legalAidStats(period: { from: "2024-01-01" }) { ${STATS} }
      }
    }`);
    const region = data.region;
    const all: Stats = region.all;
    for (const field of COUNTS) expect(years.reduce((sum, y) => sum + region[`y${y}`][field], 0)).toBe(all[field]);
    expect(region.before).toEqual({ applications: 0, accepted: 0, rejected: 0, closed: 0, averageDaysToClose: null });
    expect(region.after).toEqual({ applications: 0, accepted: 0, rejected: 0, closed: 0, averageDaysToClose: null });
    // Tens of thousands at scale 1; the tests run at 0.1.
    expect(all.applications).toBeGreaterThanOrEqual(2_000);
    expect(all.rejected / all.applications).toBeGreaterThan(0.02);
    expect(all.rejected / all.applications).toBeLessThan(0.15);
    expect(all.closed / all.accepted).toBeGreaterThan(0.8);
    expect(all.averageDaysToClose).toBeGreaterThan(20);
    expect(all.averageDaysToClose).toBeLessThan(200);
    // Cases applied for late in 2023 are mostly still open.
    expect(region.y2023.closed / region.y2023.accepted).toBeLessThan(region.y2021.closed / region.y2021.accepted);
  });

  test('each filter: category, status and appliedIn, alone and together, agree with the stats', async () => {
    const period = { from: '2022-01-01', to: '2022-06-30' };
    const data = await query(
      `query($period: DateRange) {
        region(code: "652900") {
          legalAidStats { ${STATS} }
          periodStats: legalAidStats(period: $period) { ${STATS} }
          all: legalAidCases(first: 0) { totalCount }
          ${STATUSES.map((s) => `${s}: legalAidCases(first: 0, filter: { status: ${s} }) { totalCount }`).join('\n')}
          ${CATEGORIES.map((c) => `${c}: legalAidCases(first: 0, filter: { category: ${c} }) { totalCount }`).join('\n')}
          inPeriod: legalAidCases(first: 100, filter: { appliedIn: $period }) { totalCount nodes { appliedOn } }
          closedInPeriod: legalAidCases(first: 0, filter: { appliedIn: $period, status: CLOSED }) { totalCount }
          combined: legalAidCases(first: 100, filter: { category: WAGE_ARREARS, status: CLOSED, appliedIn: $period }) {
            totalCount nodes { category status appliedOn closedOn } }
        }
      }`,
      { period },
    );
    const region = data.region;
    const stats: Stats = region.legalAidStats;
    const count = (name: string): number => region[name].totalCount;
    expect(count('all')).toBe(stats.applications);
    expect(STATUSES.reduce((sum, s) => sum + count(s), 0)).toBe(stats.applications);
    expect(CATEGORIES.reduce((sum, c) => sum + count(c), 0)).toBe(stats.applications);
    for (const c of CATEGORIES) expect({ category: c, some: count(c) > 0 }).toEqual({ category: c, some: true });
    expect(count('ACCEPTED') + count('ASSIGNED') + count('CLOSED')).toBe(stats.accepted);
    expect(count('REJECTED')).toBe(stats.rejected);
    expect(count('CLOSED')).toBe(stats.closed);

    expect(count('inPeriod')).toBe(region.periodStats.applications);
    expect(count('closedInPeriod')).toBe(region.periodStats.closed);
    expect(region.inPeriod.nodes).toHaveLength(Math.min(100, count('inPeriod')));
    for (const { appliedOn } of region.inPeriod.nodes) expect(appliedOn >= period.from && appliedOn <= period.to).toBe(true);
    expect(count('combined')).toBeGreaterThan(0);
    for (const node of region.combined.nodes) {
      expect(node).toMatchObject({ category: 'WAGE_ARREARS', status: 'CLOSED' });
      expect(node.appliedOn >= period.from && node.appliedOn <= period.to).toBe(true);
    }
  });

  test('the status life cycle as stored: dates, provider and case numbers fit each status', async () => {
    const data = await query(`{
      region(code: "650000") {
        ${STATUSES.map((s) => `${s}: legalAidCases(first: 100, filter: { status: ${s} }) { totalCount nodes { ${CASE} } }`).join('\n')}
      }
    }`);
    const seenNumbers = new Set<string>();
    for (const status of STATUSES) {
      const connection = data.region[status] as { totalCount: number; nodes: CaseNode[] };
      // Every stage of the life cycle occurs in the seed.
      expect({ status, some: connection.totalCount > 0 }).toEqual({ status, some: true });
      for (const c of connection.nodes) {
        const facts = {
          status: c.status,
          decided: c.decidedOn !== null,
          assigned: c.assignedOn !== null,
          closed: c.closedOn !== null,
          provider: c.provider !== null,
        };
        const expected = {
          APPLIED: { decided: false, assigned: false, closed: false, provider: false },
          ACCEPTED: { decided: true, assigned: false, closed: false, provider: false },
          REJECTED: { decided: true, assigned: false, closed: false, provider: false },
          ASSIGNED: { decided: true, assigned: true, closed: false, provider: true },
          CLOSED: { decided: true, assigned: true, closed: true, provider: true },
        }[status];
        expect({ id: c.id, ...facts }).toEqual({ id: c.id, status, ...expected });
        // Dates in order, within the seeded years.
        const dates = [c.appliedOn, c.decidedOn, c.assignedOn, c.closedOn].filter((d): d is string => d !== null);
        expect(dates).toEqual([...dates].sort());
        expect(c.appliedOn >= '2020-01-01' && c.appliedOn <= '2023-12-31').toBe(true);
        expect(dates[dates.length - 1] <= '2023-12-31').toBe(true);
        if (c.closedOn) expect(daysBetween(c.appliedOn, c.closedOn)).toBeLessThanOrEqual(260);
        // "(2022) Xin 2922 Legal Aid No. 123": the year applied and the applicant's county.
        const match = /^\((\d{4})\) Xin (\d{4}) Legal Aid No\. [1-9]\d*$/.exec(c.caseNumber);
        expect(match).not.toBeNull();
        expect(match![1]).toBe(c.appliedOn.slice(0, 4));
        expect(`65${match![2]}`).toBe(c.region.code.slice(0, 6));
        expect(seenNumbers.has(c.caseNumber)).toBe(false);
        seenNumbers.add(c.caseNumber);
        if (c.referredBy) expect(c.referredBy.id).toBe(`JO-${c.region.code.slice(0, 9)}`);
        if (c.provider) expect(c.provider.id.startsWith(`LAP-${c.region.code.slice(0, 6)}-`)).toBe(true);
        if (c.category === 'CRIMINAL_DEFENCE' && c.provider) expect(c.provider.kind).not.toBe('GRASSROOTS_LEGAL_WORKER');
        // Obviously synthetic personal data, in its own field.
        expect(c.applicant!.name).toMatch(/^Synthetic Person \d+$/);
        expect(c.applicant!.idNumber!.slice(0, 6)).toBe(c.region.code.slice(0, 6));
      }
    }
  });

  test('the database refuses a case that breaks the life cycle', async () => {
    const db = hub.subgraphs['legal-aid'].database.db as Kysely<any>;
    const base = {
      case_number: '(2023) Xin 2922 Legal Aid No. 999999',
      region_code: '652922100201',
      category: 'FAMILY',
      applied_on: '2023-05-01',
      applicant: JSON.stringify({ name: 'Synthetic Person 0', idNumber: null, phone: null }),
    };
    const { id: providerId } = await db.selectFrom('legal_aid_provider').select('id').limit(1).executeTakeFirstOrThrow();
    const broken = [
      { status: 'CLOSED', decided_on: '2023-05-02', assigned_on: '2023-05-03', provider_id: providerId }, // closed without a date
      { status: 'REJECTED', decided_on: '2023-05-02', assigned_on: '2023-05-03', provider_id: providerId }, // rejected yet assigned
      { status: 'ASSIGNED', decided_on: '2023-05-02', assigned_on: '2023-05-03' }, // assigned to nobody
      { status: 'ACCEPTED' }, // accepted without a decision date
      { status: 'APPLIED', decided_on: '2023-05-02' }, // decided yet still applied
      { status: 'CLOSED', decided_on: '2023-05-02', assigned_on: '2023-05-03', closed_on: '2023-04-30', provider_id: providerId }, // closed before applied
      { status: 'SETTLED' }, // no such status
    ];
    for (const row of broken) {
      await expect(db.insertInto('legal_aid_case').values({ ...base, ...row }).execute()).rejects.toThrow(/check constraint/);
    }
    const valid = { status: 'CLOSED', decided_on: '2023-05-02', assigned_on: '2023-05-03', closed_on: '2023-06-30', provider_id: providerId };
    // The same row with a consistent life cycle is accepted (and rolled back).
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('legal_aid_case').values({ ...base, ...valid }).execute();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const left = await db.selectFrom('legal_aid_case').select('id').where('case_number', '=', base.case_number).execute();
    expect(left).toEqual([]);
  });

  test('a case by id, and unknown or malformed ids are null', async () => {
    const listed = await query(`{ region(code: "652922") { legalAidCases(first: 3, filter: { status: CLOSED }) { nodes { ${CASE} } } } }`);
    const first: CaseNode = listed.region.legalAidCases.nodes[0];
    const data = await query(`query($id: ID!) {
      legalAidCase(id: $id) { ${CASE} referredBy { id } region { name level } }
      unknown: legalAidCase(id: "999999999") { id }
      malformed: legalAidCase(id: "LA-1") { id }
    }`, { id: first.id });
    expect(data.legalAidCase).toMatchObject(first);
    expect(data.legalAidCase.region.level).toBe('VILLAGE');
    expect(data.unknown).toBeNull();
    expect(data.malformed).toBeNull();
  });

  test('village legal advisors: most villages have one, other levels none; consultations by period', async () => {
    const data = await query(`{
      county: region(code: "652922") {
        legalAdvisor { since }
        children {
          legalAdvisor { since }
          children {
            code level
            legalAdvisor {
              village { code name } since provider { id kind organisation }
              consultations
              ${['2020', '2021', '2022', '2023'].map((y) => `y${y}: consultations(period: { from: "${y}-01-01", to: "${y}-12-31" })`).join('\n')}
              before: consultations(period: { to: "2019-12-31" })
            }
          }
        }
      }
    }`);
    expect(data.county.legalAdvisor).toBeNull();
    const townships = data.county.children as { legalAdvisor: unknown; children: { code: string; level: string; legalAdvisor: any }[] }[];
    for (const township of townships) expect(township.legalAdvisor).toBeNull();
    const villages = townships.flatMap((t) => t.children);
    const advised = villages.filter((v) => v.legalAdvisor !== null);
    expect(villages.length).toBeGreaterThan(20);
    expect(advised.length / villages.length).toBeGreaterThan(0.8);
    expect(advised.length).toBeLessThan(villages.length + 1);
    for (const village of advised) {
      const advisor = village.legalAdvisor;
      expect(advisor.village.code).toBe(village.code);
      expect(['LAWYER', 'GRASSROOTS_LEGAL_WORKER']).toContain(advisor.provider.kind);
      expect(advisor.provider.id.startsWith(`LAP-652922-`)).toBe(true);
      expect(advisor.since <= '2023-12-31').toBe(true);
      expect(advisor.before).toBe(0);
      expect(advisor.y2020 + advisor.y2021 + advisor.y2022 + advisor.y2023).toBe(advisor.consultations);
      if (advisor.since > '2021-12-31') expect(advisor.y2020 + advisor.y2021).toBe(0);
    }
    expect(advised.reduce((sum, v) => sum + v.legalAdvisor.consultations, 0)).toBeGreaterThan(0);
  });

  test('paginates a list of cases to its end without gaps or repeats', async () => {
    const { ids: seen, totalCount } = await pageThrough(
      hub,
      `query($first: Int, $after: String) { region(code: "652922") { legalAidCases(first: $first, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }`,
      (data) => data.region.legalAidCases,
      7,
    );
    expect(totalCount).toBeGreaterThan(7);
    expect(seen.length).toBe(totalCount);
    expect(new Set(seen).size).toBe(totalCount);
    expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => a - b));
  });

  test.each([
    ['first above 100', '{ region(code: "652900") { legalAidCases(first: 101) { totalCount } } }', 'first'],
    ['negative first', '{ region(code: "652900") { legalAidCases(first: -1) { totalCount } } }', 'first'],
    ['huge first', '{ region(code: "650000") { children { legalAidCases(first: 99999999) { totalCount } } } }', 'first'],
    ['a forged cursor', '{ region(code: "652900") { legalAidCases(after: "bm90LWEtY3Vyc29y") { totalCount } } }', 'after'],
    ['a well-formed cursor with a key of the wrong kind', `{ region(code: "652900") { legalAidCases(after: "${Buffer.from('k:abc').toString('base64url')}") { totalCount } } }`, 'after'],
    ['a stats period that ends before it starts', '{ region(code: "652900") { legalAidStats(period: { from: "2023-01-01", to: "2022-01-01" }) { applications } } }', 'period'],
    ['a referrals period that ends before it starts', '{ judicialOffice(id: "JO-652922100") { legalAidReferrals(period: { from: "2023-01-01", to: "2022-01-01" }) } }', 'period'],
    ['an appliedIn filter that ends before it starts', '{ region(code: "652900") { legalAidCases(filter: { appliedIn: { from: "2023-01-01", to: "2022-01-01" } }) { totalCount } } }', 'filter.appliedIn'],
  ])('%s is BAD_USER_INPUT naming the argument', async (_name, text, field) => {
    const { errors } = await hub.query(text);
    expect(errors!.length).toBeGreaterThanOrEqual(1);
    for (const error of errors!) expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(JSON.stringify(errors)).not.toMatch(/stack|select |\.ts:|localhost/i);
  });

  test('an invalid date is BAD_USER_INPUT', async () => {
    const { errors } = await hub.query('{ region(code: "652900") { legalAidStats(period: { from: "2023-02-30" }) { applications } } }');
    expect(errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('_entities lookups of Region and JudicialOffice are batched: one SQL statement per batch', async () => {
    const listed = await query('{ judicialOffices(first: 60) { nodes { id township { code parent { code } children { code } } } } }');
    const offices = listed.judicialOffices.nodes as { id: string; township: { code: string; parent: { code: string }; children: { code: string }[] } }[];
    const entities = async (representations: object[], selection: string) => {
      const before = hub.statements('legal-aid');
      const response = await hub.postToSubgraph<{ _entities: any[] }>('legal-aid', {
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`,
        variables: { r: representations },
      });
      expect(response.errors).toBeUndefined();
      return { entities: response.data!._entities, statements: hub.statements('legal-aid') - before };
    };

    // 60 offices and 120 regions (townships and their counties): one statement for referrals, one for stats.
    const regions = offices.flatMap((o) => [o.township.code, o.township.parent.code]);
    const mixed = await entities(
      [...offices.map((o) => ({ __typename: 'JudicialOffice', id: o.id })), ...regions.map((code) => ({ __typename: 'Region', code }))],
      `... on JudicialOffice { id legalAidReferrals } ... on Region { code legalAidStats { ${STATS} } }`,
    );
    expect(mixed.entities).toHaveLength(offices.length + regions.length);
    expect(mixed.entities.slice(0, offices.length).every((e) => typeof e.legalAidReferrals === 'number')).toBe(true);
    expect(mixed.entities.slice(offices.length).every((e) => typeof e.legalAidStats.applications === 'number')).toBe(true);
    expect(mixed.entities.slice(0, offices.length).reduce((sum, e) => sum + e.legalAidReferrals, 0)).toBeGreaterThan(0);
    expect(mixed.statements).toBe(2);

    // Offices alone, with a period: one statement.
    const referrals = await entities(
      offices.map((o) => ({ __typename: 'JudicialOffice', id: o.id })),
      '... on JudicialOffice { legalAidReferrals(period: { from: "2022-01-01" }) }',
    );
    expect(referrals.statements).toBe(1);

    // Hundreds of villages with their advisors: one statement each for advisors, providers and consultations.
    const villages = offices.flatMap((o) => o.township.children.map((c) => c.code));
    expect(villages.length).toBeGreaterThan(200);
    const advisors = await entities(
      villages.map((code) => ({ __typename: 'Region', code })),
      '... on Region { code legalAdvisor { since provider { name kind } consultations } }',
    );
    expect(advisors.entities.filter((e) => e.legalAdvisor).length).toBeGreaterThan(villages.length * 0.8);
    expect(advisors.statements).toBe(3);

    // A representation whose code is no division code resolves to null, without SQL.
    const junk = await entities([{ __typename: 'Region', code: 'not-a-code' }], '... on Region { code legalAidStats { applications } }');
    expect(junk.entities).toEqual([null]);
    expect(junk.statements).toBe(0);
  });

  test('nested lists cost the same number of statements for 10 cases as for 100', async () => {
    const cost = async (first: number): Promise<number> => {
      const before = hub.statements('legal-aid');
      const { data, errors } = await hub.query(`{ region(code: "650000") { legalAidCases(first: ${first}) { nodes {
        provider { name } referredBy { name legalAidReferrals } region { name legalAdvisor { since } } } } } }`);
      expect(errors).toBeUndefined();
      expect(data!.region.legalAidCases.nodes).toHaveLength(first);
      return hub.statements('legal-aid') - before;
    };
    expect(await cost(100)).toBe(await cost(10));
  });
});
