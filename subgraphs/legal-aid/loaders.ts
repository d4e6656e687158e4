// Per-request DataLoaders of the legal aid subgraph: every entity lookup and
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
import type { LegalAidCaseRow, LegalAidDatabase, LegalAidProviderRow, VillageLegalAdvisorRow } from './database';
import type { LegalAidCaseFilter, LegalAidStats } from './generated/resolvers-types';
import { caseDaily } from './rollups';

function caseFilter(filter: LegalAidCaseFilter | null | undefined): Filter | undefined {
  if (!filter) return undefined;
  return allOf(
    equalTo('category', filter.category),
    equalTo('status', filter.status),
    periodFilter('applied_on', filter.appliedIn),
  );
}

const casesByRegion = { table: 'legal_aid_case', join: { kind: 'region', column: 'region_code' }, key: 'id', keyKind: 'integer' } as const;
const casesByOffice = { table: 'legal_aid_case', join: { kind: 'equal', column: 'referred_by_office_id' } } as const;
const sessionsByVillage = { table: 'advisor_session', join: { kind: 'equal', column: 'village_code' } } as const;

export function createLegalAidLoaders(db: Kysely<LegalAidDatabase>, viewer: Viewer = ANONYMOUS) {
  // Case lists show only cases within the caller's regions (the scope itself is checked by the resolvers).
  const visibleCases = (filter: LegalAidCaseFilter | null) => allOf(caseFilter(filter), viewerRegionFilter(viewer, 'region_code'));
  return {
    legalAidCase: new DataLoader<string, LegalAidCaseRow | null>(async (ids) =>
      byKey(ids, await db.selectFrom('legal_aid_case').selectAll().where('id', 'in', ids.map(Number)).execute(), (r) => String(r.id)),
    ),
    provider: new DataLoader<string, LegalAidProviderRow | null>(async (ids) =>
      byKey(ids, await db.selectFrom('legal_aid_provider').selectAll().where('id', 'in', ids).execute(), (r) => r.id),
    ),
    advisorOfVillage: new DataLoader<string, VillageLegalAdvisorRow | null>(async (codes) =>
      byKey(
        codes,
        await db.selectFrom('village_legal_advisor').selectAll().where('village_code', 'in', codes).execute(),
        (r) => r.village_code,
      ),
    ),
    casesInRegion: createConnectionLoader<LegalAidCaseRow, LegalAidCaseFilter | null>(db, casesByRegion, visibleCases),
    /** Monthly series of the main figure (applications), from the roll-up. */
    series: seriesLoader(db, caseDaily, 'applications'),
    stats: periodLoader<LegalAidStats>(async (codes, period) => {
      // Sums and counts only, so a parent's figures are exactly the sums of its children's.
      const figures = await rollupTotals(db, caseDaily, codes, period);
      return new Map(
        [...figures].map(([code, { days_to_close: daysToClose, ...counts }]) => [
          code,
          { ...counts, averageDaysToClose: counts.closed ? daysToClose / counts.closed : null },
        ]),
      );
    }),
    referrals: periodLoader<number>(async (officeIds, period) => {
      const figures = await aggregatesByParent(db, casesByOffice, officeIds, { cases: sql`count(*)` }, periodFilter('applied_on', period));
      return new Map([...figures].map(([id, { cases }]) => [id, cases]));
    }),
    consultations: periodLoader<number>(async (villageCodes, period) => {
      const figures = await aggregatesByParent(
        db,
        sessionsByVillage,
        villageCodes,
        { consultations: sql`sum(t.consultations)` },
        periodFilter('held_on', period),
      );
      return new Map([...figures].map(([code, { consultations }]) => [code, consultations]));
    }),
  };
}

export type LegalAidLoaders = ReturnType<typeof createLegalAidLoaders>;
