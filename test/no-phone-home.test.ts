// The hub sends nothing outside the agencies' network: a gateway process
// that starts, answers, and stops gracefully (when libraries flush whatever
// they meant to send) has looked up no host name and opened no connection
// but to loopback. Before gateway/apollo-telemetry.ts, @apollo/gateway's own
// telemetry probed cloud metadata addresses (169.254.169.254, …) at start and
// exported usage figures to usage-reporting.api.apollographql.com.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, killProcess, serviceEnv, startServiceProcess, type ServiceProcess } from './processes';

const RECORDER = path.join(__dirname, 'fixtures', 'record-connections.js');
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);
const WILDCARD = new Set(['0.0.0.0', '::']);

describe('no phone home', () => {
  let dir: string;
  let gateway: ServiceProcess | undefined;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hub-connections-'));
  });
  afterAll(async () => {
    await killProcess(gateway);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a gateway that starts, answers and stops connects to loopback only', async () => {
    const file = path.join(dir, 'connections.jsonl');
    // The agencies are not running: their URLs point at a loopback port where nothing listens (not 9: fetch refuses it unasked).
    const closed = await freePort();
    const nowhere = Object.fromEntries(['JUDICIAL', 'LEGAL_AID', 'EDUCATION', 'PARTNERS'].map((prefix) => [`${prefix}_URL`, `http://127.0.0.1:${closed}/graphql`]));
    const env = serviceEnv({
      ...nowhere,
      GATEWAY_PORT: '0',
      GATEWAY_SUPERGRAPH_WATCH: 'off',
      // Whatever the operator's environment says, the hub does not report to Apollo.
      APOLLO_TELEMETRY_DISABLED: undefined,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${RECORDER}`.trim(),
      RECORD_CONNECTIONS_FILE: file,
    });
    gateway = await startServiceProcess('gateway', env);
    const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    // Readiness calls each agency's /health: connections to loopback the recorder must see.
    expect((await fetch(`${gateway.admin}/ready`)).status).toBe(503);
    // Time for anything started in the background at construction (resource detectors) to reach the network.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toEqual({ code: 0, signal: null });

    const records = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { kind: string; host: string });
    // The recorder is in place: the readiness check's calls to the agencies went through it.
    expect(records.some((entry) => entry.kind === 'connect' && entry.host === '127.0.0.1')).toBe(true);
    // (A lookup of the wildcard address is the server's own listen().)
    const listening = (entry: { kind: string; host: string }) => entry.kind === 'lookup' && WILDCARD.has(entry.host);
    const outside = records.filter((entry) => !LOOPBACK.has(entry.host) && !entry.host.startsWith('unix:') && !listening(entry));
    expect(outside).toEqual([]);
  });
});
