// Roll-ups (platform/data/rollups.ts) on PGlite and on PostgreSQL: each agency's
// running totals per region and day agree with the same figures summed
// straight from its records, for regions of every level and every kind of
// period: after the seed (bulk inserts), after updates that move records to
// another region, another day and other figures, after deletes, after
// concurrent writers (PostgreSQL), after a rolled-back change, and after a
// TRUNCATE. A change made with the triggers off is found by the check and
// repaired by the rebuild, also month by month through the gateway, as
// `npm run rollups` does it, and by the command itself.
import { sql, type Kysely } from 'kysely';
import { runRollups } from '../cli/rollups';
import { startGateway, type RunningGateway } from '../gateway/gateway';
import { regionRange } from '../platform/core/region-codes';
import { checkRollup, rebuildRollup, rollupTotals, type Rollup } from '../platform/data/rollups';
import { startSubgraph, type RunningSubgraph } from '../platform/server/subgraph';
import { listSubgraphs } from '../schema/subgraphs';
import { createTestDatabase, npmRun, signToken, testGatewayKeys, testIdentityKey, type DatabaseKind, type TokenClaims } from './harness';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDB = Kysely<any>;
type Period = { from: string | null; to: string | null } | null;

/** Every roll-up of every subgraph, as its definition lists them. */
const CASES = listSubgraphs().flatMap((info) => {
  const { definition } = info;
  return (definition.rollups ?? []).map((rollup) => ({ name: `${definition.name} ${rollup.table}`, definition, rollup }));
});

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

