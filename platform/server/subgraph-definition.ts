// What an agency gives the platform to be served as a subgraph (its name,
// schema folder, resolvers, migrations, seed, importer, roll-ups, loaders),
// and what each request's context holds. Apart from platform/server/subgraph.ts
// (which serves it) so that the seed worker and the database preparation can
// name it without importing the server.
import type DataLoader from 'dataloader';
import type { Kysely, Migration } from 'kysely';
import type { Viewer } from '../core/viewer';
import type { AuditedRead } from '../data/audit';
import type { CsvImporter } from '../data/import';
import type { Rollup } from '../data/rollups';
import type { Seeder } from '../data/seed';

export interface SubgraphContext<DB, Loaders> {
  db: Kysely<DB>;
  /** Per-request DataLoaders: one SQL statement per batch. */
  loaders: Loaders;
  /** The caller, as the gateway verified and signed it. */
  viewer: Viewer;
  /** The gateway's id of the request, for audit records and logs. */
  requestId: string;
  /** Records reads of personal data: `await audit.load(read)` before returning the data. */
  audit: DataLoader<AuditedRead, true, string>;
}

export interface SubgraphDefinition<DB, Loaders> {
  /** The subgraph's name in the supergraph, e.g. `legal-aid`; its variables start with envPrefix(name). */
  name: string;
  defaultPort: number;
  /** The folder holding schema.graphql. */
  directory: string;
  /** Typed by the subgraph's generated `Resolvers` type; the Date scalar is added here. */
  resolvers: object;
  migrations: Record<string, Migration>;
  seed: Seeder<DB>;
  /** How `npm run import` loads a CSV file into this subgraph, when it takes one. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  importer?: CsvImporter<DB, any>;
  /** Its running totals (created by its migrations), which `npm run rollups` checks and rebuilds. */
  rollups?: Rollup[];
  /** Loaders for one request; the viewer lets them restrict what they read to what the caller may see. */
  createLoaders(db: Kysely<DB>, viewer: Viewer): Loaders;
}
