// The operation registry at a running gateway (judicial and education
// subgraphs, PGlite): persisted operations answered by id, the safelist, field
// usage recorded through the gateway and read by `npm run check` (a real
// process), and the hot reload keeping the served supergraph when handed one
// that breaks a registered operation or the contract.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '../platform/core/log';
import { SUPERGRAPH_PATH } from '../schema/compose';
import { buildManifest, sha256 } from '../schema/manifest';
import { npmRun, postGraphQL, signToken, startHub, supergraphWithEducation, type Hub } from './harness';
import { eventually } from './processes';

const EDUCATION_SDL = path.join(__dirname, '..', 'subgraphs', 'education', 'schema.graphql');
const manifest = buildManifest();
const overview = manifest.operations.find((o) => o.name === 'EducationOverview')!;
const OVERVIEW_FILE = path.join(__dirname, '..', 'schema', 'operations', 'education-overview.graphql');
const VARIABLES = { code: '652900', period: { from: '2022-01-01', to: '2022-12-31' } };
const AD_HOC = '{ region(code: "652922") { educationEvents(first: 2, filter: { format: LECTURE }) { nodes { id languages } } } }';

describe('the operation registry at the gateway', () => {
  let hub: Hub;
  let workDir: string;
  let supergraphFile: string;
  const logLines: Record<string, any>[] = [];
  const send = (body: unknown, headers: Record<string, string> = {}) => postGraphQL<any>(hub.gateway.url, body, headers);

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'hub-registry-'));
    supergraphFile = path.join(workDir, 'supergraph.graphql');
    writeFileSync(supergraphFile, readFileSync(SUPERGRAPH_PATH, 'utf8'));
    hub = await startHub({
      only: ['judicial', 'education'],
      gateway: {
        supergraphPath: supergraphFile,
        watchSupergraph: true,
        safelist: ['dashboard', 'education'],
        usage: true,
        usageDir: path.join(workDir, 'usage'),
        usageFlushMs: 200,
        logger: createLogger('gateway', { level: 'info', destination: { write: (line: string) => void logLines.push(JSON.parse(line)) } }),
      },
    });
  });
  afterAll(async () => {
    await hub?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  describe('persisted operations and the safelist', () => {
    test('a registered operation is answered by its manifest id, as documentId or as an APQ hash, by POST and GET', async () => {
      const byText = await send({ query: readFileSync(OVERVIEW_FILE, 'utf8'), variables: VARIABLES });
      expect(byText.errors).toBeUndefined();
      expect(byText.data!.region.educationStats.events).toBeGreaterThan(0);
      expect(overview.id).toBe(sha256(overview.body));
      expect(await send({ documentId: overview.id, variables: VARIABLES })).toEqual(byText);
      expect(await send({ variables: VARIABLES, extensions: { persistedQuery: { version: 1, sha256Hash: overview.id } } })).toEqual(byText);
      const get = await fetch(`${hub.gateway.url}?documentId=${overview.id}&variables=${encodeURIComponent(JSON.stringify(VARIABLES))}`, { headers: { 'apollo-require-preflight': 'true' } });
      expect({ status: get.status, ...((await get.json()) as object) }).toEqual(byText);
    });

    test('an unknown id is PERSISTED_QUERY_NOT_FOUND', async () => {
      const unknown = await send({ documentId: sha256('nothing registered') });
      expect(unknown.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    });

    test('a safelisted client (by header or by token agency) has its unknown document refused before any subgraph is called, and its registered one answered by id', async () => {
      const before = hub.subgraphRequests();
      const refusedByHeader = await send({ query: AD_HOC }, { 'apollographql-client-name': 'dashboard' });
      expect(refusedByHeader.status).toBe(400);
      expect(refusedByHeader.errors).toEqual([{ message: expect.stringContaining('not in the persisted-operation manifest'), extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } }]);
      // A token of a listed agency is held to the list whatever client name it sends.
      const educationToken = { authorization: `Bearer ${await signToken({ agency: 'education' })}` };
      const refusedByAgency = await send({ query: AD_HOC }, { ...educationToken, 'apollographql-client-name': 'explorer' });
      expect(refusedByAgency.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      // Registering an arbitrary document through APQ is refused as well.
      const apq = await send({ query: AD_HOC, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(AD_HOC) } } }, { 'apollographql-client-name': 'dashboard' });
      expect(apq.errors?.[0].extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      expect(hub.subgraphRequests()).toBe(before);

      const byId = await send({ documentId: overview.id, variables: VARIABLES }, { 'apollographql-client-name': 'dashboard' });
      expect(byId.errors).toBeUndefined();
      const asRegistered = await send({ query: readFileSync(OVERVIEW_FILE, 'utf8'), variables: VARIABLES }, educationToken);
      expect(asRegistered.data).toEqual(byId.data);
      // A client not on the list sends what it likes.
      expect((await send({ query: AD_HOC }, { 'apollographql-client-name': 'explorer' })).errors).toBeUndefined();
    });
  });

  describe('field usage', () => {
    test('usage recorded through the gateway shows in `npm run check`: clients, operations, counts and last seen; an unused change is reported as such', async () => {
      for (let i = 0; i < 3; i++) expect((await send({ documentId: overview.id, variables: VARIABLES }, { 'apollographql-client-name': 'dashboard' })).errors).toBeUndefined();
      for (let i = 0; i < 2; i++) expect((await send({ query: AD_HOC }, { 'apollographql-client-name': 'analyst-notebook' })).errors).toBeUndefined();
      const usageFile = path.join(workDir, 'usage', 'usage.json');
      await eventually(() => {
        try {
          return Object.keys(JSON.parse(readFileSync(usageFile, 'utf8')).lastSeen).some((key) => key.startsWith('analyst-notebook\t'));
        } catch {
          return false;
        }
      }, 20_000);

      // Removing EducationEvent.languages (the ad-hoc query reads it) and EducationStats.attendees (the overview reads it).
      const proposal = path.join(workDir, 'education.graphql');
      writeFileSync(
        proposal,
        readFileSync(EDUCATION_SDL, 'utf8')
          .replace(/\n {2}"Languages the event was held in[^\n]*\n {2}languages: \[String!\]!/, '')
          .replace(/\n {2}"Attendees of those events."\n {2}attendees: Int!/, ''),
      );
      const run = await npmRun('check', ['education', '--schema', proposal, '--json'], { ...process.env, USAGE_DIR: path.join(workDir, 'usage'), REDIS_URL: '' });
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout);
      const change = (coordinate: string) => report.changes.find((c: any) => c.coordinate === coordinate);
      expect(change('EducationEvent.languages')).toMatchObject({ level: 'breaking', type: 'FIELD_REMOVED' });
      // Two requests of the notebook's, and the explorer's one in the safelist test above.
      expect(change('EducationEvent.languages').usage).toMatchObject({
        count: 3,
        clients: [
          { client: 'analyst-notebook', count: 2, operations: [{ name: 'anonymous', count: 2, lastSeen: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }] },
          { client: 'explorer', count: 1 },
        ],
      });
      const attendees = change('EducationStats.attendees').usage;
      expect(attendees.clients.map((c: any) => c.client)).toContain('dashboard');
      const dashboard = attendees.clients.find((c: any) => c.client === 'dashboard');
      expect(dashboard.operations).toEqual([expect.objectContaining({ name: 'EducationOverview' })]);
      expect(dashboard.operations[0].count).toBeGreaterThanOrEqual(3);
      expect(report.usage).toMatchObject({ days: 30, source: expect.stringContaining('usage.json') });
      // The human report says the same at a glance.
      const human = await npmRun('check', ['education', '--schema', proposal, '--window', '7'], { ...process.env, USAGE_DIR: path.join(workDir, 'usage'), REDIS_URL: '' });
      expect(human.code).toBe(1);
      expect(human.stdout).toMatch(/BREAKING {2}EducationEvent\.languages .*\n {6}used in the last 7 days: 3 requests by 2 clients/);
      expect(human.stdout).toMatch(/analyst-notebook +anonymous \([0-9a-f]{12}\) {2}2 requests, last \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
      expect(human.stdout).toContain('schema/operations/education-overview.graphql:');

      const unused = await npmRun('check', ['education', '--schema', writeProposal(workDir, 'unused.graphql', (sdl) => sdl.replace(/\n {2}"The campaign the event belongs to, if any."\n {2}campaign: Campaign/, '')), '--json'], {
        ...process.env,
        USAGE_DIR: path.join(workDir, 'usage'),
        REDIS_URL: '',
      });
      expect(JSON.parse(unused.stdout).changes.find((c: any) => c.coordinate === 'EducationEvent.campaign').usage).toEqual({ coordinates: ['EducationEvent.campaign'], count: 0, lastSeen: null, clients: [] });
    });
  });

  describe('supergraph hot reload', () => {
    test('a running gateway keeps serving the old graph when handed a supergraph that breaks a registered operation and the contract, says so in its log and /ready, and takes a safe one', async () => {
      const ready = async () => (await (await fetch(`${hub.gateway.adminUrl}/ready`)).json()) as any;
      const served = (await ready()).supergraph;
      writeFileSync(supergraphFile, supergraphWithEducation((sdl) => sdl.replace(/\n {2}"Attendees of those events."\n {2}attendees: Int!/, '')));
      const refused = await eventually(async () => (await ready()).supergraph.lastError, 20_000);
      expect(refused.message).toMatch(/breaks 3 registered operation file\(s\) \(schema\/operations\/dashboard-region\.graphql, schema\/operations\/education-overview\.graphql, schema\/operations\/region-scorecard\.graphql\) and breaks the public contract in 1 place/);
      expect(refused.problems).toContainEqual({ kind: 'operation', where: 'schema/operations/education-overview.graphql:9:7', message: 'EducationOverview: Cannot query field "attendees" on type "EducationStats".' });
      expect(refused.problems).toContainEqual({ kind: 'contract', where: 'EducationStats.attendees', message: 'EducationStats.attendees was removed.' });
      expect((await ready()).supergraph.version).toBe(served.version);
      expect(logLines.find((l) => l.msg === 'supergraph change not loaded: still serving the previous one')).toMatchObject({ reason: refused.message, problems: refused.problems });
      // Still served: the field the refused graph dropped.
      const still = await send({ query: '{ region(code: "652900") { educationStats { attendees } } }' });
      expect(still.errors).toBeUndefined();
      expect(still.data!.region.educationStats.attendees).toBeGreaterThan(0);

      // A compatible change (a description) is taken.
      writeFileSync(supergraphFile, supergraphWithEducation((sdl) => sdl.replace('"Attendees of those events."', '"People who attended those events."')));
      const taken = await eventually(async () => {
        const state = (await ready()).supergraph;
        return state.version !== served.version ? state : undefined;
      }, 20_000);
      expect(taken.lastError).toBeUndefined();
    });
  });
});

function writeProposal(dir: string, name: string, edit: (sdl: string) => string): string {
  const file = path.join(dir, name);
  writeFileSync(file, edit(readFileSync(EDUCATION_SDL, 'utf8')));
  return file;
}
