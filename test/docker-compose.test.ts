// No Docker engine runs here, so docker-compose.yml, the Dockerfile and
// .dockerignore are checked against the code: a service per subgraph with its
// port, database URL, Redis and health check, a database for each in the init
// script, the gateway pointed at each; the compiled entry points run as the
// user `node`; secrets given at run time from .env (never a value in the
// file, each service only its own), the gateway working from such an .env
// with a static public key as with a JWKS URL; and the image's build context, computed from .dockerignore
// with a port of Docker's own matcher (@balena/dockerignore), holding no key,
// env file or local data, whatever files the project holds.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import dockerignore from '@balena/dockerignore';
import { parse as parseDotenv } from 'dotenv';
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { parse } from 'yaml';
import { gatewayOptionsFromEnv, startGateway } from '../gateway/gateway';
import { envPrefix } from '../platform/core/config';
import { envLine } from '../platform/core/env-file';
import { identityKeyVariable, newHubSecrets } from '../platform/access/hub-secrets';
import { createIdentitySigner, createIdentityVerifier, subgraphIdentityKeyFromEnv } from '../platform/access/identity';
import { startOptionsFromEnv } from '../platform/server/subgraph';
import { ANONYMOUS } from '../platform/core/viewer';
import { listSubgraphs } from '../schema/subgraphs';
import { composeHaproxyText } from '../scripts/cluster/compose-haproxy';
import { postGraphQL } from './harness';

const root = path.join(__dirname, '..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'));
const initSql = readFileSync(path.join(root, 'docker', 'postgres-init.sql'), 'utf8');
const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const haproxyCfg = readFileSync(path.join(root, 'docker', 'haproxy.cfg'), 'utf8');
const HAPROXY = process.env.TEST_HAPROXY && process.env.TEST_HAPROXY !== '1' ? process.env.TEST_HAPROXY : 'haproxy';
const subgraphs = listSubgraphs();

/** docker-compose's interpolation of `${NAME}`, `${NAME:?message}` and `${NAME:-default}` from an .env's variables. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_match, name: string, kind?: string, rest?: string) => {
    if (env[name]) return env[name];
    if (kind === '?') throw new Error(`${name}: ${rest}`);
    return rest ?? '';
  });
}

/** A service's environment as docker-compose gives it from an .env holding `dotenv` (its `environment`, interpolated). */
function serviceEnvironment(name: string, dotenv: Record<string, string>): Record<string, string> {
  const service = compose.services[name];
  return Object.fromEntries(Object.entries<string>(service.environment ?? {}).map(([key, value]) => [key, interpolate(String(value), dotenv)]));
}

/** An .env as `npm run keys` writes it, plus the lines given. */
function dotenvWith(...lines: string[]): Record<string, string> {
  const written = Object.entries(newHubSecrets(subgraphs.map((s) => s.name))).map(([name, value]) => envLine(name, value));
  return parseDotenv([...written, ...lines].join('\n'));
}

