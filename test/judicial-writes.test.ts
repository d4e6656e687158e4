// The judicial write API (contract/write.graphql) through the gateway over
// HTTP, on PGlite and on PostgreSQL: updateJudicialOffice,
// recordMediationCase and closeMediationCase, each rejection with its code and
// field and nothing written (rows and audit records counted in the real
// database), requestId idempotency (also two identical requests at once),
// life-cycle conflicts, figures that show a write at once, the audit record of
// each write, the CSV import through the hub (`npm run import`), and a database
// connection lost in the middle of a write.
import path from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { runImport } from '../cli/import';
import { identityCheckCharacter } from '../platform/core/people';
import { today } from '../platform/core/validation';
import { importThroughHub, npmRun, operatorEnv, startHub, TEST_POSTGRES_URL, type DatabaseKind, type GraphQLResponse, type Hub, type TokenClaims } from './harness';
import { currentDatabase, rowSnapshot, tomorrow, waitForBackends, writeChecks } from './write-helpers';

const FIXTURES = path.join(__dirname, 'fixtures', 'judicial');

/** Wensu County (Aksu prefecture), its township 652922100 with its office, and two of its villages. */
const COUNTY = '652922';
const TOWNSHIP = '652922100';
const OFFICE = 'JO-652922100';
const VILLAGE = '652922100201';
/** A village of the next township of the same county: outside OFFICE's township. */
const NEIGHBOUR_VILLAGE = '652922101201';
/** Aksu City, another county: outside a token limited to Wensu. */
const AKSU_CITY_OFFICE = 'JO-652901001';
const AKSU_CITY_VILLAGE = '652901001001';

const WRITER: TokenClaims = { sub: 'wensu-clerk', agency: 'judicial', scope: 'judicial:write judicial:cases judicial:pii' };
const WENSU_WRITER: TokenClaims = { ...WRITER, sub: 'wensu-only', regions: [COUNTY] };
const READER: TokenClaims = { sub: 'reader', agency: 'judicial', scope: 'judicial:cases judicial:pii' };
const OTHER_AGENCY: TokenClaims = { sub: 'aid-clerk', agency: 'legal-aid', scope: 'legal-aid:write' };
const AUDITOR: TokenClaims = { sub: 'auditor', agency: 'judicial', scope: 'judicial:audit' };

const withCheck = (first17: string) => first17 + identityCheckCharacter(first17);
const GOOD_ID = withCheck('65292219900307001');
const BAD_ID = GOOD_ID.slice(0, 17) + (GOOD_ID[17] === '0' ? '1' : '0');

const OFFICE_FIELDS = 'id standardization demonstration brand staffCount';
const UPDATE = `mutation($id: ID!, $input: UpdateJudicialOfficeInput!) {
  updateJudicialOffice(id: $id, input: $input) { ${OFFICE_FIELDS} township { code judicialStats { branded standardized demonstration } } } }`;
const CASE_FIELDS = 'id outcome category receivedOn closedOn office { id } region { code }';
const RECORD = `mutation($input: RecordMediationCaseInput!) { recordMediationCase(input: $input) { ${CASE_FIELDS} } }`;
const CLOSE = `mutation($id: ID!, $outcome: MediationOutcome!, $closedOn: Date!) {
  closeMediationCase(id: $id, outcome: $outcome, closedOn: $closedOn) { ${CASE_FIELDS} } }`;
/** The figures a write must change at once: stats, list totals, filtered totals. */
const FIGURES = `query($county: ID!, $village: ID!, $office: ID!) {
  county: region(code: $county) {
    judicialStats { offices standardized demonstration branded mediationCases mediationResolved }
    branded: judicialOffices(first: 0, filter: { branded: true }) { totalCount }
    mediationCases(first: 0) { totalCount }
  }
  village: region(code: $village) {
    judicialStats { mediationCases mediationResolved }
    mediationCases(first: 0) { totalCount }
    pending: mediationCases(first: 0, filter: { outcome: PENDING }) { totalCount }
    resolved: mediationCases(first: 0, filter: { outcome: RESOLVED }) { totalCount }
  }
  office: judicialOffice(id: $office) { mediationCases(first: 0) { totalCount } }
}`;