/** Moves some records to another record's region and 30 days earlier (every table's date rules still hold). */
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
  test('every agency has its roll-up', () => {
    expect(CASES.map((c) => c.name).sort()).toEqual([
      'education education_event_daily',
      'judicial mediation_case_daily',
      'legal-aid legal_aid_case_daily',
      'partners project_daily',
    ]);
  });

  describe.each(CASES)('$name', ({ definition, rollup }) => {
    let subgraph: RunningSubgraph<unknown>;
    let gateway: RunningGateway;
    const OPERATOR: TokenClaims = { sub: 'operator', scope: `${definition.name}:rollups` };
    let drop: (() => Promise<void>) | undefined;
    let databaseUrl: string | undefined;
    let db: AnyDB;
    let codes: string[];
    const someIds = (offset: number, count: number) =>
      sql`select id from ${sql.table(rollup.source)} order by id offset ${offset} limit ${count}`;

    beforeAll(async () => {
      if (kind === 'postgres') {
        const database = await createTestDatabase(`rollup_${rollup.table}`);
        databaseUrl = database.url;
        drop = database.drop;
      }
      subgraph = await startSubgraph(definition, { port: 0, databaseUrl, seedScale: 0.05, identityKey: testIdentityKey(definition.name) });
      db = subgraph.database.db as AnyDB;
      codes = await sampleCodes(db, rollup);
      // The operator's commands go through a gateway (the other subgraphs are not needed for them).
      gateway = await startGateway({ port: 0, ...testGatewayKeys(), responseCache: false, subgraphUrls: { [definition.name]: subgraph.url } });
    });
    afterAll(async () => {
      await gateway?.stop();
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

    /** Moves records with the source's triggers off, as a load bypassing them would. */
    const changeBehindTriggers = (offset: number) =>
      db.transaction().execute(async (trx) => {
        await sql`alter table ${sql.table(rollup.source)} disable trigger user`.execute(trx);
        const { rows } = await someIds(offset, 5).execute(trx);
        const ids = (rows as { id: string | number }[]).map((r) => (typeof r.id === 'number' ? r.id : `'${r.id}'`)).join(', ');
        await moveRecords(trx, rollup, ids, offset + 250);
        await sql`alter table ${sql.table(rollup.source)} enable trigger user`.execute(trx);
      });

    test(`${rollup.table}: a change behind the triggers' back is found by the check and repaired by the rebuild`, async () => {
      expect(await checkRollup(db, rollup)).toEqual({ count: 0, differences: [] });
      await changeBehindTriggers(20);
      const found = await checkRollup(db, rollup, 3);
      expect(found.count).toBeGreaterThan(0);
      expect(found.differences).toHaveLength(Math.min(3, found.count));
      for (const d of found.differences) expect(d.stored).not.toEqual(d.fromRecords);
      await rebuildRollup(db, rollup);
      expect(await checkRollup(db, rollup)).toEqual({ count: 0, differences: [] });
      await expectTotalsAgree(db, rollup, codes);
    });

    test(`${rollup.table}: through the gateway, month by month, the check finds what the whole check finds and the rebuild repairs it (audited)`, async () => {
      await changeBehindTriggers(40);
      const whole = await checkRollup(db, rollup);
      expect(whole.count).toBeGreaterThan(0);
      const hub = { url: gateway.url, token: await signToken(OPERATOR) };
      const [checked] = await runRollups({ hub, action: 'check', subgraph: definition.name, runId: `${kind}-check` });
      expect(checked).toMatchObject({ table: rollup.table, source: rollup.source, differing: whole.count });
      expect(checked.parts).toBeGreaterThan(12);
      expect(checked.differences.length).toBe(Math.min(20, whole.count));
      for (const d of checked.differences) expect(d.figures.some((f) => f.stored !== f.fromRecords)).toBe(true);

      const [rebuilt] = await runRollups({ hub, action: 'rebuild', subgraph: definition.name, runId: `${kind}-rebuild` });
      expect(rebuilt).toMatchObject({ table: rollup.table, parts: checked.parts });
      expect(await checkRollup(db, rollup)).toEqual({ count: 0, differences: [] });
      await expectTotalsAgree(db, rollup, codes);
      const audits = await db.selectFrom('hub_audit').select(['subject', 'action', 'record_type']).where('request_id', 'like', `${kind}-rebuild-%`).execute();
      expect(audits).toHaveLength(checked.parts);
      expect(new Set(audits.map((a) => JSON.stringify(a)))).toEqual(new Set([JSON.stringify({ subject: 'operator', action: 'WRITE', record_type: 'Rollup' })]));
    });

    test(`${rollup.table}: the check needs ${definition.name}:rollups; the rebuild also a token for every region`, async () => {
      const as = async (claims: TokenClaims) => ({ url: gateway.url, token: await signToken(claims) });
      const refused = (run: Promise<unknown>) => expect(run).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await refused(runRollups({ hub: await as({ sub: 'writer', scope: `${definition.name}:write` }), action: 'check', subgraph: definition.name }));
      await refused(runRollups({ hub: { url: gateway.url }, action: 'rebuild', subgraph: definition.name }));
      const regional = await as({ ...OPERATOR, regions: ['652900'] });
      await expect(runRollups({ hub: regional, action: 'check', subgraph: definition.name })).resolves.toHaveLength(1);
      await refused(runRollups({ hub: regional, action: 'rebuild', subgraph: definition.name }));
    });

    if (kind === 'pglite' && definition.name === 'judicial') {
      test(`${rollup.table}: npm run rollups -- check finds a difference (exit 1), rebuild repairs it (exit 0)`, async () => {
        await changeBehindTriggers(60);
        const env = { ...process.env, HUB_URL: gateway.url, HUB_TOKEN: await signToken(OPERATOR) };
        const run = (action: string) => npmRun('rollups', [action, definition.name], env);
        const checked = await run('check');
        expect(checked.code).toBe(1);
        expect(checked.stdout).toMatch(new RegExp(`${rollup.table}: \\d+ region-days differ from ${rollup.source}`));
        const rebuilt = await run('rebuild');
        expect(rebuilt).toMatchObject({ code: 0, stdout: expect.stringContaining(`${rollup.table}: rebuilt from ${rollup.source}`) });
        const again = await run('check');
        expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining(`${rollup.table}: agrees with ${rollup.source}`) });
        const refused = await npmRun('rollups', ['rebuild', definition.name], { ...env, HUB_TOKEN: await signToken({ sub: 'clerk', scope: 'judicial:write' }) });
        expect(refused).toMatchObject({ code: 3, stderr: expect.stringContaining('(FORBIDDEN)') });
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
