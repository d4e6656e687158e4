// `npm run new-subgraph -- <name>` in a copy of the project (the repository's
// files are never changed): the sixth subgraph gets its folder, test, port,
// docker-compose service and database; the copy composes, type-checks and
// passes the new subgraph's own test and the suites that check composition and
// docker-compose, unchanged; and the new subgraph, started as a process,
// answers through a gateway process.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { npmRun, signToken } from './harness';
import { killProcess, serviceEnv, startServiceProcess, type ServiceProcess } from './processes';
import { copyProject, type ProjectCopy } from './project-copy';

const NAME = 'land-registry';

/** This process's environment without jest's worker marker (the inner jest run sets its own). */
function withoutJestMarker(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.JEST_WORKER_ID;
  return env;
}

describe('npm run new-subgraph', () => {
  let copy: ProjectCopy;
  const services: ServiceProcess[] = [];
  beforeAll(() => {
    copy = copyProject();
  });
  afterAll(async () => {
    for (const service of services) await killProcess(service);
    copy?.remove();
  });

  test('creates a sixth subgraph that composes and passes the tests unchanged', async () => {
    const created = await npmRun('new-subgraph', [NAME], process.env, 180_000, copy.root);
    expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
    for (const file of ['schema.graphql', 'scopes.ts', 'database.ts', 'models.ts', 'migrations/0001-initial.ts', 'seed.ts', 'loaders.ts', 'resolvers/index.ts', 'resolvers/region.ts', 'subgraph.ts', 'generated/resolvers-types.ts']) {
      expect({ file, exists: existsSync(path.join(copy.root, 'subgraphs', NAME, file)) }).toEqual({ file, exists: true });
    }
    expect(existsSync(path.join(copy.root, 'test', `${NAME}.test.ts`))).toBe(true);
    const compose = parse(readFileSync(path.join(copy.root, 'docker-compose.yml'), 'utf8'));
    expect(compose.services[NAME].environment).toMatchObject({
      LAND_REGISTRY_PORT: '4005',
      LAND_REGISTRY_DATABASE_URL: 'postgres://postgres:${POSTGRES_PASSWORD:?run npm run keys to write .env}@postgres:5432/land_registry',
      LAND_REGISTRY_REDIS_URL: 'redis://redis:6379',
    });
    expect(compose.services.gateway.environment.LAND_REGISTRY_URL).toBe('http://haproxy:4005/graphql');
    expect(compose.services[NAME].deploy.replicas).toBe(2);
    expect(readFileSync(path.join(copy.root, 'docker', 'haproxy.cfg'), 'utf8')).toContain('frontend land-registry\n    bind *:4005\n');
    expect(existsSync(path.join(copy.root, 'deploy', 'k8s', 'land-registry.yaml'))).toBe(true);
    expect(readFileSync(path.join(copy.root, 'docker', 'postgres-init.sql'), 'utf8')).toMatch(/^CREATE DATABASE land_registry;$/m);
    expect(readFileSync(path.join(copy.root, 'schema', 'supergraph.graphql'), 'utf8')).toMatch(/landRegistryStats\(period: DateRange\): LandRegistryStats/);
    // Its SDL is only its own: the shared definitions come from the platform.
    expect(readFileSync(path.join(copy.root, 'subgraphs', NAME, 'schema.graphql'), 'utf8')).not.toMatch(/scalar Date|input DateRange/);

    const again = await npmRun('new-subgraph', [NAME], process.env, 60_000, copy.root);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('is taken');

    const typecheck = spawnSync(process.execPath, [path.join(copy.root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', '.'], { cwd: copy.root, encoding: 'utf8' });
    expect({ status: typecheck.status, output: typecheck.stdout }).toEqual({ status: 0, output: '' });
    const suites = spawnSync(
      process.execPath,
      ['--experimental-vm-modules', path.join(copy.root, 'node_modules', 'jest', 'bin', 'jest.js'), '--maxWorkers=1', `test/${NAME}.test.ts`, 'test/composition.test.ts', 'test/docker-compose.test.ts', 'test/k8s.test.ts', 'test/contract.test.ts'],
      { cwd: copy.root, encoding: 'utf8', env: withoutJestMarker() },
    );
    if (suites.status !== 0) console.log(suites.stdout + suites.stderr);
    expect({ status: suites.status, summary: /jest: \d+ passed, 0 failed/.test(suites.stdout + suites.stderr) }).toEqual({ status: 0, summary: true });
  }, 600_000);

  test('the new subgraph starts as a process and answers through a gateway process', async () => {
    const env = serviceEnv({ SEED_SCALE: '0.05' });
    const judicial = await startServiceProcess('judicial', { ...env, JUDICIAL_PORT: '0' }, { root: copy.root });
    services.push(judicial);
    const landRegistry = await startServiceProcess(NAME, { ...env, LAND_REGISTRY_PORT: '0' }, { root: copy.root });
    services.push(landRegistry);
    const gateway = await startServiceProcess('gateway', { ...env, GATEWAY_PORT: '0', JUDICIAL_URL: judicial.url, LAND_REGISTRY_URL: landRegistry.url }, { root: copy.root });
    services.push(gateway);
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await signToken({ agency: NAME })}` },
      body: JSON.stringify({ query: '{ region(code: "652900") { name landRegistryStats { records } children { landRegistryStats { records } } } }' }),
    });
    const { data, errors } = (await response.json()) as { data: any; errors?: unknown };
    expect(errors).toBeUndefined();
    expect(data.region.name).toBe('Aksu Prefecture');
    expect(data.region.landRegistryStats.records).toBeGreaterThan(0);
    expect(data.region.children.reduce((sum: number, c: any) => sum + c.landRegistryStats.records, 0)).toBe(data.region.landRegistryStats.records);
  }, 180_000);
});
