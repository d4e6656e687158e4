// Running totals of education events per region and day (rollups.ts), kept by
// triggers; a database seeded earlier gets the totals of its events here.
import type { Kysely, Migration } from 'kysely';
import { createRollup, dropRollup } from '../../../platform/rollups';
import { eventDaily } from '../rollups';

export const eventRollup: Migration = {
  up: (db: Kysely<unknown>) => createRollup(db, eventDaily),
  down: (db: Kysely<unknown>) => dropRollup(db, eventDaily),
};
