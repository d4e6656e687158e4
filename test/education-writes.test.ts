// The education write API through the gateway over HTTP, on PGlite and on
// PostgreSQL: recordEducationEvent's happy path (the event as the read API
// shows it, every figure moved at once, its audit record), each rejection
// with its code and field and nothing written, the write scope and regions,
// requestId idempotency (also two identical requests at once), a failure in
// the middle of the write, and the CSV import through the hub (`npm run import`).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { findBreakingChanges } from 'graphql';
import { contractSchema } from '../schema/registry';
import { Supergraph } from '@apollo/federation-internals';
import type { Insertable, Kysely } from 'kysely';
import { migrateToLatest, openDatabase } from '../platform/data/database';
import { platformMigrations } from '../platform/server/subgraph';
import { SUPERGRAPH_PATH } from '../schema/compose';
import type { EducationDatabase, EducationEventTable } from '../subgraphs/education/database';
import { EVENTS_AT_SCALE_1 } from '../subgraphs/education/seed';
import education from '../subgraphs/education/subgraph';
import { checkEventInput, insertEvent } from '../subgraphs/education/writes';
import { importThroughHub, npmRun, operatorEnv, signToken, startHub, type DatabaseKind, type GraphQLResponse, type Hub, type TokenClaims } from './harness';
import { csvFolder, expectInternalError, failingAuditInsert, rowSnapshot, tomorrow, writeChecks } from './write-helpers';

const SCALE = 0.05;
const FIXTURES = path.join(__dirname, 'fixtures', 'education');
const GOOD_CSV = path.join(FIXTURES, 'events-good.csv');
const BAD_CSV = path.join(FIXTURES, 'events-bad.csv');

/** Wensu County (652922) of Aksu prefecture (652900): Yeken Town, its village Lvzhou, and Baiyang Town. */
const TOWNSHIP = '652922100';
const VILLAGE = '652922100201';
const OFFICE = 'JO-652922100';
const OTHER_OFFICE = 'JO-652922101';
const CAMPAIGN = 'CAMP-2022-CIVIL-CODE'; // CIVIL_CODE, 2022-05-01 to 2022-05-31

const WRITER: TokenClaims = { sub: 'aksu-education-clerk', agency: 'education', scope: 'education:write', regions: ['652900'] };

const EVENT = 'id title theme format heldOn region { code name level } attendees languages organiser { id name } campaign { id title }';
const RECORD = `mutation($input: RecordEducationEventInput!) { recordEducationEvent(input: $input) { ${EVENT} } }`;

function eventInput(requestId: string, changes: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    requestId,
    title: 'Civil Code lecture on the village square',
    theme: 'CIVIL_CODE',
    format: 'LECTURE',
    heldOn: '2022-05-12',
    regionCode: VILLAGE,
    attendees: 85,
    languages: ['Uyghur', 'mandarin'],
    organiserOfficeId: OFFICE,
    campaignId: CAMPAIGN,
    ...changes,
  };
}

