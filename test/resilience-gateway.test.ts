// The gateway's side of issue 9 that needs no agency database: the call
// policy (retries for queries only, a mutation sent at most once), reloading
// the supergraph file without dropping requests, and OpenTelemetry tracing.
//
// No subgraph of the hub has a mutation yet (they are being written), so the
// call policy is tested against a tiny subgraph process defined here
// (test/fixtures/counting-subgraph.js): one query and one mutation of each
// kind, counting every request it receives. Its faults are real: it answers
// HTTP 503, or answers after the gateway's timeout. The gateway runs in this
// process, so that its settings can be small; tracing is tested with the
// judicial subgraph and the gateway as processes.
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { trace } from '@opentelemetry/api';
import { parse } from 'graphql';
import { startGateway, type RunningGateway } from '../gateway/gateway';
import { createLogger } from '../platform/core/log';
import { tracingEnabled } from '../platform/server/tracing';
import { postGraphQL, testGatewayKeys, type GraphQLResponse } from './harness';
import { eventually, killProcess, metricValue, scrape, serviceEnv, startServiceProcess, type ServiceProcess } from './processes';

const COUNTING_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { read: Int slowRead: Int flakyRead: Int }
  type Mutation { slowWrite: Int flakyWrite: Int }
`;
const WITH_EXTRA = COUNTING_SDL.replace('type Query {', 'type Query { extra: Int');
const TIMEOUT_MS = 800;
const DELAY_MS = 2000;

function supergraphOf(sdl: string, url: string): string {
  const result = composeServices([{ name: 'counter', url, typeDefs: parse(sdl) }]);
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return result.supergraphSdl;
}

const LEAKS = /10\.0\.0\.7|https?:\/\/|overloaded|stack|HTTP \d{3}|counting\.js/i;

describe('gateway call policy and supergraph reload (a counting subgraph process)', () => {
  let counter: ServiceProcess;
  let gateway: RunningGateway;
  let workDir: string;
  let supergraphFile: string;
  const logLines: Record<string, unknown>[] = [];
  const counts = async (): Promise<Record<string, number>> => (await fetch(`${counter.base}/counts`)).json() as Promise<Record<string, number>>;
  const query = <T = Record<string, number>>(text: string) => postGraphQL<T>(gateway.url, { query: text });

  beforeAll(async () => {
    counter = await startServiceProcess('counter', serviceEnv({ DELAY_MS: String(DELAY_MS), FAILURES: '2' }), {
      script: path.join(__dirname, 'fixtures', 'counting-subgraph.js'),
    });
    workDir = mkdtempSync(path.join(tmpdir(), 'hub-supergraph-'));
    supergraphFile = path.join(workDir, 'supergraph.graphql');
    writeFileSync(supergraphFile, supergraphOf(COUNTING_SDL, counter.url));
    gateway = await startGateway({
      port: 0,
      ...testGatewayKeys(),
      supergraphPath: supergraphFile,
      watchSupergraph: true,
      requestTimeoutMs: 5000,
      // A breaker that does not open here: these tests count what is sent.
      subgraphCalls: { timeoutMs: TIMEOUT_MS, retries: 2, retryBackoffMs: 10, breakerVolume: 1000 },
      logger: createLogger('gateway', { level: 'info', destination: { write: (line: string) => void logLines.push(JSON.parse(line)) } }),
    });
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop(0);
    await killProcess(counter);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test('a query answered HTTP 503 is retried with backoff, then answered', async () => {
    const before = await scrape({ admin: gateway.adminUrl });
    const response = await query('{ flakyRead }');
    expect(response.errors).toBeUndefined();
    // Two 503s, then the third try is answered.
    expect(response.data).toEqual({ flakyRead: 3 });
    expect((await counts()).flakyRead).toBe(3);
    const after = await scrape({ admin: gateway.adminUrl });
    expect(metricValue(after, 'hub_subgraph_retries_total', { subgraph: 'counter' }) - metricValue(before, 'hub_subgraph_retries_total', { subgraph: 'counter' })).toBe(2);
  });

  test('a mutation answered HTTP 503 is sent once, and the error names the agency without the status body', async () => {
    const response = await query('mutation { flakyWrite }');
    expect(response.data).toEqual({ flakyWrite: null });
    expect(response.errors).toEqual([
      { message: 'The counter agency is unavailable; the fields it serves are missing from this answer', extensions: { code: 'SUBGRAPH_UNAVAILABLE', agency: 'counter' } },
    ]);
    expect(JSON.stringify(response)).not.toMatch(LEAKS);
    expect((await counts()).flakyWrite).toBe(1);
  });

  test('a mutation whose subgraph times out is not sent again', async () => {
    const started = Date.now();
    const response = await query('mutation { slowWrite }');
    expect(Date.now() - started).toBeLessThan(DELAY_MS);
    expect(response.data).toEqual({ slowWrite: null });
    expect(response.errors).toEqual([
      { message: 'The counter agency timed out; the fields it serves are missing from this answer', extensions: { code: 'SUBGRAPH_TIMEOUT', agency: 'counter' } },
    ]);
    // Past the subgraph's delay and any backoff: a second try would have arrived by now.
    await sleep(DELAY_MS + 500);
    expect((await counts()).slowWrite).toBe(1);
    const line = logLines.find((l) => l.msg === 'subgraph call failed' && l.outcome === 'timeout');
    expect(line).toMatchObject({ subgraph: 'counter', detail: `no answer within ${TIMEOUT_MS} ms` });
  });

  test('a query that timed out is not retried either: its time is spent', async () => {
    const response = await query('{ slowRead }');
    expect(response.errors?.[0].extensions).toEqual({ code: 'SUBGRAPH_TIMEOUT', agency: 'counter' });
    await sleep(DELAY_MS + 500);
    expect((await counts()).slowRead).toBe(1);
  });

  test('tracing is off by default: nothing is recorded and no trace context reaches a subgraph', async () => {
    expect(tracingEnabled()).toBe(false);
    const response = await query('{ read }');
    expect(response.errors).toBeUndefined();
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
    expect((await counts()).traceparents).toBe(0);
  });

  test('the supergraph file is reloaded when it changes, without dropping requests; a file that does not load keeps the old one', async () => {
    const readiness = async () => (await (await fetch(`${gateway.adminUrl}/ready`)).json()) as { supergraph: { version: string; reloads: number; lastError?: { message: string } } };
    const first = (await readiness()).supergraph;
    expect(first).toMatchObject({ source: 'file', reloads: 0 });
    expect((await query('{ extra }')).errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    // Requests keep coming while the file changes.
    const answers: GraphQLResponse[] = [];
    let streaming = true;
    const streams = [1, 2].map(async () => {
      while (streaming) answers.push(await query('{ read }'));
    });
    try {
      writeFileSync(supergraphFile, supergraphOf(WITH_EXTRA, counter.url));
      const second = await eventually(async () => {
        const state = (await readiness()).supergraph;
        return state.version !== first.version ? state : undefined;
      }, 10_000);
      expect(second).toMatchObject({ reloads: 1 });
      expect(await query('{ extra }')).toMatchObject({ status: 200, data: { extra: expect.any(Number) } });

      // Not a supergraph: logged, shown on /ready, and the one loaded before is still served.
      writeFileSync(supergraphFile, 'type Query { this is not a supergraph');
      const failed = await eventually(async () => {
        const state = (await readiness()).supergraph;
        return state.lastError ? state : undefined;
      }, 10_000);
      expect(failed).toMatchObject({ version: second.version, reloads: 1, lastError: { message: expect.any(String) } });
      expect(logLines.some((line) => line.msg === 'supergraph change not loaded: still serving the previous one' && typeof line.reason === 'string')).toBe(true);
      expect(await query('{ extra }')).toMatchObject({ status: 200, data: { extra: expect.any(Number) } });

      // A valid supergraph again: taken.
      writeFileSync(supergraphFile, supergraphOf(COUNTING_SDL, counter.url));
      await eventually(async () => ((await readiness()).supergraph.version === first.version ? true : undefined), 10_000);
      expect((await query('{ extra }')).errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      streaming = false;
      await Promise.all(streams);
    }
    expect(answers.length).toBeGreaterThan(10);
    for (const answer of answers) expect(answer).toMatchObject({ status: 200, data: { read: expect.any(Number) } });
    expect(answers.every((answer) => answer.errors === undefined)).toBe(true);
  });
});

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
}

describe('OpenTelemetry tracing with an OTLP endpoint (gateway and judicial as processes)', () => {
  let receiver: Server;
  const spans: { service: string; span: OtlpSpan }[] = [];
  let judicial: ServiceProcess;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    // A stand-in collector on loopback: OTLP/HTTP with JSON bodies.
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          const payload = JSON.parse(body) as {
            resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
          };
          for (const resourceSpans of payload.resourceSpans) {
            const service = resourceSpans.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
            for (const scope of resourceSpans.scopeSpans) for (const span of scope.spans) spans.push({ service, span });
          }
        }
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' };
    judicial = await startServiceProcess('judicial', serviceEnv({ JUDICIAL_PORT: '0', ...otel }));
    gateway = await startServiceProcess(
      'gateway',
      serviceEnv({ GATEWAY_PORT: '0', JUDICIAL_URL: judicial.url, GATEWAY_SUPERGRAPH_WATCH: 'off', ...otel }),
    );
  }, 180_000);

  afterAll(async () => {
    await killProcess(gateway);
    await killProcess(judicial);
    await new Promise((resolve) => receiver?.close(resolve));
  });

  test("spans from the gateway and the subgraph arrive in one trace: the subgraph's server span is a child of the gateway's call", async () => {
    const response = await postGraphQL(gateway.url, { query: 'query Traced { region(code: "650000") { name } }' }, { 'x-request-id': 'traced-1' });
    expect(response.errors).toBeUndefined();
    const found = await eventually(() => {
      const server = spans.find((s) => s.service === 'judicial' && s.span.kind === 2);
      const client = server && spans.find((s) => s.service === 'gateway' && s.span.spanId === server.span.parentSpanId);
      return server && client ? { server, client } : undefined;
    }, 20_000);
    expect(found.client.span).toMatchObject({ name: 'subgraph judicial', kind: 3, traceId: found.server.span.traceId });
    const gatewaySpans = spans.filter((s) => s.service === 'gateway' && s.span.traceId === found.server.span.traceId).map((s) => s.span.name);
    // The gateway's server span and @apollo/gateway's own spans, in the same trace.
    expect(gatewaySpans).toEqual(expect.arrayContaining(['POST /graphql', 'gateway.request', 'gateway.plan', 'gateway.execute', 'gateway.fetch']));
  });

  test('stopping flushes the spans and exits 0', async () => {
    gateway.child.kill('SIGTERM');
    judicial.child.kill('SIGTERM');
    expect(await gateway.exited).toEqual({ code: 0, signal: null });
    expect(await judicial.exited).toEqual({ code: 0, signal: null });
  });
});

