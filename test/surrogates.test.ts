// Issue 18, item 7: a lone UTF-16 surrogate (not a character; PostgreSQL's
// jsonb refuses it and text would store a replacement character) in any string
// a mutation takes is BAD_USER_INPUT naming that field, never
// INTERNAL_SERVER_ERROR and never stored. Every String and ID a mutation of
// the composed API takes, at any depth (inputs, lists, nested inputs), is
// tried in turn, through the gateway, with a token holding every write scope.
import { readFileSync } from 'node:fs';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputField,
  type GraphQLInputType,
} from 'graphql';
import { apiSchemaOf, SUPERGRAPH_PATH } from '../schema/registry';
import { startHub, type Hub } from './harness';

const LONE = 'Ab\uD800c';
const api = apiSchemaOf(readFileSync(SUPERGRAPH_PATH, 'utf8'));

/** A value of the type GraphQL accepts: required fields only, one element per list. */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [sample(type.ofType)];
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined).map((f) => [f.name, sample(f.type)]));
  }
  if (isEnumType(type)) return type.getValues()[0].value;
  const scalar = getNamedType(type).name;
  return ({ Int: 1, Float: 1, Boolean: false, Date: '2024-01-01' } as Record<string, unknown>)[scalar] ?? 'x';
}

/** Every String/ID leaf under a type, as paths (`parties[0].name`), with the value that reaches it built from the sample. */
function stringPaths(type: GraphQLInputType, path: string): string[] {
  if (isNonNullType(type)) return stringPaths(type.ofType, path);
  if (isListType(type)) return stringPaths(type.ofType, `${path}[0]`);
  if (isInputObjectType(type)) return Object.values(type.getFields()).flatMap((f: GraphQLInputField) => stringPaths(f.type, `${path}.${f.name}`));
  return isScalarType(type) && (type.name === 'String' || type.name === 'ID') ? [path] : [];
}

/** The arguments with the sample everywhere and LONE at `path` (building optional objects and lists on the way). */
function withLone(args: readonly GraphQLArgument[], path: string): Record<string, unknown> {
  const values = Object.fromEntries(args.map((a) => [a.name, sample(a.type)]));
  const steps = path.match(/[^.[\]]+|\[0\]/g)!;
  let holder: Record<string, unknown> | unknown[] = values;
  let type: GraphQLInputType = args.find((a) => a.name === steps[0])!.type;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] === '[0]' ? 0 : steps[i];
    if (i > 0) {
      while (isNonNullType(type)) type = type.ofType;
      type = isListType(type) ? type.ofType : (type as { getFields(): Record<string, GraphQLInputField> }).getFields()[step as string].type;
    }
    if (i === steps.length - 1) {
      (holder as Record<string | number, unknown>)[step] = LONE;
      break;
    }
    const next = (holder as Record<string | number, unknown>)[step];
    let inner: GraphQLInputType = type;
    while (isNonNullType(inner)) inner = inner.ofType;
    const created = next ?? (isListType(inner) ? [sample(inner.ofType)] : sample(inner));
    (holder as Record<string | number, unknown>)[step] = created;
    holder = created as Record<string, unknown> | unknown[];
  }
  return values;
}

const cases = Object.values(api.getMutationType()!.getFields()).flatMap((field) =>
  field.args.flatMap((arg) => stringPaths(arg.type, arg.name).map((path) => [field.name, path, field] as const)),
);

describe('a lone surrogate in any string a mutation takes', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startHub({ seedScale: 0.01 });
  });
  afterAll(() => hub?.stop());

  test('covers every mutation that takes a string', () => {
    const withStrings = new Set(cases.map(([name]) => name));
    const all = Object.values(api.getMutationType()!.getFields()).filter((f) => f.args.some((a) => stringPaths(a.type, a.name).length)).map((f) => f.name);
    expect([...withStrings].sort()).toEqual(all.sort());
    expect(cases.length).toBeGreaterThan(30);
  });

  test.each(cases)('%s: %s is BAD_USER_INPUT naming it, nothing written', async (name, path, field) => {
    const declared = field.args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
    const passed = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
    const selection = (() => {
      const type = getNamedType(field.type);
      return 'getFields' in type ? '{ __typename }' : '';
    })();
    const before = hub.subgraphRequests();
    const response = await hub.queryAs(
      { sub: 'surrogate-writer', scope: 'judicial:write legal-aid:write education:write partners:write judicial:rollups legal-aid:rollups education:rollups partners:rollups' },
      `mutation(${declared}) { ${name}(${passed}) ${selection} }`,
      withLone(field.args, path),
    );
    expect(response.errors?.map((e) => e.extensions)).toEqual([{ code: 'BAD_USER_INPUT', field: path }]);
    expect(hub.subgraphRequests()).toBe(before + 1);
  });
});