describe.each<DatabaseKind>(['pglite', 'postgres'])('recordEducationEvent on %s', (database) => {
  let hub: Hub;
  let db: Kysely<EducationDatabase>;
  beforeAll(async () => {
    hub = await startHub({ database, only: ['judicial', 'education'], seedScale: SCALE });
    db = hub.subgraphs.education.database.db as Kysely<EducationDatabase>;
  });
  afterAll(() => hub?.stop());

  /** Rows in the education database: events, WRITE audit records, claimed requestIds. */
  const counts = rowSnapshot(() => db, { events: { count: 'education_event' }, audits: { count: 'hub_audit', where: "action = 'WRITE'" }, requests: { count: 'hub_request' } });
  const checks = writeChecks(counts);

  async function record(input: Record<string, unknown>, claims: TokenClaims | null = WRITER, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
    return hub.query(RECORD, { input }, { ...(claims ? { authorization: `Bearer ${await signToken(claims)}` } : {}), ...headers });
  }

  /** Asserts one error with exactly these extensions, no data, and that nothing was written. */
  async function expectRefused(input: Record<string, unknown>, extensions: { code: string; field?: string }, claims: TokenClaims | null = WRITER): Promise<string> {
    const response = await checks.expectRefused(() => record(input, claims), extensions.code, extensions.field);
    expect(response.errors![0].path).toEqual(['recordEducationEvent']);
    return response.errors![0].message;
  }

  const FIGURES = `query($township: ID!, $village: ID!, $office: ID!, $campaign: ID!) {
    township: region(code: $township) {
      educationStats { events attendees }
      y2022: educationStats(period: { from: "2022-01-01", to: "2022-12-31" }) { events attendees }
      y2023: educationStats(period: { from: "2023-01-01", to: "2023-12-31" }) { events attendees }
      educationEvents(first: 0) { totalCount }
    }
    village: region(code: $village) {
      educationStats { events attendees }
      educationEvents(first: 0) { totalCount }
      mandarin: educationEvents(first: 0, filter: { language: "Mandarin", theme: CIVIL_CODE }) { totalCount }
    }
    xinjiang: region(code: "650000") { educationStats { events attendees } }
    judicialOffice(id: $office) { educationEvents(first: 0) { totalCount } }
    campaign(id: $campaign) { events(first: 0) { totalCount } }
  }`;

  async function figures(): Promise<Record<string, any>> {
    const { data, errors } = await hub.query(FIGURES, { township: TOWNSHIP, village: VILLAGE, office: OFFICE, campaign: CAMPAIGN });
    expect(errors).toBeUndefined();
    return data!;
  }

  test('records an event: returned as the read API shows it, every figure moved at once, one audit record', async () => {
    const before = await figures();
    const rows = await counts();
    const response = await record(eventInput('happy-1'), WRITER, { 'x-request-id': `edu-write-${database}-1` });
    expect(response.errors).toBeUndefined();
    const event = response.data!.recordEducationEvent;
    expect(event).toEqual({
      id: expect.stringMatching(/^EE-\d{8}$/),
      title: 'Civil Code lecture on the village square',
      theme: 'CIVIL_CODE',
      format: 'LECTURE',
      heldOn: '2022-05-12',
      region: { code: VILLAGE, name: 'Lvzhou Village', level: 'VILLAGE' },
      attendees: 85,
      // Languages are stored under their listed names, so the language filter finds them.
      languages: ['Uyghur', 'Mandarin'],
      organiser: { id: OFFICE, name: expect.stringMatching(/Judicial Office$/) },
      campaign: { id: CAMPAIGN, title: 'Civil Code publicity month 2022' },
    });
    // Ids continue the seed's numbering.
    expect(event.id > `EE-${String(Math.round(EVENTS_AT_SCALE_1 * SCALE)).padStart(8, '0')}`).toBe(true);
    const read = await hub.query(`query($id: ID!) { educationEvent(id: $id) { ${EVENT} } }`, { id: event.id });
    expect(read).toEqual({ status: 200, data: { educationEvent: event } });

    expect(await counts()).toEqual({ events: rows.events + 1, audits: rows.audits + 1, requests: rows.requests + 1 });
    const plus = (stats: { events: number; attendees: number }) => ({ events: stats.events + 1, attendees: stats.attendees + 85 });
    expect(await figures()).toEqual({
      township: {
        educationStats: plus(before.township.educationStats),
        y2022: plus(before.township.y2022),
        y2023: before.township.y2023,
        educationEvents: { totalCount: before.township.educationEvents.totalCount + 1 },
      },
      village: {
        educationStats: plus(before.village.educationStats),
        educationEvents: { totalCount: before.village.educationEvents.totalCount + 1 },
        mandarin: { totalCount: before.village.mandarin.totalCount + 1 },
      },
      xinjiang: { educationStats: plus(before.xinjiang.educationStats) },
      judicialOffice: { educationEvents: { totalCount: before.judicialOffice.educationEvents.totalCount + 1 } },
      campaign: { events: { totalCount: before.campaign.events.totalCount + 1 } },
    });

    // The audit record: who, what, which record, through which request.
    const audit = await (db as Kysely<any>).selectFrom('hub_audit').selectAll().where('action', '=', 'WRITE').where('record_id', '=', event.id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      subject: 'aksu-education-clerk',
      agency: 'education',
      action: 'WRITE',
      record_type: 'EducationEvent',
      record_id: event.id,
      request_id: `edu-write-${database}-1`,
      fields: ['title', 'theme', 'format', 'heldOn', 'regionCode', 'attendees', 'languages', 'organiserOfficeId', 'campaignId'],
    });
    const claimed = await (db as Kysely<any>).selectFrom('hub_request').selectAll().where('request_id', '=', 'happy-1').execute();
    expect(claimed).toMatchObject([{ operation: 'recordEducationEvent', record_id: event.id, subject: 'aksu-education-clerk' }]);
  });

  test('an event at a township itself, organised by another body, in an open campaign without a theme; an online event may be large', async () => {
    const response = await record(
      eventInput('happy-2', {
        regionCode: TOWNSHIP,
        format: 'ONLINE',
        theme: 'ANTI_FRAUD',
        attendees: 50_000,
        heldOn: '2023-10-08',
        languages: ['Uighur', 'Kazakh', 'Putonghua'],
        organiserOfficeId: null,
        campaignId: 'CAMP-2021-RULE-OF-LAW-VILLAGES',
      }),
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.recordEducationEvent).toMatchObject({
      region: { code: TOWNSHIP, level: 'TOWNSHIP' },
      attendees: 50_000,
      languages: ['Uyghur', 'Kazakh', 'Mandarin'],
      organiser: null,
      campaign: { id: 'CAMP-2021-RULE-OF-LAW-VILLAGES' },
    });
    // Neither organiser nor campaign: both may be left out.
    const plain = await record(eventInput('happy-3', { organiserOfficeId: undefined, campaignId: undefined, heldOn: '2020-01-01' }));
    expect(plain.errors).toBeUndefined();
    expect(plain.data!.recordEducationEvent).toMatchObject({ heldOn: '2020-01-01', organiser: null, campaign: null });
  });

  const long = (n: number) => 'x'.repeat(n);
  test.each<[string, Record<string, unknown>, string]>([
    ['an empty title', { title: '' }, 'input.title'],
    ['a blank title', { title: '   ' }, 'input.title'],
    ['an over-long title', { title: long(201) }, 'input.title'],
    ['a title with a control character', { title: 'Lecture\u0000' }, 'input.title'],
    ['a date in the future', { heldOn: tomorrow(), campaignId: null }, 'input.heldOn'],
    ['a date before the first law-popularization plan', { heldOn: '1985-12-31', campaignId: null }, 'input.heldOn'],
    ['a county, not a township or village', { regionCode: '652922', organiserOfficeId: null }, 'input.regionCode'],
    ['a prefecture', { regionCode: '652900', organiserOfficeId: null }, 'input.regionCode'],
    ['an unknown village code', { regionCode: '652922100999', organiserOfficeId: null }, 'input.regionCode'],
    ['a malformed region code', { regionCode: '65-29', organiserOfficeId: null }, 'input.regionCode'],
    ['negative attendees', { attendees: -1 }, 'input.attendees'],
    ['more attendees than a lecture can have', { attendees: 10_001 }, 'input.attendees'],
    ['no language', { languages: [] }, 'input.languages'],
    ['an empty language', { languages: ['Uyghur', ' '] }, 'input.languages'],
    ['an unknown language', { languages: ['Klingon'] }, 'input.languages'],
    ['an over-long language', { languages: [long(41)] }, 'input.languages'],
    ['a language listed twice (once by another spelling)', { languages: ['Uyghur', 'uighur'] }, 'input.languages'],
    ['a malformed office id', { organiserOfficeId: 'office 7' }, 'input.organiserOfficeId'],
    ['an unknown office', { organiserOfficeId: 'JO-652922999' }, 'input.organiserOfficeId'],
    ["another township's office", { organiserOfficeId: OTHER_OFFICE }, 'input.organiserOfficeId'],
    ['an unknown campaign', { campaignId: 'CAMP-1999-NONE' }, 'input.campaignId'],
    ["a date outside the campaign's", { heldOn: '2022-06-01' }, 'input.campaignId'],
    ['a date before an open campaign began', { heldOn: '2021-02-28', campaignId: 'CAMP-2021-RULE-OF-LAW-VILLAGES', theme: 'OTHER' }, 'input.campaignId'],
    ["a theme other than the campaign's", { theme: 'LAND_LAW' }, 'input.theme'],
    ['an empty requestId', { requestId: '' }, 'input.requestId'],
    ['an over-long requestId', { requestId: long(101) }, 'input.requestId'],
  ])('refuses %s: BAD_USER_INPUT naming the field, nothing written', async (_name, changes, field) => {
    const message = await expectRefused(eventInput(`bad-${field}`, changes), { code: 'BAD_USER_INPUT', field });
    expect(message.startsWith(`${field}: `)).toBe(true);
  });

  test('an impossible date, an unknown theme, a fractional count: BAD_USER_INPUT, nothing written', async () => {
    for (const changes of [{ heldOn: '2023-02-30' }, { theme: 'POETRY' }, { attendees: 1.5 }, { languages: null }]) {
      const before = await counts();
      const response = await record(eventInput('bad-variables', changes));
      expect(response.data ?? null).toBeNull();
      expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(await counts()).toEqual(before);
    }
  });

  test('without education:write, or outside the token regions: FORBIDDEN, nothing written', async () => {
    const input = eventInput('forbidden-1');
    const forbidden = { code: 'FORBIDDEN' };
    await expectRefused(input, forbidden, null);
    await expectRefused(input, forbidden, { agency: 'education', scope: 'education:read judicial:write legal-aid:write' });
    await expectRefused(input, forbidden, { agency: 'judicial', scope: 'judicial:write judicial:cases judicial:pii' });
    // Bayingolin (652800) and another county of Aksu (652901) do not cover Wensu's village.
    await expectRefused(input, forbidden, { ...WRITER, regions: ['652800'] });
    await expectRefused(input, forbidden, { ...WRITER, regions: ['652901', '652922101'] });
    // Without the scope, bad input is not even looked at.
    await expectRefused(eventInput('forbidden-2', { title: '' }), forbidden, { agency: 'education', scope: 'education:cases' });
    // The token's own township is enough.
    const allowed = await record(eventInput('forbidden-3'), { ...WRITER, regions: [TOWNSHIP] });
    expect(allowed.errors).toBeUndefined();
  });

  test('the same requestId twice writes once and returns the same event; with other input it is CONFLICT', async () => {
    const before = await counts();
    const first = await record(eventInput('twice-1'));
    // The same event again, its language spelt otherwise: the same request once checked.
    const second = await record(eventInput('twice-1', { languages: ['uyghur', 'Mandarin'], title: '  Civil Code lecture on the village square ' }));
    expect(first.errors).toBeUndefined();
    expect(second).toEqual(first);
    expect(await counts()).toEqual({ events: before.events + 1, audits: before.audits + 1, requests: before.requests + 1 });

    const message = await expectRefused(eventInput('twice-1', { attendees: 86 }), { code: 'CONFLICT', field: 'input.requestId' });
    expect(message).toMatch(/twice-1 was used before with other input/);
    // requestIds belong to their caller: another clerk using the same id records an event of its own (and learns nothing of the first).
    const other = await record(eventInput('twice-1', { attendees: 86 }), { ...WRITER, sub: 'another-clerk' });
    expect(other.errors).toBeUndefined();
    expect(other.data!.recordEducationEvent.id).not.toBe(first.data!.recordEducationEvent.id);
  });

  test('two identical requests at once write one event and both return it', async () => {
    for (let round = 0; round < 3; round++) {
      const before = await counts();
      const input = eventInput(`concurrent-${round}`, { attendees: 100 + round });
      const responses = await Promise.all([record(input), record(input), record(input)]);
      for (const response of responses) expect(response.errors).toBeUndefined();
      const ids = new Set(responses.map((r) => r.data!.recordEducationEvent.id));
      expect(ids.size).toBe(1);
      expect(await counts()).toEqual({ events: before.events + 1, audits: before.audits + 1, requests: before.requests + 1 });
    }
  });

  test('two different events at once get different ids', async () => {
    const responses = await Promise.all([1, 2, 3, 4].map((n) => record(eventInput(`parallel-${n}`, { attendees: n }))));
    for (const response of responses) expect(response.errors).toBeUndefined();
    expect(new Set(responses.map((r) => r.data!.recordEducationEvent.id)).size).toBe(4);
  });

  test('a failure in the middle of the write (the audit insert, after the event row) leaves no event, no audit record, no claimed requestId', async () => {
    // A trigger makes the write's last statement fail. (A connection lost there, pg_terminate_backend in the
    // trigger, is left out: platform/data/database.ts does not yet listen for errors of a client checked out of
    // the pg pool, so the lost connection's 'error' event would be unhandled and stop the process.)
    const removeTrigger = await failingAuditInsert(db, 'the disk is full (test)');
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const before = await counts();
    try {
      const response = await record(eventInput('lost-1'));
      expectInternalError(response);
      expect(JSON.stringify(response)).not.toMatch(/hub_audit|insert|terminat|disk|postgres/i);
    } finally {
      logged.mockRestore();
      await removeTrigger();
    }
    expect(await counts()).toEqual(before);
    // The requestId was not used up: the retry records the event.
    const retry = await record(eventInput('lost-1'));
    expect(retry.errors).toBeUndefined();
    expect(await counts()).toEqual({ events: before.events + 1, audits: before.audits + 1, requests: before.requests + 1 });
  });

  describe('CSV import through the hub (npm run import): the same checks and write as the mutation', () => {
    const IMPORTER: TokenClaims = { sub: 'csv-importer', agency: 'education', scope: 'education:write' };
    const run = (file: string, options: { goodRowsOnly?: boolean; runId?: string } = {}, claims = IMPORTER) => importThroughHub(hub, claims, 'education', file, options);
    /** A file of these lines in the suite's folder. */
    const csv = csvFolder('education-import-');

    test('a good file imports every row, audited under the caller; importing it again writes nothing more', async () => {
      const before = await counts();
      const township = await hub.query(`{ region(code: "${TOWNSHIP}") { educationEvents(first: 0) { totalCount } educationStats { attendees } } }`);
      const runId = `${database}-import-good`;
      expect(await run(GOOD_CSV, { runId })).toEqual({ rows: 3, written: 3, alreadyPresent: 0, problems: [], runId });
      expect(await counts()).toEqual({ events: before.events + 3, audits: before.audits + 3, requests: before.requests + 3 });
      // Two of the three are in Yeken Town, at once in its figures.
      const after = await hub.query(`{ region(code: "${TOWNSHIP}") { educationEvents(first: 0) { totalCount } educationStats { attendees } } }`);
      expect(after.data!.region).toEqual({
        educationEvents: { totalCount: township.data!.region.educationEvents.totalCount + 2 },
        educationStats: { attendees: township.data!.region.educationStats.attendees + 64 + 210 },
      });
      // Read back through the gateway as any recorded event.
      const { data } = await hub.query(`{ region(code: "652922101201") { educationEvents(first: 100, filter: { campaignId: "CAMP-2023-FAMILY" }) { nodes { title theme format heldOn attendees languages organiser { id } } } } }`);
      expect(data!.region.educationEvents.nodes).toContainEqual({
        title: 'Family law door-to-door visits in Shuimo Village',
        theme: 'FAMILY_LAW',
        format: 'DOOR_TO_DOOR',
        heldOn: '2023-02-14',
        attendees: 18,
        languages: ['Uyghur', 'Mandarin'],
        organiser: { id: 'JO-652922101' },
      });
      const audits = await (db as Kysely<any>).selectFrom('hub_audit').select(['subject', 'agency', 'action', 'record_type', 'request_id']).where('subject', '=', 'csv-importer').execute();
      expect(audits).toEqual(Array(3).fill({ subject: 'csv-importer', agency: 'education', action: 'WRITE', record_type: 'EducationEvent', request_id: `${runId}-write-1` }));

      expect(await run(GOOD_CSV, { runId })).toEqual({ rows: 3, written: 0, alreadyPresent: 3, problems: [], runId });
      expect(await counts()).toEqual({ events: before.events + 3, audits: before.audits + 3, requests: before.requests + 3 });
    });

    const BAD_ROWS = [
      { line: 3, field: 'theme', code: 'BAD_USER_INPUT', message: expect.stringMatching(/^theme: "POETRY" is not one of/) },
      { line: 4, field: 'attendees', code: 'BAD_USER_INPUT', message: expect.stringMatching(/^attendees: must be a whole number of 0 or more/) },
      { line: 5, field: 'heldOn', code: 'BAD_USER_INPUT', message: expect.stringMatching(/^heldOn: must not be in the future/) },
      { line: 6, field: 'campaignId', code: 'BAD_USER_INPUT', message: 'campaignId: no campaign has the id CAMP-1999-NONE' },
      { line: 7, field: 'regionCode', code: 'BAD_USER_INPUT', message: 'regionCode: must be a township or village, not a county' },
      { line: 8, field: 'requestId', code: 'BAD_USER_INPUT', message: 'requestId: csv-bad-ok-1 is also on line 2' },
      { line: 9, field: 'languages', code: 'BAD_USER_INPUT', message: 'languages: must name at least one language' },
      { line: 10, field: 'organiserOfficeId', code: 'BAD_USER_INPUT', message: expect.stringMatching(/^organiserOfficeId: JO-652922100 is not the office of the event's township/) },
      { line: 11, field: null, code: 'BAD_USER_INPUT', message: 'has 4 cells, the header 10' },
    ];

    test('a file with bad rows reports each with its line and reason, and writes nothing', async () => {
      const before = await counts();
      expect(await run(BAD_CSV)).toMatchObject({ rows: 11, written: 0, alreadyPresent: 0, problems: BAD_ROWS });
      expect(await counts()).toEqual(before);
    });

    test('with goodRowsOnly, only the good rows are written (and again, nothing more)', async () => {
      const before = await counts();
      expect(await run(BAD_CSV, { goodRowsOnly: true })).toMatchObject({ rows: 11, written: 2, alreadyPresent: 0, problems: BAD_ROWS });
      expect(await counts()).toEqual({ events: before.events + 2, audits: before.audits + 2, requests: before.requests + 2 });
      const written = await db.selectFrom('education_event').select(['title', 'region_code']).where('title', 'in', ['Constitution Day lecture in Mingzhu Village', 'Rule of law into the villages: online session for Qarqi Township']).execute();
      expect(written).toHaveLength(2);
      expect(await run(BAD_CSV, { goodRowsOnly: true })).toMatchObject({ rows: 11, written: 0, alreadyPresent: 2, problems: BAD_ROWS });
      expect(await counts()).toEqual({ events: before.events + 2, audits: before.audits + 2, requests: before.requests + 2 });
    });

    test('a requestId the mutation used with other input, a wrong header, rows outside the caller\'s regions, a caller without the write scope', async () => {
      const before = await counts();
      const header = 'requestId,title,theme,format,heldOn,regionCode,attendees,languages,organiserOfficeId,campaignId';
      const reused = csv('reused.csv', `${header}\nhappy-1,Another lecture,CIVIL_CODE,LECTURE,2022-05-13,${VILLAGE},10,Uyghur,,\n`);
      // The mutation and the import share requestIds (one operation, one caller): happy-1 was recorded by the mutation as WRITER.
      expect((await run(reused, {}, { ...WRITER, scope: 'education:write' })).problems).toEqual([{ line: 2, field: 'requestId', code: 'CONFLICT', message: 'requestId: happy-1 was used before with other input' }]);
      expect((await run(csv('header.csv', 'requestId,title,when\nx,y,z\n'))).problems).toEqual([
        { line: 1, field: null, code: 'BAD_USER_INPUT', message: expect.stringMatching(/^header: missing columns: theme, format, heldOn, regionCode, attendees, languages; unknown columns: when/) },
      ]);
      const outside = await run(GOOD_CSV, {}, { ...IMPORTER, regions: ['652800'] });
      // Already present rows are checked again: outside the importer's regions they are refused.
      expect(outside.problems.map((p) => [p.line, p.code, p.message])).toEqual([
        [2, 'FORBIDDEN', 'regionCode: 652922100201 lies outside the regions of the import'],
        [3, 'FORBIDDEN', 'regionCode: 652922100 lies outside the regions of the import'],
        [4, 'FORBIDDEN', 'regionCode: 652922101201 lies outside the regions of the import'],
      ]);
      const unscoped = await run(GOOD_CSV, {}, { sub: 'reader', agency: 'education', scope: 'analyst' });
      expect(unscoped).toMatchObject({ written: 0, problems: [], stopped: { code: 'FORBIDDEN' } });
      expect(await counts()).toEqual(before);
    });

    if (database === 'pglite') {
      test('npm run import against the running hub: loads a good file (exit 0; again: nothing more), refuses a bad one whole (exit 1, each bad line on stderr)', async () => {
        const env = await operatorEnv(hub, { ...IMPORTER, sub: 'import-clerk' });
        // The good file under requestIds of its own, not imported yet.
        const fresh = csv('events-cli.csv', readFileSync(GOOD_CSV, 'utf8').replace(/^csv-good-/gm, 'cli-good-'));
        const before = await counts();
        const good = await npmRun('import', ['education', fresh], env);
        expect({ code: good.code, stdout: good.stdout.trim().split('\n')[0], stderr: good.stderr }).toEqual({ code: 0, stdout: '3 rows: 3 written, 0 already present, 0 refused', stderr: '' });
        expect(await counts()).toEqual({ events: before.events + 3, audits: before.audits + 3, requests: before.requests + 3 });
        const recorded = await (db as Kysely<any>).selectFrom('hub_audit').innerJoin('education_event', 'education_event.id', 'hub_audit.record_id').select(['title', 'subject']).where('subject', '=', 'import-clerk').orderBy('education_event.id').execute();
        expect(recorded).toEqual(['Civil Code lecture in Lvzhou Village', 'Anti-fraud bazaar stall, Yeken Town', 'Family law door-to-door visits in Shuimo Village'].map((title) => ({ title, subject: 'import-clerk' })));

        const again = await npmRun('import', ['education', fresh], env);
        expect({ code: again.code, stdout: again.stdout.trim().split('\n')[0] }).toEqual({ code: 0, stdout: '3 rows: 0 written, 3 already present, 0 refused' });

        const bad = await npmRun('import', ['education', BAD_CSV], env);
        expect(bad.code).toBe(1);
        expect(bad.stdout.trim().split('\n')[0]).toBe('11 rows: 0 written, 0 already present, 9 refused (nothing written: fix the rows or pass --good-rows-only)');
        expect(bad.stderr.trim().split('\n').map((line) => line.replace(/:.*/, ''))).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11].map((n) => `line ${n}`));
        expect(bad.stderr).toContain('line 6: campaignId: no campaign has the id CAMP-1999-NONE');
        expect(await counts()).toEqual({ events: before.events + 3, audits: before.audits + 3, requests: before.requests + 3 });
      });
    }
  });
});

