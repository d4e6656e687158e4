// "One agency down is not the graph down" (issue 16): every field whose value
// another subgraph resolves than the parent type's owner, and every reference
// to another agency's entity, is nullable in the composed graph. The list is
// derived from the supergraph (schema/cross-agency.ts), not written here; the
// last tests show that the derivation catches a non-null field of each kind.
import { readFileSync } from 'node:fs';
import { composeSources, graphSources, SUPERGRAPH_PATH } from '../schema/compose';
import { crossAgencyFields, typeOwners } from '../schema/cross-agency';

const committed = readFileSync(SUPERGRAPH_PATH, 'utf8');

/** The graph as on disk, with one text of one subgraph's SDL replaced, composed. */
function composedWith(subgraph: string, from: string, to: string): string {
  const sources = graphSources().map((source) => {
    if (source.name !== subgraph) return source;
    expect(source.sdl).toContain(from);
    return { ...source, sdl: source.sdl.replace(from, to) };
  });
  const composition = composeSources(sources);
  if (!composition.ok) throw new Error(JSON.stringify(composition.errors));
  return composition.supergraphSdl;
}

describe('cross-agency fields are nullable', () => {
  test('owners as DESIGN.md has them: the judicial subgraph owns Region and JudicialOffice, partners owns Partner and Project', () => {
    const owners = typeOwners(committed);
    expect(owners.get('Region')).toEqual(['judicial']);
    expect(owners.get('JudicialOffice')).toEqual(['judicial']);
    expect(owners.get('Partner')).toEqual(['partners']);
    expect(owners.get('Project')).toEqual(['partners']);
    expect(owners.get('LegalAidCase')).toEqual(['legal-aid']);
    expect(owners.get('EducationEvent')).toEqual(['education']);
  });

  test('every cross-agency field of the committed supergraph is nullable', () => {
    const fields = crossAgencyFields(committed);
    // Every agency but the judicial one extends Region; each of them refers to a Region.
    for (const agency of ['legal-aid', 'education', 'partners']) {
      expect(fields.some((field) => field.kind === 'field' && field.coordinate.startsWith('Region.') && field.resolvedBy.includes(agency))).toBe(true);
      expect(fields.some((field) => field.kind === 'reference' && field.resolvedBy.includes(agency) && field.owners.includes('judicial'))).toBe(true);
    }
    expect(fields.filter((field) => !field.nullable).map((field) => `${field.coordinate}: ${field.type} (${field.kind}, resolved by ${field.resolvedBy})`)).toEqual([]);
  });

  test("fields of the parent's own agency, and a reference to its own entities, may stay non-null", () => {
    const coordinates = crossAgencyFields(committed).map((field) => field.coordinate);
    for (const own of ['Region.name', 'Region.judicialStats', 'JudicialOffice.township', 'Project.partner', 'ResidentTeam.partner', 'MediationCase.region', 'Query.region', 'Query.partners']) {
      expect(coordinates).not.toContain(own);
    }
  });

  test('the derivation catches a non-null field another agency resolves on Region', () => {
    const supergraph = composedWith('legal-aid', 'legalAidStats(period: DateRange): LegalAidStats\n', 'legalAidStats(period: DateRange): LegalAidStats!\n');
    const found = crossAgencyFields(supergraph).filter((field) => !field.nullable);
    expect(found).toEqual([expect.objectContaining({ coordinate: 'Region.legalAidStats', type: 'LegalAidStats!', kind: 'field', resolvedBy: ['legal-aid'], owners: ['judicial'] })]);
  });

  test("the derivation catches a non-null reference to another agency's entity", () => {
    const supergraph = composedWith('partners', '  village: Region\n', '  village: Region!\n');
    const found = crossAgencyFields(supergraph).filter((field) => !field.nullable);
    expect(found).toEqual([expect.objectContaining({ coordinate: 'Project.village', type: 'Region!', kind: 'reference', resolvedBy: ['partners'], owners: ['judicial'] })]);
  });
});
