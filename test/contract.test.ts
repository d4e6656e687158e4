// The composed API schema stays backward compatible with the public contract
// (../shared/contract): graphql-js findBreakingChanges from the contract to
// the API schema is empty. The read and write contracts are checked as a whole.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildASTSchema, findBreakingChanges, parse } from 'graphql';
import { Supergraph } from '@apollo/federation-internals';
import { SUPERGRAPH_PATH } from '../schema/compose';

const CONTRACT_DIR = process.env.CONTRACT_DIR ?? path.join(__dirname, '..', '..', 'shared', 'contract');

describe('public contract', () => {
  test('the composed API schema has no breaking change against contract/read.graphql and write.graphql', () => {
    const text = ['read.graphql', 'write.graphql'].map((file) => readFileSync(path.join(CONTRACT_DIR, file), 'utf8')).join('\n');
    const contract = buildASTSchema(parse(text));
    const api = Supergraph.build(readFileSync(SUPERGRAPH_PATH, 'utf8')).apiSchema().toGraphQLJSSchema();
    const breaking = findBreakingChanges(contract, api);
    expect(breaking.map((change) => `${change.type}: ${change.description}`)).toEqual([]);
  });
});
