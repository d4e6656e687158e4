// Running totals of education events per region and day (rollups.ts), kept by
// triggers; a database seeded earlier gets the totals of its events here.
import { rollupMigration } from '../../../platform/rollups';
import { eventDaily } from '../rollups';

export const eventRollup = rollupMigration(eventDaily);
