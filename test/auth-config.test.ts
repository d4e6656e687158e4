// How the gateway gets its verification keys: a JWKS URL (production), and the
// development key that `npm run token` signs with (refused in production).
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createPublicKey } from 'node:crypto';
import { authConfigFromEnv, DEFAULT_AUDIENCE } from '../gateway/auth';
import { startGateway, type GatewayOptions } from '../gateway/gateway';
import { IDENTITY_SECRET, postGraphQL, signToken, startHub, TEST_ISSUER, TOKEN_KEYS, type Hub } from './harness';
import { newEd25519KeyPair } from '../platform/access/dev-keys';

const root = path.join(__dirname, '..');

describe('verification keys', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startHub({ only: ['judicial'] });
  });
  afterAll(() => hub?.stop());

  async function meThrough(options: GatewayOptions, authorization: string) {
    const gateway = await startGateway({
      port: 0,
      subgraphUrls: { judicial: hub.subgraphs.judicial.url },
      identitySecret: IDENTITY_SECRET,
      ...options,
    });
    try {
      return await postGraphQL<{ me: { subject: string; scopes: string[] } }>(gateway.url, { query: '{ me { subject scopes } }' }, { authorization });
    } finally {
      await gateway.stop();
    }
  }

  test('a JWKS URL: keys are fetched from it; a token signed with a key not in the set is refused', async () => {
    const jwk = { ...createPublicKey(TOKEN_KEYS.publicKey).export({ format: 'jwk' }), kid: 'hub-test', alg: 'EdDSA', use: 'sig' };
    let fetches = 0;
    const jwks = http.createServer((_req, res) => {
      fetches++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    try {
      const auth = { jwksUrl, issuer: TEST_ISSUER, audience: DEFAULT_AUDIENCE };
      const good = await meThrough({ auth }, `Bearer ${await signToken({ sub: 'via-jwks', scope: 'analyst' })}`);
      expect(good.data!.me).toEqual({ subject: 'via-jwks', scopes: ['analyst'] });
      expect(fetches).toBeGreaterThan(0);
      const other = newEd25519KeyPair();
      const bad = await meThrough({ auth }, `Bearer ${await signToken({ sub: 'intruder' }, { privateKey: other.privateKey })}`);
      expect(bad.status).toBe(401);
      expect(bad.errors![0].extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      jwks.close();
    }
  });

  test('npm run token prints a token the development configuration accepts', async () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', '--agency', 'legal-aid', '--scopes', 'legal-aid:cases legal-aid:pii', '--regions', '652900'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'development' },
    });
    expect(run.status).toBe(0);
    const token = run.stdout.trim();
    const response = await meThrough({ auth: authConfigFromEnv() }, `Bearer ${token}`);
    expect(response.data!.me).toEqual({ subject: 'legal-aid', scopes: ['legal-aid:cases', 'legal-aid:pii'] });
  });

  test('npm run token is refused in production, and so is a malformed --regions', () => {
    const production = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', '--scopes', 'analyst'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    expect(production.status).toBe(1);
    expect(production.stdout).toBe('');
    expect(production.stderr).toMatch(/refused when NODE_ENV=production/);
    const malformed = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', '--regions', '6529'], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'development' } });
    expect(malformed.status).toBe(2);
  });

  test('production without a configured key refuses to start rather than trust a development key', () => {
    const saved = { ...process.env };
    try {
      process.env.NODE_ENV = 'production';
      delete process.env.AUTH_JWKS_URL;
      delete process.env.AUTH_PUBLIC_KEY;
      expect(() => authConfigFromEnv()).toThrow(/AUTH_JWKS_URL or AUTH_PUBLIC_KEY/);
      process.env.AUTH_JWKS_URL = 'https://idp.example/jwks';
      expect(() => authConfigFromEnv()).toThrow(/AUTH_ISSUER/);
    } finally {
      process.env = saved;
    }
  });
});
