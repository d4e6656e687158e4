// Monthly series of a region's figures (`judicialSeries(year)`,
// `legalAidSeries(year)`, …): one measure of a roll-up (platform/data/rollups.ts)
// summed per region and calendar month of one year, one SQL statement per
// batch of regions (seriesLoader), so the twelve months of a region add up to
// its Stats figure for that year exactly.
import DataLoader from 'dataloader';
import { sql, type Kysely } from 'kysely';
import { badUserInput } from '../core/errors';
import type { Rollup } from './rollups';

/** One month of a series: month 1–12 of the year asked for, and the figure. */
export interface MonthlyCount {
  month: number;
  count: number;
}

const FIRST_SERIES_YEAR = 1949;
const LAST_SERIES_YEAR = 2100;

/** Checks the `year` argument: a whole year within FIRST_SERIES_YEAR..LAST_SERIES_YEAR, else BAD_USER_INPUT. */
export function checkSeriesYear(year: number, field = 'year'): number {
  if (!Number.isInteger(year) || year < FIRST_SERIES_YEAR || year > LAST_SERIES_YEAR) {
    throw badUserInput(field, `must be a year from ${FIRST_SERIES_YEAR} to ${LAST_SERIES_YEAR}, not ${year}`);
  }
  return year;
}

/** Each region's twelve monthly sums of `measure` in `year`, in one statement; months without rows are 0. */
async function monthlyTotals<M extends string>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  rollup: Rollup<M>,
  measure: M,
  codes: readonly string[],
  year: number,
): Promise<Map<string, MonthlyCount[]>> {
  const series = new Map(codes.map((code) => [code, Array.from({ length: 12 }, (_, i) => ({ month: i + 1, count: 0 }))]));
  if (codes.length === 0) return series;
  const rows = (await db
    .selectFrom(rollup.table)
    .select(['region_code', sql<number>`extract(month from day)::int`.as('month'), sql<string>`sum(${sql.id(measure)})`.as('total')])
    .where('region_code', 'in', codes)
    .where('day', '>=', `${year}-01-01`)
    .where('day', '<=', `${year}-12-31`)
    .groupBy(['region_code', sql`extract(month from day)::int`])
    .execute()) as { region_code: string; month: number; total: string | number }[];
  for (const row of rows) {
    const months = series.get(String(row.region_code));
    if (months) months[Number(row.month) - 1].count = Number(row.total);
  }
  return series;
}

/** A per-request loader of (region code, year) series: requests for the same year are one statement. */
export function seriesLoader<M extends string>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>,
  rollup: Rollup<M>,
  measure: M,
) {
  return new DataLoader<{ code: string; year: number }, MonthlyCount[], string>(
    async (requests) => {
      const byYear = new Map<number, string[]>();
      for (const { code, year } of requests) byYear.set(year, [...new Set([...(byYear.get(year) ?? []), code])]);
      const answers = new Map<string, MonthlyCount[]>();
      await Promise.all(
        [...byYear].map(async ([year, codes]) => {
          for (const [code, months] of await monthlyTotals(db, rollup, measure, codes, year)) answers.set(`${code}:${year}`, months);
        }),
      );
      return requests.map(({ code, year }) => answers.get(`${code}:${year}`)!);
    },
    { cacheKeyFn: ({ code, year }) => `${code}:${year}` },
  );
}
