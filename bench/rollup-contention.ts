// `npm run bench:rollup-contention`: where roll-up rows stop concurrent
// writes (docs/capacity.md, "Where it stops scaling"). Every education event
// recorded adds, in its transaction, to one roll-up row per level of its
// region (village, township, county, prefecture, autonomous region) for its
// day (platform/data/rollups.ts); each row stays locked until the transaction
// commits. On real PostgreSQL (BENCH_POSTGRES_URL, a fresh database, dropped
// afterwards), events are recorded through the subgraph's write path (the
// resolver of recordEducationEvent, called in this process as the subgraph
// calls it: its checks, the idempotent create with its request claim, the
// insert with its roll-up trigger and the audit record in one transaction,
// then the read-back) by 1, 4, 16 and 32 concurrent writers (BENCH_WRITERS),
// in three patterns:
//   one-row   every event in one village on one day: the same row at every level;
//   same-day  each event in another village (the prefectures in turn), all on one
//             day: the autonomous region's row (and at times a prefecture's) is shared;
//   spread    each event in another village on another day: no row shared.
// BENCH_WRITES events (9000) per pattern and writer count, in BENCH_SLICES
// slices (36, so 250 events each): each slice runs every configuration once, in turns, so that a
// change in the shared machine's load falls on all of them. Writes per second count the events
// recorded while every writer was busy; p50 and p99 are over every event;
// `halvesDiffer` compares the first half of the slices with the second (what
// a repeat would differ by). Prints a table and writes
// bench/results/rollup-contention.json.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import { intFromEnv, stringFromEnv } from '../platform/core/config';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../platform/data/database';
import { subgraphMigrations } from '../platform/data/migrations';
import { regionsAtLevel } from '../platform/core/region-directory';
import type { Viewer } from '../platform/core/viewer';
import type { EducationDatabase } from '../subgraphs/education/database';
import type { RecordEducationEventInput } from '../subgraphs/education/generated/resolvers-types';
import { Mutation } from '../subgraphs/education/resolvers/mutation';
import { education } from '../subgraphs/education/subgraph';
import { machineNow, writeBenchResult } from './results-file';
import { percentile } from './stats';

const POSTGRES = stringFromEnv('BENCH_POSTGRES_URL') ?? 'postgres://postgres@127.0.0.1:5432';
const WRITES = intFromEnv('BENCH_WRITES', 9000, 10, 1_000_000);
const SLICES = intFromEnv('BENCH_SLICES', 36, 2, 1000);
const WRITERS = (stringFromEnv('BENCH_WRITERS') ?? '1,4,16,32').split(',').map(Number);
const PATTERNS = ['one-row', 'same-day', 'spread'] as const;
type Pattern = (typeof PATTERNS)[number];

const CLERK: Viewer = { subject: 'bench-clerk', agency: 'education', scopes: ['education:write'], regions: [] };
const DAY = '2024-03-01';
/** The mutation's resolver, called as the subgraph's GraphQL server calls it (it reads only db, viewer and requestId). */
type RecordEvent = (root: unknown, args: { input: RecordEducationEventInput }, ctx: { db: Kysely<EducationDatabase>; viewer: Viewer; requestId: string }, info: unknown) => Promise<unknown>;
const recordEvent = Mutation.recordEducationEvent as unknown as RecordEvent;

/** Villages, taking the prefectures in turn: neighbours in the list share only the autonomous region. */
function villagesAcrossPrefectures(): string[] {
  const byPrefecture = new Map<string, string[]>();
  for (const village of regionsAtLevel('VILLAGE')) {
    const prefecture = village.code.slice(0, 4);
    byPrefecture.set(prefecture, [...(byPrefecture.get(prefecture) ?? []), village.code]);
  }
  const lists = [...byPrefecture.values()];
  return Array.from({ length: Math.max(...lists.map((l) => l.length)) }, (_, i) => lists.flatMap((l) => (i < l.length ? [l[i]] : []))).flat();
}
const VILLAGES = villagesAcrossPrefectures();

