// The migrations of a subgraph's database: the platform's own tables (seed
// marker, audit trail, request log) and then the subgraph's.
import type { Migration } from 'kysely';
import { auditMigration } from './audit';
import { seedMarkerMigration } from './seed';
import { requestLogMigration, requestPerCallerMigration } from './writes';

/** The platform's own tables in every subgraph's database: seed marker, audit trail, request log (its ids per caller since issue 18). */
export const platformMigrations: Record<string, Migration> = {
  '0000-hub-seed-marker': seedMarkerMigration,
  '0000-hub-audit': auditMigration,
  '0000-hub-request-log': requestLogMigration,
  '0000-hub-request-per-caller': requestPerCallerMigration,
};

/** Every migration of a subgraph's database: the platform's own tables first, then the subgraph's. */
export function subgraphMigrations(definition: { migrations: Record<string, Migration> }): Record<string, Migration> {
  return { ...platformMigrations, ...definition.migrations };
}
