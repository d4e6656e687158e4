// What the write suites (test/*-writes.test.ts) share: the rows of a
// subgraph's database counted (and digested) before and after a request that
// must write nothing, the shape of a refused request's answer, a trigger on
// hub_audit that makes a write fail in its middle, the PostgreSQL backend of
// a write found and terminated, dates around the hub's today, and a folder
// for the CSV files an import test writes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { today } from '../platform/core/validation';
import type { GraphQLResponse } from './harness';

/** What a snapshot holds of a table: its rows counted (those matching `where`, SQL), or a digest of every row (any change to any row changes it). */
export type RowMeasure = { count: string; where?: string } | { digest: string };
export type RowSnapshot<M extends Record<string, RowMeasure>> = { [K in keyof M]: M[K] extends { count: string } ? number : string };

function measureSql(measure: RowMeasure): string {
  if ('digest' in measure) return `(select md5(string_agg(t::text, '|' order by t.id)) from ${measure.digest} t)`;
  return `(select count(*) from ${measure.count}${measure.where ? ` where ${measure.where}` : ''})::int`;
}

/** Reads the measures of `db` (a function: the hub is started after the suite is defined) in one statement. */
export function rowSnapshot<M extends Record<string, RowMeasure>>(db: () => Kysely<any>, measures: M): () => Promise<RowSnapshot<M>> {
  const columns = Object.entries(measures).map(([name, measure]) => `${measureSql(measure)} as "${name}"`);
  return async () => (await sql.raw<RowSnapshot<M>>(`select ${columns.join(', ')}`).execute(db())).rows[0];
}

/** The extensions of a refusal: its code, and the field it names when it names one. */
export function refusal(code: string, field?: string): { code: string; field?: string } {
  return field === undefined ? { code } : { code, field };
}

/** A refused request's answer: one error whose extensions equal `extensions` (a matcher too), and no data. */
export function expectOneError(response: GraphQLResponse, extensions: unknown): void {
  expect(response.errors).toHaveLength(1);
  expect(response.errors![0].extensions).toEqual(extensions);
  expect(response.data ?? null).toBeNull();
}

/** The answer of a request that failed inside the hub: no data, one error that says no more than that. */
export function expectInternalError(response: GraphQLResponse): void {
  expect(response.data ?? null).toBeNull();
  expect(response.errors).toEqual([expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
}

export function expectOk<T = Record<string, any>>(response: GraphQLResponse<T>): T {
  expect(response.errors).toBeUndefined();
  return response.data!;
}

export interface WriteChecks {
  /** Sends the request and checks that the snapshot is the same after it as before. */
  writesNothing(send: () => Promise<GraphQLResponse>): Promise<GraphQLResponse>;
  /** Sends the request, checks its one error (code, and field when given), no data, and that nothing was written. */
  expectRefused(send: () => Promise<GraphQLResponse>, code: string, field?: string): Promise<GraphQLResponse>;
}

export function writeChecks(snapshot: () => Promise<unknown>): WriteChecks {
  const writesNothing = async (send: () => Promise<GraphQLResponse>): Promise<GraphQLResponse> => {
    const before = await snapshot();
    const response = await send();
    expect(await snapshot()).toEqual(before);
    return response;
  };
  const expectRefused = async (send: () => Promise<GraphQLResponse>, code: string, field?: string): Promise<GraphQLResponse> => {
    const response = await writesNothing(send);
    expectOneError(response, refusal(code, field));
    return response;
  };
  return { writesNothing, expectRefused };
}

/**
 * A trigger on inserts into hub_audit (only those of `when`, SQL on `new`, when
 * given) running `body`, a PL/pgSQL function body; what it returns drops it.
 */
export async function auditInsertTrigger(db: Kysely<any>, body: string, when?: string): Promise<() => Promise<void>> {
  await sql.raw(`create function hub_test_audit() returns trigger language plpgsql as $$ ${body} $$`).execute(db);
  await sql.raw(`create trigger hub_test_audit before insert on hub_audit for each row ${when ? `when (${when}) ` : ''}execute function hub_test_audit()`).execute(db);
  return async () => {
    await sql`drop trigger hub_test_audit on hub_audit`.execute(db);
    await sql`drop function hub_test_audit()`.execute(db);
  };
}

/** Makes the audit insert of every write (every audit insert with `allActions`) fail with `message`, a write's last statement. */
export function failingAuditInsert(db: Kysely<any>, message: string, options: { allActions?: boolean } = {}): Promise<() => Promise<void>> {
  return auditInsertTrigger(db, `begin raise exception '${message}'; end`, options.allActions ? undefined : "new.action = 'WRITE'");
}

export async function currentDatabase(db: Kysely<any>): Promise<string> {
  return (await sql<{ name: string }>`select current_database() as name`.execute(db)).rows[0].name;
}

/**
 * The pids of the backends of `database` (other than `client`'s own) that
 * match `condition` (SQL on pg_stat_activity), once there is one: asked every
 * 50 ms, 200 times at most (none found: an empty list).
 */
export async function waitForBackends(client: pg.Client, database: string, condition: string): Promise<number[]> {
  for (let attempt = 0; attempt < 200; attempt++) {
    // Within a transaction pg_stat_activity is a cached snapshot: take a fresh one each time.
    await client.query('select pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ pid: number }>(
      `select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and ${condition}`,
      [database],
    );
    if (rows.length) return rows.map((row) => row.pid);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return [];
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The day after the hub's today (Beijing time): the first day "in the future". */
export function tomorrow(): string {
  return addDays(today(), 1);
}

/** A temporary folder for the suite's CSV files (made before its tests, removed after); what it returns writes one. */
export function csvFolder(prefix: string): (name: string, text: string) => string {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), prefix));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return (name, text) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
}
