// The composed API schema stays backward compatible with the public contract
// (../shared/contract): graphql-js findBreakingChanges from the contract to
// the API schema is empty. With all four agencies in the graph, the read
// contract is checked as a whole.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildASTSchema, findBreakingChanges, parse } from 'graphql';
import { Supergraph } from '@apollo/federation-internals';
import { SUPERGRAPH_PATH } from '../schema/compose';

const CONTRACT_DIR = process.env.CONTRACT_DIR ?? path.join(__dirname, '..', '..', 'shared', 'contract');

describe('public read contract', () => {
  test('the composed API schema has no breaking change against contract/read.graphql', () => {
    const contract = buildASTSchema(parse(readFileSync(path.join(CONTRACT_DIR, 'read.graphql'), 'utf8')));
    const api = Supergraph.build(readFileSync(SUPERGRAPH_PATH, 'utf8')).apiSchema().toGraphQLJSSchema();
    const breaking = findBreakingChanges(contract, api);
    expect(breaking.map((change) => `${change.type}: ${change.description}`)).toEqual([]);
  });
});
