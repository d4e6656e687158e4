// Running totals of mediation cases per region and day (rollups.ts), kept by
// triggers; a database seeded earlier gets the totals of its cases here.
import { rollupMigration } from '../../../platform/rollups';
import { mediationDaily } from '../rollups';

export const mediationRollup = rollupMigration(mediationDaily);
