// `npm run bench -- --identity`: the CPU time of signing and verifying one
// forwarded identity, as the gateway does per subgraph call and a subgraph per
// request: the per-call HMAC-SHA256 identity (platform/access/identity.ts: body hash,
// jti memory) against an Ed25519 JWT signed and verified by jose (the identity
// the hub forwarded before, one per request, no body binding). CPU time from
// this process's own counters (process.cpuUsage), over many iterations.
// Then the replay check in Redis that replicas share (platform/access/replay-memory.ts,
// Redis at REDIS_URL, default redis://127.0.0.1:6379): the wall time of one
// verify with it, one call after the other (the round trip a call waits) and
// 64 at once, and its CPU time, each against the same verify with the jti kept
// in memory.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { jwtVerify, SignJWT } from 'jose';
import { stringFromEnv } from '../platform/core/config';
import { createIdentitySigner, createIdentityVerifier, newIdentitySecret, subgraphIdentityKey } from '../platform/access/identity';
import { redisReplayMemory } from '../platform/access/replay-memory';

const ITERATIONS = 20_000;
const viewer = { subject: 'bench-dashboard', agency: 'judicial', scopes: ['judicial:cases', 'judicial:pii'], regions: ['652922'] };
// A subgraph call as the query planner writes one: about 600 bytes.
const body = JSON.stringify({
  query: 'query Scorecard__judicial__0($code:String!){region(code:$code){code name judicialStats{offices standardized demonstration branded mediationCases}children{code name judicialStats{offices standardized}}}}',
  variables: { code: '652900' },
  operationName: 'Scorecard__judicial__0',
  extensions: {},
}).padEnd(600, ' ');

async function cpuMicros(run: () => Promise<void> | void): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < ITERATIONS; i++) await run();
  const { user, system } = process.cpuUsage(start);
  return (user + system) / ITERATIONS;
}

export async function measureIdentityCost(): Promise<void> {
  const secret = newIdentitySecret();
  const sign = createIdentitySigner(secret);
  const verify = createIdentityVerifier({ audience: 'judicial', key: subgraphIdentityKey(secret, 'judicial'), replayMemory: ITERATIONS * 2 });
  const tokens: string[] = [];
  const hmacSign = await cpuMicros(() => {
    tokens.push(sign({ viewer, requestId: 'bench' }, { audience: 'judicial', body, lifetimeMs: 5_000 }));
  });
  let i = 0;
  const hmacVerify = await cpuMicros(async () => {
    await verify(tokens[i++], body);
  });

  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const edTokens: string[] = [];
  const edSign = await cpuMicros(async () => {
    edTokens.push(
      await new SignJWT({ agency: viewer.agency, scope: viewer.scopes.join(' '), regions: viewer.regions, rid: 'bench' })
        .setProtectedHeader({ alg: 'EdDSA' }).setSubject(viewer.subject).setIssuer('rule-of-law-hub-gateway').setAudience('rule-of-law-hub-subgraphs')
        .setIssuedAt().setExpirationTime('60s').sign(privateKey),
    );
  });
  let j = 0;
  const edVerify = await cpuMicros(async () => {
    await jwtVerify(edTokens[j++], publicKey, { issuer: 'rule-of-law-hub-gateway', audience: 'rule-of-law-hub-subgraphs', algorithms: ['EdDSA'] });
  });
  const f = (micros: number) => `${micros.toFixed(1)} µs`;
  console.log(`identity cost, CPU time per token (${ITERATIONS} each, body ${body.length} bytes, node ${process.version}):`);
  console.log(`  HMAC-SHA256 per call (platform/access/identity.ts)   sign ${f(hmacSign)}   verify ${f(hmacVerify)}`);
  console.log(`  Ed25519 JWT via jose (the former identity)    sign ${f(edSign)}   verify ${f(edVerify)}`);
  await measureReplayCheckCost(secret);
}

const REDIS_ITERATIONS = 5_000;
const CONCURRENCY = 64;

interface Times {
  /** Wall time per verify, µs. */
  wall: number;
  /** CPU time of this process per verify, µs. */
  cpu: number;
}

/** Wall and CPU time per verify over REDIS_ITERATIONS verifies, `concurrency` at once. */
async function timed(verify: ReturnType<typeof createIdentityVerifier>, tokens: string[], concurrency: number): Promise<Times> {
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < tokens.length) await verify(tokens[next++], body);
  }));
  const { user, system } = process.cpuUsage(cpuStart);
  return { wall: ((performance.now() - started) * 1000) / tokens.length, cpu: (user + system) / tokens.length };
}

/** One after the other, then CONCURRENCY at once (fresh tokens each). */
async function verifyTimes(verify: ReturnType<typeof createIdentityVerifier>, tokens: () => string[]): Promise<{ sequential: Times; concurrent: Times }> {
  return { sequential: await timed(verify, tokens(), 1), concurrent: await timed(verify, tokens(), CONCURRENCY) };
}

async function measureReplayCheckCost(secret: string): Promise<void> {
  const url = stringFromEnv('REDIS_URL') ?? 'redis://127.0.0.1:6379';
  const sign = createIdentitySigner(secret);
  const key = subgraphIdentityKey(secret, 'judicial');
  // A long lifetime: a loaded machine must not see them expire during the runs.
  const tokens = () => Array.from({ length: REDIS_ITERATIONS }, () => sign({ viewer, requestId: 'bench' }, { audience: 'judicial', body, lifetimeMs: 120_000 }));
  const redis = redisReplayMemory({ url, prefix: `hub-bench-${randomUUID()}` });
  try {
    // It connects in the background: the first answer says it is there.
    const until = Date.now() + 3_000;
    while (!(await redis.remember('judicial', randomUUID(), Date.now() + 1_000, Date.now()).then(() => true, () => false))) {
      if (Date.now() > until) return console.log(`  replay check in Redis: no Redis answers at ${url}; not measured`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const inMemory = await verifyTimes(createIdentityVerifier({ audience: 'judicial', key, replayMemory: 4 * REDIS_ITERATIONS }), tokens);
    const inRedis = await verifyTimes(createIdentityVerifier({ audience: 'judicial', key, replay: redis }), tokens);
    const f = (micros: number) => `${micros.toFixed(1)} µs`;
    const row = (t: Times) => `wall ${f(t.wall).padStart(9)}   CPU ${f(t.cpu).padStart(9)}`;
    console.log(`replay check, per verify (${REDIS_ITERATIONS} each), one after the other | ${CONCURRENCY} at once:`);
    for (const [label, t] of [['jti in memory', inMemory], [`jti in Redis at ${url}`, inRedis]] as const) {
      console.log(`  ${label.padEnd(40)} ${row(t.sequential)} | ${row(t.concurrent)}`);
    }
    const added = (a: Times, b: Times): Times => ({ wall: a.wall - b.wall, cpu: a.cpu - b.cpu });
    console.log(`  ${'the Redis check adds'.padEnd(40)} ${row(added(inRedis.sequential, inMemory.sequential))} | ${row(added(inRedis.concurrent, inMemory.concurrent))}`);
  } finally {
    await redis.close();
  }
}
