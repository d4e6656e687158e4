// One call per subgraph per plan stage (issue 19, gateway/fetch-batch.ts): a
// client request's fetches of one stage to one subgraph travel as one batched
// HTTP call. Correctness only (the benchmark measures the cost): every
// registered operation gives the same answer batched and unbatched, for each
// kind of caller; the scorecard makes one call per agency; a batch in which
// one fetch is refused keeps the others' data.
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { SCORECARD, SCORECARD_VARIABLES } from '../bench/workloads';
import { SUBGRAPH_CALL_DEFAULTS, HubDataSource } from '../gateway/data-source';
import type { GatewayContext } from '../gateway/context';
import { FetchBatcher } from '../gateway/fetch-batch';
import { createIdentitySigner } from '../platform/access/identity';
import type { RunningGateway } from '../gateway/gateway';
import { buildManifest } from '../schema/manifest';
import { postGraphQL, REGISTERED_VARIABLES, signToken, startGatewayOverHub, startHub, testGatewayKeys, type GraphQLResponse, type Hub, type TokenClaims } from './harness';

const CALLERS: Record<string, TokenClaims | null> = {
  anonymous: null,
  'case scope': { sub: 'clerk', agency: 'judicial', scope: 'judicial:cases legal-aid:cases' },
  'pii scope': { sub: 'officer', agency: 'legal-aid', scope: 'legal-aid:cases legal-aid:pii judicial:cases judicial:pii' },
  'other agency': { sub: 'teacher', agency: 'education', scope: 'education:write' },
};

const strip = (response: GraphQLResponse) => ({ data: response.data, errors: response.errors?.map((e) => ({ message: e.message, path: e.path, code: e.extensions?.code })) });

