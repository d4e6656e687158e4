// `npm run start:subgraph -- <name>`: one subgraph alone, as deployed.
import path from 'node:path';
import { runServiceProcess } from '../platform/service-process';
import { startOptionsFromEnv, startSubgraph, type SubgraphDefinition } from '../platform/subgraph';
import { listSubgraphs } from '../schema/subgraphs';

const name = process.argv[2];
const info = listSubgraphs().find((s) => s.name === name);
if (!info) {
  console.error(`usage: npm run start:subgraph -- <${listSubgraphs().map((s) => s.name).join('|')}>`);
  process.exit(2);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const definition = require(path.join(info.directory, 'subgraph')).default as SubgraphDefinition<unknown, unknown>;
void runServiceProcess(definition.name, (progress, logger) => startSubgraph(definition, { ...startOptionsFromEnv(definition), progress, logger }));
