// Running totals of projects per region and start day (platform/data/rollups.ts):
// what the region's revitalizationStats read. A project not yet started has
// no start day: it counts in the figures of no period, only in "all time".
import type { Rollup } from '../../platform/data/rollups';

export const projectDaily: Rollup<'projects' | 'reviewed' | 'budget_yuan'> = {
  table: 'project_daily',
  source: 'project',
  regionColumn: 'village_code',
  dayColumn: 'started_on',
  measures: {
    projects: { value: '1' },
    reviewed: { value: 'legally_reviewed::int' },
    budget_yuan: { value: 'budget_yuan', type: 'numeric' },
  },
};