describe('migration 0002 on a database seeded before it', () => {
  test('recorded events continue after the highest existing id', async () => {
    const handle = await openDatabase<EducationDatabase>({});
    try {
      const { '0002-event-serial': eventSerial, ...earlier } = education.migrations;
      await migrateToLatest(handle.db as Kysely<unknown>, { ...platformMigrations, ...earlier });
      const event = { title: 'Seeded', theme: 'OTHER', format: 'LECTURE', held_on: '2021-01-01', region_code: VILLAGE, attendees: 1, languages: ['Uyghur'], organiser_office_id: null, campaign_id: null } satisfies Omit<Insertable<EducationEventTable>, 'id'>;
      await handle.db.insertInto('education_event').values([{ ...event, id: 'EE-00000007' }, { ...event, id: 'EE-00000041' }]).execute();
      await migrateToLatest(handle.db as Kysely<unknown>, { ...platformMigrations, ...earlier, '0002-event-serial': eventSerial });
      const checked = checkEventInput({ requestId: 'r', title: 'Recorded', theme: 'OTHER', format: 'LECTURE', heldOn: '2023-01-01', regionCode: VILLAGE, attendees: 1, languages: ['Uyghur'] });
      const ids = await handle.db.transaction().execute(async (trx) => [await insertEvent(trx, checked), await insertEvent(trx, checked)]);
      expect(ids).toEqual(['EE-00000042', 'EE-00000043']);
    } finally {
      await handle.close();
    }
  });
});

describe('the write contract', () => {
  test('recordEducationEvent and its input are as the contract (schema/contract/write.graphql) has them', () => {
    const contract = contractSchema();
    const api = Supergraph.build(readFileSync(SUPERGRAPH_PATH, 'utf8')).apiSchema().toGraphQLJSSchema();
    // Other agencies' mutations are theirs to add; none of this subgraph's may differ.
    const mine = findBreakingChanges(contract, api).filter((change) => /recordEducationEvent|RecordEducationEventInput/.test(change.description));
    expect(mine.map((change) => change.description)).toEqual([]);
    expect(api.getMutationType()!.getFields().recordEducationEvent.type.toString()).toBe('EducationEvent!');
  });
});
