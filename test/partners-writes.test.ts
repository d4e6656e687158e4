// The partners write API (contract/write.graphql) through the gateway over
// HTTP, on PGlite and on PostgreSQL: registerProject, updateProjectStatus and
// recordLegalReview, each happy path and each refusal (code, field, and
// nothing written: the project table, hub_audit and hub_request compared
// before and after), requestId idempotency (also two identical requests at
// once), the project life cycle, write scopes and regions, the audit record,
// figures of the read API after each write, a failure in the middle of a
// write, and the CSV import through the hub (`npm run import`).
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { regionDirectory } from '../platform/core/region-directory';
import { today } from '../platform/core/validation';
import type { PartnersDatabase } from '../subgraphs/partners/database';
import { importThroughHub, npmRun, operatorEnv, signToken, startHub, TEST_POSTGRES_URL, type DatabaseKind, type GraphQLResponse, type Hub, type TokenClaims } from './harness';
import { addDays, auditInsertTrigger, csvFolder, currentDatabase, expectOk, expectOneError, failingAuditInsert, refusal, rowSnapshot, waitForBackends, writeChecks } from './write-helpers';

const FIXTURES = path.join(__dirname, 'fixtures', 'partners');

const PROJECT = 'id title partner { id name } village { code name } budgetYuan status startedOn completedOn legallyReviewed reviewingOffice { id name }';
const REGISTER = `mutation($input: RegisterProjectInput!) { registerProject(input: $input) { ${PROJECT} } }`;
const UPDATE = `mutation($id: ID!, $status: ProjectStatus!) { updateProjectStatus(id: $id, status: $status) { ${PROJECT} } }`;
const REVIEW = `mutation($projectId: ID!, $officeId: ID!) { recordLegalReview(projectId: $projectId, officeId: $officeId) { ${PROJECT} } }`;
const READ = `query($id: ID!) { project(id: $id) { ${PROJECT} } }`;

const WRITER = 'partners-writer';

interface Input {
  requestId: string;
  partnerId: string;
  villageCode: string;
  title: string;
  budgetYuan: number;
  startedOn?: string | null;
}

