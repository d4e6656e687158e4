// The hub's result shaping (issue 19, gateway/result-shaping.ts) against
// @apollo/gateway's own computeResponse, which it replaces: for every input,
// the same data (keys in the same order), the same errors (message, path,
// code), or the same assertion thrown. Inputs: a small schema with what the
// hub's graph lacks (interfaces, unions, enums, a custom scalar), each case
// also mutated at random; and the inputs a real gateway shaped for every
// registered operation and the benchmark's workloads, mutated too. Then,
// through the gateway, response names that Object.prototype also has.
import { buildSchema, operationFromDocument, type Operation, type Schema } from '@apollo/federation-internals';
import path from 'node:path';
import { parse } from 'graphql';
import { SCORECARD, SCORECARD_VARIABLES, TOWNSHIP_DETAIL, TOWNSHIP_DETAIL_VARIABLES, WIDE_LIST, wideListVariables } from '../bench/workloads';
import { apolloComputeResponse, computeResponse, resultShapingFromEnv, type ComputeResponseArgs } from '../gateway/result-shaping';
import { buildManifest } from '../schema/manifest';
import { REGISTERED_VARIABLES, startHub, type Hub, type TokenClaims } from './harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What a shaping function made of its arguments, in a form two runs can be compared by. */
function outcome(shape: (args: ComputeResponseArgs) => { data: Json; errors: Error[] }, args: ComputeResponseArgs) {
  try {
    const { data, errors } = shape(args);
    return {
      data: JSON.stringify(data),
      errors: errors.map((e) => ({ message: e.message, path: (e as Json).path, code: (e as Json).extensions?.code })),
    };
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

/** The introspection answer both are given (the executor's own comes from graphql-js; here the same value for both). */
const introspectionHandling = (selection: { toString(): string }) => ({ asked: String(selection) });

function expectSame(args: ComputeResponseArgs): ReturnType<typeof outcome> {
  const hub = outcome(computeResponse, args);
  expect(hub).toEqual(outcome(apolloComputeResponse(), args));
  return hub;
}

// ---- random mutations of an input -----------------------------------------------

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REPLACEMENTS: Json[] = [null, undefined, 'text', 'TOWNSHIP', 42, 1.5, -0, Number.NaN, true, {}, [], [null], { __typename: 'Nope' }, { __typename: 'Level' }, { __typename: 7 }];

/** Every place in a JSON tree (object keys and array indexes), with its parent. */
function places(tree: Json, found: { parent: Json; key: string | number }[] = []): { parent: Json; key: string | number }[] {
  if (tree && typeof tree === 'object') {
    for (const key of Array.isArray(tree) ? tree.keys() : Object.keys(tree)) {
      found.push({ parent: tree, key });
      places(tree[key], found);
    }
  }
  return found;
}

/** `count` copies of the input, each with one to three values replaced or removed. */
function mutations(input: Json, count: number, seed: number): Json[] {
  const next = random(seed);
  return Array.from({ length: count }, () => {
    const copy = structuredClone(input);
    const all = places(copy);
    for (let n = 1 + Math.floor(next() * 3); n > 0 && all.length; n--) {
      const { parent, key } = all[Math.floor(next() * all.length)];
      const replacement = REPLACEMENTS[Math.floor(next() * REPLACEMENTS.length)];
      if (replacement === undefined && !Array.isArray(parent)) delete parent[key];
      else parent[key] = structuredClone(replacement);
    }
    return copy;
  });
}

// ---- a schema with what the hub's graph lacks --------------------------------------

const SDL = `
  type Query { office(id: ID): Office offices: [Office!]! things: [Thing] node: Node level: Level when: Date count: Int ratio: Float flag: Boolean names: [String!] }
  interface Node { id: ID! }
  type Office implements Node { id: ID! name: String! level: Level staff: Int events: [Event!] parent: Office meta: Date }
  type Event implements Node { id: ID! title: String held: Date }
  union Thing = Office | Event
  enum Level { PROVINCE COUNTY TOWNSHIP }
  scalar Date
`;

const office = (id: string, extra: Json = {}) => ({ __typename: 'Office', id, name: `Office ${id}`, level: 'COUNTY', staff: 12, meta: { any: ['thing'] }, events: [{ __typename: 'Event', id: `${id}-e`, title: 'Lecture', held: '2022-03-04' }], parent: null, ...extra });

const INPUT = {
  office: office('1', { parent: office('0') }),
  offices: [office('2'), office('3')],
  things: [office('4'), { __typename: 'Event', id: 'e5', title: 'Fair', held: '2022-05-06' }, null],
  node: { __typename: 'Event', id: 'e6', title: 'Talk' },
  level: 'PROVINCE',
  when: '2022-01-01',
  count: 3,
  ratio: 0.5,
  flag: false,
  names: ['a', 'b'],
};

/** What a subgraph answers for aliased fields: the aliases as keys (`__proto__` an own key, as JSON.parse makes it). */
const ALIASED = JSON.parse('{"office": {"__typename": "Office", "__proto__": "Office 1", "constructor": {"__typename": "Office", "id": "0"}, "toString": "Office 1", "hasOwnProperty": 12, "valueOf": "COUNTY", "__defineGetter__": {"any": 1}}}');

const CASES: { name: string; query: string; variables?: Record<string, unknown>; input?: Json }[] = [
  { name: 'aliases that Object.prototype has', query: '{ office { __proto__: name constructor: parent { id } toString: name hasOwnProperty: staff valueOf: level __defineGetter__: meta } }', input: ALIASED },
  { name: 'a field selected twice, merged', query: '{ office { id parent { id } } office { name parent { name level } } same: office { id } same: office { staff } }' },
  { name: '@skip and @include, literal and variable', query: 'query ($yes: Boolean!, $no: Boolean = false) { office { id @skip(if: $yes) name @include(if: $yes) staff @skip(if: $no) level @include(if: false) ... on Office @include(if: $no) { meta } ...more @skip(if: $no) } } fragment more on Office { events { id } }', variables: { yes: true } },
  { name: 'a variable @include cannot read', query: 'query ($v: Boolean!) { office { id @include(if: $v) } }', variables: { v: 'yes' } },
  { name: 'fragments on a union and an interface', query: '{ things { __typename ... on Office { name staff } ... on Event { title held } ... on Node { id } } node { id ... on Office { staff } ... on Event { title } } }' },
  { name: '__typename aliased and at the root', query: '{ __typename kind: __typename office { kind: __typename t: __typename __typename } things { kind: __typename } }' },
  { name: 'introspection beside data', query: '{ __schema { queryType { name } } __type(name: "Office") { name } office { id } }' },
  { name: 'every kind of leaf', query: '{ level when count ratio flag names office { id name level staff meta } }' },
  { name: 'non-null fields and lists', query: '{ offices { id name events { id title } } office { name events { id held } } }' },
];

function operationOf(schema: Schema, query: string): Operation {
  return operationFromDocument(schema, parse(query), { validate: true });
}

describe('the hub result shaping against @apollo/gateway', () => {
  const schema = buildSchema(SDL);

  test.each(CASES)('$name: the same response, as given and mutated', ({ query, variables, input = INPUT }) => {
    const operation = operationOf(schema, query);
    const asGiven = expectSame({ operation, variables, input: structuredClone(input), introspectionHandling });
    if (query.includes('$v')) expect(asGiven).toEqual({ threw: expect.stringContaining('Unexpected value yes for variable $v') });
    else expect(asGiven).toMatchObject({ errors: [] });
    const mutated = mutations(input, 300, query.length).map((input) => expectSame({ operation, variables, input, introspectionHandling }));
    // The mutations reach every outcome: clean answers, errors and thrown assertions.
    if (!query.includes('$v')) {
      expect(mutated.some((o) => o.errors?.length === 0)).toBe(true);
      expect(mutated.some((o) => (o.errors?.length ?? 0) > 0)).toBe(true);
      expect(mutated.some((o) => o.threw !== undefined)).toBe(true);
    }
  });

  test('values a type does not take are errors with their paths, as Apollo words them', () => {
    const operation = operationOf(schema, '{ count ratio flag level names office { name } offices { id level } }');
    const input = { count: 1.5, ratio: 'x', flag: 'true', level: 'CITY', names: ['a', 3], offices: [office('7', { id: 7.5 }), office('8', { level: 1 })], office: office('9', { name: null }) };
    const hub = expectSame({ operation, input, introspectionHandling });
    expect(hub).toMatchObject({
      errors: expect.arrayContaining([
        { message: 'Invalid value found for field Query.count.', path: ['count'], code: 'INVALID_GRAPHQL' },
        { message: 'Cannot return null for non-nullable field Office.name.', path: ['office', 'name'], code: 'INVALID_GRAPHQL' },
        { message: 'Invalid value found for array element of type String at index 1.', path: ['names', 1], code: 'INVALID_GRAPHQL' },
        { message: 'Invalid value found for field Office.id.', path: ['offices', 0, 'id'], code: 'INVALID_GRAPHQL' },
      ]),
    });
    // offices is [Office!]!: the invalid id (ID!) makes its office null, which bubbles up to the root.
    expect(hub).toMatchObject({ data: 'null' });
    const nullable = expectSame({ operation: operationOf(schema, '{ names office { name } level }'), input, introspectionHandling });
    // names is [String!]: the invalid element bubbles up to the list, which is nullable; so is office.
    expect(JSON.parse((nullable as { data: string }).data)).toEqual({ names: null, office: null, level: null });
  });

  test('an alias Object.prototype has is an own key, and nothing reaches the prototype', () => {
    const operation = operationOf(schema, '{ office { __proto__: name constructor: parent { id } } }');
    const { data } = computeResponse({ operation, input: structuredClone(ALIASED), introspectionHandling });
    expect(Object.getPrototypeOf(data.office)).toBe(Object.prototype);
    expect(Object.keys(data.office)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(data.office, '__proto__')?.value).toBe('Office 1');
    expect(data.office.constructor).toEqual({ id: '0' });
    expect(({} as Json).constructor).toBe(Object);
  });

  test('GATEWAY_RESULT_SHAPING takes hub or apollo, nothing else', () => {
    const before = process.env.GATEWAY_RESULT_SHAPING;
    try {
      delete process.env.GATEWAY_RESULT_SHAPING;
      expect(resultShapingFromEnv()).toBe('hub');
      process.env.GATEWAY_RESULT_SHAPING = 'apollo';
      expect(resultShapingFromEnv()).toBe('apollo');
      process.env.GATEWAY_RESULT_SHAPING = 'fast';
      expect(() => resultShapingFromEnv()).toThrow('GATEWAY_RESULT_SHAPING must be hub or apollo, not "fast"');
    } finally {
      if (before === undefined) delete process.env.GATEWAY_RESULT_SHAPING;
      else process.env.GATEWAY_RESULT_SHAPING = before;
    }
  });
});

// ---- what a real gateway shapes ------------------------------------------------------

const PII: TokenClaims = { sub: 'officer', agency: 'legal-aid', scope: 'legal-aid:cases legal-aid:pii judicial:cases judicial:pii' };

describe('the hub result shaping in a gateway', () => {
  let hub: Hub;
  /** @apollo/gateway's module, whose computeResponse the executor calls. */
  const shapingModule = () => require(path.join(path.dirname(require.resolve('@apollo/gateway/package.json')), 'dist', 'resultShaping.js')) as { computeResponse: typeof computeResponse };

  beforeAll(async () => {
    hub = await startHub();
  }, 180_000);

  afterAll(async () => {
    await hub?.stop();
  });

  test('the gateway shapes with it; every registered operation and workload, as shaped and mutated, the same as Apollo', async () => {
    const module = shapingModule();
    expect(module.computeResponse).toBe(computeResponse);
    // Watch what the gateway hands its result shaping (a recorder around the real function, not a mock).
    const recorded: ComputeResponseArgs[] = [];
    module.computeResponse = (args) => {
      recorded.push({ ...args, input: structuredClone(args.input) });
      return computeResponse(args);
    };
    try {
      const bodies = [
        ...buildManifest().operations.map((operation) => ({ query: operation.body, variables: REGISTERED_VARIABLES[operation.name]?.[0] ?? {} })),
        { query: SCORECARD, variables: SCORECARD_VARIABLES },
        { query: TOWNSHIP_DETAIL, variables: TOWNSHIP_DETAIL_VARIABLES },
        { query: WIDE_LIST, variables: wideListVariables(20) },
      ];
      for (const caller of [null, PII]) {
        for (const { query, variables } of bodies) expect((await hub.queryAs(caller, query, variables)).errors).toBeUndefined();
      }
      expect(recorded).toHaveLength(bodies.length * 2);
    } finally {
      module.computeResponse = computeResponse;
    }
    recorded.forEach((args, i) => {
      expect(expectSame(args)).toMatchObject({ errors: [] });
      for (const input of mutations(args.input, 40, i + 1)) expectSame({ ...args, input });
    });
  });

  test('through the gateway, aliases Object.prototype has come back as the fields they name', async () => {
    const response = await hub.query<Json>('{ judicialOffices(first: 2) { nodes { id __proto__: name constructor: id toString: legalAidReferrals hasOwnProperty: name } } }');
    expect(response.errors).toBeUndefined();
    const plain = await hub.query<Json>('{ judicialOffices(first: 2) { nodes { id name legalAidReferrals } } }');
    const nodes = response.data!.judicialOffices.nodes;
    expect(nodes).toHaveLength(2);
    nodes.forEach((node: Json, i: number) => {
      const want = plain.data!.judicialOffices.nodes[i];
      expect(Object.keys(node)).toEqual(['id', '__proto__', 'constructor', 'toString', 'hasOwnProperty']);
      expect([Object.getOwnPropertyDescriptor(node, '__proto__')?.value, node.constructor, node.toString, node.hasOwnProperty]).toEqual([want.name, want.id, want.legalAidReferrals, want.name]);
    });
  });
});
