// Identical subgraph calls in flight, merged (issue 19, gateway/in-flight.ts):
// the same caller's identical requests at once share subgraph calls; callers
// whose access differs never share an answer; personal-data readers' calls are
// never merged (each read is audited with its own request id).
import { SCORECARD, SCORECARD_VARIABLES } from '../bench/workloads';
import { startHub, type GraphQLResponse, type Hub, type TokenClaims } from './harness';

const DASHBOARD: TokenClaims = { sub: 'dashboard', agency: 'judicial' };
const PII: TokenClaims = { sub: 'worker', agency: 'judicial', scope: 'judicial:cases judicial:pii' };
const CASES: TokenClaims = { sub: 'worker', agency: 'judicial', scope: 'judicial:cases' };
const CASES_QUERY = '{ region(code: "652922") { mediationCases(first: 3) { totalCount nodes { id outcome parties { name } } } } }';

describe('identical subgraph calls in flight', () => {
  let hub: Hub;

  beforeAll(async () => {
    hub = await startHub();
  }, 120_000);

  afterAll(async () => {
    await hub?.stop();
  });

  /** Subgraph calls made by `send`, and its answers. */
  async function counted<T>(send: () => Promise<T>): Promise<{ calls: number; answers: T }> {
    const before = hub.subgraphRequests();
    const answers = await send();
    return { calls: hub.subgraphRequests() - before, answers };
  }

  const strip = (response: GraphQLResponse) => ({ data: response.data, errors: response.errors });

  test('the same caller\'s identical scorecards at once: fewer subgraph calls, the same answers', async () => {
    const alone = await counted(() => hub.queryAs(DASHBOARD, SCORECARD, SCORECARD_VARIABLES));
    expect(alone.answers.errors).toBeUndefined();
    expect(alone.calls).toBeGreaterThan(1);
    const burst = await counted(() => Promise.all(Array.from({ length: 8 }, () => hub.queryAs(DASHBOARD, SCORECARD, SCORECARD_VARIABLES))));
    for (const answer of burst.answers) expect(strip(answer)).toEqual(strip(alone.answers));
    // Unmerged, 8 requests make 8 times the calls of one.
    expect(burst.calls).toBeLessThan(8 * alone.calls);
    const metrics = await fetch(`${hub.gateway.adminUrl}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/hub_subgraph_merged_total\{subgraph="[a-z-]+"[^}]*\} [1-9]/);
  });

  test('two callers at once, one with pii: each gets its own answer, never the other\'s', async () => {
    const pii = await hub.queryAs(PII, CASES_QUERY);
    const cases = await hub.queryAs(CASES, CASES_QUERY);
    expect(pii.data!.region.mediationCases.nodes.every((n: { parties: unknown[] | null }) => Array.isArray(n.parties))).toBe(true);
    expect(cases.data!.region.mediationCases.nodes.every((n: { parties: unknown }) => n.parties === null)).toBe(true);
    for (let i = 0; i < 5; i++) {
      const [a, b] = await Promise.all([hub.queryAs(PII, CASES_QUERY), hub.queryAs(CASES, CASES_QUERY)]);
      expect(strip(a)).toEqual(strip(pii));
      expect(strip(b)).toEqual(strip(cases));
    }
  });

  test('two mergeable callers whose regions differ, at once: each gets its own answer', async () => {
    const inside: TokenClaims = { ...CASES, sub: 'same-worker', regions: ['652922'] };
    const outside: TokenClaims = { ...CASES, sub: 'same-worker', regions: ['652901'] };
    const query = '{ region(code: "652922") { mediationCases(first: 3) { totalCount nodes { id outcome } } } }';
    const a = strip(await hub.queryAs(inside, query));
    const b = strip(await hub.queryAs(outside, query));
    expect(a).not.toEqual(b);
    for (let i = 0; i < 5; i++) {
      const answers = await Promise.all([hub.queryAs(inside, query), hub.queryAs(outside, query), hub.queryAs(inside, query), hub.queryAs(outside, query)]);
      expect(answers.map(strip)).toEqual([a, b, a, b]);
    }
  });

  test('a personal-data reader\'s identical requests at once are never merged', async () => {
    const alone = await counted(() => hub.queryAs(PII, CASES_QUERY));
    const burst = await counted(() => Promise.all(Array.from({ length: 4 }, () => hub.queryAs(PII, CASES_QUERY))));
    expect(burst.calls).toBe(4 * alone.calls);
  });
});
