// Roll-ups (platform/rollups.ts) on PGlite and on PostgreSQL: each agency's
// running totals per region and day agree with the same figures summed
// straight from its records, for regions of every level and every kind of
// period: after the seed (bulk inserts), after updates that move records to
// another region, another day and other figures, after deletes, after
// concurrent writers (PostgreSQL), after a rolled-back change, and after a
// TRUNCATE.
import { sql, type Kysely } from 'kysely';
import { regionRange } from '../platform/region-codes';
import { rollupTotals, type Rollup } from '../platform/rollups';
import { startSubgraph, type RunningSubgraph, type SubgraphDefinition } from '../platform/subgraph';
import education from '../subgraphs/education/subgraph';
import { eventDaily } from '../subgraphs/education/rollups';
import judicial from '../subgraphs/judicial/subgraph';
import { mediationDaily } from '../subgraphs/judicial/rollups';
import legalAid from '../subgraphs/legal-aid/subgraph';
import { caseDaily } from '../subgraphs/legal-aid/rollups';
import partners from '../subgraphs/partners/subgraph';
import { projectDaily } from '../subgraphs/partners/rollups';
import { createTestDatabase, IDENTITY_KEYS, type DatabaseKind } from './harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDB = Kysely<any>;
type Period = { from: string | null; to: string | null } | null;

const CASES: [SubgraphDefinition<unknown, unknown>, Rollup][] = [
  [judicial as SubgraphDefinition<unknown, unknown>, mediationDaily],
  [legalAid as SubgraphDefinition<unknown, unknown>, caseDaily],
  [education as SubgraphDefinition<unknown, unknown>, eventDaily],
  [partners as SubgraphDefinition<unknown, unknown>, projectDaily],
];

const PERIODS: Period[] = [
  null,
  { from: '2022-01-01', to: '2022-12-31' },
  { from: '2023-03-15', to: null },
  { from: null, to: '2021-06-30' },
  { from: '2021-02-03', to: '2021-02-03' },
];

/** The same figures, summed from the records themselves over each region's code range. */
async function directTotals(db: AnyDB, rollup: Rollup, codes: string[], period: Period): Promise<Map<string, Record<string, number>>> {
  const result = new Map<string, Record<string, number>>();
  for (const code of codes) {
    const { lo, hi } = regionRange(code);
    const region = sql.ref(rollup.regionColumn);
    const day = sql.ref(rollup.dayColumn);
    const { rows } = await sql<Record<string, unknown>>`
      select ${sql.join(Object.entries(rollup.measures).map(([name, m]) => sql`coalesce(sum(${sql.raw(m.value)}), 0) as ${sql.id(name)}`))}
      from ${sql.table(rollup.source)}
      where ${region} >= ${lo} and ${region} < ${hi}
        ${period?.from != null ? sql`and ${day} >= ${period.from}` : sql``}
        ${period?.to != null ? sql`and ${day} <= ${period.to}` : sql``}`.execute(db);
    result.set(code, Object.fromEntries(Object.keys(rollup.measures).map((name) => [name, Number(rows[0][name])])));
  }
  return result;
}

/** Regions of every level holding records: the autonomous region, prefectures, counties, townships, villages, and one with none. */
async function sampleCodes(db: AnyDB, rollup: Rollup): Promise<string[]> {
  const { rows } = await sql<{ code: string }>`
    select distinct ${sql.ref(rollup.regionColumn)} as code from ${sql.table(rollup.source)}
    order by 1 limit 400`.execute(db);
  const codes = new Set<string>(['650000', '652900', '653100', '659999999999']);
  rows.forEach(({ code }, i) => {
    if (i % 40 === 0) {
      codes.add(code);
      codes.add(code.slice(0, 9));
      codes.add(code.slice(0, 6));
      codes.add(`${code.slice(0, 4)}00`);
    }
  });
  return [...codes];
}

async function expectTotalsAgree(db: AnyDB, rollup: Rollup, codes: string[]): Promise<void> {
  for (const period of PERIODS) {
    const rolled = await rollupTotals(db, rollup, codes, period);
    const direct = await directTotals(db, rollup, codes, period);
    for (const code of codes) {
      // toBeCloseTo would hide an off-by-one; sums of whole numbers and of yuan with cents compare exactly once rounded to cents.
      const round = (figures: Record<string, number>) => Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Math.round(v * 100)]));
      expect({ code, period, ...round(rolled.get(code)!) }).toEqual({ code, period, ...round(direct.get(code)!) });
    }
  }
}