describe.each<DatabaseKind>(['pglite', 'postgres'])('judicial writes on %s', (database) => {
  let hub: Hub;
  let db: Kysely<any>;
  let counter = 0;
  const requestId = (label: string) => `${database}-${label}-${++counter}`;

  beforeAll(async () => {
    hub = await startHub({ database, only: ['judicial'] });
    db = hub.subgraphs.judicial.database.db as Kysely<any>;
  });
  afterAll(() => hub?.stop());

  const as: Hub['queryAs'] = (...args) => hub.queryAs(...args);

  /** Row counts, and digests of every row so that a changed row shows too. */
  const snapshot = rowSnapshot(() => db, {
    cases: { count: 'mediation_case' },
    audit: { count: 'hub_audit' },
    requests: { count: 'hub_request' },
    offices: { digest: 'judicial_office' },
    caseRows: { digest: 'mediation_case' },
  });
  const { expectRefused } = writeChecks(snapshot);

  const figures = async (village = VILLAGE, office = OFFICE) => {
    const { data, errors } = await as(READER, FIGURES, { county: COUNTY, village, office });
    expect(errors).toBeUndefined();
    return data!;
  };

  /** The WRITE audit records of a record, as the agency's auditors list them. */
  async function writeAudits(recordType: string, recordId: string) {
    const { data, errors } = await as(
      AUDITOR,
      `query($type: String, $id: ID) { judicialAuditRecords(first: 100, filter: { recordType: $type, recordId: $id }) {
        nodes { subject agency action recordType recordId fields requestId at } } }`,
      { type: recordType, id: recordId },
    );
    expect(errors).toBeUndefined();
    return data!.judicialAuditRecords.nodes.filter((record: { action: string }) => record.action === 'WRITE');
  }

  const caseInput = (overrides: Record<string, unknown> = {}) => ({
    requestId: requestId('case'),
    officeId: OFFICE,
    regionCode: VILLAGE,
    category: 'NEIGHBOURHOOD',
    receivedOn: '2024-06-03',
    parties: [{ name: 'Aygul Tursun', idNumber: GOOD_ID, phone: '13800000001' }, { name: 'Li Wei' }],
    ...overrides,
  });

  async function recordCase(overrides: Record<string, unknown> = {}): Promise<{ id: string; receivedOn: string }> {
    const { data, errors } = await as(WRITER, RECORD, { input: caseInput(overrides) });
    expect(errors).toBeUndefined();
    return data!.recordMediationCase;
  }

  describe('updateJudicialOffice', () => {
    test('changes the given fields, shows at once in stats and lists, and audits the fields that changed', async () => {
      const { data: start } = await as(READER, `{ judicialOffice(id: "${OFFICE}") { ${OFFICE_FIELDS} } }`);
      const office = start!.judicialOffice;
      // Make sure the office starts unbranded and not standardized, so each change is one a figure shows.
      await as(WRITER, UPDATE, { id: OFFICE, input: { brand: '', standardization: 'IN_PROGRESS', demonstration: false } });
      const before = await figures();

      const response = await as(WRITER, UPDATE, { id: OFFICE, input: { brand: '  Tianshan Courtyard Mediation ', standardization: 'STANDARDIZED', demonstration: true, staffCount: office.staffCount + 3 } }, {
        'x-request-id': `${database}-update-1`,
      });
      expect(response.errors).toBeUndefined();
      const updated = response.data!.updateJudicialOffice;
      expect(updated).toMatchObject({ id: OFFICE, brand: 'Tianshan Courtyard Mediation', standardization: 'STANDARDIZED', demonstration: true, staffCount: office.staffCount + 3 });
      // The record as the read API shows it after the commit, nested figures included.
      expect(updated.township).toEqual({ code: TOWNSHIP, judicialStats: { branded: 1, standardized: 1, demonstration: 1 } });

      const after = await figures();
      expect(after.county.judicialStats).toEqual({
        ...before.county.judicialStats,
        branded: before.county.judicialStats.branded + 1,
        standardized: before.county.judicialStats.standardized + 1,
        demonstration: before.county.judicialStats.demonstration + 1,
      });
      expect(after.county.branded.totalCount).toBe(before.county.branded.totalCount + 1);

      const audits = await writeAudits('JudicialOffice', OFFICE);
      expect(audits[audits.length - 1]).toMatchObject({
        subject: 'wensu-clerk',
        agency: 'judicial',
        action: 'WRITE',
        recordType: 'JudicialOffice',
        recordId: OFFICE,
        requestId: `${database}-update-1`,
      });
      expect([...audits[audits.length - 1].fields].sort()).toEqual(['brand', 'demonstration', 'staffCount', 'standardization']);

      // An empty brand removes it; only the brand changed, so only the brand is on the record.
      const removed = await as(WRITER, UPDATE, { id: OFFICE, input: { brand: '', staffCount: office.staffCount + 3 } });
      expect(removed.data!.updateJudicialOffice).toMatchObject({ brand: null, staffCount: office.staffCount + 3 });
      const afterRemoval = await figures();
      expect(afterRemoval.county.judicialStats.branded).toBe(before.county.judicialStats.branded);
      expect(afterRemoval.county.branded.totalCount).toBe(before.county.branded.totalCount);
      const latest = await writeAudits('JudicialOffice', OFFICE);
      expect(latest).toHaveLength(audits.length + 1);
      expect(latest[latest.length - 1].fields).toEqual(['brand']);

      await as(WRITER, UPDATE, { id: OFFICE, input: { standardization: office.standardization, demonstration: office.demonstration, brand: office.brand ?? '', staffCount: office.staffCount } });
    });

    test('an update that changes nothing writes nothing and leaves no audit record', async () => {
      const { data } = await as(READER, `{ judicialOffice(id: "${OFFICE}") { ${OFFICE_FIELDS} } }`);
      const office = data!.judicialOffice;
      const before = await snapshot();
      const response = await as(WRITER, UPDATE, { id: OFFICE, input: { staffCount: office.staffCount, demonstration: office.demonstration } });
      expect(response.errors).toBeUndefined();
      expect(response.data!.updateJudicialOffice).toMatchObject(office);
      expect(await snapshot()).toEqual(before);
    });

    test.each([
      ['a negative staff count', { staffCount: -1 }, 'input.staffCount'],
      ['an implausible staff count', { staffCount: 1_000_001 }, 'input.staffCount'],
      ['an over-long brand', { brand: 'B'.repeat(101) }, 'input.brand'],
      ['a brand with control characters', { brand: 'Brand\u0007' }, 'input.brand'],
      ['no field at all', {}, 'input'],
      ['only nulls', { brand: null, staffCount: null }, 'input'],
    ])('%s is BAD_USER_INPUT naming the field, and nothing is written', async (_name, input, field) => {
      await expectRefused(() => as(WRITER, UPDATE, { id: OFFICE, input }), 'BAD_USER_INPUT', field);
    });

    test('an unknown office is NOT_FOUND, and nothing is written', async () => {
      await expectRefused(() => as(WRITER, UPDATE, { id: 'JO-652922999', input: { staffCount: 3 } }), 'NOT_FOUND');
      await expectRefused(() => as(WRITER, UPDATE, { id: "JO-1' or '1'='1", input: { staffCount: 3 } }), 'NOT_FOUND');
    });

    test('without judicial:write, or outside the token\'s regions, it is FORBIDDEN and nothing is written', async () => {
      for (const caller of [null, READER, OTHER_AGENCY, AUDITOR]) {
        await expectRefused(() => as(caller, UPDATE, { id: OFFICE, input: { staffCount: 5 } }), 'FORBIDDEN');
      }
      await expectRefused(() => as(WENSU_WRITER, UPDATE, { id: AKSU_CITY_OFFICE, input: { staffCount: 5 } }), 'FORBIDDEN');
      // Within its regions the same token may write.
      const inside = await as(WENSU_WRITER, UPDATE, { id: OFFICE, input: { staffCount: 5 } });
      expect(inside.data!.updateJudicialOffice.staffCount).toBe(5);
    });
  });

  describe('recordMediationCase', () => {
    test('records a PENDING case, shows it at once in stats and lists, and audits the write', async () => {
      const before = await figures();
      const input = caseInput();
      const response = await as(WRITER, `mutation($input: RecordMediationCaseInput!) { recordMediationCase(input: $input) { ${CASE_FIELDS} parties { name idNumber phone } } }`, { input }, {
        'x-request-id': `${database}-record-1`,
      });
      expect(response.errors).toBeUndefined();
      const recorded = response.data!.recordMediationCase;
      expect(recorded).toMatchObject({
        outcome: 'PENDING',
        category: 'NEIGHBOURHOOD',
        receivedOn: '2024-06-03',
        closedOn: null,
        office: { id: OFFICE },
        region: { code: VILLAGE },
        parties: [{ name: 'Aygul Tursun', idNumber: GOOD_ID, phone: '13800000001' }, { name: 'Li Wei', idNumber: null, phone: null }],
      });
      expect(recorded.id).toMatch(/^\d+$/);

      const after = await figures();
      expect(after.county.judicialStats.mediationCases).toBe(before.county.judicialStats.mediationCases + 1);
      expect(after.county.judicialStats.mediationResolved).toBe(before.county.judicialStats.mediationResolved);
      expect(after.county.mediationCases.totalCount).toBe(before.county.mediationCases.totalCount + 1);
      expect(after.village.judicialStats.mediationCases).toBe(before.village.judicialStats.mediationCases + 1);
      expect(after.village.mediationCases.totalCount).toBe(before.village.mediationCases.totalCount + 1);
      expect(after.village.pending.totalCount).toBe(before.village.pending.totalCount + 1);
      expect(after.office.mediationCases.totalCount).toBe(before.office.mediationCases.totalCount + 1);
      // The new case is the last of the village's list (ordered by id).
      const list = await as(READER, `{ region(code: "${VILLAGE}") { mediationCases(first: 100, filter: { receivedIn: { from: "2024-06-03", to: "2024-06-03" } }) { nodes { id } } } }`);
      expect(list.data!.region.mediationCases.nodes.map((n: { id: string }) => n.id)).toContain(recorded.id);

      const audits = await writeAudits('MediationCase', recorded.id);
      expect(audits).toHaveLength(1);
      expect(audits[0]).toMatchObject({ subject: 'wensu-clerk', agency: 'judicial', action: 'WRITE', recordType: 'MediationCase', recordId: recorded.id, requestId: `${database}-record-1` });
      expect(audits[0].fields).toEqual(expect.arrayContaining(['officeId', 'regionCode', 'category', 'receivedOn', 'parties']));
    });

    test('a case at the township itself, recorded by a token limited to its county', async () => {
      const { data, errors } = await as(WENSU_WRITER, RECORD, { input: caseInput({ regionCode: TOWNSHIP, parties: [{ name: 'Mamat Ali' }] }) });
      expect(errors).toBeUndefined();
      expect(data!.recordMediationCase).toMatchObject({ region: { code: TOWNSHIP }, office: { id: OFFICE }, outcome: 'PENDING' });
    });

    test('the same requestId and input again returns the first record and writes nothing', async () => {
      const input = caseInput();
      const first = await as(WRITER, RECORD, { input });
      const before = await snapshot();
      // Key order and surrounding spaces do not make it another input.
      const { parties, category, receivedOn, regionCode, officeId } = input;
      const reordered = { parties: parties.map((p) => ({ phone: p.phone, name: ` ${p.name} `, idNumber: p.idNumber })), category, receivedOn, regionCode, officeId, requestId: input.requestId };
      const again = await as(WRITER, RECORD, { input: reordered });
      expect(again.errors).toBeUndefined();
      expect(again.data!.recordMediationCase).toEqual(first.data!.recordMediationCase);
      expect(await snapshot()).toEqual(before);
      expect(await writeAudits('MediationCase', first.data!.recordMediationCase.id)).toHaveLength(1);
    });

    test('two identical requests at once write one case and both return it', async () => {
      const input = caseInput();
      const before = await snapshot();
      const [a, b] = await Promise.all([as(WRITER, RECORD, { input }), as(WRITER, RECORD, { input })]);
      expect(a.errors).toBeUndefined();
      expect(b.errors).toBeUndefined();
      expect(a.data!.recordMediationCase.id).toBe(b.data!.recordMediationCase.id);
      const after = await snapshot();
      expect(after.cases).toBe(before.cases + 1);
      expect(after.requests).toBe(before.requests + 1);
      expect(after.audit).toBe(before.audit + 1);
      const claims = await db.selectFrom('hub_request').select(['record_id']).where('request_id', '=', input.requestId).execute();
      expect(claims).toEqual([{ record_id: a.data!.recordMediationCase.id }]);
      expect(await writeAudits('MediationCase', a.data!.recordMediationCase.id)).toHaveLength(1);
    });

    test('the same requestId with other input is CONFLICT, and nothing is written', async () => {
      const input = caseInput();
      await as(WRITER, RECORD, { input });
      await expectRefused(() => as(WRITER, RECORD, { input: { ...input, category: 'LABOUR' } }), 'CONFLICT', 'input.requestId');
      await expectRefused(() => as(WRITER, RECORD, { input: { ...input, parties: [input.parties[0]] } }), 'CONFLICT', 'input.requestId');
    });

    test('a requestId belongs to its caller: another writer (another sub, or the same sub at another agency) using it writes its own case, with other input too, and learns nothing of the first', async () => {
      const input = caseInput();
      const mine = await as(WRITER, RECORD, { input });
      expect(mine.errors).toBeUndefined();
      const callers: TokenClaims[] = [{ ...WRITER, sub: 'another-clerk' }, { ...WRITER, agency: 'judicial-bureau' }];
      const ids = new Set([mine.data!.recordMediationCase.id]);
      for (const caller of callers) {
        // The same input: its own new case, not the first caller's.
        const same = await as(caller, RECORD, { input });
        expect(same.errors).toBeUndefined();
        ids.add(same.data!.recordMediationCase.id);
      }
      expect(ids.size).toBe(3);
      // Other input under an id the first caller used: written, not CONFLICT (which would say the id is taken).
      const other = await as({ ...WRITER, sub: 'third-clerk' }, RECORD, { input: { ...input, category: 'LABOUR' } });
      expect(other.errors).toBeUndefined();
      expect(ids.has(other.data!.recordMediationCase.id)).toBe(false);
      // Each caller's retry still finds its own case.
      expect((await as(callers[0], RECORD, { input })).data!.recordMediationCase.id).not.toBe(mine.data!.recordMediationCase.id);
      expect((await as(WRITER, RECORD, { input })).data).toEqual(mine.data);
      const claims = await db.selectFrom('hub_request').select(['subject', 'agency']).where('request_id', '=', input.requestId).orderBy('subject').orderBy('agency').execute();
      expect(claims).toEqual([
        { subject: 'another-clerk', agency: 'judicial' },
        { subject: 'third-clerk', agency: 'judicial' },
        { subject: 'wensu-clerk', agency: 'judicial' },
        { subject: 'wensu-clerk', agency: 'judicial-bureau' },
      ]);
    });

    test.each([
      ['a county instead of a village or township', { regionCode: COUNTY }, 'input.regionCode'],
      ["a village outside the office's township", { regionCode: NEIGHBOUR_VILLAGE }, 'input.regionCode'],
      ['a village code that does not exist', { regionCode: '652922100999' }, 'input.regionCode'],
      ['a malformed region code', { regionCode: '65292210020' }, 'input.regionCode'],
      ['an unknown office', { officeId: 'JO-652922999' }, 'input.officeId'],
      ['an empty office id', { officeId: '  ' }, 'input.officeId'],
      ['an empty requestId', { requestId: ' ' }, 'input.requestId'],
      ['an over-long requestId', { requestId: 'r'.repeat(101) }, 'input.requestId'],
      ['no parties', { parties: [] }, 'input.parties'],
      ['too many parties', { parties: Array.from({ length: 21 }, (_, i) => ({ name: `Person ${i}` })) }, 'input.parties'],
      ['an empty party name', { parties: [{ name: 'Li Wei' }, { name: '   ' }] }, 'input.parties[1].name'],
      ['an over-long party name', { parties: [{ name: 'N'.repeat(101) }] }, 'input.parties[0].name'],
      ['a malformed identity number', { parties: [{ name: 'Li Wei' }, { name: 'Aygul Tursun', idNumber: BAD_ID }] }, 'input.parties[1].idNumber'],
      ['an identity number of the wrong length', { parties: [{ name: 'Li Wei', idNumber: '65292219900307' }] }, 'input.parties[0].idNumber'],
      ['a malformed phone', { parties: [{ name: 'Li Wei', phone: 'call me' }] }, 'input.parties[0].phone'],
    ])('%s is BAD_USER_INPUT naming the field, and nothing is written', async (_name, overrides, field) => {
      await expectRefused(() => as(WRITER, RECORD, { input: caseInput(overrides) }), 'BAD_USER_INPUT', field);
    });

    test('receivedOn in the future is BAD_USER_INPUT, and nothing is written', async () => {
      await expectRefused(() => as(WRITER, RECORD, { input: caseInput({ receivedOn: tomorrow() }) }), 'BAD_USER_INPUT', 'input.receivedOn');
      // Today is not the future.
      const todays = await as(WRITER, RECORD, { input: caseInput({ receivedOn: today() }) });
      expect(todays.data!.recordMediationCase.receivedOn).toBe(today());
    });

    test('without judicial:write, or outside the token\'s regions, it is FORBIDDEN and nothing is written', async () => {
      for (const caller of [null, READER, OTHER_AGENCY, AUDITOR]) {
        await expectRefused(() => as(caller, RECORD, { input: caseInput() }), 'FORBIDDEN');
      }
      await expectRefused(() => as(WENSU_WRITER, RECORD, { input: caseInput({ officeId: AKSU_CITY_OFFICE, regionCode: AKSU_CITY_VILLAGE }) }), 'FORBIDDEN');
      // The refusal claimed no requestId: the same request by an allowed caller goes through.
      const input = caseInput({ officeId: AKSU_CITY_OFFICE, regionCode: AKSU_CITY_VILLAGE });
      await expectRefused(() => as(WENSU_WRITER, RECORD, { input }), 'FORBIDDEN');
      const allowed = await as(WRITER, RECORD, { input });
      expect(allowed.data!.recordMediationCase.region.code).toBe(AKSU_CITY_VILLAGE);
    });
  });

  describe('closeMediationCase', () => {
    test('closes a PENDING case, shows at once in stats and lists, and audits the write', async () => {
      const recorded = await recordCase({ receivedOn: '2024-07-01' });
      const before = await figures();
      const response = await as(WRITER, CLOSE, { id: recorded.id, outcome: 'RESOLVED', closedOn: '2024-07-01' }, { 'x-request-id': `${database}-close-1` });
      expect(response.errors).toBeUndefined();
      expect(response.data!.closeMediationCase).toMatchObject({ id: recorded.id, outcome: 'RESOLVED', receivedOn: '2024-07-01', closedOn: '2024-07-01' });

      const after = await figures();
      expect(after.county.judicialStats.mediationCases).toBe(before.county.judicialStats.mediationCases);
      expect(after.county.judicialStats.mediationResolved).toBe(before.county.judicialStats.mediationResolved + 1);
      expect(after.village.judicialStats.mediationResolved).toBe(before.village.judicialStats.mediationResolved + 1);
      expect(after.village.pending.totalCount).toBe(before.village.pending.totalCount - 1);
      expect(after.village.resolved.totalCount).toBe(before.village.resolved.totalCount + 1);

      const audits = await writeAudits('MediationCase', recorded.id);
      expect(audits).toHaveLength(2);
      expect(audits[1]).toMatchObject({ subject: 'wensu-clerk', action: 'WRITE', recordId: recorded.id, fields: ['outcome', 'closedOn'], requestId: `${database}-close-1` });
    });

    test.each(['UNRESOLVED', 'REFERRED'])('closes as %s', async (outcome) => {
      const recorded = await recordCase();
      const { data, errors } = await as(WRITER, CLOSE, { id: recorded.id, outcome, closedOn: today() });
      expect(errors).toBeUndefined();
      expect(data!.closeMediationCase).toMatchObject({ outcome, closedOn: today() });
    });

    test('a case no longer PENDING is CONFLICT, and nothing is written', async () => {
      const recorded = await recordCase();
      await as(WRITER, CLOSE, { id: recorded.id, outcome: 'UNRESOLVED', closedOn: '2024-06-10' });
      for (const outcome of ['RESOLVED', 'UNRESOLVED', 'REFERRED']) {
        await expectRefused(() => as(WRITER, CLOSE, { id: recorded.id, outcome, closedOn: '2024-06-11' }), 'CONFLICT');
      }
      // A seeded closed case too.
      const closed = await db.selectFrom('mediation_case').select('id').where('outcome', '=', 'RESOLVED').orderBy('id').limit(1).executeTakeFirstOrThrow();
      await expectRefused(() => as(WRITER, CLOSE, { id: String(closed.id), outcome: 'REFERRED', closedOn: today() }), 'CONFLICT');
    });

    test('two closings at once: one passes, the other is CONFLICT', async () => {
      const recorded = await recordCase();
      const before = await snapshot();
      const answers = await Promise.all([
        as(WRITER, CLOSE, { id: recorded.id, outcome: 'RESOLVED', closedOn: '2024-06-20' }),
        as(WRITER, CLOSE, { id: recorded.id, outcome: 'REFERRED', closedOn: '2024-06-21' }),
      ]);
      const passed = answers.filter((a) => !a.errors);
      const refused = answers.filter((a) => a.errors);
      expect(passed).toHaveLength(1);
      expect(refused.map((a) => a.errors![0].extensions)).toEqual([{ code: 'CONFLICT' }]);
      const stored = await db.selectFrom('mediation_case').select(['outcome', 'closed_on']).where('id', '=', Number(recorded.id)).executeTakeFirstOrThrow();
      expect({ outcome: stored.outcome, closedOn: stored.closed_on }).toEqual({
        outcome: passed[0].data!.closeMediationCase.outcome,
        closedOn: passed[0].data!.closeMediationCase.closedOn,
      });
      expect((await snapshot()).audit).toBe(before.audit + 1);
      expect(await writeAudits('MediationCase', recorded.id)).toHaveLength(2);
    });

    test('outcome PENDING is BAD_USER_INPUT (not a closing outcome), and nothing is written', async () => {
      const recorded = await recordCase();
      await expectRefused(() => as(WRITER, CLOSE, { id: recorded.id, outcome: 'PENDING', closedOn: today() }), 'BAD_USER_INPUT', 'outcome');
    });

    test('closedOn before receivedOn or in the future is BAD_USER_INPUT, and nothing is written', async () => {
      const recorded = await recordCase({ receivedOn: '2024-06-03' });
      await expectRefused(() => as(WRITER, CLOSE, { id: recorded.id, outcome: 'RESOLVED', closedOn: '2024-06-02' }), 'BAD_USER_INPUT', 'closedOn');
      await expectRefused(() => as(WRITER, CLOSE, { id: recorded.id, outcome: 'RESOLVED', closedOn: tomorrow() }), 'BAD_USER_INPUT', 'closedOn');
    });

    test('an unknown case is NOT_FOUND, and nothing is written', async () => {
      for (const id of ['999999999', '0', 'abc', '-1', '1e3']) {
        await expectRefused(() => as(WRITER, CLOSE, { id, outcome: 'RESOLVED', closedOn: today() }), 'NOT_FOUND');
      }
    });

    test('without judicial:write, or outside the token\'s regions, it is FORBIDDEN and nothing is written', async () => {
      const recorded = await recordCase({ officeId: AKSU_CITY_OFFICE, regionCode: AKSU_CITY_VILLAGE });
      for (const caller of [null, READER, OTHER_AGENCY, WENSU_WRITER]) {
        await expectRefused(() => as(caller, CLOSE, { id: recorded.id, outcome: 'RESOLVED', closedOn: today() }), 'FORBIDDEN');
      }
    });
  });

  test('two mutations in one request: the second sees the first', async () => {
    const input = caseInput();
    const { data, errors } = await as(
      WRITER,
      `mutation($input: RecordMediationCaseInput!) {
        before: updateJudicialOffice(id: "${OFFICE}", input: { brand: "Grape Trellis Legal Talk" }) { brand township { judicialStats { branded } } }
        recorded: recordMediationCase(input: $input) { id office { brand } }
        after: updateJudicialOffice(id: "${OFFICE}", input: { brand: "" }) { brand township { judicialStats { branded } } }
      }`,
      { input },
    );
    expect(errors).toBeUndefined();
    expect(data!.before).toEqual({ brand: 'Grape Trellis Legal Talk', township: { judicialStats: { branded: 1 } } });
    expect(data!.recorded.office.brand).toBe('Grape Trellis Legal Talk');
    expect(data!.after).toEqual({ brand: null, township: { judicialStats: { branded: 0 } } });
  });

  describe('CSV import of mediation cases, through the hub (npm run import)', () => {
    const IMPORTER: TokenClaims = { sub: 'csv-importer', agency: 'judicial', scope: 'judicial:write' };
    const load = (file: string, options: { goodRowsOnly?: boolean; runId?: string } = {}, who: TokenClaims = IMPORTER) =>
      importThroughHub(hub, who, 'judicial', path.join(FIXTURES, file), options);

    test('a good file imports every row, visible at once and audited under the caller; importing it again writes nothing more', async () => {
      const before = await figures();
      const start = await snapshot();
      const runId = `${database}-import-good`;
      const report = await load('mediation-cases-good.csv', { runId });
      expect(report).toEqual({ rows: 3, written: 3, alreadyPresent: 0, problems: [], runId });
      const after = await snapshot();
      expect(after.cases).toBe(start.cases + 3);
      expect(after.requests).toBe(start.requests + 3);
      expect(after.audit).toBe(start.audit + 3);

      // Two of the three are in Wensu's first township (one of them in VILLAGE); all three in Wensu.
      const shown = await figures();
      expect(shown.county.judicialStats.mediationCases).toBe(before.county.judicialStats.mediationCases + 3);
      expect(shown.village.mediationCases.totalCount).toBe(before.village.mediationCases.totalCount + 1);
      expect(shown.office.mediationCases.totalCount).toBe(before.office.mediationCases.totalCount + 2);

      const imported = await db.selectFrom('mediation_case').selectAll().where('received_on', 'in', ['2024-03-01', '2024-03-02', '2024-03-03']).orderBy('id').execute();
      expect(imported.map((c) => [c.office_id, c.region_code, c.category, c.outcome, c.parties])).toEqual([
        ['JO-652922100', '652922100201', 'LABOUR', 'PENDING', [{ name: 'Aygul Tursun', idNumber: '652922199003070014', phone: '13800000001' }, { name: 'Li Wei', idNumber: null, phone: null }]],
        ['JO-652922100', '652922100', 'NEIGHBOURHOOD', 'PENDING', [{ name: 'Mamat Ali', idNumber: null, phone: null }]],
        ['JO-652922101', '652922101202', 'MARRIAGE_FAMILY', 'PENDING', [
          { name: 'Gulnar Ablimit', idNumber: '652922198511120028', phone: '+86 138 0000 0002' },
          { name: 'Zhang Min', idNumber: '652922200101010037', phone: null },
        ]],
      ]);
      // Each write's audit record names the caller and the request it came in (the import's x-request-id).
      const audits = await db.selectFrom('hub_audit').selectAll().where('request_id', 'like', `${runId}-write-%`).execute();
      expect(audits.map((a) => [a.subject, a.agency, a.action, a.record_type]).sort()).toEqual(Array(3).fill(['csv-importer', 'judicial', 'WRITE', 'MediationCase']));
      expect(audits.map((a) => a.record_id).sort()).toEqual(imported.map((c) => String(c.id)).sort());

      expect(await load('mediation-cases-good.csv', { runId: `${database}-import-again` })).toEqual({ rows: 3, written: 0, alreadyPresent: 3, problems: [], runId: `${database}-import-again` });
      expect(await snapshot()).toEqual(after);

      // The mutation and the import share the requestIds of one operation and caller: the same case sent as a mutation by the importer is the imported one.
      const same = await as(IMPORTER, RECORD, {
        input: { requestId: 'csv-good-2', officeId: 'JO-652922100', regionCode: '652922100', category: 'NEIGHBOURHOOD', receivedOn: '2024-03-02', parties: [{ name: 'Mamat Ali' }] },
      });
      expect(same.data!.recordMediationCase.id).toBe(String(imported[1].id));
      expect(await snapshot()).toEqual(after);
    });

    const BAD_ROWS = [
      { line: 3, field: 'receivedOn', message: /receivedOn: must not be in the future/ },
      { line: 4, field: 'regionCode', message: /regionCode: must be the office's township 652922100 or one of its villages, not 652922101201/ },
      { line: 5, field: 'partyIdNumbers', message: /partyIdNumbers: party 2 is not a valid 18-character identity number/ },
      { line: 6, field: 'officeId', message: /officeId: no judicial office has the id JO-999999999/ },
      { line: 7, field: 'category', message: /category: must be one of .*not "FEUD"/ },
      { line: 9, field: 'requestId', message: /csv-bad-ok-1 is also on line 2/ },
      { line: 10, field: 'partyPhones', message: /partyPhones: has 1 items for 2 parties/ },
      { line: 11, field: 'partyNames', message: /partyNames: must name at least one party/ },
      { line: 12, field: null, message: /has 6 cells, the header 8/ },
    ];

    test('a file with bad rows reports each with its line and reason, and writes nothing', async () => {
      const before = await snapshot();
      const report = await load('mediation-cases-bad.csv');
      expect(report).toMatchObject({ rows: 11, written: 0, alreadyPresent: 0 });
      expect(report.stopped).toBeUndefined();
      expect(report.problems.map((p) => ({ line: p.line, field: p.field }))).toEqual(BAD_ROWS.map(({ line, field }) => ({ line, field })));
      report.problems.forEach((problem, i) => expect(problem.message).toMatch(BAD_ROWS[i].message));
      expect(await snapshot()).toEqual(before);
    });

    test('with goodRowsOnly only the good rows are written', async () => {
      const before = await snapshot();
      const report = await load('mediation-cases-bad.csv', { goodRowsOnly: true });
      expect(report).toMatchObject({ rows: 11, written: 2, alreadyPresent: 0 });
      expect(report.problems.map((p) => p.line)).toEqual(BAD_ROWS.map((row) => row.line));
      const after = await snapshot();
      expect(after.cases).toBe(before.cases + 2);
      expect(after.requests).toBe(before.requests + 2);
      expect(after.audit).toBe(before.audit + 2);
      const written = await db.selectFrom('hub_request').select('request_id').where('request_id', 'like', 'csv-bad-%').orderBy('request_id').execute();
      expect(written.map((r) => r.request_id)).toEqual(['csv-bad-ok-1', 'csv-bad-ok-2']);
    });

    test('a caller limited to some regions has rows outside them refused (FORBIDDEN), and nothing written', async () => {
      const before = await snapshot();
      const report = await load('mediation-cases-cli.csv', {}, { ...IMPORTER, regions: ['652901'] });
      expect(report.written).toBe(0);
      expect(report.problems.map((p) => [p.line, p.code])).toEqual([[2, 'FORBIDDEN'], [3, 'FORBIDDEN']]);
      expect(report.problems[0].message).toMatch(/outside the regions/);
      expect(await snapshot()).toEqual(before);
    });

    test('a caller without judicial:write (another agency, anonymous) imports nothing: FORBIDDEN at the first request', async () => {
      const before = await snapshot();
      for (const who of [OTHER_AGENCY, READER]) {
        const report = await load('mediation-cases-cli.csv', {}, who);
        expect(report).toMatchObject({ written: 0, problems: [], stopped: { code: 'FORBIDDEN', reason: 'importing needs the scope judicial:write' } });
      }
      const anonymous = await runImport({ hub: { url: hub.gateway.url }, field: 'importMediationCases', file: path.join(FIXTURES, 'mediation-cases-cli.csv') });
      expect(anonymous.stopped?.code).toBe('FORBIDDEN');
      expect(await snapshot()).toEqual(before);
    });

    if (database === 'pglite') {
      test('npm run import against the running hub: exit code 1 and every error with its line for a bad file (nothing written), 0 once every row is in', async () => {
        const env = await operatorEnv(hub, IMPORTER);
        const before = await figures('652922100203');
        const start = await snapshot();

        const refused = await npmRun('import', ['judicial', path.join(FIXTURES, 'mediation-cases-bad.csv')], env);
        expect(refused.code).toBe(1);
        expect(refused.stderr.trim().split('\n')).toEqual(BAD_ROWS.map(({ line }) => expect.stringMatching(new RegExp(`^line ${line}: `))));
        expect(refused.stderr).toMatch(/^line 3: receivedOn: must not be in the future/m);
        expect(refused.stderr).toMatch(/^line 12: has 6 cells/m);
        expect(refused.stdout).toMatch(/11 rows: 0 written, 0 already present, 9 refused \(nothing written/);
        expect(await snapshot()).toEqual(start);

        const loaded = await npmRun('import', ['judicial', path.join(FIXTURES, 'mediation-cases-cli.csv')], env);
        expect(loaded).toMatchObject({ code: 0, stderr: '' });
        expect(loaded.stdout).toMatch(/2 rows: 2 written, 0 already present, 0 refused/);
        const after = await figures('652922100203');
        expect(after.village.mediationCases.totalCount).toBe(before.village.mediationCases.totalCount + 2);
        expect(after.county.judicialStats.mediationCases).toBe(before.county.judicialStats.mediationCases + 2);
        const runId = /request ids \(logs, audit records\): (\S+)-\*/.exec(loaded.stdout)![1];
        const audits = await db.selectFrom('hub_audit').select(['subject', 'action']).where('request_id', 'like', `${runId}-%`).execute();
        expect(audits).toEqual([{ subject: 'csv-importer', action: 'WRITE' }, { subject: 'csv-importer', action: 'WRITE' }]);

        const again = await npmRun('import', ['judicial', path.join(FIXTURES, 'mediation-cases-cli.csv')], env);
        expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('2 rows: 0 written, 2 already present, 0 refused') });
        const unset = await npmRun('import', ['judicial', path.join(FIXTURES, 'mediation-cases-cli.csv')], { ...env, HUB_TOKEN: '' });
        expect(unset).toMatchObject({ code: 2, stderr: expect.stringContaining('HUB_TOKEN is not set') });
      });
    }
  });

  if (database === 'postgres') {
    test('a database connection lost in the middle of a write leaves no half-written record and no audit record for it', async () => {
      const name = await currentDatabase(db);
      const url = new URL(TEST_POSTGRES_URL);
      url.pathname = `/${name}`;
      const locker = new pg.Client({ connectionString: url.toString() });
      await locker.connect();
      const input = caseInput({ receivedOn: '2024-08-08' });
      let response: GraphQLResponse;
      let before: Awaited<ReturnType<typeof snapshot>>;
      try {
        before = await snapshot();
        // The write's transaction inserts its hub_request claim and the case, then waits for the audit table.
        await locker.query('begin');
        await locker.query('lock table hub_audit in access exclusive mode');
        const pending = as(WRITER, RECORD, { input });
        const [blocked] = await waitForBackends(locker, name, "wait_event_type = 'Lock'");
        expect(blocked).toBeDefined();
        // The case is inserted (uncommitted) when the connection goes.
        await locker.query('select pg_stat_clear_snapshot()');
        const inFlight = await locker.query(`select query from pg_stat_activity where pid = $1`, [blocked]);
        expect(inFlight.rows[0].query).toMatch(/insert into "hub_audit"/);
        await locker.query('select pg_terminate_backend($1)', [blocked]);
        await locker.query('rollback');
        response = await pending;
      } finally {
        await locker.end();
      }
      // The subgraph is still running (platform/data/database.ts listens for a dead connection's error).
      expect(response.data ?? null).toBeNull();
      expect(response.errors).toHaveLength(1);
      expect(response.errors![0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(JSON.stringify(response)).not.toMatch(/hub_audit|mediation_case|insert|terminat|postgres|\.ts/i);
      // No case, no audit record, no requestId claim: the transaction left nothing.
      expect(await snapshot()).toEqual(before!);
      expect(await db.selectFrom('mediation_case').select('id').where('received_on', '=', '2024-08-08').execute()).toEqual([]);
      expect(await db.selectFrom('hub_request').select('record_id').where('request_id', '=', input.requestId).execute()).toEqual([]);

      // The pool replaced the connection: the subgraph answers the next requests, the same request included.
      const again = await as(WRITER, RECORD, { input });
      expect(again.errors).toBeUndefined();
      expect(again.data!.recordMediationCase).toMatchObject({ receivedOn: '2024-08-08', outcome: 'PENDING' });
      expect(await writeAudits('MediationCase', again.data!.recordMediationCase.id)).toHaveLength(1);
      const read = await as(READER, `{ region(code: "${VILLAGE}") { judicialStats { mediationCases } } }`);
      expect(read.errors).toBeUndefined();
    });
  }
});
