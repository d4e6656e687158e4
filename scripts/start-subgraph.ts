// `npm run start:subgraph -- <name>`: one subgraph alone, as deployed.
import { runServiceProcess } from '../platform/server/service-process';
import { startOptionsFromEnv, startSubgraph } from '../platform/server/subgraph';
import { listSubgraphs } from '../schema/subgraphs';

const name = process.argv[2];
const subgraphs = listSubgraphs();
const info = subgraphs.find((s) => s.name === name);
if (!info) {
  console.error(`usage: npm run start:subgraph -- <${subgraphs.map((s) => s.name).join('|')}>`);
  process.exit(2);
}
const definition = info.definition;
void runServiceProcess(definition.name, (progress, logger) => startSubgraph(definition, { ...startOptionsFromEnv(definition), progress, logger }));
