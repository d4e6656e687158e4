// "One agency down is not the graph down" (issue 16): every field whose value
// another subgraph resolves than the parent type's owner, and every reference
// to another agency's entity, is nullable in the composed graph. The list is
// derived from the supergraph (schema/cross-agency.ts), not written here; the
// last tests show that the derivation catches a non-null field of each kind.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { blocksCompose, checkGraph, composeSources, graphSources, isSafe, SUPERGRAPH_PATH } from '../schema/compose';
import { crossAgencyFields, typeOwners } from '../schema/cross-agency';
import { formatReport } from '../schema/report';

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

  test('npm run check reports a non-null cross-agency field as breaking, and npm run compose refuses it', async () => {
    const file = path.join(__dirname, '..', 'subgraphs', 'legal-aid', 'schema.graphql');
    const sdl = readFileSync(file, 'utf8');
    expect(sdl).toContain('legalAidStats(period: DateRange): LegalAidStats\n');
    const report = await checkGraph({ proposal: { subgraph: 'legal-aid', sdl: sdl.replace('legalAidStats(period: DateRange): LegalAidStats\n', 'legalAidStats(period: DateRange): LegalAidStats!\n'), file } });
    expect(report.crossAgency.map((field) => field.coordinate)).toEqual(['Region.legalAidStats']);
    expect(isSafe(report)).toBe(false);
    expect(blocksCompose(report)).toBe(true);
    const text = formatReport(report, 'check');
    expect(text).toContain('BREAKING: 1 cross-agency field not nullable.');
    expect(text).toMatch(/Region\.legalAidStats: LegalAidStats! +resolved by legal-aid, not by judicial which owns the type/);
    // As on disk: nothing to report.
    const current = await checkGraph();
    expect(current.crossAgency).toEqual([]);
    expect(formatReport(current, 'compose')).toContain('Cross-agency fields (one agency down is not the graph down): all nullable');
  });
});
