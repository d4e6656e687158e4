// Running totals of legal aid cases per region and day (rollups.ts), kept by
// triggers; a database seeded earlier gets the totals of its cases here.
import { rollupMigration } from '../../../platform/rollups';
import { caseDaily } from '../rollups';

export const caseRollup = rollupMigration(caseDaily);
