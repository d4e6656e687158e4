// The production build as the image runs it (the Dockerfile's stages, without
// Docker, which this machine has no engine for): the compiled output of
// `npm run build:server` in a folder of its own, beside node_modules holding
// the production dependencies only (`npm ci --omit=dev`, so no tsx, no
// TypeScript compiler), and the entry points the image starts (a subgraph and
// the gateway) run there by plain `node` with NODE_ENV=production, answering
// queries through the gateway.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { postGraphQL, signToken } from './harness';
import { killProcess, serviceEnv, startServiceProcess, type ServiceProcess } from './processes';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');

/** Every file under a folder, relative to it. */
function filesUnder(folder: string, base = folder): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(full, base) : [path.relative(base, full)];
  });
}

describe('the production build: compiled JavaScript with production dependencies only', () => {
  let dir: string;
  let subgraph: ServiceProcess | undefined;
  let gateway: ServiceProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hub-production-'));
    // npm run build:server, into this folder's dist/.
    await run(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--outDir', path.join(dir, 'dist')], { cwd: ROOT });
    await run(process.execPath, [path.join(dir, 'dist', 'scripts', 'build-assets.js')], { cwd: ROOT });
    // The Dockerfile's `deps` stage: production dependencies only, from the lock file, no install scripts.
    for (const file of ['package.json', 'package-lock.json']) copyFileSync(path.join(ROOT, file), path.join(dir, file));
    await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, timeout: 300_000 });
  }, 400_000);

  afterAll(async () => {
    await killProcess(gateway);
    await killProcess(subgraph);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the build holds JavaScript and the files the services read at run time, no TypeScript; no compiler or tsx is installed', () => {
    const files = filesUnder(path.join(dir, 'dist'));
    expect(files.filter((file) => /\.[cm]?ts$/.test(file))).toEqual([]);
    expect(files.filter((file) => !file.endsWith('.js')).sort()).toEqual(
      [
        'schema/supergraph.graphql',
        'schema/persisted-query-manifest.json',
        'platform/server/shared.graphql',
        ...readdirSync(path.join(ROOT, 'schema', 'contract')).map((file) => `schema/contract/${file}`),
        ...readdirSync(path.join(ROOT, 'schema', 'operations')).map((file) => `schema/operations/${file}`),
        ...readdirSync(path.join(ROOT, 'subgraphs')).map((name) => `subgraphs/${name}/schema.graphql`),
      ].sort(),
    );
    for (const entry of ['gateway/main.js', 'scripts/start-subgraph.js', 'scripts/import.js', 'scripts/rollups.js', 'scripts/keys.js']) {
      expect(existsSync(path.join(dir, 'dist', entry))).toBe(true);
    }
    // The compiled supergraph is the committed one.
    expect(readFileSync(path.join(dir, 'dist', 'schema', 'supergraph.graphql'), 'utf8')).toBe(readFileSync(path.join(ROOT, 'schema', 'supergraph.graphql'), 'utf8'));
    for (const devOnly of ['tsx', 'typescript', 'jest', '@swc/core', 'esbuild', '@graphql-codegen/cli']) {
      expect({ devOnly, installed: existsSync(path.join(dir, 'node_modules', devOnly)) }).toEqual({ devOnly, installed: false });
    }
    expect(statSync(path.join(dir, 'node_modules', 'graphql')).isDirectory()).toBe(true);
  });

  test('a subgraph and the gateway start from the compiled output with plain node and answer through the gateway', async () => {
    const env = serviceEnv({ NODE_ENV: 'production', JUDICIAL_PORT: '0', GATEWAY_PORT: '0', GATEWAY_SUPERGRAPH_WATCH: 'off' });
    subgraph = await startServiceProcess('judicial', env, { script: path.join(dir, 'dist', 'scripts', 'start-subgraph.js'), args: ['judicial'], cwd: dir });
    // The other agencies are not running: their URLs point where nothing listens.
    const nowhere = { LEGAL_AID_URL: 'http://127.0.0.1:9/graphql', EDUCATION_URL: 'http://127.0.0.1:9/graphql', PARTNERS_URL: 'http://127.0.0.1:9/graphql' };
    gateway = await startServiceProcess('gateway', { ...env, ...nowhere, JUDICIAL_URL: subgraph.url }, { script: path.join(dir, 'dist', 'gateway', 'main.js'), cwd: dir });
    for (const service of [subgraph, gateway]) {
      // Plain node: no loader, no TypeScript runner, the compiled entry point.
      const command = readFileSync(`/proc/${service.pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      expect(command).toEqual([process.execPath, expect.stringMatching(/\/dist\/(scripts\/start-subgraph|gateway\/main)\.js$/), ...(service === subgraph ? ['judicial'] : [])]);
    }

    const figures = await postGraphQL<{ region: { name: string; judicialStats: { offices: number } } }>(gateway.url, { query: '{ region(code: "650000") { name judicialStats { offices } } }' });
    expect(figures).toEqual({ status: 200, data: { region: { name: 'Xinjiang Uyghur Autonomous Region', judicialStats: { offices: 1067 } } } });
    const me = await postGraphQL<{ me: { subject: string; scopes: string[] } }>(gateway.url, { query: '{ me { subject scopes } }' }, { authorization: `Bearer ${await signToken({ sub: 'production-check', scope: 'analyst' })}` });
    expect(me).toEqual({ status: 200, data: { me: { subject: 'production-check', scopes: ['analyst'] } } });
    // The subgraph answers only the gateway's signed identity (the key came from the environment, not a development key).
    const direct = await postGraphQL(subgraph.url, { query: '{ __typename }' });
    expect(direct.status).toBe(401);
  });
});
