// The dashboard's fields on Region (issue 14), through the gateway over HTTP,
// on PGlite and on PostgreSQL: official Chinese names of prefectures and
// counties (nameZh), and each agency's monthly series of its main figure,
// whose twelve months add up to the agency's Stats figure for the year; one
// grouped SQL statement per batch of regions, a bad year BAD_USER_INPUT.
import { startHub, type DatabaseKind, type Hub } from './harness';

const SERIES = `query Series($code: ID!, $year: Int!, $period: DateRange) {
  region(code: $code) {
    ...Figures
    children { ...Figures }
  }
}
fragment Figures on Region {
  code
  judicialSeries(year: $year) { month count }
  legalAidSeries(year: $year) { month count }
  educationSeries(year: $year) { month count }
  revitalizationSeries(year: $year) { month count }
  judicialStats(period: $period) { mediationCases }
  legalAidStats(period: $period) { applications }
  educationStats(period: $period) { events }
  revitalizationStats(period: $period) { projects }
}`;

/** Each series and the Stats figure its months add up to. */
const PAIRS = [
  ['judicialSeries', 'judicialStats', 'mediationCases'],
  ['legalAidSeries', 'legalAidStats', 'applications'],
  ['educationSeries', 'educationStats', 'events'],
  ['revitalizationSeries', 'revitalizationStats', 'projects'],
] as const;

type Months = { month: number; count: number }[];

describe.each<DatabaseKind>(['pglite', 'postgres'])('Region series and Chinese names on %s', (database) => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startHub({ database });
  }, 120_000);
  afterAll(() => hub?.stop());

  test('prefectures and counties carry their official Chinese names; townships none', async () => {
    const { data, errors } = await hub.query(`{
      xinjiang: region(code: "650000") { name nameZh }
      aksu: region(code: "652900") { name nameZh children { code name nameZh } }
      hotan: region(code: "653200") { nameZh }
      wensu: region(code: "652922") { nameZh children { level nameZh } }
    }`);
    expect(errors).toBeUndefined();
    expect(data!.xinjiang).toEqual({ name: 'Xinjiang Uyghur Autonomous Region', nameZh: '新疆维吾尔自治区' });
    expect(data!.aksu.nameZh).toBe('阿克苏地区');
    expect(data!.hotan.nameZh).toBe('和田地区');
    expect(data!.wensu.nameZh).toBe('温宿县');
    expect(data!.aksu.children).toContainEqual({ code: '652922', name: 'Wensu County', nameZh: '温宿县' });
    expect(data!.aksu.children.every((c: { nameZh: string | null }) => /^[\u4e00-\u9fff]+(市|县|区)$/.test(c.nameZh ?? ''))).toBe(true);
    expect(data!.wensu.children.length).toBeGreaterThan(0);
    expect(data!.wensu.children.every((c: { level: string; nameZh: string | null }) => c.level === 'TOWNSHIP' && c.nameZh === null)).toBe(true);
  });

  test.each([
    ['Aksu prefecture and its counties', '652900', 2023],
    ['the autonomous region and its prefectures', '650000', 2022],
  ])('%s: every agency’s 12 months of %s add up to its Stats figure for %s', async (_name, code, year) => {
    const { data, errors } = await hub.query(SERIES, { code, year, period: { from: `${year}-01-01`, to: `${year}-12-31` } });
    expect(errors).toBeUndefined();
    const regions = [data!.region, ...data!.region.children];
    expect(regions.length).toBeGreaterThan(5);
    for (const region of regions) {
      for (const [series, stats, figure] of PAIRS) {
        const months = region[series] as Months;
        expect(months.map((m) => m.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        const sum = months.reduce((total, m) => total + m.count, 0);
        expect({ code: region.code, series, sum }).toEqual({ code: region.code, series, sum: region[stats][figure] });
      }
    }
    // Real figures, spread over the year (not all in one month).
    for (const [series] of PAIRS) {
      const months = data!.region[series] as Months;
      expect(months.reduce((t, m) => t + m.count, 0)).toBeGreaterThan(0);
      expect(months.filter((m) => m.count > 0).length).toBeGreaterThan(1);
    }
  });

  test('a region’s children’s series are one SQL statement per agency, however many children', async () => {
    const before = Object.fromEntries(['judicial', 'legal-aid', 'education', 'partners'].map((s) => [s, hub.statements(s)]));
    const { errors } = await hub.query(`query ($code: ID!) { region(code: $code) { children {
      legalAidSeries(year: 2023) { count } educationSeries(year: 2023) { count } revitalizationSeries(year: 2023) { count } } } }`, { code: '650000' });
    expect(errors).toBeUndefined();
    // The whole request: the entity batch of 14 prefectures is one series statement in each agency.
    for (const name of ['legal-aid', 'education', 'partners']) expect({ name, statements: hub.statements(name) - before[name] }).toEqual({ name, statements: 1 });
  });

  test('a year outside 1949–2100 is BAD_USER_INPUT naming the argument', async () => {
    const { data, errors } = await hub.query(`{ region(code: "652900") { judicialSeries(year: 20230) { count } } }`);
    expect(data).toEqual({ region: null });
    expect(errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
    const legalAid = await hub.query(`{ region(code: "652900") { code legalAidSeries(year: 1800) { count } } }`);
    expect(legalAid.data).toEqual({ region: { code: '652900', legalAidSeries: null } });
    expect(legalAid.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'year' });
  });
});
