// `npm run bench -- --identity`: the CPU time of signing and verifying one
// forwarded identity, as the gateway does per subgraph call and a subgraph per
// request: the per-call HMAC-SHA256 identity (platform/identity.ts: body hash,
// jti memory) against an Ed25519 JWT signed and verified by jose (the identity
// the hub forwarded before, one per request, no body binding). CPU time from
// this process's own counters (process.cpuUsage), over many iterations.
import { generateKeyPairSync } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { createIdentitySigner, createIdentityVerifier, newIdentitySecret, subgraphIdentityKey } from '../platform/identity';

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
  const hmacVerify = await cpuMicros(() => {
    verify(tokens[i++], body);
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
  console.log(`  HMAC-SHA256 per call (platform/identity.ts)   sign ${f(hmacSign)}   verify ${f(hmacVerify)}`);
  console.log(`  Ed25519 JWT via jose (the former identity)    sign ${f(edSign)}   verify ${f(edVerify)}`);
}
