// `npm run compose`: writes schema/supergraph.graphql, or prints each
// composition error with its subgraph and exits non-zero. `--check` only
// tells whether the committed file is current.
import { readFileSync, writeFileSync } from 'node:fs';
import { composeSupergraph, SUPERGRAPH_PATH } from '../schema/compose';

const check = process.argv.includes('--check');
const outcome = composeSupergraph();
if (!outcome.ok) {
  console.error(`Composition failed with ${outcome.problems.length} error(s):`);
  for (const problem of outcome.problems) console.error(`- [${problem.source}] ${problem.code}: ${problem.message}`);
  process.exit(1);
}
const current = (() => {
  try {
    return readFileSync(SUPERGRAPH_PATH, 'utf8');
  } catch {
    return '';
  }
})();
if (check) {
  if (current !== outcome.supergraphSdl) {
    console.error('schema/supergraph.graphql is stale: run `npm run compose` and commit it.');
    process.exit(1);
  }
  console.log('schema/supergraph.graphql is current.');
} else {
  writeFileSync(SUPERGRAPH_PATH, outcome.supergraphSdl);
  console.log(`Wrote schema/supergraph.graphql${current === outcome.supergraphSdl ? ' (unchanged)' : ''}.`);
}
