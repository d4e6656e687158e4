// `npm run import` through a running hub with files larger than one request
// (cli/import.ts): the judicial subgraph and a gateway that takes at most
// 32 kB a request. A file goes in chunks; a bad row anywhere stops it before
// anything is written; a chunk the gateway finds too large goes in halves; an
// interrupted import, run again, writes each row once, and so do two runs of
// one file at once; a row that turns bad between the check and its write
// stops the import at its chunk; header, empty and unreadable files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { importThroughHub, startHub, type Hub, type TokenClaims } from './harness';

const IMPORTER: TokenClaims = { sub: 'bulk-importer', agency: 'judicial', scope: 'judicial:write' };
const HEADER = 'requestId,officeId,regionCode,category,receivedOn,partyNames,partyIdNumbers,partyPhones';

/** A good row of Wensu's first township: its requestId is `<prefix>-<i>`. */
function row(prefix: string, i: number, receivedOn = `2024-03-${String(1 + (i % 28)).padStart(2, '0')}`): string {
  return `${prefix}-${i},JO-652922100,652922100201,LABOUR,${receivedOn},Synthetic Party ${i};Other Party ${i},,13800${String(i).padStart(6, '0')};`;
}

describe('npm run import through the hub: files larger than a request', () => {
  let hub: Hub;
  let dir: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let db: Kysely<any>;
  beforeAll(async () => {
    hub = await startHub({ only: ['judicial'], seedScale: 0.01, gateway: { bodyLimit: '32kb' } });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    db = hub.subgraphs.judicial.database.db as Kysely<any>;
    dir = mkdtempSync(path.join(tmpdir(), 'hub-import-'));
  });
  afterAll(async () => {
    await hub?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string, lines: string[]): string => {
    const target = path.join(dir, name);
    writeFileSync(target, `${lines.join('\n')}\n`);
    return target;
  };
  const rows = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => row(prefix, i));
  /** Rows of a prefix in the hub: their requestIds claimed. */
  const written = async (prefix: string) => {
    const claims = await db.selectFrom('hub_request').select(db.fn.countAll<number>().as('n')).where('request_id', 'like', `${prefix}-%`).executeTakeFirstOrThrow();
    return Number(claims.n);
  };
  /** Cases those claims point to: as many as the claims, so no row was written twice. */
  const casesOf = async (prefix: string) => {
    const ids = await db.selectFrom('hub_request').select('record_id').where('request_id', 'like', `${prefix}-%`).execute();
    if (ids.length === 0) return 0;
    const found = await db.selectFrom('mediation_case').select(db.fn.countAll<number>().as('n')).where('id', 'in', ids.map((r) => Number(r.record_id))).executeTakeFirstOrThrow();
    return Number(found.n);
  };

  test('a file larger than a request goes in chunks; a bad row in its last chunk stops it before anything is written', async () => {
    // 400 rows, about 45 kB: more than the gateway takes in one request.
    const good = rows('big', 400);
    const bad = file('big-bad.csv', [HEADER, ...good, row('big', 400, '2999-01-01')]);
    const phases: string[] = [];
    const refused = await importThroughHub(hub, IMPORTER, 'judicial', bad, { onProgress: (p) => void phases.push(p.phase) });
    expect(refused).toMatchObject({ rows: 401, written: 0, alreadyPresent: 0 });
    expect(refused.problems).toEqual([{ line: 402, field: 'receivedOn', code: 'BAD_USER_INPUT', message: expect.stringMatching(/must not be in the future/) }]);
    // Five chunks of at most 100 rows were checked, none written.
    expect(phases).toEqual(Array(5).fill('check'));
    expect(await written('big')).toBe(0);

    const runId = 'bulk-good';
    const loaded = await importThroughHub(hub, IMPORTER, 'judicial', file('big.csv', [HEADER, ...good]), { runId });
    expect(loaded).toMatchObject({ rows: 400, problems: [], runId });
    expect(loaded.stopped).toBeUndefined();
    // (A chunk whose answer was lost, on a loaded machine, is sent again and its rows count as already present.)
    expect(loaded.written + loaded.alreadyPresent).toBe(400);
    expect(await written('big')).toBe(400);
    expect(await casesOf('big')).toBe(400);
    // Four chunks written, each in one request (the one whose transaction committed).
    const requests = await db.selectFrom('hub_audit').select('request_id').distinct().where('request_id', 'like', `${runId}-%`).execute();
    expect(requests).toHaveLength(4);
    for (const { request_id: id } of requests) expect(id).toMatch(new RegExp(`^${runId}-write-\\d+$`));
  });

  test('a chunk the gateway finds too large is sent in halves; a row too large on its own is a bad row', async () => {
    const good = rows('halves', 400);
    // One chunk of 400 rows (about 45 kB) is over the gateway's 32 kB: it goes as two of 200.
    const loaded = await importThroughHub(hub, IMPORTER, 'judicial', file('halves.csv', [HEADER, ...good]), { chunk: { rows: 1000, bytes: 10_000_000 }, goodRowsOnly: true });
    expect(loaded).toMatchObject({ rows: 400, problems: [] });
    expect(loaded.written + loaded.alreadyPresent).toBe(400);
    expect(await written('halves')).toBe(400);

    const huge = `huge-1,JO-652922100,652922100201,LABOUR,2024-03-01,${'A'.repeat(40_000)},,`;
    const refused = await importThroughHub(hub, IMPORTER, 'judicial', file('huge.csv', [HEADER, row('huge', 0), huge, row('huge', 2)]));
    expect(refused.problems).toEqual([{ line: 3, field: null, code: 'BAD_USER_INPUT', message: expect.stringMatching(/larger than the hub takes in one request/) }]);
    expect(await written('huge')).toBe(0);
  });

  test('an import interrupted midway and run again writes every row exactly once', async () => {
    const target = file('again.csv', [HEADER, ...rows('again', 250)]);
    const interrupt = new AbortController();
    const first = await importThroughHub(hub, IMPORTER, 'judicial', target, {
      chunk: { rows: 50 },
      signal: interrupt.signal,
      onProgress: (p) => {
        if (p.phase === 'write' && p.chunks === 2) interrupt.abort();
      },
    });
    expect(first).toMatchObject({ problems: [], stopped: { code: 'ABORTED', atLine: 102 } });
    expect(first.written + first.alreadyPresent).toBe(100);
    expect(await written('again')).toBe(100);

    const second = await importThroughHub(hub, IMPORTER, 'judicial', target, { chunk: { rows: 50 } });
    expect(second).toMatchObject({ rows: 250, problems: [] });
    expect(second.stopped).toBeUndefined();
    expect(second.alreadyPresent).toBeGreaterThanOrEqual(100);
    expect(second.written + second.alreadyPresent).toBe(250);
    expect(await written('again')).toBe(250);
    expect(await casesOf('again')).toBe(250);
  });

  test('two runs of one file at once write every row exactly once', async () => {
    const target = file('twice.csv', [HEADER, ...rows('twice', 300)]);
    const run = () => importThroughHub(hub, IMPORTER, 'judicial', target, { chunk: { rows: 50 } });
    const [a, b] = await Promise.all([run(), run()]);
    for (const outcome of [a, b]) {
      expect(outcome).toMatchObject({ rows: 300, problems: [] });
      expect(outcome.stopped).toBeUndefined();
      // Each run accounts for every row: written by it, or found already present (written by the other).
      expect(outcome.written + outcome.alreadyPresent).toBe(300);
    }
    expect(await written('twice')).toBe(300);
    expect(await casesOf('twice')).toBe(300);
  });

  test('a row that turns bad between the check and its write stops the import at its chunk: the chunks before it stay written, none after', async () => {
    const target = file('race.csv', [HEADER, ...rows('race', 250)]);
    const outcome = await importThroughHub(hub, IMPORTER, 'judicial', target, {
      chunk: { rows: 50 },
      onProgress: async (p) => {
        // After the first chunk is written, another caller takes the requestId of a row of the third chunk, with other input.
        if (p.phase !== 'write' || p.chunks !== 1) return;
        const taken = await hub.queryAs(IMPORTER, `mutation($input: RecordMediationCaseInput!) { recordMediationCase(input: $input) { id } }`, {
          input: { requestId: 'race-120', officeId: 'JO-652922100', regionCode: '652922100201', category: 'OTHER', receivedOn: '2024-01-01', parties: [{ name: 'Someone Else' }] },
        });
        expect(taken.errors).toBeUndefined();
      },
    });
    expect(outcome).toMatchObject({ rows: 250, stopped: { code: 'CHANGED', atLine: 102 } });
    expect(outcome.written + outcome.alreadyPresent).toBe(100);
    expect(outcome.problems).toEqual([{ line: 122, field: 'requestId', code: 'CONFLICT', message: 'requestId: race-120 was used before with other input' }]);
    // Chunks 1 and 2 (100 rows) and the other caller's case; nothing of chunks 3 to 5.
    expect(await written('race')).toBe(101);
  });

  test('a wrong header, an empty file and a file the CSV parser cannot read are refused, and nothing is written', async () => {
    const before = await written('hdr');
    const header = await importThroughHub(hub, IMPORTER, 'judicial', file('header.csv', ['requestId,officeId,regionCode,category,receivedOn,partyName', 'hdr-1,JO-652922100,652922100201,LABOUR,2024-03-01,Someone']));
    expect(header.problems).toEqual([
      { line: 1, field: null, code: 'BAD_USER_INPUT', message: `header: missing columns: partyNames; unknown columns: partyName (expected ${HEADER})` },
    ]);
    const empty = await importThroughHub(hub, IMPORTER, 'judicial', file('empty.csv', []));
    expect(empty.problems).toEqual([{ line: 1, field: null, code: 'BAD_USER_INPUT', message: 'the file is empty: a header row is needed' }]);
    const unreadable = await importThroughHub(hub, IMPORTER, 'judicial', file('quote.csv', [HEADER, row('hdr', 2), 'hdr-3,"JO-652922100,652922100201']));
    expect(unreadable.problems).toEqual([{ line: 3, field: null, code: 'BAD_USER_INPUT', message: expect.stringMatching(/^the file cannot be read as CSV from here on: /) }]);
    expect(await written('hdr')).toBe(before);
  });
});
