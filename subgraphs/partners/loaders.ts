// Per-request DataLoaders of the partners subgraph: every entity lookup and
// every parent-to-child field is one SQL statement per batch.
import DataLoader from 'dataloader';
import { sql, type Kysely } from 'kysely';
import { aggregatesByParent, connectionLoader, createConnectionLoader, type Filter } from '../../platform/data/connections';
import { byKey, periodLoader } from '../../platform/data/loaders';
import { allOf, equalTo, periodFilter, type Period } from '../../platform/data/period';
import type { RegionKey } from '../../platform/core/region-codes';
import { rollupTotals } from '../../platform/data/rollups';
import { seriesLoader } from '../../platform/data/series';
import type { PartnerRow, PartnersDatabase, ProjectRow, ResidentTeamRow } from './database';
import type { PartnerKind, ProjectFilter, RevitalizationStats } from './generated/resolvers-types';
import { projectIdNumber } from './ids';
import { linkedSource } from './linked-connections';
import { projectDaily } from './rollups';

/** A project filter whose `startedIn` has been checked (checkPeriod): null when open at both ends. */
export type CheckedProjectFilter = Omit<ProjectFilter, 'startedIn'> & { startedIn: Period | null };

function kindFilter(kind: PartnerKind | null): Filter | undefined {
  return kind == null ? undefined : (eb) => eb('t.kind', '=', kind);
}

function projectFilter(filter: CheckedProjectFilter | null): Filter | undefined {
  if (!filter) return undefined;
  return allOf(
    equalTo('status', filter.status),
    equalTo('legally_reviewed', filter.legallyReviewed),
    periodFilter('started_on', filter.startedIn),
  );
}

/** Pairings and teams in place at some time in the period: begun on or before its last day (none has ended). */
function inPlaceFilter(period: Period | null): Filter | undefined {
  return period?.to != null ? (eb) => eb('t.since', '<=', period.to!) : undefined;
}

const allPartners = { table: 'partner', join: { kind: 'all' }, key: 'id' } as const;
const pairingsByRegion = { table: 'partner_region', join: { kind: 'region', column: 'region_code' } } as const;
const partnersByRegion = {
  table: 'partner',
  key: 'id',
  link: { table: 'partner_region', references: 'partner_id', region: 'region_code' },
} as const;
const projectsByRegion = { table: 'project', join: { kind: 'region', column: 'village_code' }, key: 'id', keyKind: 'integer' } as const;
const projectsByPartner = { table: 'project', join: { kind: 'equal', column: 'partner_id' }, key: 'id', keyKind: 'integer' } as const;
const teamsByRegion = { table: 'resident_team', join: { kind: 'region', column: 'village_code' } } as const;

/** The one parent of lists over a whole table. */
export const ALL = '*';

export function createPartnersLoaders(db: Kysely<PartnersDatabase>) {
  return {
    partner: new DataLoader<string, PartnerRow | null>(async (ids) =>
      byKey(ids, await db.selectFrom('partner').selectAll().where('id', 'in', ids).execute(), (row) => row.id),
    ),
    project: new DataLoader<string, ProjectRow | null>(async (ids) => {
      const valid = ids.map(projectIdNumber).filter((id): id is number => id !== null);
      const rows = valid.length ? await db.selectFrom('project').selectAll().where('id', 'in', valid).execute() : [];
      return byKey(ids, rows, (row) => String(row.id));
    }),
    /** The regions a partner is paired with, ordered by code. */
    regionsOfPartner: new DataLoader<string, RegionKey[]>(async (partnerIds) => {
      const rows = await db
        .selectFrom('partner_region')
        .select(['partner_id', 'region_code'])
        .where('partner_id', 'in', partnerIds)
        .orderBy('partner_id')
        .orderBy('region_code')
        .execute();
      const byPartner = new Map<string, RegionKey[]>(partnerIds.map((id) => [id, []]));
      for (const row of rows) byPartner.get(row.partner_id)?.push({ code: row.region_code });
      return partnerIds.map((id) => byPartner.get(id)!);
    }),
    /** The resident team of each village code (null for none). */
    teamOfVillage: new DataLoader<string, ResidentTeamRow | null>(async (codes) =>
      byKey(codes, await db.selectFrom('resident_team').selectAll().where('village_code', 'in', codes).execute(), (r) => r.village_code),
    ),
    allPartners: createConnectionLoader<PartnerRow, PartnerKind | null>(db, allPartners, kindFilter),
    partnersInRegion: connectionLoader<PartnerRow, PartnerKind | null>(linkedSource(db, partnersByRegion), kindFilter),
    projectsInRegion: createConnectionLoader<ProjectRow, CheckedProjectFilter | null>(db, projectsByRegion, projectFilter),
    projectsOfPartner: createConnectionLoader<ProjectRow, CheckedProjectFilter | null>(db, projectsByPartner, projectFilter),
    /** Monthly series of the main figure (projects), from the roll-up. */
    series: seriesLoader(db, projectDaily, 'projects'),
    stats: periodLoader<RevitalizationStats>(async (codes, period) => {
      const [projects, pairings, teams] = await Promise.all([
        rollupTotals(db, projectDaily, codes, period),
        aggregatesByParent(db, pairingsByRegion, codes, { partners: sql`count(distinct t.partner_id)` }, inPlaceFilter(period)),
        aggregatesByParent(db, teamsByRegion, codes, { teams: sql`count(*)` }, inPlaceFilter(period)),
      ]);
      return new Map(
        codes.map((code) => {
          const p = projects.get(code)!;
          return [
            code,
            {
              partners: pairings.get(code)!.partners,
              projects: p.projects,
              projectsLegallyReviewed: p.reviewed,
              legalReviewRate: p.projects ? p.reviewed / p.projects : 0,
              residentTeams: teams.get(code)!.teams,
              budgetYuan: p.budget_yuan,
            },
          ];
        }),
      );
    }),
  };
}

export type PartnersLoaders = ReturnType<typeof createPartnersLoaders>;