describe('docker-compose.yml', () => {
  const env = dotenvWith('AUTH_JWKS_URL=https://idp.example.org/jwks.json', 'AUTH_ISSUER=https://idp.example.org/');

  test('has PostgreSQL, Redis, HAProxy, the gateway and exactly one service per subgraph', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['gateway', 'haproxy', 'postgres', 'redis', ...subgraphs.map((s) => s.name)].sort());
  });

  test.each(subgraphs.map((s) => [s.name, s] as const))('%s: 2 replicas, port, database, Redis for their replay memory, compiled command and health check, reached through HAProxy', (name, subgraph) => {
    const service = compose.services[name];
    const prefix = envPrefix(name);
    const environment = serviceEnvironment(name, env);
    expect(environment[`${prefix}_PORT`]).toBe(String(subgraph.defaultPort));
    // Replicas publish no port: the gateways reach them through HAProxy, which checks their admin port.
    expect(service.ports).toBeUndefined();
    expect(service.deploy.replicas).toBe(2);
    expect(environment.ADMIN_HOST).toBe('0.0.0.0');
    const databaseUrl = new URL(environment[`${prefix}_DATABASE_URL`]);
    expect(databaseUrl.hostname).toBe('postgres');
    expect(decodeURIComponent(databaseUrl.password)).toBe(env.POSTGRES_PASSWORD);
    const database = databaseUrl.pathname.slice(1);
    expect(initSql).toMatch(new RegExp(`CREATE DATABASE "?${database}"?;`));
    expect(service.command).toEqual(['node', 'dist/scripts/start-subgraph.js', name]);
    expect(service.depends_on.postgres.condition).toBe('service_healthy');
    // Its replicas share Redis for the identities they accepted (platform/access/replay-memory.ts).
    expect(environment[`${prefix}_REDIS_URL`]).toBe('redis://redis:6379');
    expect(service.depends_on.redis.condition).toBe('service_healthy');
    expect(service.healthcheck.test.join(' ')).toContain(`127.0.0.1:${subgraph.defaultPort + 100}/ready`);
    expect(compose.services.gateway.environment[`${prefix}_URL`]).toBe(`http://haproxy:${subgraph.defaultPort}/graphql`);
    expect(haproxyCfg).toContain(`frontend ${name}\n    bind *:${subgraph.defaultPort}\n`);
    expect(haproxyCfg).toContain(`server-template ${name}- 2 ${name}:${subgraph.defaultPort} check port ${subgraph.defaultPort + 100} resolvers docker`);
    expect(compose.services.gateway.depends_on[name].condition).toBe('service_healthy');
  });

  test('3 gateway replicas on 4000 behind HAProxy (published on 4000), sharing Redis, with a health check, from the compiled entry point', () => {
    const gateway = compose.services.gateway;
    expect(gateway.environment.GATEWAY_PORT).toBe('4000');
    expect(gateway.ports).toBeUndefined();
    expect(gateway.deploy.replicas).toBe(3);
    expect(gateway.environment.REDIS_URL).toBe('redis://redis:6379');
    expect(gateway.depends_on.redis.condition).toBe('service_healthy');
    expect(compose.services.haproxy.ports).toEqual(['4000:4000']);
    expect(compose.services.haproxy.volumes).toEqual(['./docker/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro']);
    expect(haproxyCfg).toContain('frontend hub\n    bind *:4000\n');
    expect(haproxyCfg).toContain('server-template gateway- 3 gateway:4000 check port 4100 resolvers docker');
    expect(gateway.command).toEqual(['node', 'dist/gateway/main.js']);
    expect(gateway.healthcheck.test.join(' ')).toContain('127.0.0.1:4100/ready');
  });

  test('secrets come from .env at run time: no value is written in the file; each service gets only what it needs', async () => {
    const text = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');
    // Every secret a service is given is `${NAME:?...}`: compose refuses to start without it, and the file has no value of its own.
    for (const [service, { environment }] of Object.entries<{ environment?: Record<string, string> }>(compose.services)) {
      for (const [variable, value] of Object.entries(environment ?? {})) {
        for (const secret of ['HUB_IDENTITY_SECRET', ...subgraphs.map((s) => identityKeyVariable(s.name)), 'POSTGRES_PASSWORD']) {
          if (variable === secret) expect({ service, variable, value }).toEqual({ service, variable, value: expect.stringMatching(new RegExp(`^\\$\\{${secret}:\\?[^}]+\\}$`)) });
        }
        if (variable.endsWith('_DATABASE_URL')) expect(value).toMatch(/^postgres:\/\/postgres:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/\w+$/);
      }
    }
    expect(text).not.toMatch(/BEGIN (PRIVATE|PUBLIC) KEY-----(\\n|\n)[A-Za-z0-9+/]{20}|postgres:postgres@|POSTGRES_PASSWORD: postgres/);
    // No service gets .env whole: each gets the variables listed for it.
    for (const service of Object.values<{ env_file?: unknown }>(compose.services)) expect(service.env_file).toBeUndefined();
    for (const s of subgraphs) {
      const environment = serviceEnvironment(s.name, env);
      // Its own identity key and no other: a subgraph holds nothing that another subgraph would accept.
      expect(Object.keys(environment).filter((key) => key.includes('IDENTITY'))).toEqual([identityKeyVariable(s.name)]);
      const verify = createIdentityVerifier({ audience: s.name, key: environment[identityKeyVariable(s.name)] });
      const body = '{"query":"{ __typename }"}';
      const sign = createIdentitySigner(env.HUB_IDENTITY_SECRET);
      expect((await verify(sign({ viewer: ANONYMOUS, requestId: 'r' }, { audience: s.name, body, lifetimeMs: 5_000 }), body)).viewer).toEqual(ANONYMOUS);
      for (const other of subgraphs.filter((o) => o.name !== s.name)) {
        const theirs = createIdentityVerifier({ audience: other.name, key: serviceEnvironment(other.name, env)[identityKeyVariable(other.name)] });
        // Signed with this subgraph's key and naming the other as audience: refused there.
        const minted = createIdentitySigner(env.HUB_IDENTITY_SECRET)({ viewer: ANONYMOUS, requestId: 'r' }, { audience: s.name, body, lifetimeMs: 5_000 });
        const retargeted = minted.split('.');
        const payload = JSON.parse(Buffer.from(retargeted[1], 'base64url').toString());
        retargeted[1] = Buffer.from(JSON.stringify({ ...payload, aud: other.name })).toString('base64url');
        await expect(theirs(retargeted.join('.'), body)).rejects.toThrow(expect.objectContaining({ reason: 'IDENTITY_BAD_SIGNATURE' }));
      }
      expect(Object.keys(environment).filter((key) => key.startsWith('AUTH_'))).toEqual([]);
    }
    const gateway = compose.services.gateway;
    expect(gateway.environment.HUB_IDENTITY_SECRET).toMatch(/^\$\{HUB_IDENTITY_SECRET:\?/);
    expect(Object.keys(serviceEnvironment('gateway', env)).filter((key) => key.includes('IDENTITY'))).toEqual(['HUB_IDENTITY_SECRET']);
    expect(JSON.stringify(serviceEnvironment('gateway', env))).not.toContain(env.POSTGRES_PASSWORD);
    expect(compose.services.postgres.environment.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
    // Without .env, docker compose refuses to start, saying what to run.
    expect(() => serviceEnvironment('judicial', {})).toThrow(/run npm run keys/);
  });

  test('every variable a service sets is one the code reads', () => {
    const known = new Set(['GATEWAY_PORT', 'ADMIN_HOST', 'SHUTDOWN_DELAY_MS', 'REDIS_URL', 'SEED_SCALE', 'HUB_IDENTITY_SECRET', 'AUTH_JWKS_URL', 'AUTH_PUBLIC_KEY', 'AUTH_ALGORITHM', 'AUTH_ISSUER', 'AUTH_AUDIENCE', 'GATEWAY_CORS_ORIGINS', ...subgraphs.flatMap((s) => ['PORT', 'DATABASE_URL', 'URL', 'IDENTITY_KEY', 'REDIS_URL'].map((v) => `${envPrefix(s.name)}_${v}`))]);
    for (const [name, service] of Object.entries<{ environment?: Record<string, string> }>(compose.services)) {
      if (name === 'postgres' || name === 'redis' || name === 'haproxy') continue;
      for (const variable of Object.keys(service.environment ?? {})) expect({ service: name, variable, known: known.has(variable) }).toEqual({ service: name, variable, known: true });
    }
  });

  test('docker/haproxy.cfg is what `npm run compose:haproxy` writes from the template and docker-compose.yml, and HAProxy accepts it', () => {
    expect(haproxyCfg).toBe(composeHaproxyText());
    const check = spawnSync(HAPROXY, ['-c', '-f', path.join(root, 'docker', 'haproxy.cfg')], { encoding: 'utf8' });
    if (check.error && !process.env.TEST_HAPROXY) {
      console.warn(`haproxy is not installed: docker/haproxy.cfg is not checked by HAProxy itself`);
      return;
    }
    expect(`${check.stdout}${check.stderr}`.trim()).toBe('Configuration file is valid');
    expect(check.status).toBe(0);
  });

  test('every node service stops within its grace period: SHUTDOWN_DELAY_MS + 8 s of draining < stop_grace_period', () => {
    for (const name of ['gateway', ...subgraphs.map((s) => s.name)]) {
      const service = compose.services[name];
      expect([name, Number(service.environment.SHUTDOWN_DELAY_MS) + 8_000 < parseInt(service.stop_grace_period, 10) * 1000]).toEqual([name, true]);
    }
  });

  describe('the gateway from an .env with', () => {
    const withEnvironment = async <T>(environment: Record<string, string>, run: () => Promise<T>): Promise<T> => {
      const saved = { ...process.env };
      Object.assign(process.env, environment, { NODE_ENV: 'production' });
      try {
        return await run();
      } finally {
        for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
        Object.assign(process.env, saved);
      }
    };

    test('a JWKS URL: the identity provider\'s keys', async () => {
      const options = await withEnvironment(serviceEnvironment('gateway', env), async () => gatewayOptionsFromEnv());
      expect(options.auth).toMatchObject({ jwksUrl: 'https://idp.example.org/jwks.json', issuer: 'https://idp.example.org/' });
      expect(options.identitySecret).toBe(env.HUB_IDENTITY_SECRET);
    });

    test('a subgraph takes its own identity key from its environment; in production without one (or the gateway\'s secret) it refuses to start', async () => {
      for (const s of subgraphs) {
        const key = await withEnvironment(serviceEnvironment(s.name, env), async () => subgraphIdentityKeyFromEnv(s.name));
        expect(key).toBe(env[identityKeyVariable(s.name)]);
        await expect(
          withEnvironment({}, async () => {
            delete process.env.HUB_IDENTITY_SECRET;
            delete process.env[identityKeyVariable(s.name)];
            return subgraphIdentityKeyFromEnv(s.name);
          }),
        ).rejects.toThrow(`${identityKeyVariable(s.name)} must be set when NODE_ENV=production`);
      }
      const { HUB_IDENTITY_SECRET: _secret, ...gatewayWithoutSecret } = serviceEnvironment('gateway', env);
      await expect(withEnvironment(gatewayWithoutSecret, async () => (delete process.env.HUB_IDENTITY_SECRET, gatewayOptionsFromEnv()))).rejects.toThrow(/refused when NODE_ENV=production/);
    });

    test('each subgraph takes the Redis its replicas share for the identities they accepted from its environment', async () => {
      for (const s of subgraphs) {
        const options = await withEnvironment(serviceEnvironment(s.name, env), async () => startOptionsFromEnv(s));
        expect([s.name, options.replayRedisUrl]).toEqual([s.name, 'redis://redis:6379']);
      }
    });

    test('a static public key (AUTH_PUBLIC_KEY, one line in .env): tokens signed with its private key are accepted', async () => {
      const { publicKey, privateKey } = await generateKeyPair('RS256');
      const pem = (await exportSPKI(publicKey)).trim().replace(/\n/g, '\\n');
      const staticKey = dotenvWith(`AUTH_PUBLIC_KEY="${pem}"`, 'AUTH_ALGORITHM=RS256', 'AUTH_ISSUER=https://idp.example.org/');
      const options = await withEnvironment(serviceEnvironment('gateway', staticKey), async () => gatewayOptionsFromEnv());
      expect(options.auth).toMatchObject({ jwksUrl: undefined, algorithm: 'RS256', publicKey: expect.stringContaining('BEGIN PUBLIC KEY') });
      const nowhere = Object.fromEntries(subgraphs.map((s) => [s.name, 'http://127.0.0.1:9/graphql']));
      expect(options.redisUrl).toBe('redis://redis:6379');
      // No compose network here: no Redis named `redis` (the token's check needs none).
      const gateway = await startGateway({ ...options, redisUrl: undefined, port: 0, watchSupergraph: false, responseCache: false, subgraphUrls: nowhere });
      try {
        const sign = (key: CryptoKey) =>
          new SignJWT({ scope: 'analyst' }).setProtectedHeader({ alg: 'RS256' }).setSubject('dashboard').setIssuer('https://idp.example.org/').setAudience('rule-of-law-hub').setIssuedAt().setExpirationTime('5m').sign(key);
        // `__typename` needs no subgraph: what is checked is the token, verified with the static key.
        const accepted = await postGraphQL(gateway.url, { query: '{ __typename }' }, { authorization: `Bearer ${await sign(privateKey)}` });
        expect(accepted).toEqual({ status: 200, data: { __typename: 'Query' } });
        const other = await generateKeyPair('RS256');
        const refused = await postGraphQL(gateway.url, { query: '{ __typename }' }, { authorization: `Bearer ${await sign(other.privateKey)}` });
        expect(refused.status).toBe(401);
      } finally {
        await gateway.stop();
      }
    });
  });
});

