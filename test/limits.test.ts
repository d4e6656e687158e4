// Request limits at the gateway (gateway/limits.ts), against real servers over
// HTTP: each refusal has its exact status and code, and no subgraph receives
// the refused request; the dashboard operations and test queries pass.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { parse, type OperationDefinitionNode } from 'graphql';
import { startGateway, type GatewayOptions, type RunningGateway } from '../gateway/gateway';
import { defaultIntrospection, introspectionAllowed, LIMIT_DEFAULTS, limitSettingsFromEnv, requestLimits, selectsIntrospection } from '../gateway/limits';
import { postGraphQL, signToken, startHub, testGatewayKeys, type GraphQLResponse, type Hub } from './harness';

const OPERATIONS_DIR = path.join(__dirname, '..', 'schema', 'operations');
const json = { 'content-type': 'application/json' };

describe('request limits at the gateway', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startHub();
  });
  afterAll(() => hub?.stop());

  /** A second gateway in front of the same subgraphs, with other settings. */
  async function withGateway(options: GatewayOptions, run: (gateway: RunningGateway) => Promise<void>): Promise<void> {
    const gateway = await startGateway({
      port: 0,
      subgraphUrls: Object.fromEntries(Object.values(hub.subgraphs).map((s) => [s.name, s.url])),
      ...testGatewayKeys(),
      ...options,
    });
    try {
      await run(gateway);
    } finally {
      await gateway.stop();
    }
  }

  /** Sends a request and checks it is refused with this status and code, and that no subgraph saw it. */
  async function expectRefused(send: () => Promise<GraphQLResponse>, status: number, code: string, message?: RegExp): Promise<GraphQLResponse> {
    const before = hub.subgraphRequests();
    const response = await send();
    expect({ status: response.status, codes: response.errors?.map((e) => e.extensions?.code) }).toEqual({ status, codes: [code] });
    expect(response.data ?? undefined).toBeUndefined();
    if (message) expect(response.errors![0].message).toMatch(message);
    expect(JSON.stringify(response.errors)).not.toMatch(/stack|localhost|\.ts:/i);
    expect(hub.subgraphRequests()).toBe(before);
    return response;
  }

  const query = (text: string, variables?: Record<string, unknown>) => () => hub.query(text, variables);

  describe('aliases', () => {
    const aliased = (count: number) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: region(code: "652900") { name }`).join(' ')} }`;

    test('10,000 aliases are refused by the token limit before they are parsed', async () => {
      await expectRefused(query(aliased(10_000)), 400, 'GRAPHQL_PARSE_FAILED', /more that 5000 tokens/);
    });

    test('10,000 aliases are refused by the alias limit when tokens are no bar', async () => {
      await withGateway({ limits: { maxTokens: 1_000_000 } }, async (gateway) => {
        await expectRefused(() => postGraphQL(gateway.url, { query: aliased(10_000) }), 400, 'GRAPHQL_VALIDATION_FAILED', /^Aliases limit of 100 exceeded, found 10000\.$/);
      });
    });

    test('one alias over the limit is refused; the limit itself passes', async () => {
      await expectRefused(query(aliased(LIMIT_DEFAULTS.maxAliases + 1)), 400, 'GRAPHQL_VALIDATION_FAILED', /^Aliases limit of 100 exceeded, found 101\.$/);
      const { data, errors } = await hub.query(aliased(LIMIT_DEFAULTS.maxAliases));
      expect(errors).toBeUndefined();
      expect(data!.a99).toEqual({ name: 'Aksu Prefecture' });
    });
  });

  describe('depth', () => {
    const nested = (levels: number, inner = 'code') => `${'parent { '.repeat(levels)}${inner}${' }'.repeat(levels)}`;

    test('depth 50 is refused', async () => {
      await expectRefused(query(`{ region(code: "652922100201") { ${nested(49)} } }`), 400, 'GRAPHQL_VALIDATION_FAILED', /^Query depth limit of 12 exceeded, found 51\.$/);
    });

    test('depth 12 passes', async () => {
      const { errors } = await hub.query(`{ region(code: "652922100201") { ${nested(10)} } }`);
      expect(errors).toBeUndefined();
    });

    test('a fragment spread once shallow and once deep counts at its deepest (the fragment-cache bypass fixed in max-depth 2.4.2)', async () => {
      // A spread counts as a level: the first is 12 deep, which passes alone; the second, under 9 more levels, 21.
      const shallow = await hub.query(`{ region(code: "652922100201") { ...Deep } } fragment Deep on Region { ${nested(8)} }`);
      expect(shallow.errors).toBeUndefined();
      const text = `{ region(code: "652922100201") { ...Deep ${nested(9, '...Deep')} } }
        fragment Deep on Region { ${nested(8)} }`;
      await expectRefused(query(text), 400, 'GRAPHQL_VALIDATION_FAILED', /^Query depth limit of 12 exceeded, found 21\.$/);
    });

    test('a fragment named __schema is not skipped as introspection', async () => {
      const text = `{ region(code: "652922100201") { ${nested(9, '...__schema')} } } fragment __schema on Region { ${nested(9)} }`;
      await expectRefused(query(text), 400, 'GRAPHQL_VALIDATION_FAILED', /^Query depth limit of 12 exceeded/);
    });
  });

  test('a fragment cycle is refused by graphql validation', async () => {
    const text = `{ region(code: "652900") { ...A } }
      fragment A on Region { parent { ...B } }
      fragment B on Region { children { ...A } }`;
    await expectRefused(query(text), 400, 'GRAPHQL_VALIDATION_FAILED', /^Cannot spread fragment "A" within itself via "B"\.$/);
  });

  describe('document and body size', () => {
    test('a 1 MB query is refused by the token limit', async () => {
      const text = `{ ${'__typename '.repeat(90_910)}}`.slice(0, 1_000_000);
      expect(text.length).toBe(1_000_000);
      await expectRefused(query(text), 400, 'GRAPHQL_PARSE_FAILED', /^Syntax Error: Document contains more that 5000 tokens\. Parsing aborted\.$/);
    });

    test('a body over GATEWAY_BODY_LIMIT (1mb by default) is 413 PAYLOAD_TOO_LARGE', async () => {
      await expectRefused(query(`{ ${'__typename '.repeat(100_000)}}`), 413, 'PAYLOAD_TOO_LARGE', /^Request body too large$/);
    });

    test('a gateway started with a 2kb body limit refuses a 3 KB body and answers a small one', async () => {
      await withGateway({ bodyLimit: '2kb' }, async (gateway) => {
        await expectRefused(() => postGraphQL(gateway.url, { query: `{ ${'__typename '.repeat(280)}}` }), 413, 'PAYLOAD_TOO_LARGE');
        const small = await postGraphQL<{ region: { name: string } }>(gateway.url, { query: '{ region(code: "652900") { name } }' });
        expect(small).toEqual({ status: 200, data: { region: { name: 'Aksu Prefecture' } } });
      });
    });
  });

  test('too many directives are refused', async () => {
    const text = `{ region(code: "652900") { ${'name @include(if: true) '.repeat(LIMIT_DEFAULTS.maxDirectives + 1)}} }`;
    await expectRefused(query(text), 400, 'GRAPHQL_VALIDATION_FAILED', /^Directives limit of 20 exceeded, found 21\.$/);
  });

  describe('cost: each list weighs its page size', () => {
    const OFFICES_AND_CASES = 'query($n: Int) { judicialOffices(first: $n) { nodes { mediationCases(first: $n) { nodes { id } } } } }';

    test('100 offices with 100 mediation cases each are refused', async () => {
      await expectRefused(
        query('{ judicialOffices(first: 100) { nodes { mediationCases(first: 100) { nodes { id } } } } }'),
        400,
        'GRAPHQL_VALIDATION_FAILED',
        /^Query Cost limit of 100000 exceeded, found 163625\.$/,
      );
    });

    test.each([
      ['an operation named __schema', 'query __schema { judicialOffices(first: 100) { nodes { mediationCases(first: 100) { nodes { id } } } } }'],
      ['a fragment named __schema', '{ ...__schema } fragment __schema on Query { judicialOffices(first: 100) { nodes { mediationCases(first: 100) { nodes { id } } } } }'],
    ])('%s is not skipped as introspection (GHSA-733v-p3h5-qpq7, fixed in cost-limit 2.4.2)', async (_name, text) => {
      await expectRefused(query(text), 400, 'GRAPHQL_VALIDATION_FAILED', /^Query Cost limit of 100000 exceeded, found \d+/);
    });

    test('page sizes in variables count, and so do variable defaults', async () => {
      await expectRefused(query(OFFICES_AND_CASES, { n: 100 }), 400, 'GRAPHQL_VALIDATION_FAILED', /found 163625\.$/);
      await expectRefused(query(OFFICES_AND_CASES.replace('$n: Int', '$n: Int = 100')), 400, 'GRAPHQL_VALIDATION_FAILED', /found 163625\.$/);
      const small = await hub.query(OFFICES_AND_CASES, { n: 10 });
      expect(small.errors).toBeUndefined();
      expect(small.data!.judicialOffices.nodes).toHaveLength(10);
    });

    test('a cost decision is remembered per page sizes: the same document passes and is refused as its variables change', async () => {
      for (const n of [10, 100, 10, 100]) {
        const { status, errors } = await hub.query(OFFICES_AND_CASES, { n });
        expect({ n, status, code: errors?.[0]?.extensions?.code }).toEqual(n === 100 ? { n, status: 400, code: 'GRAPHQL_VALIDATION_FAILED' } : { n, status: 200, code: undefined });
      }
      // Absent takes the variable's default (100: refused); null the argument's (20: passes the cost limit).
      const withDefault = OFFICES_AND_CASES.replace('$n: Int', '$n: Int = 100');
      await expectRefused(query(withDefault), 400, 'GRAPHQL_VALIDATION_FAILED', /found 163625\.$/);
      const nulled = await hub.query(withDefault, { n: null });
      expect(nulled.errors?.map((error) => error.extensions?.code) ?? []).not.toContain('GRAPHQL_VALIDATION_FAILED');
      await expectRefused(query(withDefault), 400, 'GRAPHQL_VALIDATION_FAILED', /found 163625\.$/);
    });

    test('an omitted first counts as its default (20): 100 offices with their 20 first cases pass', async () => {
      const { errors } = await hub.query('{ judicialOffices(first: 100) { nodes { mediationCases { nodes { id } } } } }');
      expect(errors).toBeUndefined();
    });

    test('a lower GATEWAY_MAX_COST refuses what the default lets through', async () => {
      await withGateway({ limits: { maxCost: 1000 } }, async (gateway) => {
        await expectRefused(() => postGraphQL(gateway.url, { query: OFFICES_AND_CASES, variables: { n: 10 } }), 400, 'GRAPHQL_VALIDATION_FAILED', /^Query Cost limit of 1000 exceeded, found 1681\.25\.$/);
      });
    });
  });

  test.each([
    ['as a literal', '{ judicialOffices(first: 99999999) { totalCount } }', undefined],
    ['in a variable', 'query($n: Int) { judicialOffices(first: $n) { totalCount } }', { n: 99_999_999 }],
  ])('first: 99999999 %s passes the limits and is BAD_USER_INPUT from the subgraph', async (_name, text, variables) => {
    const { status, data, errors } = await hub.query(text, variables);
    expect(status).toBe(200);
    expect(data).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  describe('field suggestions are masked', () => {
    test.each([
      ['a misspelled field', '{ region(code: "652900") { nme } }', /^Cannot query field "nme" on type "Region"\.$/],
      ['a misspelled argument', '{ regions(levl: PREFECTURE) { totalCount } }', /^Unknown argument "levl" on field "Query\.regions"\.$/],
      ['a misspelled enum value', '{ regions(level: PREFECTUR) { totalCount } }', /^Value "PREFECTUR" does not exist in "RegionLevel" enum\.$/],
      ['a misspelled type', 'query($p: DateRang) { region(code: "652900") { judicialStats(period: $p) { offices } } }', /^Unknown type "DateRang"\.$/],
    ])('%s', async (_name, text, message) => {
      const response = await expectRefused(query(text), 400, 'GRAPHQL_VALIDATION_FAILED', message);
      expect(JSON.stringify(response)).not.toMatch(/did you mean|PREFECTURE|"name"|DateRange/i);
    });

    test('a misspelled enum value in a variable', async () => {
      const response = await expectRefused(query('query($l: RegionLevel) { regions(level: $l) { totalCount } }', { l: 'PREFECTUR' }), 400, 'BAD_USER_INPUT');
      expect(response.errors![0].message).toBe('Variable "$l" got invalid value "PREFECTUR"; Value "PREFECTUR" does not exist in "RegionLevel" enum.');
    });
  });

  describe('HTTP', () => {
    test('a batched array body is refused', async () => {
      await expectRefused(
        () => postGraphQL(hub.gateway.url, [{ query: '{ region(code: "652900") { name } }' }, { query: '{ region(code: "652900") { code } }' }]),
        400,
        'BAD_REQUEST',
        /^Operation batching disabled\.$/,
      );
    });

    const CSRF = /^This operation has been blocked as a potential Cross-Site Request Forgery \(CSRF\)/;
    const get = (headers: Record<string, string> = {}) => async (): Promise<GraphQLResponse> => {
      const response = await fetch(`${hub.gateway.url}?query=${encodeURIComponent('{ region(code: "652900") { name } }')}`, { headers });
      return { status: response.status, ...((await response.json()) as object) };
    };

    test('CSRF prevention: a GET without a preflight header is refused', async () => {
      await expectRefused(get(), 400, 'BAD_REQUEST', CSRF);
      // With the header a browser cannot send cross-site without a preflight, it is answered.
      expect(await get({ 'apollo-require-preflight': 'true' })()).toEqual({ status: 200, data: { region: { name: 'Aksu Prefecture' } } });
    });

    test.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
      'CSRF prevention: a POST as %s (a "simple" request, sent cross-site without a preflight) is refused',
      async (contentType) => {
        await expectRefused(() => postGraphQL(hub.gateway.url, { query: '{ region(code: "652900") { name } }' }, { 'content-type': contentType }), 400, 'BAD_REQUEST', CSRF);
      },
    );
  });

  describe('introspection', () => {
    const SCHEMA = '{ __schema { queryType { name } } }';
    const TYPE_IN_FRAGMENT = '{ region(code: "652900") { name } ...T } fragment T on Query { __type(name: "Region") { name } }';

    test('on (the default outside production): allowed', async () => {
      expect(await hub.query(SCHEMA)).toEqual({ status: 200, data: { __schema: { queryType: { name: 'Query' } } } });
      expect((await hub.query(TYPE_IN_FRAGMENT)).data!.__type).toEqual({ name: 'Region' });
    });

    test('off: refused, in fragments too; __typename is always allowed', async () => {
      await withGateway({ limits: { introspection: 'off' } }, async (gateway) => {
        for (const text of [SCHEMA, TYPE_IN_FRAGMENT, '{ ... on Query { ... { t: __type(name: "Region") { name } } } }']) {
          await expectRefused(() => postGraphQL(gateway.url, { query: text }), 403, 'FORBIDDEN', /^Introspection is disabled on this gateway$/);
        }
        const typename = await postGraphQL(gateway.url, { query: '{ __typename region(code: "652900") { __typename name } }' });
        expect(typename).toEqual({ status: 200, data: { __typename: 'Query', region: { __typename: 'Region', name: 'Aksu Prefecture' } } });
      });
    });

    test('analyst: refused for an anonymous caller', async () => {
      await withGateway({ limits: { introspection: 'analyst' } }, async (gateway) => {
        await expectRefused(() => postGraphQL(gateway.url, { query: SCHEMA }), 403, 'FORBIDDEN', /scope "analyst"/);
      });
    });

    test('analyst: allowed for a token with the analyst scope, refused for one without', async () => {
      await withGateway({ limits: { introspection: 'analyst' } }, async (gateway) => {
        const analyst = await postGraphQL<{ __schema: { queryType: { name: string } } }>(gateway.url, { query: SCHEMA }, { authorization: `Bearer ${await signToken({ scope: 'analyst' })}` });
        expect(analyst.errors).toBeUndefined();
        expect(analyst.data!.__schema.queryType.name).toBe('Query');
        const worker = await signToken({ agency: 'judicial', scope: 'judicial:cases judicial:pii' });
        await expectRefused(() => postGraphQL(gateway.url, { query: SCHEMA }, { authorization: `Bearer ${worker}` }), 403, 'FORBIDDEN', /scope "analyst"/);
      });
    });

    test('analyst: the policy reads the scopes of the viewer in the context', () => {
      expect(introspectionAllowed('analyst', { viewer: { subject: 'a', agency: null, scopes: ['analyst'], regions: [] } })).toBe(true);
      expect(introspectionAllowed('analyst', { viewer: { scopes: ['legal-aid:cases', 'legal-aid:pii'] } })).toBe(false);
      expect(introspectionAllowed('analyst', { viewer: null })).toBe(false);
      expect(introspectionAllowed('analyst', {})).toBe(false);
      expect(introspectionAllowed('off', { viewer: { scopes: ['analyst'] } })).toBe(false);
      expect(introspectionAllowed('on', {})).toBe(true);
    });

    test('analyst: through the Apollo request pipeline with a viewer in the context', async () => {
      const apollo = new ApolloServer<{ viewer?: { scopes: string[] } }>({ typeDefs: 'type Query { a: Int }', ...requestLimits({ introspection: 'analyst' }) });
      await apollo.start();
      try {
        const run = async (scopes: string[]) => {
          const { body } = await apollo.executeOperation({ query: SCHEMA }, { contextValue: { viewer: { scopes } } });
          return body.kind === 'single' ? body.singleResult : undefined;
        };
        expect(await run(['analyst'])).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
        expect((await run(['legal-aid:cases']))?.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      } finally {
        await apollo.stop();
      }
    });

    test('finds __schema and __type anywhere in the operation run, not in other operations', () => {
      const cases: [string, boolean][] = [
        ['{ __schema { types { name } } }', true],
        ['{ region(code: "1") { name } ...F } fragment F on Query { ...G } fragment G on Query { __type(name: "X") { name } }', true],
        ['{ ... on Query { __schema { queryType { name } } } }', true],
        ['{ __typename region(code: "1") { __typename } }', false],
        ['query A { region(code: "1") { name } } query B { __schema { queryType { name } } }', false],
      ];
      for (const [text, expected] of cases) {
        const document = parse(text);
        expect({ text, found: selectsIntrospection(document, document.definitions[0] as OperationDefinitionNode) }).toEqual({ text, found: expected });
      }
    });
  });

  test.each(readdirSync(OPERATIONS_DIR).filter((f) => f.endsWith('.graphql')))('the registered operation %s passes every limit', async (file) => {
    const text = readFileSync(path.join(OPERATIONS_DIR, file), 'utf8');
    // `year`: the dashboard's trend (dashboard-trend.graphql); other operations ignore it.
    for (const variables of [{ code: '652900', year: 2023 }, { code: '650000', period: { from: '2022-01-01', to: '2022-12-31' }, year: 2022 }, { code: '652922100', year: 2021 }]) {
      const { status, data, errors } = await hub.query(text, variables);
      expect({ file, variables, status, errors }).toEqual({ file, variables, status: 200, errors: undefined });
      expect(data!.region.code).toBe(variables.code);
    }
  });

  describe('settings', () => {
    const saved = { ...process.env };
    afterEach(() => {
      process.env = { ...saved };
    });

    test('every limit is read from its variable', () => {
      Object.assign(process.env, {
        GATEWAY_MAX_DEPTH: '8',
        GATEWAY_MAX_ALIASES: '9',
        GATEWAY_MAX_TOKENS: '1000',
        GATEWAY_MAX_DIRECTIVES: '0',
        GATEWAY_MAX_COST: '5000',
        GATEWAY_INTROSPECTION: 'off',
      });
      expect(limitSettingsFromEnv()).toEqual({ maxDepth: 8, maxAliases: 9, maxTokens: 1000, maxDirectives: 0, maxCost: 5000, introspection: 'off' });
    });

    test('defaults; introspection is analyst in production', () => {
      for (const name of Object.keys(process.env).filter((n) => n.startsWith('GATEWAY_'))) delete process.env[name];
      expect(limitSettingsFromEnv()).toEqual({ ...LIMIT_DEFAULTS, introspection: 'on' });
      process.env.NODE_ENV = 'production';
      expect(limitSettingsFromEnv().introspection).toBe('analyst');
      expect(defaultIntrospection('development')).toBe('on');
    });

    test.each([
      ['GATEWAY_MAX_DEPTH', '0'],
      ['GATEWAY_MAX_COST', 'lots'],
      ['GATEWAY_INTROSPECTION', 'yes'],
    ])('%s=%s is refused at start', (name, value) => {
      process.env[name] = value;
      expect(() => limitSettingsFromEnv()).toThrow(name);
    });
  });

  test('an ordinary request still reaches the subgraphs', async () => {
    const before = hub.subgraphRequests();
    const response = await postGraphQL(hub.gateway.url, { query: '{ region(code: "652900") { name } }' }, json);
    expect(response).toEqual({ status: 200, data: { region: { name: 'Aksu Prefecture' } } });
    expect(hub.subgraphRequests()).toBe(before + 1);
  });
});
