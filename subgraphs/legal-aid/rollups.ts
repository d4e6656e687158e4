// Running totals of legal aid cases per region and day of application
// (platform/data/rollups.ts): what the region's legalAidStats read. A status change
// moves a case between the totals of its application day.
import type { Rollup } from '../../platform/data/rollups';

export const caseDaily: Rollup<'applications' | 'accepted' | 'rejected' | 'closed' | 'days_to_close'> = {
  table: 'legal_aid_case_daily',
  source: 'legal_aid_case',
  regionColumn: 'region_code',
  dayColumn: 'applied_on',
  measures: {
    applications: { value: '1' },
    accepted: { value: `(status in ('ACCEPTED', 'ASSIGNED', 'CLOSED'))::int` },
    rejected: { value: `(status = 'REJECTED')::int` },
    closed: { value: `(status = 'CLOSED')::int` },
    days_to_close: { value: `case when status = 'CLOSED' then closed_on - applied_on end` },
  },
};
