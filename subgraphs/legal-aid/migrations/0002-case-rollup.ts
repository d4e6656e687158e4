// Running totals of legal aid cases per region and day (rollups.ts), kept by
// triggers; a database seeded earlier gets the totals of its cases here.
import type { Kysely, Migration } from 'kysely';
import { createRollup, dropRollup } from '../../../platform/rollups';
import { caseDaily } from '../rollups';

export const caseRollup: Migration = {
  up: (db: Kysely<unknown>) => createRollup(db, caseDaily),
  down: (db: Kysely<unknown>) => dropRollup(db, caseDaily),
};
