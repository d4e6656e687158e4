// The subgraphs that make up the graph: every folder under subgraphs/ with a
// schema.graphql and a subgraph.ts. Adding an agency is adding a folder.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { subgraphSdl } from '../platform/server/operator';
import type { SubgraphDefinition } from '../platform/server/subgraph';

const SUBGRAPHS_DIR = path.join(__dirname, '..', 'subgraphs');

export interface SubgraphInfo {
  name: string;
  defaultPort: number;
  directory: string;
  /** Its schema.graphql with the operator fields the platform adds (platform/server/operator.ts). */
  sdl: string;
  /** The subgraph's definition module (`subgraph.ts`), as the platform starts it. */
  definition: SubgraphDefinition<unknown, unknown>;
}

/** Name and port come from the subgraph's own definition module. */
export function listSubgraphs(): SubgraphInfo[] {
  return readdirSync(SUBGRAPHS_DIR)
    .filter((folder) => existsSync(path.join(SUBGRAPHS_DIR, folder, 'schema.graphql')))
    .sort()
    .map((folder) => {
      const directory = path.join(SUBGRAPHS_DIR, folder);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { default: definition } = require(path.join(directory, 'subgraph')) as { default: SubgraphDefinition<unknown, unknown> };
      return {
        name: definition.name,
        defaultPort: definition.defaultPort,
        directory,
        sdl: subgraphSdl(definition),
        definition,
      };
    });
}
