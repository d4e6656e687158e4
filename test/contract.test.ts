// The composed API schema stays backward compatible with the public contract:
// the project's copy in schema/contract (read and write, checked as a whole;
// schema/registry.ts's contractBreaks, which `npm run check`, `npm run compose`
// and the gateway's hot reload use too), and that copy is the one in
// ../shared/contract when that folder is there.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { apiSchemaOf, CONTRACT_DIR, CONTRACT_FILES, contractBreaks, SUPERGRAPH_PATH } from '../schema/registry';

const SHARED_CONTRACT_DIR = path.join(__dirname, '..', '..', 'shared', 'contract');

describe('public contract', () => {
  test('the composed API schema has no breaking change against schema/contract/read.graphql and write.graphql', () => {
    const api = apiSchemaOf(readFileSync(SUPERGRAPH_PATH, 'utf8'));
    expect(contractBreaks(api).map((change) => `${change.type}: ${change.message}`)).toEqual([]);
  });

  const shared = existsSync(SHARED_CONTRACT_DIR);
  (shared ? test.each(CONTRACT_FILES) : test.skip.each(CONTRACT_FILES))('schema/contract/%s is the same as ../shared/contract (when that folder exists)', (file) => {
    expect(readFileSync(path.join(CONTRACT_DIR, file), 'utf8')).toBe(readFileSync(path.join(SHARED_CONTRACT_DIR, file), 'utf8'));
  });
});
