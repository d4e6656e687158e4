// Identical subgraph calls in flight, merged (issue 19, gateway/in-flight.ts):
// the same caller's identical requests at once share subgraph calls; callers
// whose access differs never share an answer; personal-data readers' calls are
// never merged (each read is audited with its own request id); and the copies
// merged callers get: none shares an object with another, however each uses it.
import { SCORECARD, SCORECARD_VARIABLES, WIDE_LIST, wideListVariables } from '../bench/workloads';
import { copyJson, InFlight } from '../gateway/in-flight';
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

  test('identical wide lists at once (entity fetches @apollo/gateway merges into its result): the same answers as one alone', async () => {
    const variables = wideListVariables(10);
    const alone = await counted(() => hub.queryAs(DASHBOARD, WIDE_LIST, variables));
    expect(alone.answers.errors).toBeUndefined();
    const burst = await counted(() => Promise.all(Array.from({ length: 6 }, () => hub.queryAs(DASHBOARD, WIDE_LIST, variables))));
    for (const answer of burst.answers) expect(strip(answer)).toEqual(strip(alone.answers));
    expect(burst.calls).toBeLessThan(6 * alone.calls);
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

describe('merged callers\' copies (gateway/in-flight.ts)', () => {
  const ANSWER = '{"data":{"offices":[{"id":"JO-1","name":"一","count":3,"open":true,"head":null,"tags":["a","b"]}],"__proto__":{"polluted":true}},"extensions":{"x":[[1,2],[]]}}';

  test('copyJson: an equal value that shares no object with the original; "__proto__" stays an own key, no prototype is set', () => {
    const original = JSON.parse(ANSWER);
    const copy = copyJson(original);
    expect(copy).toEqual(original);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(original));
    expect(copy.data).not.toBe(original.data);
    expect(copy.data.offices).not.toBe(original.data.offices);
    expect(copy.data.offices[0]).not.toBe(original.data.offices[0]);
    expect(copy.extensions.x[0]).not.toBe(original.extensions.x[0]);
    expect(Object.getPrototypeOf(copy.data)).toBe(Object.prototype);
    expect((copy.data as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(copy.data)).toEqual(['offices', '__proto__']);
  });

  test('a call others joined: each of them, the sender too, gets its own copy, equal to the answer as it came, whatever the others did to theirs', async () => {
    const inFlight = new InFlight<{ response: any; text: string }>();
    let answer!: (value: { response: any; text: string }) => void;
    const send = () => new Promise<{ response: any; text: string }>((resolve) => (answer = resolve));
    const copy = (a: { response: any; text: string }) => ({ ...a, response: copyJson(a.response) });
    const mutate = (got: { response: any }) => {
      // As @apollo/gateway does with what it gets: rewrites and merges into it, at once.
      got.response.data.offices[0].name = 'changed';
      got.response.data.offices.push({ id: 'JO-2' });
      return got;
    };
    const calls = [inFlight.run('k', send, copy).then(mutate), inFlight.run('k', send, copy).then(mutate), inFlight.run('k', send, copy).then(mutate)];
    expect(inFlight.merged).toBe(2);
    const arrived = { response: JSON.parse(ANSWER), text: ANSWER };
    answer(arrived);
    const got = await Promise.all(calls);
    // Every caller saw the answer as it came (its own change only), and the answer itself is untouched.
    for (const one of got) expect(one.response.data.offices).toEqual([{ ...JSON.parse(ANSWER).data.offices[0], name: 'changed' }, { id: 'JO-2' }]);
    expect(new Set(got.map((one) => one.response)).size).toBe(3);
    expect(got.some((one) => one.response === arrived.response)).toBe(false);
    expect(arrived.response).toEqual(JSON.parse(ANSWER));
    // Once answered, the next identical call sends its own.
    let sent = 0;
    await inFlight.run('k', async () => (sent++, arrived), copy);
    expect(sent).toBe(1);
  });

  test('a call nobody joined keeps the answer as it came (no copy)', async () => {
    const inFlight = new InFlight<{ response: unknown }>();
    const arrived = { response: JSON.parse(ANSWER) };
    const got = await inFlight.run('alone', async () => arrived, (a) => ({ response: copyJson(a.response) }));
    expect(got).toBe(arrived);
  });
});
