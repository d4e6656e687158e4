// The rule-of-law education subgraph, as the shared platform runs it.
import type { SubgraphDefinition } from '../../platform/server/subgraph';
import type { EducationDatabase } from './database';
import { createEducationLoaders, type EducationLoaders } from './loaders';
import { initial } from './migrations/0001-initial';
import { eventSerial } from './migrations/0002-event-serial';
import { eventRollup } from './migrations/0003-event-rollup';
import { resolvers } from './resolvers';
import { eventDaily } from './rollups';
import { seedEducation } from './seed';
import { educationEventImporter } from './writes';

export const education: SubgraphDefinition<EducationDatabase, EducationLoaders> = {
  name: 'education',
  defaultPort: 4003,
  directory: __dirname,
  resolvers,
  migrations: { '0001-initial': initial, '0002-event-serial': eventSerial, '0003-event-rollup': eventRollup },
  seed: seedEducation,
  rollups: [eventDaily],
  createLoaders: createEducationLoaders,
  importer: educationEventImporter,
};

export default education;
