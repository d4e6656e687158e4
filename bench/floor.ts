// The floor of `npm run bench` (issue 19): the plan's subgraph calls replayed
// directly, stage by stage, with no gateway in between. The calls are
// recorded once through recording proxies (one per subgraph, in the bench's
// own process) in front of the real subgraphs; a call that starts before every
// call of the current stage has ended belongs to that stage. Each replayed
// call carries a fresh identity for its subgraph and body, as the gateway's.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createIdentitySigner, IDENTITY_HEADER } from '../platform/access/identity';
import type { Viewer } from '../platform/core/viewer';

export interface RecordedCall {
  subgraph: string;
  body: string;
  start: number;
  end: number;
}

export interface Recorder {
  /** The proxies' URLs, by subgraph: give these to a gateway. */
  urls: Record<string, string>;
  calls: RecordedCall[];
  stop(): Promise<void>;
}

export async function startRecorder(targets: Record<string, string>): Promise<Recorder> {
  const calls: RecordedCall[] = [];
  const servers: http.Server[] = [];
  const urls: Record<string, string> = {};
  for (const [subgraph, target] of Object.entries(targets)) {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const start = performance.now();
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string' && name !== 'host' && name !== 'content-length' && name !== 'connection') headers[name] = value;
        try {
          const url = new URL(req.url ?? '/', target);
          const answer = await fetch(url, { method: req.method, headers, body: req.method === 'POST' ? body : undefined });
          const text = await answer.text();
          if (req.method === 'POST') calls.push({ subgraph, body, start, end: performance.now() });
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json', ...(answer.headers.get('cache-control') ? { 'cache-control': answer.headers.get('cache-control')! } : {}) });
          res.end(text);
        } catch (error) {
          res.writeHead(502).end(String(error));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const targetPath = new URL(target).pathname;
    urls[subgraph] = `http://127.0.0.1:${(server.address() as AddressInfo).port}${targetPath}`;
  }
  return {
    urls,
    calls,
    stop: async () => {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}

/** The recorded calls of one request, in stages (each stage's calls run at once). */
export function stagesOf(calls: RecordedCall[]): RecordedCall[][] {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  const stages: RecordedCall[][] = [];
  for (const call of sorted) {
    const current = stages[stages.length - 1];
    if (current && call.start < Math.min(...current.map((c) => c.end))) current.push(call);
    else stages.push([call]);
  }
  return stages;
}

/** Replays the stages `times` times, one after another (1 connection); the latencies, sorted (ms). */
export async function replay(stages: RecordedCall[][], targets: Record<string, string>, secret: string, viewer: Viewer, times: number): Promise<number[]> {
  const sign = createIdentitySigner(secret);
  const latencies: number[] = [];
  let n = 0;
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    for (const stage of stages) {
      await Promise.all(
        stage.map(async (call) => {
          const identity = sign({ viewer, requestId: `floor-${++n}` }, { audience: call.subgraph, body: call.body, lifetimeMs: 15_000 });
          const response = await fetch(targets[call.subgraph], { method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identity }, body: call.body });
          const text = await response.text();
          if (response.status !== 200) throw new Error(`floor replay: ${call.subgraph} answered HTTP ${response.status}: ${text.slice(0, 200)}`);
        }),
      );
    }
    latencies.push(performance.now() - started);
  }
  return latencies.sort((a, b) => a - b);
}