/** Moves some records to another record's region, 30 days earlier (every table's date rules hold), and changes figures where a column holds one. */
async function moveRecords(db: AnyDB, rollup: Rollup, ids: string, fromRow: number): Promise<void> {
  const region = sql.ref(rollup.regionColumn);
  const day = sql.ref(rollup.dayColumn);
  const table = sql.table(rollup.source);
  await sql`
    update ${table} set
      ${region} = (select ${region} from ${table} order by id offset ${fromRow} limit 1),
      ${day} = ${day} - 30
    where id in (${sql.raw(ids)})`.execute(db);
}

describe.each<DatabaseKind>(['pglite', 'postgres'])('roll-ups on %s', (kind) => {
  describe.each(CASES.map(([definition, rollup]) => ({ name: definition.name, definition, rollup })))('$name', ({ definition, rollup }) => {
    let subgraph: RunningSubgraph<unknown>;
    let drop: (() => Promise<void>) | undefined;
    let db: AnyDB;
    let codes: string[];
    const someIds = (offset: number, count: number) =>
      sql`select id from ${sql.table(rollup.source)} order by id offset ${offset} limit ${count}`;

    beforeAll(async () => {
      let databaseUrl: string | undefined;
      if (kind === 'postgres') {
        const database = await createTestDatabase(`rollup_${rollup.table}`);
        databaseUrl = database.url;
        drop = database.drop;
      }
      subgraph = await startSubgraph(definition, { port: 0, databaseUrl, seedScale: 0.05, identityPublicKey: IDENTITY_KEYS.publicKey });
      db = subgraph.database.db as AnyDB;
      codes = await sampleCodes(db, rollup);
    });
    afterAll(async () => {
      await subgraph?.stop();
      await drop?.();
    });

    test(`${rollup.table}: the seed's totals agree with the records`, async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(rollup.table)}`.execute(db);
      expect(rows[0].n).toBeGreaterThan(0);
      await expectTotalsAgree(db, rollup, codes);
    });

    test(`${rollup.table}: updates moving records to other regions and days, and deletes`, async () => {
      const moved = await someIds(0, 60).execute(db);
      const idList = (moved.rows as { id: string | number }[]).map((r) => (typeof r.id === 'number' ? r.id : `'${r.id}'`)).join(', ');
      await moveRecords(db, rollup, idList, 500);
      // A figure column, where the table has one: change it in place.
      if (rollup.measures.attendees) await sql`update education_event set attendees = attendees + 7 where id in (${sql.raw(idList)})`.execute(db);
      if (rollup.measures.budget_yuan) await sql`update project set budget_yuan = budget_yuan + 1000.55, legally_reviewed = false, reviewing_office_id = null where id in (${sql.raw(idList)})`.execute(db);
      if (rollup.measures.resolved) await sql`update mediation_case set outcome = 'RESOLVED', closed_on = received_on where id in (${sql.raw(idList)}) and outcome = 'PENDING'`.execute(db);
      const deleted = await sql`delete from ${sql.table(rollup.source)} where id in (${someIds(100, 25)})`.execute(db);
      expect(Number(deleted.numAffectedRows)).toBe(25);
      await expectTotalsAgree(db, rollup, codes);
    });

    test(`${rollup.table}: a rolled-back change leaves the totals as they were`, async () => {
      const before = await rollupTotals(db, rollup, codes, null);
      await expect(
        db.transaction().execute(async (trx) => {
          await sql`update ${sql.table(rollup.source)} set ${sql.ref(rollup.dayColumn)} = ${sql.ref(rollup.dayColumn)} - 400`.execute(trx);
          await sql`delete from ${sql.table(rollup.source)} where id in (${someIds(0, 10)})`.execute(trx);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await rollupTotals(db, rollup, codes, null)).toEqual(before);
      await expectTotalsAgree(db, rollup, codes);
    });

    if (kind === 'postgres') {
      test(`${rollup.table}: concurrent writers, each in its own transaction, lose no change`, async () => {
        const { rows } = await someIds(200, 40).execute(db);
        await Promise.all(
          (rows as { id: string | number }[]).map((row, i) =>
            db.transaction().execute(async (trx) => {
              const id = typeof row.id === 'number' ? String(row.id) : `'${row.id}'`;
              await moveRecords(trx, rollup, id, 300 + i);
            }),
          ),
        );
        await expectTotalsAgree(db, rollup, codes);
      });
    }

    test(`${rollup.table}: TRUNCATE empties the totals`, async () => {
      await sql`truncate ${sql.table(rollup.source)} cascade`.execute(db);
      const totals = await rollupTotals(db, rollup, codes, null);
      for (const figures of totals.values()) for (const value of Object.values(figures)) expect(value).toBe(0);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(rollup.table)}`.execute(db);
      expect(rows[0].n).toBe(0);
    });
  });
});
