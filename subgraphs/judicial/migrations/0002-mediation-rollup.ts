// Running totals of mediation cases per region and day (rollups.ts), kept by
// triggers; a database seeded earlier gets the totals of its cases here.
import type { Kysely, Migration } from 'kysely';
import { createRollup, dropRollup } from '../../../platform/rollups';
import { mediationDaily } from '../rollups';

export const mediationRollup: Migration = {
  up: (db: Kysely<unknown>) => createRollup(db, mediationDaily),
  down: (db: Kysely<unknown>) => dropRollup(db, mediationDaily),
};
