// Running totals of projects per region and start day (rollups.ts), kept by
// triggers; a database seeded earlier gets the totals of its projects here.
import type { Kysely, Migration } from 'kysely';
import { createRollup, dropRollup } from '../../../platform/rollups';
import { projectDaily } from '../rollups';

export const projectRollup: Migration = {
  up: (db: Kysely<unknown>) => createRollup(db, projectDaily),
  down: (db: Kysely<unknown>) => dropRollup(db, projectDaily),
};
