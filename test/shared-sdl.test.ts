// Shared SDL written once (platform/server/shared.graphql) and brought into each
// subgraph by the platform, and the cache policy each agency declares in its
// own SDL: checked on the subgraphs' real schemas as buildSubgraphSchema
// builds them.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { print } from 'graphql';
import { uncacheableTypes } from '../platform/server/cache-hints';
import { subgraphTypeDefs } from '../platform/server/shared-sdl';
import { loadTypeDefs } from '../platform/server/subgraph';
import { composeSources, graphSources } from '../schema/compose';
import { listSubgraphs } from '../schema/subgraphs';

const SHARED = ['Date', 'DateRange', 'PageInfo', 'Person', 'PersonInput', 'AuditAction', 'AuditRecord', 'AuditRecordConnection', 'AuditRecordEdge', 'AuditRecordFilter'];
const subgraphs = listSubgraphs();
const schemaOf = (name: string) => buildSubgraphSchema({ typeDefs: loadTypeDefs(subgraphs.find((s) => s.name === name)!.directory) });

describe('shared SDL', () => {
  test('no subgraph writes a shared definition; each gets those it uses, and only those', () => {
    for (const { name, sdl } of subgraphs) {
      for (const shared of SHARED) expect({ name, shared, written: new RegExp(`^(type|input|enum|scalar) ${shared}\\b`, 'm').test(sdl) }).toEqual({ name, shared, written: false });
    }
    const education = schemaOf('education');
    expect(['Date', 'DateRange', 'PageInfo'].filter((name) => !education.getType(name))).toEqual([]);
    expect(education.getType('AuditRecord')).toBeUndefined();
    const judicial = schemaOf('judicial');
    expect(SHARED.filter((name) => !judicial.getType(name))).toEqual([]);
  });

  test('a subgraph that does not import @shareable gets it by its full name, and composes', () => {
    const sdl = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Region @key(fields: "code") { code: ID! notes(first: Int): NoteConnection }
type NoteConnection { totalCount: Int! pageInfo: PageInfo! }`;
    const printed = print(subgraphTypeDefs(sdl, 'notes/schema.graphql'));
    expect(printed).toContain('type PageInfo @federation__shareable');
    const composed = composeSources([...graphSources(), { name: 'notes', url: 'http://localhost:4999/graphql', file: 'notes/schema.graphql', sdl }]);
    expect(composed.ok ? [] : composed.errors).toEqual([]);
  });

  test('a syntax slip in a subgraph file names that file, line and column', () => {
    expect(() => subgraphTypeDefs('type Region {\n  code ID!\n}', 'subgraphs/x/schema.graphql')).toThrow(
      expect.objectContaining({ message: 'Syntax Error: Expected ":", found Name "ID".', locations: [{ line: 2, column: 8 }], source: expect.objectContaining({ name: 'subgraphs/x/schema.graphql' }) }),
    );
  });
});

describe('cache policy declared by the owning agency', () => {
  test('the uncacheable types are those the SDL marks @cacheControl(maxAge: 0), with their connections and edges', () => {
    const expected: Record<string, string[]> = {
      judicial: ['AuditRecord', 'AuditRecordConnection', 'AuditRecordEdge', 'MediationCase', 'MediationCaseConnection', 'MediationCaseEdge', 'Person', 'Viewer'],
      'legal-aid': ['AuditRecord', 'AuditRecordConnection', 'AuditRecordEdge', 'LegalAidCase', 'LegalAidCaseConnection', 'LegalAidCaseEdge', 'Person'],
      education: [],
      partners: [],
    };
    for (const { name } of subgraphs.filter((s) => s.name in expected)) {
      expect({ name, types: [...uncacheableTypes(schemaOf(name))].filter((type) => schemaOf(name).getType(type)).sort() }).toEqual({ name, types: expected[name] });
    }
  });

  test('the platform names no agency type', () => {
    const platform = path.join(__dirname, '..', 'platform');
    const text = readFileSync(path.join(platform, 'server', 'cache-hints.ts'), 'utf8');
    const agencyTypes = subgraphs.flatMap(({ sdl }) => [...sdl.matchAll(/^type (\w+)/gm)].map((m) => m[1])).filter((name) => !['Query', 'Mutation', 'Region', 'JudicialOffice'].includes(name));
    expect(agencyTypes.filter((name) => new RegExp(`\\b${name}\\b`).test(text))).toEqual([]);
    expect(readdirSync(path.join(platform, 'server'))).toContain('shared.graphql');
  });
});
