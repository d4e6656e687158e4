// Starts a real hub for a test file: every subgraph (on PGlite, or on fresh
// PostgreSQL databases) and the gateway, on free ports, in this process so that
// tests can read each database's SQL statement count. Requests go over HTTP.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { importPKCS8, SignJWT } from 'jose';
import { DEFAULT_AUDIENCE, type AuthConfig } from '../gateway/auth';
import { startGateway, type GatewayOptions, type RunningGateway } from '../gateway/gateway';
import { createIdentitySigner, IDENTITY_HEADER, newIdentitySecret, subgraphIdentityKey } from '../platform/access/identity';
import { ANONYMOUS, type Viewer } from '../platform/core/viewer';
import { startSubgraph, type RunningSubgraph, type StartOptions } from '../platform/server/subgraph';
import { composeSources, graphSources } from '../schema/compose';
import { listSubgraphs } from '../schema/subgraphs';
import { newEd25519KeyPair } from '../platform/access/dev-keys';
import { runImport, type ImportOutcome, type ImportRun } from '../cli/import';

export type DatabaseKind = 'pglite' | 'postgres';

const EDUCATION_SDL = path.join(__dirname, '..', 'subgraphs', 'education', 'schema.graphql');

/** The supergraph with education's schema changed by `edit`, composed as `npm run compose` does; throws if it does not compose. */
export function supergraphWithEducation(edit: (sdl: string) => string): string {
  const composed = composeSources(graphSources({ subgraph: 'education', file: 'education.graphql', sdl: edit(readFileSync(EDUCATION_SDL, 'utf8')) }));
  if (!composed.ok) throw new Error(JSON.stringify(composed.errors));
  return composed.supergraphSdl;
}

/** Redis for the tests that share state through it: TEST_REDIS_URL, or a local one if it answers (those tests are skipped, with a warning, if not). */
const PERIOD = { from: '2022-01-01', to: '2022-12-31' };
/** Variables for each registered operation (schema/operations): a prefecture (many children) first, then, for some, a township. */
export const REGISTERED_VARIABLES: Record<string, Record<string, unknown>[]> = {
  DashboardCases: [{ code: '652922', parties: true, applicants: true }],
  DashboardRegion: [{ code: '652900', period: PERIOD }, { code: '652922' }],
  DashboardTrend: [{ code: '652900', year: 2022 }],
  EducationOverview: [{ code: '652900', period: PERIOD }],
  JudicialOverview: [{ code: '652900', period: PERIOD }],
  LegalAidOverview: [{ code: '652900', period: PERIOD }],
  RegionScorecard: [{ code: '652900', period: PERIOD }, { code: '652922100' }],
};

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** The server the PostgreSQL tests create their databases on. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Keys of the test hubs: callers' tokens are signed with TOKEN_KEYS, the gateway's forwarded identity with keys derived from IDENTITY_SECRET. */
export const TOKEN_KEYS = newEd25519KeyPair();
export const IDENTITY_SECRET = newIdentitySecret();
/** The identity key of a test subgraph (platform/access/identity.ts). */
export const testIdentityKey = (subgraph: string): string => subgraphIdentityKey(IDENTITY_SECRET, subgraph);
export const TEST_ISSUER = 'rule-of-law-hub-test';

export interface TokenClaims {
  sub?: string;
  agency?: string;
  scope?: string;
  regions?: string[];
  [claim: string]: unknown;
}

/** What a test gateway needs to verify test tokens and sign identities the test subgraphs accept. */
export function testGatewayKeys(): { auth: AuthConfig; identitySecret: string } {
  return {
    auth: { publicKey: TOKEN_KEYS.publicKey, algorithm: 'EdDSA', issuer: TEST_ISSUER, audience: DEFAULT_AUDIENCE },
    identitySecret: IDENTITY_SECRET,
  };
}