/** The n-th event of a pattern: where and when it was held. */
function placeOf(pattern: Pattern, n: number): { regionCode: string; heldOn: string } {
  if (pattern === 'one-row') return { regionCode: VILLAGES[0], heldOn: DAY };
  const regionCode = VILLAGES[n % VILLAGES.length];
  if (pattern === 'same-day') return { regionCode, heldOn: DAY };
  // Another day for each event: days back from DAY, never the same twice in a slice.
  return { regionCode, heldOn: new Date(Date.parse(DAY) - (n + 1) * 86_400_000).toISOString().slice(0, 10) };
}

/** One slice: `count` events of one pattern recorded by `writers` concurrent writers. */
interface Slice {
  /** Events recorded while every writer was busy (until the last one was handed out), and the time that took. */
  steadyWrites: number;
  steadySeconds: number;
  latenciesMs: number[];
  failures: number;
}

/** Records `count` events of `pattern` with `writers` concurrent writers; `tag` keeps each slice's requestIds apart. */
async function runSlice(db: Kysely<EducationDatabase>, pattern: Pattern, writers: number, count: number, tag: string): Promise<Slice> {
  const slice: Slice = { steadyWrites: 0, steadySeconds: 0, latenciesMs: [], failures: 0 };
  let next = 0;
  let steadyUntil = Infinity;
  const started = performance.now();
  const writer = async (w: number): Promise<void> => {
    for (let n = next++; n < count; n = next++) {
      // The last event handed out: from now on fewer writers than `writers` are busy.
      if (n === count - 1) steadyUntil = performance.now();
      const requestId = `${tag}-${n}`;
      const input = { requestId, title: `Bench lecture ${requestId}`, theme: 'CIVIL_CODE', format: 'LECTURE', attendees: 25, languages: ['Uyghur'], ...placeOf(pattern, n) } as RecordEducationEventInput;
      const sent = performance.now();
      try {
        await recordEvent({}, { input }, { db, viewer: CLERK, requestId: `bench-${w}` }, {});
        const done = performance.now();
        slice.latenciesMs.push(done - sent);
        if (done <= steadyUntil) slice.steadyWrites++;
      } catch (error) {
        if (slice.failures++ === 0) console.error(`  ${tag}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
  slice.steadySeconds = (steadyUntil - started) / 1000;
  return slice;
}

/** A fresh database with the education subgraph's tables (no seed: the roll-up rows written are the ones measured). */
async function freshDatabase(name: string, poolSize: number): Promise<DatabaseHandle<EducationDatabase>> {
  await adminQuery(`create database ${name}`);
  const url = new URL(POSTGRES);
  url.pathname = `/${name}`;
  const handle = await openDatabase<EducationDatabase>({ url: url.toString(), poolSize });
  await migrateToLatest(handle.db as Kysely<unknown>, subgraphMigrations(education));
  return handle;
}

async function adminQuery(text: string): Promise<void> {
  const url = new URL(POSTGRES);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const round2 = (value: number) => Math.round(value * 100) / 100;

/** A configuration's slices together: writes per second while every writer was busy, latency over every write, and how far the first half of the slices and the second differ. */
function summary(slices: Slice[]) {
  const rate = (part: Slice[]) => part.reduce((sum, s) => sum + s.steadyWrites, 0) / part.reduce((sum, s) => sum + s.steadySeconds, 0);
  const half = Math.floor(slices.length / 2);
  const [first, second] = [rate(slices.slice(0, half)), rate(slices.slice(half))];
  const latencies = slices.flatMap((s) => s.latenciesMs).sort((a, b) => a - b);
  return {
    writesPerSecond: round1(rate(slices)),
    p50Ms: round1(percentile(latencies, 50)),
    p99Ms: round1(percentile(latencies, 99)),
    halvesDiffer: round2(Math.abs(first - second) / ((first + second) / 2)),
    writes: latencies.length,
    failures: slices.reduce((sum, s) => sum + s.failures, 0),
  };
}

/** The server measured: its version and how it commits (a commit's cost is what a locked row waits for). */
async function serverSettings(db: Kysely<EducationDatabase>): Promise<Record<string, string>> {
  const { rows } = await sql<Record<string, string>>`select current_setting('server_version') as version, current_setting('fsync') as fsync,
    current_setting('synchronous_commit') as synchronous_commit, current_setting('max_connections') as max_connections`.execute(db);
  return rows[0];
}

/** Rotated by `i`: each configuration takes its turn first. */
const turn = <T>(items: readonly T[], i: number): T[] => items.map((_, k) => items[(k + i) % items.length]);

/**
 * Every configuration (pattern and writer count) once per slice, in turns: a
 * change in the shared machine's load falls on all of them, and each figure
 * is spread over the whole run.
 */
async function measure(db: Kysely<EducationDatabase>): Promise<Record<string, Slice[]>> {
  const slices: Record<string, Slice[]> = {};
  const perSlice = Math.ceil(WRITES / SLICES);
  for (let i = 0; i < SLICES; i++) {
    for (const writers of turn(WRITERS, i)) {
      for (const pattern of turn(PATTERNS, i)) (slices[`${pattern}/${writers}`] ??= []).push(await runSlice(db, pattern, writers, perSlice, `s${i}-${pattern}-${writers}`));
    }
    console.error(`  slice ${i + 1}/${SLICES} done`);
  }
  return slices;
}

/** Linux's CPU pressure: microseconds in which some task waited for a CPU, since boot (null elsewhere). */
function cpuStallMicros(): number | null {
  try {
    return Number(/^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1] ?? NaN) || null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const stalledBefore = cpuStallMicros();
  const name = `hub_bench_rollup_${process.pid}`;
  const handle = await freshDatabase(name, Math.max(...WRITERS));
  try {
    const server = await serverSettings(handle.db);
    console.error(`roll-up contention: ${WRITES} writes per pattern and writer count, in ${SLICES} slices, writers ${WRITERS.join(', ')}, database ${name} (PostgreSQL ${server.version})`);
    // Every roll-up row the measured slices write exists before them: each adds to rows, none inserts them.
    for (const pattern of ['same-day', 'spread'] as const) await runSlice(handle.db, pattern, Math.max(...WRITERS), Math.ceil(WRITES / SLICES), `warm-up-${pattern}`);
    const slices = await measure(handle.db);
    const stalledAfter = cpuStallMicros();
    // How busy the shared machine was: the share of the run in which some task waited for a CPU.
    const cpuPressure = stalledBefore !== null && stalledAfter !== null ? round2((stalledAfter - stalledBefore) / 1000 / (Date.now() - startedAt)) : null;
    report(slices, { writesPerPattern: WRITES, slices: SLICES, day: DAY, postgres: server, cpuPressure }, Date.now() - startedAt);
  } finally {
    await handle.close();
    await adminQuery(`drop database if exists ${name} with (force)`);
  }
}

function report(slices: Record<string, Slice[]>, settings: object, elapsedMs: number): void {
  const results = WRITERS.map((writers) => ({ writers, ...(Object.fromEntries(PATTERNS.map((p) => [p, summary(slices[`${p}/${writers}`])])) as Record<Pattern, ReturnType<typeof summary>>) }));
  const file = writeBenchResult('rollup-contention.json', { ...settings, seconds: Math.round(elapsedMs / 1000), machine: machineNow(), results });
  const header = ['writers', ...PATTERNS.flatMap((p) => [`${p} w/s`, 'p50 ms', 'p99 ms', 'halves'])];
  console.log(header.map((h, i) => h.padStart(i === 0 ? 7 : 14)).join(''));
  for (const row of results) {
    const cells = PATTERNS.flatMap((p) => [row[p].writesPerSecond, row[p].p50Ms, row[p].p99Ms, `${Math.round(row[p].halvesDiffer * 100)}%`]);
    console.log([String(row.writers).padStart(7), ...cells.map((c) => String(c).padStart(14))].join(''));
  }
  console.log(`\nWrote ${file}.`);
}

main().catch((error: Error) => {
  console.error(`rollup contention failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
