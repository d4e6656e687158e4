// Per-request DataLoaders of the education subgraph: every entity lookup and
// every parent-to-child field is one SQL statement per batch.
import DataLoader from 'dataloader';
import { sql, type Kysely, type SqlBool } from 'kysely';
import { aggregatesByParent, createConnectionLoader, type Filter } from '../../platform/data/connections';
import { byKey, periodLoader } from '../../platform/data/loaders';
import { allOf, equalTo, periodFilter } from '../../platform/data/period';
import { rollupTotals } from '../../platform/data/rollups';
import { seriesLoader } from '../../platform/data/series';
import type { CampaignRow, DemonstrationAwardRow, EducationDatabase, EducationEventRow } from './database';
import type { EducationEventFilter } from './generated/resolvers-types';
import { eventDaily } from './rollups';

function eventFilter(filter: EducationEventFilter | null | undefined): Filter | undefined {
  if (!filter) return undefined;
  return allOf(
    equalTo('theme', filter.theme),
    equalTo('format', filter.format),
    periodFilter('held_on', filter.heldIn),
    filter.language != null ? () => sql<SqlBool>`${filter.language} = any(t.languages)` : undefined,
    equalTo('campaign_id', filter.campaignId),
  );
}

const eventsByRegion = { table: 'education_event', join: { kind: 'region', column: 'region_code' }, key: 'id' } as const;
const eventsByOffice = { table: 'education_event', join: { kind: 'equal', column: 'organiser_office_id' }, key: 'id' } as const;
const eventsByCampaign = { table: 'education_event', join: { kind: 'equal', column: 'campaign_id' }, key: 'id' } as const;
const awardsByRegion = { table: 'demonstration_award', join: { kind: 'region', column: 'village_code' } } as const;
const trainingsByRegion = { table: 'legal_understanding_training', join: { kind: 'region', column: 'village_code' } } as const;

export function createEducationLoaders(db: Kysely<EducationDatabase>) {
  return {
    event: new DataLoader<string, EducationEventRow | null>(async (ids) =>
      byKey(ids, await db.selectFrom('education_event').selectAll().where('id', 'in', ids).execute(), (r) => r.id),
    ),
    campaign: new DataLoader<string, CampaignRow | null>(async (ids) =>
      byKey(ids, await db.selectFrom('campaign').selectAll().where('id', 'in', ids).execute(), (r) => r.id),
    ),
    /** By village code. */
    award: new DataLoader<string, DemonstrationAwardRow | null>(async (codes) =>
      byKey(codes, await db.selectFrom('demonstration_award').selectAll().where('village_code', 'in', codes).execute(), (r) => r.village_code),
    ),
    eventsInRegion: createConnectionLoader<EducationEventRow, EducationEventFilter | null>(db, eventsByRegion, eventFilter),
    eventsOfOffice: createConnectionLoader<EducationEventRow, EducationEventFilter | null>(db, eventsByOffice, eventFilter),
    eventsOfCampaign: createConnectionLoader<EducationEventRow, EducationEventFilter | null>(db, eventsByCampaign, eventFilter),
    /** Events held and their attendees, by the date held. */
    /** Monthly series of the main figure (events), from the roll-up. */
    series: seriesLoader(db, eventDaily, 'events'),
    eventStats: periodLoader((codes, period) =>
      rollupTotals(db, eventDaily, codes, period),
    ),
    /** Demonstration villages: never limited by period, so the period is dropped from the request. */
    demonstrationVillages: periodLoader(async (codes) => {
      const counts = await aggregatesByParent(db, awardsByRegion, codes, { villages: sql`count(*)` });
      return new Map([...counts].map(([code, { villages }]) => [code, villages]));
    }),
    /** Legal understanding persons, by the date of their training. */
    legalUnderstandingPersons: periodLoader(async (codes, period) => {
      const sums = await aggregatesByParent(db, trainingsByRegion, codes, { persons: sql`sum(t.persons)` }, periodFilter('trained_on', period));
      return new Map([...sums].map(([code, { persons }]) => [code, persons]));
    }),
  };
}

export type EducationLoaders = ReturnType<typeof createEducationLoaders>;
