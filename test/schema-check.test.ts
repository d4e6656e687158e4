// `npm run check` and `npm run compose` on real files: each kind of change
// classed, a registered operation broken by a change named with its file and
// line, a syntax slip placed without a stack trace, the exit codes (as real
// processes), and `npm run compose` refusing a contract break (in a copy of the
// project, so that the repository's files are never changed).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkGraph, type GraphReport } from '../schema/compose';
import { npmRun } from './harness';
import { copyProject } from './project-copy';

const EDUCATION_SDL = readFileSync(path.join(__dirname, '..', 'subgraphs', 'education', 'schema.graphql'), 'utf8');
const LANGUAGES = /\n {2}"Languages the event was held in[^\n]*\n {2}languages: \[String!\]!/;
const edit = (from: string | RegExp, to: string) => {
  const sdl = EDUCATION_SDL.replace(from, to);
  if (sdl === EDUCATION_SDL) throw new Error(`the test's edit of ${String(from)} changed nothing`);
  return sdl;
};
// Offline checks read no usage here: the store would be the project's .data/usage.
const env = { ...process.env, REDIS_URL: '', USAGE_DIR: path.join(tmpdir(), 'hub-no-usage') };

describe('npm run check', () => {
  let workDir: string;
  beforeAll(() => {
    workDir = mkdtempSync(path.join(tmpdir(), 'hub-check-'));
  });
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  const proposal = (name: string, sdl: string) => {
    const file = path.join(workDir, name);
    writeFileSync(file, sdl);
    return file;
  };
  const check = (name: string, sdl: string): Promise<GraphReport> => checkGraph({ proposal: { subgraph: 'education', sdl, file: proposal(name, sdl) } });

  test.each([
    ['a field removed', 'breaking', 'FIELD_REMOVED', 'EducationEvent.languages', edit(LANGUAGES, '')],
    ['a field type changed (Int! to Int)', 'breaking', 'FIELD_TYPE_CHANGED', 'EducationStats.events', edit(/^ {2}events: Int!$/m, '  events: Int')],
    ['an argument added as required', 'breaking', 'FIELD_ARGUMENT_ADDED', 'Query.educationEvent.language', edit('educationEvent(id: ID!): EducationEvent', 'educationEvent(id: ID!, language: String!): EducationEvent')],
    ['an enum value removed', 'breaking', 'ENUM_VALUE_REMOVED', 'EducationFormat.PERFORMANCE', edit(/\n {2}PERFORMANCE\n/, '\n')],
    ['an optional argument added', 'dangerous', 'FIELD_ARGUMENT_ADDED', 'Query.educationEvent.language', edit('educationEvent(id: ID!): EducationEvent', 'educationEvent(id: ID!, language: String): EducationEvent')],
    ['a description changed', 'safe', 'FIELD_DESCRIPTION_CHANGED', 'EducationStats.attendees', edit('"Attendees of those events."', '"People who attended those events."')],
    ['a field added', 'safe', 'FIELD_ADDED', 'EducationStats.onlineEvents', edit('"Attendees of those events."\n  attendees: Int!\n', '"Attendees of those events."\n  attendees: Int!\n  "Events held online."\n  onlineEvents: Int!\n')],
  ])('%s is %s (%s at %s)', async (_kind, level, type, coordinate, sdl) => {
    const report = await check(`${type}-${level}.graphql`, sdl);
    expect(report.composition).toEqual([]);
    expect(report.changes).toContainEqual(expect.objectContaining({ level, type, coordinate }));
    // Nothing else of the graph changed with it.
    expect(report.changes.filter((change) => change.coordinate !== coordinate && change.level !== 'safe')).toEqual([]);
  });

  test('a change that breaks a registered operation names the file, line, column and operation; the contract break is listed apart', async () => {
    const report = await check('events-renamed.graphql', edit(/^ {2}events: Int!$/m, '  eventCount: Int!'));
    expect(report.operations).toEqual([
      { file: 'schema/operations/dashboard-region.graphql', line: 105, column: 5, definition: 'fragment DashboardFigures', code: 'GRAPHQL_VALIDATION_FAILED', message: 'Cannot query field "events" on type "EducationStats".' },
      { file: 'schema/operations/education-overview.graphql', line: 8, column: 7, definition: 'EducationOverview', code: 'GRAPHQL_VALIDATION_FAILED', message: 'Cannot query field "events" on type "EducationStats".' },
      { file: 'schema/operations/education-overview.graphql', line: 17, column: 9, definition: 'EducationOverview', code: 'GRAPHQL_VALIDATION_FAILED', message: 'Cannot query field "events" on type "EducationStats".' },
      { file: 'schema/operations/region-scorecard.graphql', line: 37, column: 5, definition: 'fragment ScorecardFigures', code: 'GRAPHQL_VALIDATION_FAILED', message: 'Cannot query field "events" on type "EducationStats".' },
    ]);
    expect(report.contract).toEqual([{ type: 'FIELD_REMOVED', coordinate: 'EducationStats.events', message: 'EducationStats.events was removed.' }]);
  });

  test('a composition error names the subgraph and each file with line and column', async () => {
    const report = await check('clash.graphql', edit('campaign(id: ID!): Campaign\n', 'campaign(id: ID!): Campaign\n  region(code: ID!): String\n'));
    expect(report.composition).toContainEqual(
      expect.objectContaining({
        subgraph: 'education',
        code: 'FIELD_TYPE_MISMATCH',
        places: [expect.objectContaining({ file: expect.stringMatching(/clash\.graphql$/) }), { file: 'subgraphs/judicial/schema.graphql', line: expect.any(Number), column: 3 }],
      }),
    );
  });

  test('as a process: breaking exits 1 and says what breaks; a syntax slip exits 1 with file, line and column and no stack; safe exits 0; bad input exits 2', async () => {
    const breaking = await npmRun('check', ['education', '--schema', proposal('breaking.graphql', edit(LANGUAGES, ''))], env);
    expect(breaking.code).toBe(1);
    expect(breaking.stdout).toMatch(/^BREAKING: 1 breaking change; 1 break of the public contract\.$/m);
    expect(breaking.stdout).toMatch(/^ {2}BREAKING {2}EducationEvent\.languages {2}Field 'languages' was removed from object type 'EducationEvent'$/m);
    expect(breaking.stdout).toMatch(/unused in the last 30 days/);

    const slip = await npmRun('check', ['education', '--schema', proposal('slip.graphql', edit(/^ {2}attendees: Int!$/m, '  attendees Int!'))], env);
    expect(slip.code).toBe(1);
    expect(slip.stdout).toMatch(/slip\.graphql:\d+:13 {2}GRAPHQL_PARSE_FAILED \(education\)\n {6}Syntax Error: Expected ":", found Name "Int"\./);
    expect(slip.stdout + slip.stderr).not.toMatch(/\n\s+at /);

    const safe = await npmRun('check', ['education', '--schema', proposal('safe.graphql', edit('"Attendees of those events."', '"People who attended those events."')), '--json'], env);
    expect(safe.code).toBe(0);
    expect(JSON.parse(safe.stdout)).toMatchObject({ safe: true, subgraph: 'education', composition: [], contract: [], operations: [], changes: [{ level: 'safe', type: 'FIELD_DESCRIPTION_CHANGED' }] });

    for (const args of [['nowhere'], ['education', '--schema', path.join(workDir, 'missing.graphql')], ['education', '--window', 'soon'], []]) {
      const bad = await npmRun('check', args, env);
      expect({ args, code: bad.code, usage: bad.stderr.includes('usage: npm run check') }).toEqual({ args, code: 2, usage: true });
    }
  });
});

