// The judicial offices subgraph, as the shared platform runs it.
import type { SubgraphDefinition } from '../../platform/server/subgraph';
import type { JudicialDatabase } from './database';
import { mediationCaseImporter } from './import';
import { createJudicialLoaders, type JudicialLoaders } from './loaders';
import { initial } from './migrations/0001-initial';
import { mediationRollup } from './migrations/0002-mediation-rollup';
import { resolvers } from './resolvers';
import { mediationDaily } from './rollups';
import { seedJudicial } from './seed';

export const judicial: SubgraphDefinition<JudicialDatabase, JudicialLoaders> = {
  name: 'judicial',
  defaultPort: 4001,
  directory: __dirname,
  resolvers,
  migrations: { '0001-initial': initial, '0002-mediation-rollup': mediationRollup },
  seed: seedJudicial,
  rollups: [mediationDaily],
  createLoaders: createJudicialLoaders,
  importer: mediationCaseImporter,
};

export default judicial;
