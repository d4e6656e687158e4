// Running totals of projects per region and start day (rollups.ts), kept by
// triggers; a database seeded earlier gets the totals of its projects here.
import { rollupMigration } from '../../../platform/rollups';
import { projectDaily } from '../rollups';

export const projectRollup = rollupMigration(projectDaily);