describe('npm run compose', () => {
  test('refuses to write a supergraph that breaks the public contract and a registered operation, one entry per problem', async () => {
    const copy = copyProject();
    try {
      const sdlFile = path.join(copy.root, 'subgraphs', 'education', 'schema.graphql');
      writeFileSync(sdlFile, edit(/^ {2}events: Int!$/m, '  eventCount: Int!'));
      const before = readFileSync(path.join(copy.root, 'schema', 'supergraph.graphql'), 'utf8');
      const run = await npmRun('compose', [], env, 120_000, copy.root);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^Not written: 1 break of the public contract; 3 registered operation files would stop validating\.$/m);
      expect(run.stderr).toContain('  EducationStats.events        EducationStats.events was removed.');
      expect(run.stderr.match(/^ {2}schema\/operations\/[\w-]+\.graphql:\d+:\d+ {2}/gm)).toEqual([
        '  schema/operations/dashboard-region.graphql:105:5  ',
        '  schema/operations/education-overview.graphql:8:7  ',
        '  schema/operations/education-overview.graphql:17:9  ',
        '  schema/operations/region-scorecard.graphql:37:5  ',
      ]);
      expect(run.stderr).not.toContain('Composition failed');
      expect(readFileSync(path.join(copy.root, 'schema', 'supergraph.graphql'), 'utf8')).toBe(before);
    } finally {
      copy.remove();
    }
  });
});
