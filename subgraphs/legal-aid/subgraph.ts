// The legal aid subgraph, as the shared platform runs it.
import type { SubgraphDefinition } from '../../platform/server/subgraph';
import type { LegalAidDatabase } from './database';
import { applicationImporter } from './import';
import { createLegalAidLoaders, type LegalAidLoaders } from './loaders';
import { initial } from './migrations/0001-initial';
import { caseRollup } from './migrations/0002-case-rollup';
import { resolvers } from './resolvers';
import { caseDaily } from './rollups';
import { seedLegalAid } from './seed';

export const legalAid: SubgraphDefinition<LegalAidDatabase, LegalAidLoaders> = {
  name: 'legal-aid',
  defaultPort: 4002,
  directory: __dirname,
  resolvers,
  migrations: { '0001-initial': initial, '0002-case-rollup': caseRollup },
  seed: seedLegalAid,
  rollups: [caseDaily],
  createLoaders: createLegalAidLoaders,
  importer: applicationImporter,
};

export default legalAid;
