// Running totals of education events and their attendees per region and day
// held (platform/data/rollups.ts): what the region's educationStats read.
import type { Rollup } from '../../platform/data/rollups';

export const eventDaily: Rollup<'events' | 'attendees'> = {
  table: 'education_event_daily',
  source: 'education_event',
  regionColumn: 'region_code',
  dayColumn: 'held_on',
  measures: {
    events: { value: '1' },
    attendees: { value: 'attendees' },
  },
};