/** Codes and ids of the seeded data the tests write against. */
interface Fixture {
  /** A partner and a village it is paired with directly. */
  partnerId: string;
  village: string;
  township: string;
  county: string;
  /** A village of a township the same partner is paired with (and not the village itself). */
  townshipPaired: { partnerId: string; village: string };
  /** A village in another prefecture the partner is paired with neither directly nor by its township. */
  unpairedVillage: string;
  otherPrefecture: string;
  /** The village's own township office, another office of its county, an office of another county. */
  ownOffice: string;
  countyOffice: string;
  foreignOffice: string;
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** One error with this code (and field), and no data for the mutation. */
function expectRefused(response: GraphQLResponse, code: string, field?: string): void {
  expectOneError(response, expect.objectContaining(refusal(code, field)));
}

async function findFixture(db: Kysely<PartnersDatabase>): Promise<Fixture> {
  const regions = regionDirectory();
  const pairings = await db.selectFrom('partner_region').select(['partner_id', 'region_code']).orderBy('partner_id').orderBy('region_code').execute();
  const pairedWith = new Map<string, Set<string>>();
  for (const p of pairings) pairedWith.set(p.partner_id, (pairedWith.get(p.partner_id) ?? new Set()).add(p.region_code));
  const townshipsOf = (county: string) => regions.filter((r) => r.level === 'TOWNSHIP' && r.parentCode === county);
  // A direct village pairing in a county of several townships.
  const direct = pairings.find((p) => p.region_code.length === 12 && townshipsOf(p.region_code.slice(0, 6)).length > 1)!;
  const partnerId = direct.partner_id;
  const village = direct.region_code;
  const township = village.slice(0, 9);
  const county = village.slice(0, 6);
  const mine = pairedWith.get(partnerId)!;
  // A township pairing and one of its villages not paired directly.
  let townshipPaired: Fixture['townshipPaired'] | undefined;
  for (const p of pairings) {
    if (p.region_code.length !== 9) continue;
    const child = regions.find((r) => r.parentCode === p.region_code && !pairedWith.get(p.partner_id)!.has(r.code));
    if (child) {
      townshipPaired = { partnerId: p.partner_id, village: child.code };
      break;
    }
  }
  const prefecture = `${village.slice(0, 4)}00`;
  const unpaired = regions.find((r) => r.level === 'VILLAGE' && !r.code.startsWith(village.slice(0, 4)) && !mine.has(r.code) && !mine.has(r.code.slice(0, 9)))!;
  const otherPrefecture = regions.find((r) => r.level === 'PREFECTURE' && r.code !== prefecture)!.code;
  const sibling = townshipsOf(county).find((t) => t.code !== township)!;
  const foreign = regions.find((r) => r.level === 'TOWNSHIP' && r.parentCode !== county)!;
  return {
    partnerId,
    village,
    township,
    county,
    townshipPaired: townshipPaired!,
    unpairedVillage: unpaired.code,
    otherPrefecture,
    ownOffice: `JO-${township}`,
    countyOffice: `JO-${sibling.code}`,
    foreignOffice: `JO-${foreign.code}`,
  };
}

interface AuditRow {
  subject: string | null;
  agency: string | null;
  action: string;
  record_type: string;
  record_id: string;
  fields: string[];
  request_id: string;
}

describe.each<DatabaseKind>(['pglite', 'postgres'])('partners writes on %s', (database) => {
  let hub: Hub;
  let db: Kysely<PartnersDatabase>;
  let f: Fixture;
  let writer: Record<string, string>;
  let serial = 0;
  const requestId = (label: string) => `${label}-${++serial}`;
  const TODAY = today();

  beforeAll(async () => {
    hub = await startHub({ database, only: ['judicial', 'partners'] });
    db = hub.subgraphs.partners.database.db as Kysely<PartnersDatabase>;
    f = await findFixture(db);
    writer = bearer(await signToken({ sub: WRITER, agency: 'partners', scope: 'partners:write' }));
  });
  afterAll(() => hub?.stop());

  /** digest: of every project row, so that any change to any project changes it. */
  const snapshot = rowSnapshot(() => db, { projects: { count: 'project' }, digest: { digest: 'project' }, audit: { count: 'hub_audit' }, requests: { count: 'hub_request' } });
  const { writesNothing } = writeChecks(snapshot);

  function input(overrides: Partial<Input> = {}): Input {
    return { requestId: requestId('req'), partnerId: f.partnerId, villageCode: f.village, title: 'Drip Irrigation Upgrade', budgetYuan: 1_250_000, ...overrides };
  }

  async function register(overrides: Partial<Input> = {}, headers = writer): Promise<Record<string, any>> {
    return expectOk(await hub.query(REGISTER, { input: input(overrides) }, headers)).registerProject;
  }

  async function auditRows(recordId: string): Promise<AuditRow[]> {
    const { rows } = await sql<AuditRow>`select * from hub_audit where record_type = 'Project' and record_id = ${recordId} order by id`.execute(db);
    return rows;
  }

  /** The hub_request rows of registerProject with these requestIds. */
  async function requests(ids: string[]): Promise<{ request_id: string; record_id: string; subject: string | null }[]> {
    const { rows } = await sql<{ request_id: string; record_id: string; subject: string | null }>`
      select request_id, record_id, subject from hub_request where operation = 'registerProject' and request_id in (${sql.join(ids)})`.execute(db);
    return rows;
  }

  describe('registerProject', () => {
    test('registers a PLANNED project and returns it as the read API shows it', async () => {
      const given = input({ title: '  Village Clinic Equipment  ', budgetYuan: 86_400.5 });
      const before = await snapshot();
      const project = expectOk(await hub.query(REGISTER, { input: given }, writer)).registerProject;
      expect(project).toMatchObject({
        title: 'Village Clinic Equipment',
        partner: { id: f.partnerId },
        village: { code: f.village },
        budgetYuan: 86_400.5,
        status: 'PLANNED',
        startedOn: null,
        completedOn: null,
        legallyReviewed: false,
        reviewingOffice: null,
      });
      expect(project.partner.name).toEqual(expect.any(String));
      expect(project.village.name).toEqual(expect.any(String));
      expect(expectOk(await hub.query(READ, { id: project.id })).project).toEqual(project);
      const after = await snapshot();
      expect(after.projects).toBe(before.projects + 1);
      expect(after.audit).toBe(before.audit + 1);
      expect(after.requests).toBe(before.requests + 1);
    });

    test('with a start date the project is IN_PROGRESS', async () => {
      const project = await register({ startedOn: '2023-05-01' });
      expect(project).toMatchObject({ status: 'IN_PROGRESS', startedOn: '2023-05-01', completedOn: null });
      expect((await register({ startedOn: TODAY })).startedOn).toBe(TODAY);
    });

    test('a partner paired with the township may run a project in any of its villages', async () => {
      const project = await register({ partnerId: f.townshipPaired.partnerId, villageCode: f.townshipPaired.village });
      expect(project).toMatchObject({ partner: { id: f.townshipPaired.partnerId }, village: { code: f.townshipPaired.village } });
    });

    test('a budget of 0 is allowed; cents are kept', async () => {
      expect((await register({ budgetYuan: 0 })).budgetYuan).toBe(0);
      expect((await register({ budgetYuan: 1234.56 })).budgetYuan).toBe(1234.56);
    });

    const refusals: [string, (f: Fixture) => Partial<Input>, string][] = [
      ['an unknown partner', () => ({ partnerId: 'PT-99999' }), 'input.partnerId'],
      ['a partner id of another shape', () => ({ partnerId: "PT-00001' or '1'='1" }), 'input.partnerId'],
      ['a township instead of a village', (f) => ({ villageCode: f.township }), 'input.villageCode'],
      ['a county instead of a village', (f) => ({ villageCode: f.county }), 'input.villageCode'],
      ['a village code no region has', (f) => ({ villageCode: `${f.township}999` }), 'input.villageCode'],
      ['a malformed village code', () => ({ villageCode: '65292210020x' }), 'input.villageCode'],
      ['a village the partner is paired with neither directly nor by its township', (f) => ({ villageCode: f.unpairedVillage }), 'input.villageCode'],
      ['an empty title', () => ({ title: '   ' }), 'input.title'],
      ['a title over 200 characters', () => ({ title: 'x'.repeat(201) }), 'input.title'],
      ['a title with a control character', () => ({ title: 'Road\u0000works' }), 'input.title'],
      ['a negative budget', () => ({ budgetYuan: -0.01 }), 'input.budgetYuan'],
      ['a budget over ten billion yuan', () => ({ budgetYuan: 1e13 }), 'input.budgetYuan'],
      ['a start date in the future', () => ({ startedOn: addDays(today(), 1) }), 'input.startedOn'],
      ['an empty requestId', () => ({ requestId: '  ' }), 'input.requestId'],
      ['a requestId over 100 characters', () => ({ requestId: 'r'.repeat(101) }), 'input.requestId'],
    ];
    test.each(refusals)('%s is BAD_USER_INPUT naming the field, and nothing is written', async (_name, bad, field) => {
      const response = await writesNothing(() => hub.query(REGISTER, { input: input(bad(f)) }, writer));
      expectRefused(response, 'BAD_USER_INPUT', field);
    });

    test('a date that does not exist is BAD_USER_INPUT, and nothing is written', async () => {
      expectRefused(await writesNothing(() => hub.query(REGISTER, { input: input({ startedOn: '2023-02-30' }) }, writer)), 'BAD_USER_INPUT');
    });
  });

  describe('requestId', () => {
    test('the same request twice writes once and returns the same project', async () => {
      const same = input();
      const first = expectOk(await hub.query(REGISTER, { input: same }, writer)).registerProject;
      const again = await writesNothing(() => hub.query(REGISTER, { input: same }, writer));
      expect(expectOk(again).registerProject).toEqual(first);
    });

    test('the same request three times at once writes one project', async () => {
      const same = input({ title: 'Cold Chain Warehouse' });
      const before = await snapshot();
      const responses = await Promise.all([1, 2, 3].map(() => hub.query(REGISTER, { input: same }, writer)));
      const ids = responses.map((response) => expectOk(response).registerProject.id);
      expect(new Set(ids).size).toBe(1);
      const after = await snapshot();
      expect(after.projects).toBe(before.projects + 1);
      expect(after.audit).toBe(before.audit + 1);
      expect(after.requests).toBe(before.requests + 1);
      expect(await requests([same.requestId])).toEqual([{ request_id: same.requestId, record_id: ids[0], subject: WRITER }]);
    });

    test('the same requestId with other input is CONFLICT, and nothing is written', async () => {
      const first = input();
      expectOk(await hub.query(REGISTER, { input: first }, writer));
      for (const other of [{ title: 'Another title' }, { budgetYuan: first.budgetYuan + 1 }, { startedOn: '2023-01-01' }]) {
        const response = await writesNothing(() => hub.query(REGISTER, { input: { ...first, ...other } }, writer));
        expectRefused(response, 'CONFLICT', 'input.requestId');
      }
    });
  });

  describe('access', () => {
    let project: Record<string, any>;
    beforeAll(async () => {
      project = await register();
    });

    const callers: [string, () => Promise<Record<string, string>>][] = [
      ['an anonymous caller', async () => ({})],
      ['a caller with only read and other agencies\' write scopes', async () => bearer(await signToken({ agency: 'judicial', scope: 'judicial:write judicial:cases legal-aid:write' }))],
      ['a writer limited to another prefecture', async () => bearer(await signToken({ agency: 'partners', scope: 'partners:write', regions: [f.otherPrefecture] }))],
    ];
    test.each(callers)('%s is FORBIDDEN to write, and nothing is written', async (_name, caller) => {
      const headers = await caller();
      expectRefused(await writesNothing(() => hub.query(REGISTER, { input: input() }, headers)), 'FORBIDDEN');
      expectRefused(await writesNothing(() => hub.query(UPDATE, { id: project.id, status: 'IN_PROGRESS' }, headers)), 'FORBIDDEN');
      expectRefused(await writesNothing(() => hub.query(REVIEW, { projectId: project.id, officeId: f.ownOffice }, headers)), 'FORBIDDEN');
    });

    test('without the scope, bad input is FORBIDDEN too: the scope is checked first', async () => {
      const reader = bearer(await signToken({ agency: 'partners', scope: 'partners:read' }));
      expectRefused(await writesNothing(() => hub.query(REGISTER, { input: input({ title: '', villageCode: 'x' }) }, reader)), 'FORBIDDEN');
    });

    test('a writer limited to the village\'s county writes there', async () => {
      const county = bearer(await signToken({ agency: 'partners', scope: 'partners:write', regions: [f.county] }));
      const mine = await register({}, county);
      expect(expectOk(await hub.query(UPDATE, { id: mine.id, status: 'IN_PROGRESS' }, county)).updateProjectStatus.status).toBe('IN_PROGRESS');
      expect(expectOk(await hub.query(REVIEW, { projectId: mine.id, officeId: f.ownOffice }, county)).recordLegalReview.legallyReviewed).toBe(true);
    });

    test('a writer limited to the county is FORBIDDEN in another prefecture\'s village, before the partner\'s pairing is checked', async () => {
      const county = bearer(await signToken({ agency: 'partners', scope: 'partners:write', regions: [f.county] }));
      expectRefused(await writesNothing(() => hub.query(REGISTER, { input: input({ villageCode: f.unpairedVillage }) }, county)), 'FORBIDDEN');
    });
  });

  describe('updateProjectStatus', () => {
    async function update(id: string, status: string): Promise<Record<string, any>> {
      return expectOk(await hub.query(UPDATE, { id, status }, writer)).updateProjectStatus;
    }
    async function refusedChange(id: string, status: string): Promise<void> {
      expectRefused(await writesNothing(() => hub.query(UPDATE, { id, status }, writer)), 'CONFLICT', 'status');
    }

    test('PLANNED -> SUSPENDED -> IN_PROGRESS -> COMPLETED, each change refused where the life cycle does not allow it', async () => {
      const { id } = await register();
      for (const status of ['PLANNED', 'COMPLETED']) await refusedChange(id, status);
      expect(await update(id, 'SUSPENDED')).toMatchObject({ status: 'SUSPENDED', startedOn: null, completedOn: null });
      for (const status of ['PLANNED', 'SUSPENDED', 'COMPLETED']) await refusedChange(id, status);
      // Resuming a project suspended before it started starts it today.
      expect(await update(id, 'IN_PROGRESS')).toMatchObject({ status: 'IN_PROGRESS', startedOn: TODAY, completedOn: null });
      for (const status of ['PLANNED', 'IN_PROGRESS']) await refusedChange(id, status);
      const done = await update(id, 'COMPLETED');
      expect(done).toMatchObject({ status: 'COMPLETED', startedOn: TODAY, completedOn: TODAY });
      expect(expectOk(await hub.query(READ, { id })).project).toEqual(done);
      for (const status of ['PLANNED', 'IN_PROGRESS', 'SUSPENDED', 'COMPLETED']) await refusedChange(id, status);
      // One audit record per change, naming what it wrote.
      expect((await auditRows(id)).map((row) => row.fields)).toEqual([
        ['requestId', 'partnerId', 'villageCode', 'title', 'budgetYuan'],
        ['status'],
        ['status', 'startedOn'],
        ['status', 'completedOn'],
      ]);
    });

    test('a project that had started keeps its start date through a suspension', async () => {
      const { id } = await register({ startedOn: '2023-05-01' });
      expect(await update(id, 'SUSPENDED')).toMatchObject({ status: 'SUSPENDED', startedOn: '2023-05-01' });
      expect(await update(id, 'IN_PROGRESS')).toMatchObject({ status: 'IN_PROGRESS', startedOn: '2023-05-01' });
      expect(await update(id, 'COMPLETED')).toMatchObject({ status: 'COMPLETED', startedOn: '2023-05-01', completedOn: TODAY });
    });

    test('a PLANNED project goes straight to IN_PROGRESS, starting today', async () => {
      const { id } = await register();
      expect(await update(id, 'IN_PROGRESS')).toMatchObject({ status: 'IN_PROGRESS', startedOn: TODAY });
    });

    test.each(['99999999', 'abc', '-1', '1.5', '9'.repeat(30)])('an unknown project id (%s) is NOT_FOUND, and nothing is written', async (id) => {
      expectRefused(await writesNothing(() => hub.query(UPDATE, { id, status: 'IN_PROGRESS' }, writer)), 'NOT_FOUND', 'id');
    });

    test('two identical changes at once: one is made, the other is CONFLICT', async () => {
      const { id } = await register();
      const before = await snapshot();
      const responses = await Promise.all([hub.query(UPDATE, { id, status: 'IN_PROGRESS' }, writer), hub.query(UPDATE, { id, status: 'IN_PROGRESS' }, writer)]);
      const made = responses.filter((response) => !response.errors);
      const refused = responses.filter((response) => response.errors);
      expect(made).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expectRefused(refused[0], 'CONFLICT', 'status');
      expect((await snapshot()).audit).toBe(before.audit + 1);
    });

    test('two different changes at once from IN_PROGRESS: exactly one is made', async () => {
      const { id } = await register({ startedOn: '2023-01-01' });
      const responses = await Promise.all([hub.query(UPDATE, { id, status: 'COMPLETED' }, writer), hub.query(UPDATE, { id, status: 'SUSPENDED' }, writer)]);
      const made = responses.filter((response) => !response.errors);
      expect(made).toHaveLength(1);
      const winner = made[0].data!.updateProjectStatus.status;
      expect(expectOk(await hub.query(READ, { id })).project.status).toBe(winner);
      expect((await auditRows(id)).length).toBe(2);
    });
  });

  describe('recordLegalReview', () => {
    async function review(projectId: string, officeId: string): Promise<GraphQLResponse> {
      return hub.query(REVIEW, { projectId, officeId }, writer);
    }

    test('records the review; the same office again changes nothing; another office is CONFLICT', async () => {
      const { id } = await register();
      const reviewed = expectOk(await review(id, f.ownOffice)).recordLegalReview;
      expect(reviewed).toMatchObject({ id, legallyReviewed: true, reviewingOffice: { id: f.ownOffice } });
      // The office's name comes from the judicial subgraph: the reference is a real office.
      expect(reviewed.reviewingOffice.name).toEqual(expect.any(String));
      expect(expectOk(await hub.query(READ, { id })).project).toEqual(reviewed);
      expect(expectOk(await writesNothing(() => review(id, f.ownOffice))).recordLegalReview).toEqual(reviewed);
      expectRefused(await writesNothing(() => review(id, f.countyOffice)), 'CONFLICT', 'officeId');
      const audit = await auditRows(id);
      expect(audit.map((row) => row.fields)).toEqual([expect.any(Array), ['legallyReviewed', 'reviewingOffice']]);
    });

    test('another office of the project\'s county may review it, in any status', async () => {
      const { id } = await register({ startedOn: '2022-03-01' });
      expectOk(await hub.query(UPDATE, { id, status: 'COMPLETED' }, writer));
      expect(expectOk(await review(id, f.countyOffice)).recordLegalReview).toMatchObject({ status: 'COMPLETED', legallyReviewed: true, reviewingOffice: { id: f.countyOffice } });
    });

    const badOffices: [string, (f: Fixture) => string][] = [
      ['an office id of another shape', () => 'office-1'],
      ['a short township code', () => 'JO-65292210'],
      ['a township no region has', (f) => `JO-${f.county}999`],
      ['an office of another county', (f) => f.foreignOffice],
      ['an office id with an injection string', () => "JO-652922100' or '1'='1"],
    ];
    test.each(badOffices)('%s is BAD_USER_INPUT naming officeId, and nothing is written', async (_name, office) => {
      const { id } = await register();
      expectRefused(await writesNothing(() => review(id, office(f))), 'BAD_USER_INPUT', 'officeId');
    });

    test.each(['99999999', 'abc'])('an unknown project (%s) is NOT_FOUND, and nothing is written', async (id) => {
      expectRefused(await writesNothing(() => review(id, f.ownOffice)), 'NOT_FOUND', 'projectId');
    });

    test('two reviews by different offices at once: one is recorded, the other is CONFLICT', async () => {
      const { id } = await register();
      const responses = await Promise.all([review(id, f.ownOffice), review(id, f.countyOffice)]);
      const made = responses.filter((response) => !response.errors);
      expect(made).toHaveLength(1);
      expectRefused(responses.find((response) => response.errors)!, 'CONFLICT', 'officeId');
      expect((await auditRows(id)).length).toBe(2);
    });

    test('the same review twice at once: both answer the reviewed project, one audit record', async () => {
      const { id } = await register();
      const responses = await Promise.all([review(id, f.ownOffice), review(id, f.ownOffice)]);
      for (const response of responses) expect(expectOk(response).recordLegalReview).toMatchObject({ legallyReviewed: true, reviewingOffice: { id: f.ownOffice } });
      expect((await auditRows(id)).length).toBe(2);
    });
  });

  describe('the audit record', () => {
    test('each write records who, what and through which request', async () => {
      const token = bearer(await signToken({ sub: 'auditor-check', agency: 'partners', scope: 'partners:write' }));
      const created = expectOk(await hub.query(REGISTER, { input: input() }, { ...token, 'x-request-id': `pw-create-${database}` })).registerProject;
      expectOk(await hub.query(UPDATE, { id: created.id, status: 'SUSPENDED' }, { ...token, 'x-request-id': `pw-status-${database}` }));
      expectOk(await hub.query(REVIEW, { projectId: created.id, officeId: f.ownOffice }, { ...token, 'x-request-id': `pw-review-${database}` }));
      const rows = await auditRows(created.id);
      expect(rows).toEqual([
        expect.objectContaining({ subject: 'auditor-check', agency: 'partners', action: 'WRITE', record_id: created.id, request_id: `pw-create-${database}` }),
        expect.objectContaining({ subject: 'auditor-check', agency: 'partners', action: 'WRITE', record_id: created.id, request_id: `pw-status-${database}`, fields: ['status'] }),
        expect.objectContaining({ subject: 'auditor-check', agency: 'partners', action: 'WRITE', record_id: created.id, request_id: `pw-review-${database}` }),
      ]);
    });
  });

  describe('figures of the read API', () => {
    const FIGURES = `query($county: ID!, $village: ID!, $partner: ID!, $today: DateRange) {
      county: region(code: $county) {
        revitalizationStats { projects projectsLegallyReviewed legalReviewRate budgetYuan }
        projects(first: 0) { totalCount }
        inProgress: projects(first: 0, filter: { status: IN_PROGRESS }) { totalCount }
        reviewed: projects(first: 0, filter: { legallyReviewed: true }) { totalCount }
      }
      village: region(code: $village) {
        startedToday: revitalizationStats(period: $today) { projects budgetYuan }
        projects(first: 100) { totalCount nodes { id } }
      }
      partner(id: $partner) { projects(first: 0) { totalCount } }
    }`;
    const figures = async () =>
      expectOk(await hub.query(FIGURES, { county: f.county, village: f.village, partner: f.partnerId, today: { from: TODAY, to: TODAY } }));

    test('a later mutation of the same request reads what an earlier one wrote', async () => {
      const TWO = `mutation($a: RegisterProjectInput!, $b: RegisterProjectInput!) {
        a: registerProject(input: $a) { id partner { projects(first: 0) { totalCount } } }
        b: registerProject(input: $b) { id partner { projects(first: 0) { totalCount } } }
      }`;
      const before = expectOk(await hub.query(FIGURES, { county: f.county, village: f.village, partner: f.partnerId })).partner.projects.totalCount;
      const both = expectOk(await hub.query(TWO, { a: input(), b: input() }, writer));
      expect(both.a.partner.projects.totalCount).toBe(before + 1);
      expect(both.b.partner.projects.totalCount).toBe(before + 2);
    });

    test('stats, lists and totalCount reflect each write at once', async () => {
      const before = await figures();
      const created = await register({ budgetYuan: 123_456.78 });
      const registered = await figures();
      const stats0 = before.county.revitalizationStats;
      expect(registered.county.revitalizationStats.projects).toBe(stats0.projects + 1);
      expect(registered.county.revitalizationStats.budgetYuan).toBeCloseTo(stats0.budgetYuan + 123_456.78, 2);
      expect(registered.county.revitalizationStats.legalReviewRate).toBeCloseTo(stats0.projectsLegallyReviewed / (stats0.projects + 1), 10);
      expect(registered.county.projects.totalCount).toBe(before.county.projects.totalCount + 1);
      expect(registered.village.projects.totalCount).toBe(before.village.projects.totalCount + 1);
      expect(registered.village.projects.nodes.map((n: { id: string }) => n.id)).toContain(created.id);
      expect(registered.partner.projects.totalCount).toBe(before.partner.projects.totalCount + 1);
      // Not started: no start date, so not counted in a period.
      expect(registered.village.startedToday).toEqual(before.village.startedToday);

      expectOk(await hub.query(UPDATE, { id: created.id, status: 'IN_PROGRESS' }, writer));
      const started = await figures();
      expect(started.county.inProgress.totalCount).toBe(before.county.inProgress.totalCount + 1);
      expect(started.village.startedToday.projects).toBe(before.village.startedToday.projects + 1);
      expect(started.village.startedToday.budgetYuan).toBeCloseTo(before.village.startedToday.budgetYuan + 123_456.78, 2);

      expectOk(await hub.query(REVIEW, { projectId: created.id, officeId: f.ownOffice }, writer));
      const reviewed = await figures();
      const stats = reviewed.county.revitalizationStats;
      expect(stats.projectsLegallyReviewed).toBe(stats0.projectsLegallyReviewed + 1);
      expect(stats.legalReviewRate).toBeCloseTo((stats0.projectsLegallyReviewed + 1) / (stats0.projects + 1), 10);
      expect(reviewed.county.reviewed.totalCount).toBe(before.county.reviewed.totalCount + 1);
    });
  });

  describe('a failure in the middle of a write', () => {
    let silence: jest.SpyInstance;
    let removeTrigger: (() => Promise<void>) | undefined;
    beforeEach(() => {
      // The subgraph logs the unexpected error; the client sees only INTERNAL_SERVER_ERROR.
      silence = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    });
    afterEach(async () => {
      silence.mockRestore();
      await removeTrigger?.();
      removeTrigger = undefined;
    });

    test('when the audit record cannot be written, nothing is written', async () => {
      const { id } = await register();
      removeTrigger = await failingAuditInsert(db, 'audit store unavailable', { allActions: true });
      for (const run of [
        () => hub.query(REGISTER, { input: input() }, writer),
        () => hub.query(UPDATE, { id, status: 'IN_PROGRESS' }, writer),
        () => hub.query(REVIEW, { projectId: id, officeId: f.ownOffice }, writer),
      ]) {
        const response = await writesNothing(run);
        expectRefused(response, 'INTERNAL_SERVER_ERROR');
        expect(response.errors![0].message).toBe('Internal server error');
      }
    });

    (database === 'postgres' ? test : test.skip)('a database connection lost in the middle of a write leaves no project, no audit record and no claimed requestId', async () => {
      removeTrigger = await auditInsertTrigger(db, 'begin perform pg_sleep(30); return new; end');
      const name = await currentDatabase(db);
      const before = await snapshot();
      const given = input({ title: 'Lost Connection Test' });
      const pending = hub.query(REGISTER, { input: given }, writer);
      const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await admin.connect();
      try {
        // Wait until the write is inside its transaction (in the audit insert, sleeping), then cut its connection.
        const sleeping = await waitForBackends(admin, name, "wait_event = 'PgSleep'");
        expect(sleeping).toHaveLength(1);
        await admin.query('select pg_terminate_backend($1)', [sleeping[0]]);
      } finally {
        await admin.end();
      }
      expectRefused(await pending, 'INTERNAL_SERVER_ERROR');
      await removeTrigger();
      removeTrigger = undefined;
      expect(await snapshot()).toEqual(before);
      // The request was not claimed: sent again, it is written once.
      const project = expectOk(await hub.query(REGISTER, { input: given }, writer)).registerProject;
      expect(project.title).toBe('Lost Connection Test');
      expect((await snapshot()).projects).toBe(before.projects + 1);
    });
  });

  describe('CSV import (registerProject rows)', () => {
    const HEADER = 'requestId,partnerId,villageCode,title,budgetYuan,startedOn';
    const IMPORTER: TokenClaims = { sub: 'csv-importer', agency: 'partners', scope: 'partners:write' };
    const csv = csvFolder('partners-import-');
    let files = 0;
    /** The text as a file, through the hub (`npm run import`'s runner) as `claims`; what it reports, less its request ids. */
    const run = async (text: string, options: { goodRowsOnly?: boolean } = {}, claims = IMPORTER) => {
      const file = csv(`rows-${++files}.csv`, text);
      const { runId: _runId, ...outcome } = await importThroughHub(hub, claims, 'partners', file, options);
      return outcome;
    };

    test('a good file imports every row; importing it again writes nothing more', async () => {
      const ids = [requestId('csv'), requestId('csv'), requestId('csv')];
      const text = [
        HEADER,
        `${ids[0]},${f.partnerId},${f.village},Seed Storage Shed,300000,2023-03-15`,
        `${ids[1]},${f.partnerId},${f.village},"Water Tower, Repairs",45000.25,`,
        `${ids[2]},${f.townshipPaired.partnerId},${f.townshipPaired.village},Kindergarten Playground,98000,`,
      ].join('\n');
      const before = await snapshot();
      expect(await run(text)).toEqual({ rows: 3, written: 3, alreadyPresent: 0, problems: [] });
      const after = await snapshot();
      expect(after.projects).toBe(before.projects + 3);
      expect(after.audit).toBe(before.audit + 3);
      // The rows are projects like any other, through the gateway.
      const stored = await requests(ids);
      expect(stored).toHaveLength(3);
      const projects = await Promise.all(stored.map(({ record_id: id }) => hub.query(READ, { id }).then((r) => expectOk(r).project)));
      expect(projects.map((p) => [p.title, p.status, p.startedOn, p.budgetYuan]).sort()).toEqual(
        [
          ['Kindergarten Playground', 'PLANNED', null, 98000],
          ['Seed Storage Shed', 'IN_PROGRESS', '2023-03-15', 300000],
          ['Water Tower, Repairs', 'PLANNED', null, 45000.25],
        ].sort(),
      );
      expect(await run(text)).toEqual({ rows: 3, written: 0, alreadyPresent: 3, problems: [] });
      expect(await snapshot()).toEqual(after);
    });

    test('a file with bad rows reports each with its line and reason and writes nothing; with goodRowsOnly only the good rows', async () => {
      const good = [requestId('csv-good'), requestId('csv-good')];
      const text = [
        HEADER,
        `${good[0]},${f.partnerId},${f.village},Greenhouse Cooperative,500000,`,
        `${requestId('csv')},PT-99999,${f.village},Unknown Partner,1000,`,
        `${requestId('csv')},${f.partnerId},${f.township},A Township,1000,`,
        `${requestId('csv')},${f.partnerId},${f.village},Negative Budget,-5,`,
        `${requestId('csv')},${f.partnerId},${f.village},Thousands Separator,"1,500",`,
        `${requestId('csv')},${f.partnerId},${f.village},Future Start,1000,${addDays(today(), 30)}`,
        `${good[0]},${f.partnerId},${f.village},Same requestId as line 2,1000,`,
        `${requestId('csv')},${f.partnerId},${f.village},,1000,`,
        `${requestId('csv')},${f.partnerId},${f.village},No Such Day,1000,2023-02-30`,
        `${requestId('csv')},${f.partnerId},${f.unpairedVillage},Unpaired Village,1000,`,
        `${requestId('csv')},${f.partnerId},${f.village},Too Few Cells`,
        `,${f.partnerId},${f.village},No requestId,1000,`,
        `${good[1]},${f.partnerId},${f.village},Village Library Refit,20000,2022-09-01`,
      ].join('\n');
      const expected = [
        { line: 3, field: 'partnerId' },
        { line: 4, field: 'villageCode' },
        { line: 5, field: 'budgetYuan' },
        { line: 6, field: 'budgetYuan' },
        { line: 7, field: 'startedOn' },
        { line: 8, field: 'requestId' },
        { line: 9, field: 'title' },
        { line: 10, field: 'startedOn' },
        { line: 11, field: 'villageCode' },
        { line: 12, field: null },
        { line: 13, field: 'requestId' },
      ];
      const before = await snapshot();
      const report = await run(text);
      expect(report).toMatchObject({ rows: 13, written: 0, alreadyPresent: 0 });
      expect(report.problems.map(({ line, field }) => ({ line, field }))).toEqual(expected);
      for (const problem of report.problems) expect(problem.message).toEqual(expect.any(String));
      expect(report.problems.find((p) => p.line === 8)!.message).toMatch(/line 2/);
      expect(report.problems.find((p) => p.line === 11)!.message).toMatch(/paired/);
      expect(await snapshot()).toEqual(before);

      const partial = await run(text, { goodRowsOnly: true });
      expect(partial).toMatchObject({ rows: 13, written: 2, alreadyPresent: 0 });
      expect(partial.problems.map(({ line, field }) => ({ line, field }))).toEqual(expected);
      const after = await snapshot();
      expect(after.projects).toBe(before.projects + 2);
      expect(after.audit).toBe(before.audit + 2);
      expect(after.requests).toBe(before.requests + 2);
    });

    test('a header with a missing or unknown column is refused at line 1', async () => {
      const before = await snapshot();
      const report = await run(`requestId,partnerId,villageCode,title,budget\n${requestId('csv')},${f.partnerId},${f.village},Road,1000`);
      expect(report.problems).toEqual([{ line: 1, field: null, code: 'BAD_USER_INPUT', message: expect.stringMatching(/missing columns: budgetYuan; unknown columns: budget/) }]);
      expect(report.written).toBe(0);
      expect(await snapshot()).toEqual(before);
    });

    test('a row and a mutation of one caller with the same requestId are the same request; another caller\'s row is its own', async () => {
      const SAME_CALLER: TokenClaims = { sub: WRITER, agency: 'partners', scope: 'partners:write' };
      const same = input({ title: 'Shared Request' });
      const created = expectOk(await hub.query(REGISTER, { input: same }, writer)).registerProject;
      const row = `${same.requestId},${same.partnerId},${same.villageCode},${same.title},${same.budgetYuan},`;
      const before = await snapshot();
      expect(await run(`${HEADER}\n${row}`, {}, SAME_CALLER)).toEqual({ rows: 1, written: 0, alreadyPresent: 1, problems: [] });
      const other = await run(`${HEADER}\n${row.replace('Shared Request', 'Other Title')}`, {}, SAME_CALLER);
      expect(other.problems).toEqual([{ line: 2, field: 'requestId', code: 'CONFLICT', message: expect.stringMatching(/used before with other input/) }]);
      expect(await snapshot()).toEqual(before);
      expect((await requests([same.requestId]))[0].record_id).toBe(created.id);
      // And the other way round: the mutation finds the imported row's request and writes nothing.
      const fresh = requestId('csv');
      expect(await run(`${HEADER}\n${fresh},${f.partnerId},${f.village},Imported First,7000,`, {}, SAME_CALLER)).toMatchObject({ written: 1 });
      const imported = (await requests([fresh]))[0].record_id;
      const resent = await writesNothing(() =>
        hub.query(REGISTER, { input: { requestId: fresh, partnerId: f.partnerId, villageCode: f.village, title: 'Imported First', budgetYuan: 7000 } }, writer),
      );
      expect(expectOk(resent).registerProject.id).toBe(imported);
      // requestIds belong to their caller: the importer's row under the same id is a project of its own.
      expect(await run(`${HEADER}\n${row}`)).toMatchObject({ written: 1, alreadyPresent: 0, problems: [] });
    });

    test('a caller limited to regions has rows outside them refused; a caller without partners:write imports nothing', async () => {
      const limited: TokenClaims = { ...IMPORTER, regions: [f.otherPrefecture] };
      const before = await snapshot();
      const row = `${HEADER}\n${requestId('csv')},${f.partnerId},${f.village},Out Of Region,1000,`;
      const report = await run(row, {}, limited);
      expect(report.problems).toEqual([{ line: 2, field: null, code: 'FORBIDDEN', message: expect.stringMatching(/outside the regions/) }]);
      expect(await run(row, {}, { sub: 'viewer', agency: 'partners', scope: 'analyst' })).toMatchObject({ written: 0, problems: [], stopped: { code: 'FORBIDDEN' } });
      expect(await snapshot()).toEqual(before);
    });

    (database === 'pglite' ? test : test.skip)(
      '`npm run import` against the running hub loads a file; a file with bad rows exits 1 and writes nothing',
      async () => {
        const env = await operatorEnv(hub, IMPORTER);
        const command = (file: string) => npmRun('import', ['partners', path.join(FIXTURES, file)], env);

        const before = await snapshot();
        const bad = await command('projects-bad.csv');
        expect(bad.code).toBe(1);
        expect(bad.stderr).toMatch(/^line 3: partnerId: no partner has the id "PT-99999"$/m);
        expect(bad.stderr).toMatch(/^line 4: villageCode: must be a village, not a township$/m);
        expect(bad.stderr).toMatch(/^line 5: budgetYuan: /m);
        expect(bad.stderr).toMatch(/^line 6: startedOn: must not be in the future/m);
        expect(bad.stderr).toMatch(/^line 7: title: must not be empty$/m);
        expect(bad.stdout).toMatch(/6 rows: 0 written, 0 already present, 5 refused \(nothing written/);
        expect(await snapshot()).toEqual(before);

        const good = await command('projects.csv');
        expect(good.stdout).toMatch(/3 rows: 3 written, 0 already present, 0 refused/);
        expect(good.code).toBe(0);
        expect((await snapshot()).projects).toBe(before.projects + 3);
        // The imported projects are in the read API at once.
        const village = expectOk(await hub.query('{ region(code: "653124100201") { projects(first: 100) { nodes { title budgetYuan status } } } }'));
        expect(village.region.projects.nodes).toContainEqual({ title: 'Village Road Hardening, phase 2', budgetYuan: 820000.5, status: 'PLANNED' });

        const again = await command('projects.csv');
        expect(again.stdout).toMatch(/3 rows: 0 written, 3 already present, 0 refused/);
        expect(again.code).toBe(0);
        expect((await snapshot()).projects).toBe(before.projects + 3);
      },
      180_000,
    );
  });
});

