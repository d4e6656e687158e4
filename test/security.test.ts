// The access model of DESIGN.md ("Access") against real servers: who is let
// in at the gateway, that subgraphs answer only the gateway, and that case
// records and personal data reach only callers with the scope and the region,
// on every path, with an audit record for each read of personal data.
import { importPKCS8, SignJWT } from 'jose';
import { sql, type Kysely } from 'kysely';
import { createIdentitySigner, IDENTITY_HEADER, newIdentitySecret } from '../platform/access/identity';
import { identityHeaders, IDENTITY_SECRET, postGraphQL, signToken, startHub, TOKEN_KEYS, type GraphQLResponse, type Hub } from './harness';
import { newEd25519KeyPair } from '../platform/access/dev-keys';

const JUDICIAL_WORKER = { agency: 'judicial', scope: 'judicial:cases judicial:pii' };
const LEGAL_AID_WORKER = { agency: 'legal-aid', scope: 'legal-aid:cases legal-aid:pii' };
/** Limited to Wensu County (652922) of Aksu prefecture (652900). */
const WENSU = ['652922'];

function base64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

describe('access', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startHub({ only: ['judicial', 'legal-aid'] });
  });
  afterAll(() => hub?.stop());

  const as: Hub['queryAs'] = (...args) => hub.queryAs(...args);

  /** Asserts a 401 UNAUTHENTICATED with no data, and that no subgraph was called. */
  async function expectRefused(authorization: string): Promise<void> {
    const before = hub.subgraphRequests();
    const response = await hub.query('{ me { subject } region(code: "650000") { name } }', undefined, { authorization });
    expect(response.status).toBe(401);
    expect(response.data).toBeUndefined();
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(hub.subgraphRequests()).toBe(before);
  }

  describe('authentication at the gateway', () => {
    test('no token: an anonymous caller who reads public data', async () => {
      const { status, data, errors } = await hub.query('{ me { subject agency scopes regions } region(code: "650000") { judicialStats { offices } legalAidStats { applications } } }');
      expect({ status, errors }).toEqual({ status: 200, errors: undefined });
      expect(data!.me).toEqual({ subject: null, agency: null, scopes: [], regions: [] });
      expect(data!.region.judicialStats.offices).toBeGreaterThan(0);
      expect(data!.region.legalAidStats.applications).toBeGreaterThan(0);
    });

    test('a valid token: me is what the hub takes the caller to be', async () => {
      const { data } = await as({ sub: 'aksu-clerk-7', agency: 'legal-aid', scope: 'legal-aid:cases analyst', regions: ['652900'] }, '{ me { subject agency scopes regions } }');
      expect(data!.me).toEqual({ subject: 'aksu-clerk-7', agency: 'legal-aid', scopes: ['legal-aid:cases', 'analyst'], regions: ['652900'] });
    });

    test('alg none is refused', async () => {
      const now = Math.floor(Date.now() / 1000);
      const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: 'x', iss: 'rule-of-law-hub-test', aud: 'rule-of-law-hub', exp: now + 300, scope: 'judicial:pii' })}.`;
      await expectRefused(`Bearer ${unsigned}`);
    });

    test('a token signed with another key is refused', async () => {
      await expectRefused(`Bearer ${await signToken({ scope: 'judicial:pii' }, { privateKey: newEd25519KeyPair().privateKey })}`);
    });

    test('a wrong audience or issuer is refused', async () => {
      await expectRefused(`Bearer ${await signToken({}, { audience: 'some-other-api' })}`);
      await expectRefused(`Bearer ${await signToken({}, { issuer: 'https://elsewhere.example' })}`);
    });

    test('an expired token is refused', async () => {
      await expectRefused(`Bearer ${await signToken({}, { expiresIn: Math.floor(Date.now() / 1000) - 60 })}`);
    });

    test('a token verified once is remembered only until its exp: the same token is refused once it has expired', async () => {
      // exp 2 s ago: still within the 5 s clock tolerance, for about 3 s more.
      const exp = Math.floor(Date.now() / 1000) - 2;
      const authorization = `Bearer ${await signToken({ sub: 'about-to-expire' }, { expiresIn: exp })}`;
      for (let i = 0; i < 2; i++) {
        const { status, data } = await hub.query('{ me { subject } }', undefined, { authorization });
        expect({ status, data }).toEqual({ status: 200, data: { me: { subject: 'about-to-expire' } } });
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, (exp + 5) * 1000 - Date.now()) + 1100));
      await expectRefused(authorization);
    });

    test('a token living longer than AUTH_MAX_TOKEN_AGE_SECONDS (default 24 h) is refused; 24 h is accepted', async () => {
      const now = Math.floor(Date.now() / 1000);
      await expectRefused(`Bearer ${await signToken({}, { expiresIn: now + 100 * 365 * 86_400 })}`);
      await expectRefused(`Bearer ${await signToken({}, { expiresIn: '25h' })}`);
      // Without iat, counted from now.
      const key = await importPKCS8(TOKEN_KEYS.privateKey, 'EdDSA');
      const noIat = await new SignJWT({}).setProtectedHeader({ alg: 'EdDSA' }).setSubject('x').setIssuer('rule-of-law-hub-test').setAudience('rule-of-law-hub').setExpirationTime(now + 2 * 86_400).sign(key);
      await expectRefused(`Bearer ${noIat}`);
      const { status, data } = await as({ sub: 'day-long' }, '{ me { subject } }');
      expect({ status, data }).toEqual({ status: 200, data: { me: { subject: 'day-long' } } });
      const day = await hub.query('{ me { subject } }', undefined, { authorization: `Bearer ${await signToken({ sub: 'exactly-a-day' }, { expiresIn: '24h' })}` });
      expect(day.data).toEqual({ me: { subject: 'exactly-a-day' } });
    });

    test('a token for another algorithm family (HS256 keyed with the public key) is refused', async () => {
      const secret = new TextEncoder().encode(TOKEN_KEYS.publicKey);
      const hs = await new SignJWT({ scope: 'judicial:pii' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('x')
        .setIssuer('rule-of-law-hub-test')
        .setAudience('rule-of-law-hub')
        .setExpirationTime('5m')
        .sign(secret);
      await expectRefused(`Bearer ${hs}`);
    });

    test('a tampered token (scopes added to a signed one) is refused', async () => {
      const [header, , signature] = (await signToken({ scope: '' })).split('.');
      const now = Math.floor(Date.now() / 1000);
      const payload = base64url({ sub: 'tester', scope: 'judicial:cases judicial:pii', iss: 'rule-of-law-hub-test', aud: 'rule-of-law-hub', iat: now, exp: now + 300 });
      await expectRefused(`Bearer ${header}.${payload}.${signature}`);
    });

    test('malformed credentials and claims are refused', async () => {
      await expectRefused('Bearer not-a-token');
      await expectRefused('Basic dXNlcjpwYXNz');
      await expectRefused(`Bearer ${await signToken({ regions: ['65292'] })}`);
      await expectRefused(`Bearer ${await signToken({ regions: [] })}`);
      await expectRefused(`Bearer ${await signToken({ scope: ['judicial:pii'] as unknown as string })}`);
    });
  });

  describe('subgraphs answer only the gateway', () => {
    const probes = [
      ['a query', { query: '{ region(code: "650000") { name } }' }],
      ['_service', { query: '{ _service { sdl } }' }],
      ['_entities', { query: '{ _entities(representations: [{ __typename: "Region", code: "652922" }]) { ... on Region { name } } }' }],
    ] as const;

    test.each(probes)('%s without an identity is 401 and reveals nothing', async (_name, body) => {
      for (const name of ['judicial', 'legal-aid']) {
        const response = await postGraphQL(hub.subgraphs[name].url, body);
        expect(response.status).toBe(401);
        expect(response.data).toBeUndefined();
        expect(response.errors![0].extensions?.code).toBe('UNAUTHENTICATED');
        expect(JSON.stringify(response)).not.toMatch(/Wensu|type Query|sdl/);
      }
    });

    test.each(probes)('%s with a forged identity is 401', async (_name, body) => {
      const forged = identityHeaders('judicial', body, { subject: 'intruder', agency: 'judicial', scopes: ['judicial:cases', 'judicial:pii'], regions: [] }, newIdentitySecret());
      const response = await postGraphQL(hub.subgraphs.judicial.url, body, forged);
      expect(response.status).toBe(401);
      expect(response.data).toBeUndefined();
      expect(response.errors![0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'IDENTITY_BAD_SIGNATURE' });
    });

    test('an expired identity signed with the right key is 401', async () => {
      const body = { query: '{ me { subject } }' };
      const stale = createIdentitySigner(IDENTITY_SECRET)(
        { viewer: { subject: 'replayed', agency: 'judicial', scopes: ['judicial:cases', 'judicial:pii'], regions: [] }, requestId: 'old' },
        { audience: 'judicial', body: JSON.stringify(body), lifetimeMs: -60_000 },
      );
      const response = await postGraphQL(hub.subgraphs.judicial.url, body, { [IDENTITY_HEADER]: stale });
      expect(response.status).toBe(401);
      expect(response.errors![0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'IDENTITY_EXPIRED' });
    });

    test("a client's own x-hub-identity header is dropped by the gateway", async () => {
      const query = '{ me { subject scopes } region(code: "652922") { mediationCases(first: 1) { totalCount } } }';
      const planted = identityHeaders('judicial', { query }, { subject: 'planted', agency: 'judicial', scopes: ['judicial:cases', 'judicial:pii'], regions: [] });
      const { data } = await hub.query(query, undefined, planted);
      expect(data).toEqual({ me: { subject: null, scopes: [] }, region: { mediationCases: { totalCount: 0 } } });
    });

    test('health checks need no identity', async () => {
      const response = await fetch(hub.subgraphs.judicial.url.replace('/graphql', '/health'));
      expect(response.status).toBe(200);
    });
  });

  describe('case records and personal data', () => {
    let wensuCases = 0;
    let aksuCases = 0;
    let legalAidOutside = '';
    let legalAidInside = '';
    beforeAll(async () => {
      const { data } = await as(
        { ...JUDICIAL_WORKER },
        '{ wensu: region(code: "652922") { mediationCases(first: 0) { totalCount } } aksu: region(code: "652900") { mediationCases(first: 0) { totalCount } } }',
      );
      wensuCases = data!.wensu.mediationCases.totalCount;
      aksuCases = data!.aksu.mediationCases.totalCount;
      expect(wensuCases).toBeGreaterThan(0);
      expect(aksuCases).toBeGreaterThan(wensuCases);
      const aid = await as(
        { ...LEGAL_AID_WORKER },
        '{ inside: region(code: "652922") { legalAidCases(first: 1) { nodes { id } } } outside: region(code: "652901") { legalAidCases(first: 1) { nodes { id } } } }',
      );
      legalAidInside = aid.data!.inside.legalAidCases.nodes[0].id;
      legalAidOutside = aid.data!.outside.legalAidCases.nodes[0].id;
    });

    test('anonymous: case lists are empty, a case is null with FORBIDDEN, the rest is intact', async () => {
      const { data, errors } = await hub.query(`{
        region(code: "652922") { name judicialStats { mediationCases } mediationCases(first: 5) { totalCount nodes { id } }
          legalAidCases(first: 5) { totalCount nodes { id } } judicialOffice { mediationCases(first: 5) { totalCount } } }
        legalAidCase(id: "${legalAidInside}") { id applicant { name } }
      }`);
      expect(data!.region.name).toBe('Wensu County');
      expect(data!.region.judicialStats.mediationCases).toBe(wensuCases);
      expect(data!.region.mediationCases).toEqual({ totalCount: 0, nodes: [] });
      expect(data!.region.legalAidCases).toEqual({ totalCount: 0, nodes: [] });
      expect(data!.legalAidCase).toBeNull();
      expect(errors).toEqual([expect.objectContaining({ path: ['legalAidCase'], extensions: { code: 'FORBIDDEN' } })]);
    });

    test('cases without pii: the record, but parties null with FORBIDDEN at its path', async () => {
      const { data, errors } = await as({ agency: 'judicial', scope: 'judicial:cases' }, '{ region(code: "652922") { mediationCases(first: 2) { totalCount nodes { id outcome parties { name } } } } }');
      const cases = data!.region.mediationCases;
      expect(cases.totalCount).toBe(wensuCases);
      expect(cases.nodes.map((n: { parties: unknown }) => n.parties)).toEqual([null, null]);
      expect(cases.nodes.every((n: { outcome: string }) => n.outcome)).toBe(true);
      expect(errors!.map((e) => [e.path, e.extensions?.code])).toEqual([
        [['region', 'mediationCases', 'nodes', 0, 'parties'], 'FORBIDDEN'],
        [['region', 'mediationCases', 'nodes', 1, 'parties'], 'FORBIDDEN'],
      ]);
    });

    test('a legal aid token reads no judicial personal data on any path', async () => {
      const legalAid = { ...LEGAL_AID_WORKER, scope: 'legal-aid:cases legal-aid:pii judicial:stats' };
      const { data } = await as(
        legalAid,
        `{
          region(code: "652922") { mediationCases(first: 5) { totalCount nodes { parties { name } } }
            children { judicialOffice { mediationCases(first: 5) { totalCount } } mediationCases(first: 1) { totalCount } } }
          legalAidCase(id: "${legalAidInside}") { applicant { name } referredBy { mediationCases(first: 5) { totalCount nodes { parties { name } } } } }
        }`,
      );
      expect(data!.region.mediationCases).toEqual({ totalCount: 0, nodes: [] });
      for (const township of data!.region.children) {
        expect(township.mediationCases.totalCount).toBe(0);
        expect(township.judicialOffice.mediationCases.totalCount).toBe(0);
      }
      expect(data!.legalAidCase.applicant.name).toMatch(/^Synthetic/);
      if (data!.legalAidCase.referredBy) expect(data!.legalAidCase.referredBy.mediationCases).toEqual({ totalCount: 0, nodes: [] });
    });

    test("a county-limited token reaches no other county's records on any path", async () => {
      const limited = { ...JUDICIAL_WORKER, regions: WENSU };
      const { data, errors } = await as(
        limited,
        `{
          aksu: region(code: "652900") { mediationCases(first: 100) { totalCount nodes { region { code } parties { name } } }
            children { code mediationCases(first: 1) { totalCount } } }
          otherOffice: judicialOffice(id: "JO-652901001") { mediationCases(first: 5) { totalCount } }
          ownOffice: judicialOffice(id: "JO-652922100") { mediationCases(first: 1) { totalCount } }
        }`,
      );
      expect(errors).toBeUndefined();
      expect(data!.aksu.mediationCases.totalCount).toBe(wensuCases);
      expect(aksuCases).toBeGreaterThan(wensuCases);
      for (const node of data!.aksu.mediationCases.nodes) {
        expect(node.region.code.startsWith('652922')).toBe(true);
        expect(node.parties.length).toBeGreaterThan(0);
      }
      for (const child of data!.aksu.children) expect(child.mediationCases.totalCount).toBe(child.code === '652922' ? wensuCases : 0);
      expect(data!.otherOffice.mediationCases.totalCount).toBe(0);
      const statewide = await as({ ...JUDICIAL_WORKER }, '{ judicialOffice(id: "JO-652922100") { mediationCases(first: 0) { totalCount } } }');
      expect(data!.ownOffice.mediationCases.totalCount).toBe(statewide.data!.judicialOffice.mediationCases.totalCount);

      const aid = await as(
        { ...LEGAL_AID_WORKER, regions: WENSU },
        `{ outside: legalAidCase(id: "${legalAidOutside}") { id } inside: legalAidCase(id: "${legalAidInside}") { id applicant { name } }
           elsewhere: region(code: "652901") { legalAidCases(first: 1) { totalCount } } }`,
      );
      expect(aid.data!.outside).toBeNull();
      expect(aid.errors).toEqual([expect.objectContaining({ path: ['outside'], extensions: { code: 'FORBIDDEN' } })]);
      expect(aid.data!.inside.applicant.name).toMatch(/^Synthetic/);
      expect(aid.data!.elsewhere.legalAidCases.totalCount).toBe(0);
    });

    test('every read of personal data is on the audit record, listed for the agency\'s auditors only', async () => {
      const reader = `reader-${Date.now()}`;
      const read = await as({ ...JUDICIAL_WORKER, sub: reader }, '{ region(code: "652922") { mediationCases(first: 3) { nodes { id parties { name } } } } }', undefined, {
        'x-request-id': `req-${reader}`,
      });
      const ids = read.data!.region.mediationCases.nodes.map((n: { id: string }) => n.id);
      expect(ids).toHaveLength(3);

      const listing = `query($subject: String) { judicialAuditRecords(first: 10, filter: { subject: $subject }) {
        totalCount nodes { subject agency action recordType recordId fields requestId at } } }`;
      const audit = await as({ agency: 'judicial', scope: 'judicial:audit' }, listing, { subject: reader });
      expect(audit.errors).toBeUndefined();
      const records = audit.data!.judicialAuditRecords;
      expect(records.totalCount).toBe(3);
      expect(records.nodes.map((r: { recordId: string }) => r.recordId).sort()).toEqual([...ids].sort());
      for (const record of records.nodes) {
        expect(record).toMatchObject({ subject: reader, agency: 'judicial', action: 'READ', recordType: 'MediationCase', fields: ['parties'], requestId: `req-${reader}` });
        expect(Date.parse(record.at)).toBeGreaterThan(Date.now() - 60_000);
      }
      // Reading the case without its personal data leaves no record.
      await as({ ...JUDICIAL_WORKER, sub: `${reader}-2` }, '{ region(code: "652922") { mediationCases(first: 3) { nodes { id outcome } } } }');
      const none = await as({ agency: 'judicial', scope: 'judicial:audit' }, listing, { subject: `${reader}-2` });
      expect(none.data!.judicialAuditRecords.totalCount).toBe(0);

      const denied = await as({ ...JUDICIAL_WORKER }, listing, { subject: reader });
      expect(denied.data!.judicialAuditRecords).toBeNull();
      expect(denied.errors![0].extensions?.code).toBe('FORBIDDEN');
      const otherAgency = await as({ agency: 'legal-aid', scope: 'legal-aid:audit' }, listing, { subject: reader });
      expect(otherAgency.data!.judicialAuditRecords).toBeNull();

      await as({ ...LEGAL_AID_WORKER, sub: reader }, `{ legalAidCase(id: "${legalAidInside}") { applicant { name } } }`);
      const aidAudit = await as({ agency: 'legal-aid', scope: 'legal-aid:audit' }, `query($s: String) { legalAidAuditRecords(filter: { subject: $s }) { nodes { recordType recordId fields } } }`, { s: reader });
      expect(aidAudit.data!.legalAidAuditRecords.nodes).toEqual([{ recordType: 'LegalAidCase', recordId: legalAidInside, fields: ['applicant'] }]);
    });

    test('if the audit record cannot be written, the personal data is not returned', async () => {
      const db = hub.subgraphs.judicial.database.db as Kysely<unknown>;
      // A real fault: the audit table is gone for a moment.
      await sql`alter table hub_audit rename to hub_audit_away`.execute(db);
      let response: GraphQLResponse;
      try {
        response = await as({ ...JUDICIAL_WORKER }, '{ region(code: "652922") { mediationCases(first: 2) { nodes { id outcome parties { name } } } } }');
      } finally {
        await sql`alter table hub_audit_away rename to hub_audit`.execute(db);
      }
      const nodes = response.data!.region.mediationCases.nodes;
      expect(nodes).toHaveLength(2);
      expect(nodes.map((n: { parties: unknown }) => n.parties)).toEqual([null, null]);
      expect(nodes.every((n: { outcome: string }) => n.outcome)).toBe(true);
      expect(response.errors!.every((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR')).toBe(true);
      expect(JSON.stringify(response)).not.toMatch(/hub_audit|relation|insert/i);
    });
  });

  describe('injection', () => {
    const attacks = ["' OR '1'='1", "'; DROP TABLE region; --", '1 OR 1=1', '652922\' UNION SELECT * FROM mediation_case --', '%', '\\', '$1'];

    test.each(attacks)('%j in every string argument is a literal', async (attack) => {
      const cursor = Buffer.from(`k:${attack}`).toString('base64url');
      const { data, errors } = await as(
        { ...JUDICIAL_WORKER, scope: 'judicial:cases judicial:audit legal-aid:cases' },
        `query($s: String!, $id: ID!) {
          office: judicialOffice(id: $id) { id }
          aid: legalAidCase(id: $id) { id }
          audit: judicialAuditRecords(filter: { subject: $s, recordType: $s, recordId: $id }) { totalCount }
        }`,
        { s: attack, id: attack },
      );
      expect(errors).toBeUndefined();
      expect(data).toEqual({ office: null, aid: null, audit: { totalCount: 0 } });
      const page = await hub.query('query($cursor: String) { regions(level: PREFECTURE, after: $cursor) { totalCount } }', { cursor });
      expect(page.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
      for (const [field, query] of [['code', `{ region(code: ${JSON.stringify(attack)}) { name } }`], ['parentCode', `{ regions(parentCode: ${JSON.stringify(attack)}) { totalCount } }`]]) {
        const refused = await hub.query(query);
        expect(refused.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', field });
      }
      const intact = await hub.query('{ regions(first: 0) { totalCount } region(code: "650000") { judicialStats { offices } } }');
      expect(intact.data!.regions.totalCount).toBeGreaterThan(10_000);
      expect(intact.data!.region.judicialStats.offices).toBeGreaterThan(1_000);
    });
  });
});