describe('batched subgraph fetches', () => {
  let hub: Hub;
  const started: RunningGateway[] = [];
  let unbatched: RunningGateway;
  let batched: RunningGateway;

  beforeAll(async () => {
    hub = await startHub();
    // Both over the same subgraphs, without the response cache, so every request reaches them.
    ({ gateway: batched } = await startGatewayOverHub(hub, started));
    ({ gateway: unbatched } = await startGatewayOverHub(hub, started, { subgraphBatching: false }));
  }, 180_000);

  afterAll(async () => {
    for (const gateway of started) await gateway.stop();
    await hub?.stop();
  });

  const statements = () => Object.keys(hub.subgraphs).reduce((sum, name) => sum + hub.statements(name), 0);

  async function ask(gateway: RunningGateway, claims: TokenClaims | null, query: string, variables: Record<string, unknown>) {
    const [calls, sql] = [hub.subgraphRequests(), statements()];
    const response = await postGraphQL<any>(gateway.url, { query, variables }, claims ? { authorization: `Bearer ${await signToken(claims)}` } : {});
    return { response, calls: hub.subgraphRequests() - calls, statements: statements() - sql };
  }

  test('the scorecard of a prefecture and its children: one call per agency, the same answer', async () => {
    const one = await ask(batched, null, SCORECARD, SCORECARD_VARIABLES);
    const apart = await ask(unbatched, null, SCORECARD, SCORECARD_VARIABLES);
    expect(one.response.errors).toBeUndefined();
    expect(strip(one.response)).toEqual(strip(apart.response));
    expect(apart.calls).toBe(7);
    expect(one.calls).toBe(4);
    // One set of DataLoaders for the region and its children: one statement per figure, not two.
    expect(one.statements).toBeLessThan(apart.statements);
    console.log(`scorecard: ${one.calls} calls and ${one.statements} SQL statements batched, ${apart.calls} calls and ${apart.statements} unbatched`);
  });

  const cases = buildManifest().operations.flatMap((operation) =>
    Object.entries(CALLERS).flatMap(([caller, claims]) => (REGISTERED_VARIABLES[operation.name] ?? []).map((variables) => ({ operation, caller, claims, variables }))),
  );

  test('every registered operation has variables here', () => {
    expect(buildManifest().operations.filter((operation) => !REGISTERED_VARIABLES[operation.name]).map((operation) => operation.name)).toEqual([]);
  });

  test.each(cases.map((c) => [c.operation.name, c.caller, JSON.stringify(c.variables), c] as const))('%s as %s with %s: batched and unbatched answers are identical', async (_name, _caller, _vars, c) => {
    const one = await ask(batched, c.claims, c.operation.body, c.variables);
    const apart = await ask(unbatched, c.claims, c.operation.body, c.variables);
    expect(one.response.status).toBe(apart.response.status);
    expect(strip(one.response)).toEqual(strip(apart.response));
    // Real answers from the subgraphs, not refusals at the door.
    expect(one.response.status).toBe(200);
    expect(one.response.data).toBeTruthy();
    expect(one.calls).toBeGreaterThan(0);
    expect(one.calls).toBeLessThanOrEqual(apart.calls);
  });

  test('a batch in which one fetch is refused: the other fetches keep their data, in one call', async () => {
    const { identitySecret } = testGatewayKeys();
    const sign = createIdentitySigner(identitySecret);
    const source = new HubDataSource({ name: 'legal-aid', url: hub.subgraphs['legal-aid'].url, settings: SUBGRAPH_CALL_DEFAULTS });
    const viewer = { subject: null, agency: null, scopes: [], regions: [] };
    const context = { viewer, requestId: 'batch-refusal', deadline: Date.now() + 10_000, identityFor: (call) => sign({ viewer, requestId: 'batch-refusal' }, call), committedWrites: new Set<string>() } as GatewayContext;
    const fetchOf = (query: string, variables: Record<string, unknown>) =>
      ({
        request: { query, variables },
        context,
        incomingRequestContext: { overallCachePolicy: undefined },
      }) as unknown as GraphQLDataSourceProcessOptions<GatewayContext>;
    // As the query planner writes entity fetches.
    const good = 'query Good($representations: [_Any!]!) { _entities(representations: $representations) { ... on Region { code legalAidStats { applications } } } }';
    // An invalid Date in a variable: alone, HTTP 400 BAD_USER_INPUT.
    const bad = 'query Bad($representations: [_Any!]!, $period: DateRange) { _entities(representations: $representations) { ... on Region { legalAidStats(period: $period) { applications } } } }';
    const region = (code: string) => ({ representations: [{ __typename: 'Region', code }] });
    const before = hub.subgraphs['legal-aid'].graphqlRequests();
    try {
      const [first, second, third] = await Promise.allSettled([
        source.process(fetchOf(good, region('652900'))),
        source.process(fetchOf(bad, { ...region('652900'), period: { from: 'not a date', to: '2022-12-31' } })),
        source.process(fetchOf(good, region('652922'))),
      ]);
      expect(hub.subgraphs['legal-aid'].graphqlRequests() - before).toBe(1);
      expect(first).toEqual({ status: 'fulfilled', value: expect.objectContaining({ data: { _entities: [{ code: '652900', legalAidStats: { applications: expect.any(Number) } }] } }) });
      expect(third).toEqual({ status: 'fulfilled', value: expect.objectContaining({ data: { _entities: [{ code: '652922', legalAidStats: { applications: expect.any(Number) } }] } }) });
      expect(second.status).toBe('rejected');
      const reason = (second as PromiseRejectedResult).reason as GraphQLError;
      expect(reason).toBeInstanceOf(GraphQLError);
      expect(reason.extensions.code).toBe('BAD_USER_INPUT');
    } finally {
      source.shutdown();
    }
  });
});

describe('FetchBatcher: when a stage\'s batch goes', () => {
  test('fetches added from one cascade of promise continuations go as one call; a fetch after an event-loop turn goes in a call of its own', async () => {
    const calls: string[][] = [];
    const batcher = new FetchBatcher<object, string, string>(async (_key, requests) => (calls.push(requests), requests.map((r) => `answer ${r}`)));
    const request = {};
    const later = async (steps: number, name: string) => {
      for (let i = 0; i < steps; i++) await Promise.resolve();
      return batcher.add(request, name);
    };
    // As a plan's Parallel node starts its fetches: each reaches the data source after a different number of awaits.
    const stage = [batcher.add(request, 'a'), later(1, 'b'), later(5, 'c')];
    // Another client request's fetch in the same cascade: a batch of its own (a batch never spans two requests).
    const other = batcher.add({}, 'x');
    const afterTurn = new Promise<string>((resolve) => setImmediate(() => resolve(batcher.add(request, 'd'))));
    expect(await Promise.all([...stage, other, afterTurn])).toEqual(['answer a', 'answer b', 'answer c', 'answer x', 'answer d']);
    expect(calls).toEqual([['a', 'b', 'c'], ['x'], ['d']]);
  });
});
