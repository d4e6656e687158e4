// Per-request DataLoaders of the judicial subgraph: every entity lookup and
// every parent-to-child field is one SQL statement per batch.
import DataLoader from 'dataloader';
import { sql, type Kysely } from 'kysely';
import { aggregatesByParent, createConnectionLoader, type Filter } from '../../platform/data/connections';
import { viewerRegionFilter } from '../../platform/access/checks';
import { byKey, periodLoader } from '../../platform/data/loaders';
import { ANONYMOUS, type Viewer } from '../../platform/core/viewer';
import { allOf, equalTo, periodFilter } from '../../platform/data/period';
import { rollupTotals } from '../../platform/data/rollups';
import { seriesLoader } from '../../platform/data/series';
import type { JudicialDatabase, JudicialOfficeRow, MediationCaseRow, RegionRow, ServiceStationRow } from './database';
import type { JudicialOfficeFilter, JudicialStats, MediationCaseFilter } from './generated/resolvers-types';
import { mediationDaily } from './rollups';

function officeFilter(filter: JudicialOfficeFilter | null | undefined): Filter | undefined {
  if (!filter) return undefined;
  return (eb) =>
    eb.and([
      ...(filter.standardization != null ? [eb('t.standardization', '=', filter.standardization)] : []),
      ...(filter.demonstration != null ? [eb('t.demonstration', '=', filter.demonstration)] : []),
      ...(filter.branded === true ? [eb('t.brand', 'is not', null)] : []),
      ...(filter.branded === false ? [eb('t.brand', 'is', null)] : []),
    ]);
}

function mediationFilter(filter: MediationCaseFilter | null | undefined): Filter | undefined {
  if (!filter) return undefined;
  return allOf(
    equalTo('category', filter.category),
    equalTo('outcome', filter.outcome),
    periodFilter('received_on', filter.receivedIn),
  );
}

const officeTable = { table: 'judicial_office', join: { kind: 'region', column: 'township_code' }, key: 'id' } as const;
const casesByRegion = { table: 'mediation_case', join: { kind: 'region', column: 'region_code' }, key: 'id', keyKind: 'integer' } as const;
const casesByOffice = { table: 'mediation_case', join: { kind: 'equal', column: 'office_id' }, key: 'id', keyKind: 'integer' } as const;

export function createJudicialLoaders(db: Kysely<JudicialDatabase>, viewer: Viewer = ANONYMOUS) {
  // Case lists show only cases within the caller's regions (the scope itself is checked by the resolvers).
  const visibleCases = (filter: MediationCaseFilter | null) => allOf(mediationFilter(filter), viewerRegionFilter(viewer, 'region_code'));
  return {
    region: new DataLoader<string, RegionRow | null>(async (codes) =>
      byKey(codes, await db.selectFrom('region').selectAll().where('code', 'in', codes).execute(), (r) => r.code),
    ),
    children: new DataLoader<string, RegionRow[]>(async (codes) => {
      const rows = await db.selectFrom('region').selectAll().where('parent_code', 'in', codes).orderBy('code').execute();
      return codes.map((code) => rows.filter((row) => row.parent_code === code));
    }),
    office: new DataLoader<string, JudicialOfficeRow | null>(async (ids) =>
      byKey(ids, await db.selectFrom('judicial_office').selectAll().where('id', 'in', ids).execute(), (r) => r.id),
    ),
    stationOfOffice: new DataLoader<string, ServiceStationRow | null>(async (officeIds) =>
      byKey(
        officeIds,
        await db.selectFrom('service_station').selectAll().where('office_id', 'in', officeIds).execute(),
        (r) => r.office_id,
      ),
    ),
    officesInRegion: createConnectionLoader<JudicialOfficeRow, JudicialOfficeFilter | null>(db, officeTable, officeFilter),
    casesInRegion: createConnectionLoader<MediationCaseRow, MediationCaseFilter | null>(db, casesByRegion, visibleCases),
    casesOfOffice: createConnectionLoader<MediationCaseRow, MediationCaseFilter | null>(db, casesByOffice, visibleCases),
    /** Monthly series of the main figure (cases), from the roll-up. */
    series: seriesLoader(db, mediationDaily, 'cases'),
    stats: periodLoader<JudicialStats>(async (codes, period) => {
      const [offices, cases] = await Promise.all([
        aggregatesByParent(db, officeTable, codes, {
          offices: sql`count(*)`,
          standardized: sql`count(*) filter (where t.standardization = 'STANDARDIZED')`,
          demonstration: sql`count(*) filter (where t.demonstration)`,
          branded: sql`count(*) filter (where t.brand is not null)`,
        }),
        // Offices are a few per township; cases grow with the years, so they are read from running totals.
        rollupTotals(db, mediationDaily, codes, period),
      ]);
      return new Map(
        codes.map((code) => {
          const o = offices.get(code)!;
          const c = cases.get(code)!;
          return [
            code,
            {
              offices: o.offices,
              standardized: o.standardized,
              standardizedRate: o.offices ? o.standardized / o.offices : 0,
              demonstration: o.demonstration,
              branded: o.branded,
              mediationCases: c.cases,
              mediationResolved: c.resolved,
              mediationSuccessRate: c.cases ? c.resolved / c.cases : 0,
            },
          ];
        }),
      );
    }),
  };
}

export type JudicialLoaders = ReturnType<typeof createJudicialLoaders>;
