// @apollo/federation-internals' exports as plain properties (issue 19,
// gateway/federation-exports.ts): in a gateway process of its own (Node's
// module loader; Jest's own registry leaves the package as it is), the
// package's names read as plain values, none of them drifts from the
// package's own after the gateway has answered, and the answers are those of
// a gateway without the copy (this test's, under Jest) for each kind of caller.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { SCORECARD, SCORECARD_VARIABLES, TOWNSHIP_DETAIL, TOWNSHIP_DETAIL_VARIABLES, WIDE_LIST, wideListVariables } from '../bench/workloads';
import { IDENTITY_SECRET, signToken, startHub, testGatewayKeys, type Hub, type TokenClaims } from './harness';

const run = promisify(execFile);
const FIXTURE = path.join(__dirname, 'fixtures', 'plain-exports-gateway.ts');

const CALLERS: (TokenClaims | null)[] = [null, { sub: 'dashboard', agency: 'judicial' }, { sub: 'worker', agency: 'legal-aid', scope: 'legal-aid:cases legal-aid:pii' }];
const QUERIES = [
  { query: SCORECARD, variables: SCORECARD_VARIABLES },
  { query: TOWNSHIP_DETAIL, variables: TOWNSHIP_DETAIL_VARIABLES },
  { query: WIDE_LIST, variables: wideListVariables(20) },
];

describe('federation-internals exports as plain properties', () => {
  let hub: Hub;

  beforeAll(async () => {
    hub = await startHub();
  }, 120_000);

  afterAll(async () => {
    await hub?.stop();
  });

  test('a gateway process reads them as plain values, none drifts, and answers as one without them', async () => {
    const requests: { body: unknown; headers: Record<string, string> }[] = [];
    const expected: unknown[] = [];
    for (const caller of CALLERS) {
      const headers: Record<string, string> = caller ? { authorization: `Bearer ${await signToken(caller)}` } : {};
      for (const body of QUERIES) {
        requests.push({ body, headers });
        expected.push(await hub.queryAs(caller, body.query, body.variables));
      }
    }
    const { auth } = testGatewayKeys();
    const settings = { subgraphUrls: Object.fromEntries(Object.values(hub.subgraphs).map((s) => [s.name, s.url])), auth, identitySecret: IDENTITY_SECRET, requests };
    const started = Date.now();
    const { stdout } = await run(process.execPath, ['--import', 'tsx', FIXTURE], {
      cwd: path.join(__dirname, '..'),
      env: { ...process.env, PLAIN_EXPORTS_SETTINGS: JSON.stringify(settings), LOG_LEVEL: 'silent', JEST_WORKER_ID: undefined },
      // Seconds alone; in CI, last of the suites on a loaded machine, it has taken over a minute.
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    console.log(`the gateway process started, answered ${requests.length} requests and stopped in ${Date.now() - started} ms`);
    const outcome = JSON.parse(stdout.trim().split('\n').pop()!) as { plain: boolean; plainValue: boolean; drift: string[]; answers: { data?: unknown; errors?: unknown }[] };
    expect(outcome.plain).toBe(true);
    expect(outcome.plainValue).toBe(true);
    expect(outcome.drift).toEqual([]);
    expect(outcome.answers).toHaveLength(expected.length);
    outcome.answers.forEach((answer, i) => {
      const want = expected[i] as { data?: unknown; errors?: unknown };
      expect(answer.errors).toBeUndefined();
      expect({ data: answer.data, errors: answer.errors }).toEqual({ data: want.data, errors: want.errors });
    });
  }, 300_000);
});