describe('the image', () => {
  /** Every file of the project (node_modules and .git only sampled: their contents are left out as a whole). */
  function projectFiles(folder = root): string[] {
    return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(folder, entry.name);
      const relative = path.relative(root, full);
      if (['node_modules', '.git'].includes(relative)) return [`${relative}/sample`];
      return entry.isDirectory() ? projectFiles(full) : [relative];
    });
  }
  const rules = dockerignore().add(readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n'));
  const inContext = (file: string) => !rules.ignores(file);

  /** Files that hold or may hold secrets or local data, wherever they are, or could be. */
  const SECRET = /(^|\/)(\.env($|\.)|[^/]*\.env$|[^/]*\.(pem|key|crt|p12|pfx)$|id_(rsa|ed25519)|secrets\/|\.data\/|dev-keys\/)/;
  const planted = [
    '.env', '.env.production', '.env.local', 'production.env', 'docker/.env', 'platform/.env', 'gateway/.env.development', 'subgraphs/judicial/.env',
    'secrets/hub_identity_private_key', 'gateway/secrets/key.txt', 'keys/hub.pem', 'platform/identity.key', 'scripts/tls.crt', 'cli/client.p12', 'id_ed25519', 'schema/id_rsa',
    '.data/dev-keys/identity.json', '.data/judicial/PG_VERSION', 'subgraphs/judicial/.data/base/1', 'platform/dev-keys/token.json',
  ];

  test('the build context, computed from .dockerignore, holds no key, env file or local data: neither of the project nor planted anywhere', () => {
    const files = projectFiles();
    const included = files.filter(inContext);
    expect(included.filter((file) => SECRET.test(file))).toEqual([]);
    expect(planted.filter((file) => SECRET.test(file))).toEqual(planted);
    expect(planted.filter(inContext)).toEqual([]);
    // Nor dependencies, build output, git or tests: the image builds its own.
    expect(included.filter((file) => /^(node_modules|dist|\.git|test|bench)\//.test(file))).toEqual([]);
    expect(inContext('.git')).toBe(false);
  });

  test('the Dockerfile copies named files and folders of the context only, never the whole of it', () => {
    const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].map((m) => m[1].trim().split(/\s+/));
    expect(dockerfile).not.toMatch(/^(ADD|COPY\s+\.\s)/m);
    const sources = copies.flatMap((words) => words.slice(0, -1));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect({ source, exists: existsSync(path.join(root, source)), inContext: inContext(source) }).toEqual({ source, exists: true, inContext: true });
    }
    // Each folder the build compiles is in the context and copied.
    const build = JSON.parse(readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')) as { include: string[] };
    for (const folder of build.include) expect(sources).toContain(folder);
  });

  test('stages: build compiles, deps installs production dependencies only, runtime runs the compiled gateway as the user node', () => {
    const stages = [...dockerfile.matchAll(/^FROM (\S+) AS (\w+)$/gm)].map((m) => m[2]);
    expect(stages).toEqual(['build', 'deps', 'runtime']);
    const stage = (name: string) => dockerfile.split(/^FROM /m).find((part) => part.includes(` AS ${name}\n`))!;
    expect(stage('build')).toMatch(/^RUN npm run build$/m);
    expect(stage('build')).toMatch(/^COPY web web$/m);
    expect(stage('deps')).toMatch(/^RUN npm ci --omit=dev /m);
    const runtime = stage('runtime');
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
    expect(runtime).toMatch(/^COPY --from=deps \/hub\/node_modules node_modules$/m);
    expect(runtime).toMatch(/^COPY --from=build \/hub\/dist dist$/m);
    expect(runtime).toMatch(/^COPY --from=build \/hub\/web\/dist web\/dist$/m);
    expect(runtime).not.toMatch(/^COPY (?!--from)/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime.trim().split('\n').pop()).toBe('CMD ["node", "dist/gateway/main.js"]');
    expect(dockerfile.replace(/^#.*$/gm, '')).not.toMatch(/tsx|ts-node/);
  });
});
