// The composed API schema stays backward compatible with the public contract
// (../shared/contract): graphql-js findBreakingChanges from the contract to
// the API schema is empty.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildASTSchema, findBreakingChanges, Kind, parse, visit, type DocumentNode } from 'graphql';
import { Supergraph } from '@apollo/federation-internals';
import { SUPERGRAPH_PATH } from '../schema/compose';

const CONTRACT_DIR = process.env.CONTRACT_DIR ?? path.join(__dirname, '..', '..', 'shared', 'contract');

/**
 * Contract names that subgraphs still to come will serve, by subgraph. Each
 * subgraph's issue removes its block; nothing of a landed subgraph may be here.
 */
const NOT_YET_SERVED: Record<string, string[]> = {
  education: [
    'EducationTheme', 'EducationFormat', 'Campaign', 'EducationEvent', 'EducationEventFilter', 'EducationEventConnection',
    'EducationEventEdge', 'AwardLevel', 'DemonstrationAward', 'EducationStats',
    'Region.educationStats', 'Region.educationEvents', 'Region.demonstrationAward', 'JudicialOffice.educationEvents', 'Query.educationEvent',
  ],
  partners: [
    'PartnerKind', 'Partner', 'PartnerConnection', 'PartnerEdge', 'ProjectStatus', 'Project', 'ProjectFilter',
    'ProjectConnection', 'ProjectEdge', 'ResidentTeam', 'RevitalizationStats',
    'Region.revitalizationStats', 'Region.partners', 'Region.projects', 'Region.residentTeam',
    'Query.partner', 'Query.partners', 'Query.project',
  ],
};

/** The contract less the names on the not-yet-served list. */
function servedPartOf(contract: DocumentNode, pending: Set<string>): DocumentNode {
  return visit(contract, {
    ObjectTypeDefinition: (node) => (pending.has(node.name.value) ? null : undefined),
    InputObjectTypeDefinition: (node) => (pending.has(node.name.value) ? null : undefined),
    EnumTypeDefinition: (node) => (pending.has(node.name.value) ? null : undefined),
    FieldDefinition: (node, _key, _parent, _path, ancestors) => {
      const owner = ancestors[ancestors.length - 1];
      const ownerName = owner && 'kind' in owner && owner.kind === Kind.OBJECT_TYPE_DEFINITION ? owner.name.value : '';
      return pending.has(`${ownerName}.${node.name.value}`) ? null : undefined;
    },
  });
}

function apiSchema() {
  return Supergraph.build(readFileSync(SUPERGRAPH_PATH, 'utf8')).apiSchema().toGraphQLJSSchema();
}

describe('public read contract', () => {
  const contract = parse(readFileSync(path.join(CONTRACT_DIR, 'read.graphql'), 'utf8'));

  test('the composed API schema has no breaking change against the served part of the contract', () => {
    const pending = new Set(Object.values(NOT_YET_SERVED).flat());
    const breaking = findBreakingChanges(buildASTSchema(servedPartOf(contract, pending)), apiSchema());
    expect(breaking.map((change) => `${change.type}: ${change.description}`)).toEqual([]);
  });

  test('every name on the not-yet-served list is really in the contract', () => {
    const full = buildASTSchema(contract);
    for (const name of Object.values(NOT_YET_SERVED).flat()) {
      const [typeName, field] = name.split('.');
      const type = full.getType(typeName);
      expect(type).toBeDefined();
      if (field) expect(Object.keys((type as { getFields(): object }).getFields())).toContain(field);
    }
  });

  test('the not-yet-served list names nothing a landed subgraph serves', () => {
    const api = apiSchema();
    for (const name of Object.values(NOT_YET_SERVED).flat()) {
      const [typeName, field] = name.split('.');
      const type = api.getType(typeName);
      if (field) expect(type && Object.keys((type as { getFields(): object }).getFields())).not.toContain(field);
      else expect(type).toBeUndefined();
    }
  });
});
