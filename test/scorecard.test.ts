// The cross-agency scorecard a dashboard sends (schema/operations/region-scorecard.graphql),
// through the gateway over HTTP: every figure of a prefecture agrees with its counties'.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startHub, type Hub } from './harness';

const SCORECARD = readFileSync(path.join(__dirname, '..', 'schema', 'operations', 'region-scorecard.graphql'), 'utf8');

type Figures = Record<'judicialStats' | 'legalAidStats' | 'educationStats' | 'revitalizationStats', Record<string, number | null>>;
type ScorecardRegion = Figures & { code: string; name: string; level: string };

/** Counts whose parent figure is exactly the sum of its children's. */
const ADDITIVE: [keyof Figures, string][] = [
  ['judicialStats', 'offices'], ['judicialStats', 'standardized'], ['judicialStats', 'demonstration'], ['judicialStats', 'branded'],
  ['judicialStats', 'mediationCases'], ['judicialStats', 'mediationResolved'],
  ['legalAidStats', 'applications'], ['legalAidStats', 'accepted'], ['legalAidStats', 'rejected'], ['legalAidStats', 'closed'],
  ['educationStats', 'events'], ['educationStats', 'attendees'], ['educationStats', 'demonstrationVillages'], ['educationStats', 'legalUnderstandingPersons'],
  ['revitalizationStats', 'projects'], ['revitalizationStats', 'projectsLegallyReviewed'], ['revitalizationStats', 'residentTeams'],
];

/** Rates: numerator and denominator figures of the same group. */
const RATES: [keyof Figures, string, string, string][] = [
  ['judicialStats', 'standardizedRate', 'standardized', 'offices'],
  ['judicialStats', 'mediationSuccessRate', 'mediationResolved', 'mediationCases'],
  ['revitalizationStats', 'legalReviewRate', 'projectsLegallyReviewed', 'projects'],
];

describe('region scorecard', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startHub();
  });
  afterAll(() => hub?.stop());

  test.each([
    ['Aksu prefecture for 2022', { code: '652900', period: { from: '2022-01-01', to: '2022-12-31' } }],
    ['Kashgar prefecture, all time', { code: '653100' }],
  ])('%s: every figure agrees with the sum over its counties', async (_name, variables) => {
    const { data, errors } = await hub.query<{ region: ScorecardRegion & { children: ScorecardRegion[] } }>(SCORECARD, variables);
    expect(errors).toBeUndefined();
    const region = data!.region;
    const children = region.children;
    expect(region.level).toBe('PREFECTURE');
    expect(children.length).toBeGreaterThan(3);
    expect(children.every((c) => c.level === 'COUNTY')).toBe(true);

    for (const [group, field] of ADDITIVE) {
      const sum = children.reduce((total, child) => total + Number(child[group][field]), 0);
      expect({ group, field, value: region[group][field] }).toEqual({ group, field, value: sum });
    }
    // Something is counted in every agency's figures.
    for (const [group, field] of [['judicialStats', 'mediationCases'], ['legalAidStats', 'applications'], ['educationStats', 'events'], ['revitalizationStats', 'projects']] as const) {
      expect(region[group][field]).toBeGreaterThan(0);
    }

    const budget = children.reduce((total, child) => total + Number(child.revitalizationStats.budgetYuan), 0);
    expect(region.revitalizationStats.budgetYuan).toBeCloseTo(budget, 2);

    for (const row of [region, ...children]) {
      for (const [group, rate, numerator, denominator] of RATES) {
        const d = Number(row[group][denominator]);
        expect(row[group][rate]).toBeCloseTo(d ? Number(row[group][numerator]) / d : 0, 10);
      }
    }

    // The mean days to close of the region is the closed-weighted mean of its counties'.
    const closed = region.legalAidStats.closed!;
    const weighted = children.reduce((total, c) => total + (c.legalAidStats.averageDaysToClose ?? 0) * Number(c.legalAidStats.closed), 0);
    if (closed > 0) expect(region.legalAidStats.averageDaysToClose).toBeCloseTo(weighted / closed, 6);
    else expect(region.legalAidStats.averageDaysToClose).toBeNull();

    // Partners are counted once however many places they are paired with: not additive, but bounded.
    const partners = children.map((c) => Number(c.revitalizationStats.partners));
    expect(region.revitalizationStats.partners).toBeGreaterThanOrEqual(Math.max(...partners));
    expect(region.revitalizationStats.partners).toBeLessThanOrEqual(partners.reduce((a, b) => a + b, 0));
  });
});
