// Running totals of mediation cases per region and day of receipt
// (platform/data/rollups.ts): what the region's judicialStats read.
import type { Rollup } from '../../platform/data/rollups';

export const mediationDaily: Rollup<'cases' | 'resolved'> = {
  table: 'mediation_case_daily',
  source: 'mediation_case',
  regionColumn: 'region_code',
  dayColumn: 'received_on',
  measures: {
    cases: { value: '1' },
    resolved: { value: `(outcome = 'RESOLVED')::int` },
  },
};
