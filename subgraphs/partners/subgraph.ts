// The rural revitalization partners subgraph, as the shared platform runs it.
import type { SubgraphDefinition } from '../../platform/server/subgraph';
import type { PartnersDatabase } from './database';
import { createPartnersLoaders, type PartnersLoaders } from './loaders';
import { initial } from './migrations/0001-initial';
import { projectRollup } from './migrations/0002-project-rollup';
import { resolvers } from './resolvers';
import { projectDaily } from './rollups';
import { seedPartners } from './seed';
import { projectImporter } from './writes';

export const partners: SubgraphDefinition<PartnersDatabase, PartnersLoaders> = {
  name: 'partners',
  defaultPort: 4004,
  directory: __dirname,
  resolvers,
  migrations: { '0001-initial': initial, '0002-project-rollup': projectRollup },
  seed: seedPartners,
  rollups: [projectDaily],
  importer: projectImporter,
  createLoaders: createPartnersLoaders,
};

export default partners;