/** A caller's token as an identity provider would issue it (EdDSA, test issuer, hub audience, 5 minutes). */
export async function signToken(claims: TokenClaims, options: { privateKey?: string; issuer?: string; audience?: string; expiresIn?: string | number } = {}): Promise<string> {
  const key = await importPKCS8(options.privateKey ?? TOKEN_KEYS.privateKey, 'EdDSA');
  return new SignJWT({ sub: 'tester', ...claims })
    .setProtectedHeader({ alg: 'EdDSA' })
    .setIssuer(options.issuer ?? TEST_ISSUER)
    .setAudience(options.audience ?? DEFAULT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(key);
}

/**
 * Headers that make a direct call to a subgraph look as if it came through the
 * gateway: an identity for that subgraph and that exact body (send `body` as
 * given: a string is sent as is, anything else as JSON.stringify gives it).
 */
export function identityHeaders(subgraph: string, body: unknown, viewer: Viewer = ANONYMOUS, secret = IDENTITY_SECRET): Record<string, string> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { [IDENTITY_HEADER]: createIdentitySigner(secret)({ viewer, requestId: 'test' }, { audience: subgraph, body: text, lifetimeMs: 10_000 }) };
}

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface Hub {
  gateway: RunningGateway;
  subgraphs: Record<string, RunningSubgraph<unknown>>;
  /** POSTs a body straight to a subgraph, with a gateway identity for `viewer` (anonymous by default). */
  postToSubgraph<T = Record<string, any>>(name: string, body: unknown, viewer?: Viewer): Promise<GraphQLResponse<T>>;
  /** POSTs a query to the gateway. */
  query<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** The same, with a token signed now for these claims (none: no token of its own). */
  queryAs<T = Record<string, any>>(claims: TokenClaims | null, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** On PostgreSQL, the URL of each subgraph's database, by subgraph name. */
  databaseUrls: Record<string, string>;
  /** SQL statements a subgraph has sent since it started. */
  statements(subgraph: string): number;
  /** GraphQL requests all subgraphs together have received since they started. */
  subgraphRequests(): number;
  stop(): Promise<void>;
}

export async function postGraphQL<T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  try {
    return { status: response.status, ...JSON.parse(text) };
  } catch {
    return { status: response.status, errors: [{ message: text }] };
  }
}

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty PostgreSQL database; its URL and how to drop it. */
export async function createTestDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `hub_test_${label.replace(/\W/g, '_')}_${process.pid}_${Date.now().toString(36)}`;
  await withAdmin((c) => c.query(`create database "${name}"`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withAdmin((c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

export interface HubOptions {
  database?: DatabaseKind;
  /** SEED_SCALE for the test hub; small keeps start-up quick. */
  seedScale?: number;
  /** Only these subgraphs (default: all); the gateway still serves the whole supergraph. */
  only?: string[];
  /** Claims of the caller `hub.query` sends a token for, unless its headers say otherwise (default: anonymous). */
  caller?: TokenClaims;
  /**
   * Gateway options beyond ports and keys. Response caching is off unless a
   * test turns it on (test/response-cache.test.ts): other tests write straight
   * into a database (SQL), which the gateway's cache cannot see.
   */
  gateway?: Partial<GatewayOptions>;
  /** Options every subgraph is started with, beyond ports, keys and seed (mutual TLS, say). */
  subgraph?: Partial<StartOptions>;
}

export async function startHub(options: HubOptions = {}): Promise<Hub> {
  const kind = options.database ?? 'pglite';
  const cleanups: (() => Promise<void>)[] = [];
  const subgraphs: Record<string, RunningSubgraph<unknown>> = {};
  const databaseUrls: Record<string, string> = {};
  try {
    const infos = listSubgraphs().filter((s) => !options.only || options.only.includes(s.name));
    await Promise.all(
      infos.map(async (info) => {
        const { definition } = info;
        let databaseUrl: string | undefined;
        if (kind === 'postgres') {
          const database = await createTestDatabase(info.name);
          cleanups.push(database.drop);
          databaseUrl = database.url;
          databaseUrls[info.name] = database.url;
        }
        const running = await startSubgraph(definition, {
          port: 0,
          databaseUrl,
          seedScale: options.seedScale ?? 0.1,
          identityKey: testIdentityKey(info.name),
          ...options.subgraph,
        });
        subgraphs[info.name] = running;
        cleanups.unshift(running.stop);
      }),
    );
    const gateway = await startGateway({
      port: 0,
      ...testGatewayKeys(),
      responseCache: false,
      ...options.gateway,
      subgraphUrls: Object.fromEntries(Object.values(subgraphs).map((s) => [s.name, s.url])),
    });
    cleanups.unshift(gateway.stop);
    const callerToken = options.caller ? await signToken(options.caller, { expiresIn: '1h' }) : undefined;
    const query: Hub['query'] = async (text, variables, headers) =>
      postGraphQL(gateway.url, { query: text, variables }, { ...(callerToken ? { authorization: `Bearer ${callerToken}` } : {}), ...headers });
    return {
      gateway,
      subgraphs,
      query,
      queryAs: async (claims, text, variables, headers = {}) =>
        query(text, variables, { ...(claims ? { authorization: `Bearer ${await signToken(claims)}` } : {}), ...headers }),
      postToSubgraph: async (name, body, viewer) => postGraphQL(subgraphs[name].url, body, identityHeaders(name, body, viewer)),
      databaseUrls,
      statements: (name) => subgraphs[name].database.statementCount(),
      subgraphRequests: () => Object.values(subgraphs).reduce((sum, s) => sum + s.graphqlRequests(), 0),
      stop: () => runAll(cleanups),
    };
  } catch (error) {
    await runAll(cleanups);
    throw error;
  }
}

async function runAll(steps: (() => Promise<void>)[]): Promise<void> {
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      console.error('cleanup failed:', error);
    }
  }
}

interface PagedConnection {
  totalCount: number;
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Follows a connection page by page to its end. `query` takes `$first: Int`
 * and `$after: String`; `pick` finds the connection in the data. Checks each
 * page's size and end cursor; returns the ids in order and the last totalCount.
 */
export async function pageThrough(
  hub: Hub,
  query: string,
  pick: (data: Record<string, any>) => PagedConnection,
  first: number,
): Promise<{ ids: string[]; totalCount: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let totalCount = -1;
  for (let page = 0; page < 1000; page++) {
    const response: GraphQLResponse = await hub.query(query, { first, after });
    expect(response.errors).toBeUndefined();
    const connection = pick(response.data!);
    totalCount = connection.totalCount;
    expect(connection.edges.length).toBeLessThanOrEqual(first);
    ids.push(...connection.edges.map((edge) => edge.node.id));
    if (connection.edges.length) expect(connection.pageInfo.endCursor).toBe(connection.edges[connection.edges.length - 1].cursor);
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  return { ids, totalCount };
}

export interface CommandResult {
  /** The exit code; -1 when the command was killed (its timeout, a signal). */
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run -s <script> -- <args>` in the repository (or `cwd`) with exactly this environment: its exit code and output. */
export function npmRun(script: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000, cwd = path.join(__dirname, '..')): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile('npm', ['run', '-s', script, '--', ...args], { cwd, env, timeout: timeoutMs, maxBuffer: 16 * 2 ** 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/**
 * `npm run import`'s runner (cli/import.ts) in this process: the file's rows
 * through the hub's gateway to the subgraph's import mutation, with a token
 * signed for `claims`.
 */
export async function importThroughHub(hub: Hub, claims: TokenClaims, subgraph: string, file: string, options: Partial<ImportRun> = {}): Promise<ImportOutcome> {
  const importer = listSubgraphs().find((s) => s.name === subgraph)?.definition.importer;
  if (!importer) throw new Error(`${subgraph} has no importer`);
  return runImport({ hub: { url: hub.gateway.url, token: await signToken(claims, { expiresIn: '30m' }) }, field: importer.field, file, ...options });
}

/** The environment an operator's command (`npm run import`, `npm run rollups`) runs with against the hub, as `claims`. */
export async function operatorEnv(hub: Hub, claims: TokenClaims): Promise<NodeJS.ProcessEnv> {
  return { ...process.env, HUB_URL: hub.gateway.url, HUB_TOKEN: await signToken(claims, { expiresIn: '30m' }) };
}

/**
 * Another gateway over a test hub's subgraphs (the test keys, no response cache), with `options`
 * on top; it is added to `started`, which the test stops when it is done. `base` is its origin.
 */
export async function startGatewayOverHub(hub: Hub, started: RunningGateway[], options: Partial<GatewayOptions> = {}): Promise<{ gateway: RunningGateway; base: string }> {
  const gateway = await startGateway({
    port: 0,
    ...testGatewayKeys(),
    responseCache: false,
    subgraphUrls: Object.fromEntries(Object.values(hub.subgraphs).map((s) => [s.name, s.url])),
    ...options,
  });
  started.push(gateway);
  return { gateway, base: gateway.url.replace(/\/graphql$/, '') };
}
