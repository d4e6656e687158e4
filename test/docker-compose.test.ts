// No Docker engine runs here, so docker-compose.yml is checked against the
// code: a service per subgraph with its port, database URL and health check,
// a database for each in the init script, and the gateway pointed at each.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { envPrefix } from '../platform/config';
import { listSubgraphs } from '../schema/subgraphs';

const root = path.join(__dirname, '..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'));
const initSql = readFileSync(path.join(root, 'docker', 'postgres-init.sql'), 'utf8');
const subgraphs = listSubgraphs();

describe('docker-compose.yml', () => {
  test('has PostgreSQL, the gateway and exactly one service per subgraph', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['gateway', 'postgres', ...subgraphs.map((s) => s.name)].sort());
  });

  test.each(subgraphs.map((s) => [s.name, s] as const))('%s: port, database, command and health check', (name, subgraph) => {
    const service = compose.services[name];
    const prefix = envPrefix(name);
    expect(service.environment[`${prefix}_PORT`]).toBe(String(subgraph.defaultPort));
    expect(service.ports).toEqual([`${subgraph.defaultPort}:${subgraph.defaultPort}`]);
    const databaseUrl = new URL(service.environment[`${prefix}_DATABASE_URL`]);
    expect(databaseUrl.hostname).toBe('postgres');
    const database = databaseUrl.pathname.slice(1);
    expect(initSql).toMatch(new RegExp(`CREATE DATABASE "?${database}"?;`));
    expect(service.command).toEqual(['npx', 'tsx', 'scripts/start-subgraph.ts', name]);
    expect(service.depends_on.postgres.condition).toBe('service_healthy');
    expect(service.healthcheck.test.join(' ')).toContain(`localhost:${subgraph.defaultPort}/ready`);
    expect(compose.services.gateway.environment[`${prefix}_URL`]).toBe(`http://${name}:${subgraph.defaultPort}/graphql`);
    expect(compose.services.gateway.depends_on[name].condition).toBe('service_healthy');
  });

  test('every service verifies the identity the gateway signs; the gateway verifies callers against an identity provider', () => {
    for (const name of ['gateway', ...subgraphs.map((s) => s.name)]) {
      expect(compose.services[name].environment.HUB_IDENTITY_PUBLIC_KEY).toMatch(/^\$\{HUB_IDENTITY_PUBLIC_KEY:\?/);
    }
    const gateway = compose.services.gateway.environment;
    expect(gateway.HUB_IDENTITY_PRIVATE_KEY).toMatch(/^\$\{HUB_IDENTITY_PRIVATE_KEY:\?/);
    expect(gateway.AUTH_JWKS_URL).toMatch(/^\$\{AUTH_JWKS_URL:\?/);
    expect(gateway.AUTH_ISSUER).toMatch(/^\$\{AUTH_ISSUER:\?/);
    for (const s of subgraphs) expect(compose.services[s.name].environment.HUB_IDENTITY_PRIVATE_KEY).toBeUndefined();
  });

  test('the gateway listens on 4000 with a health check', () => {
    const gateway = compose.services.gateway;
    expect(gateway.environment.GATEWAY_PORT).toBe('4000');
    expect(gateway.ports).toEqual(['4000:4000']);
    expect(gateway.command).toEqual(['npx', 'tsx', 'gateway/main.ts']);
    expect(gateway.healthcheck.test.join(' ')).toContain('localhost:4000/ready');
  });

  test('every variable a service sets is one the code reads', () => {
    const known = new Set(['GATEWAY_PORT', 'SEED_SCALE', 'HUB_IDENTITY_PUBLIC_KEY', 'HUB_IDENTITY_PRIVATE_KEY', 'AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE', ...subgraphs.flatMap((s) => ['PORT', 'DATABASE_URL', 'URL'].map((v) => `${envPrefix(s.name)}_${v}`))]);
    for (const [name, service] of Object.entries<{ environment?: Record<string, string> }>(compose.services)) {
      if (name === 'postgres') continue;
      for (const variable of Object.keys(service.environment ?? {})) expect({ service: name, variable, known: known.has(variable) }).toEqual({ service: name, variable, known: true });
    }
  });
});
