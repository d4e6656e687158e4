// Where field usage is kept (gateway/usage-store.ts): in Redis two replicas
// add to the same figures and a late flush never moves a last-seen time back,
// and `npm run check` reads them from there; the file store keeps its figures
// across a restart and drops days past the retention.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '@keyv/redis';
import { dayOf, openUsageStore, type UsageBatch } from '../gateway/usage-store';
import { npmRun, redisAnswers, TEST_REDIS_URL as REDIS_URL } from './harness';


const now = Date.now();
const today = dayOf(now);
const batch = (client: string, count: number, lastSeen: number): UsageBatch => ({
  counts: [
    { day: today, client, operation: 'op-1', coordinate: 'EducationEvent.languages', count, lastSeen },
    { day: today, client, operation: 'op-1', coordinate: 'Query.educationEvent', count, lastSeen },
  ],
  operations: { 'op-1': 'EventLanguages' },
});

describe('usage in Redis (replicas share it)', () => {
  const prefix = `hub-usage-test-${process.pid}-${Date.now().toString(36)}`;
  let available = false;
  beforeAll(async () => {
    available = await redisAnswers(REDIS_URL);
    if (!available && process.env.TEST_REDIS_URL) throw new Error(`TEST_REDIS_URL ${REDIS_URL} does not answer`);
    if (!available) console.warn(`no Redis at ${REDIS_URL}: the Redis usage tests are skipped`);
  });
  afterAll(async () => {
    if (!available) return;
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    const keys = await client.keys(`${prefix}:*`);
    if (keys.length) await client.del(keys);
    await client.close();
  });

  test('two replicas add up; the latest last-seen wins whatever the order of flushes; npm run check reads it', async () => {
    if (!available) return;
    const [a, b] = await Promise.all([openUsageStore({ redisUrl: REDIS_URL, redisPrefix: prefix }), openUsageStore({ redisUrl: REDIS_URL, redisPrefix: prefix })]);
    try {
      await a.add(batch('dashboard', 3, now - 1000));
      await b.add(batch('dashboard', 4, now - 5000)); // flushed later, seen earlier
      await b.add(batch('notebook', 1, now - 2000));
      const totals = await a.read(today);
      expect(totals.operations).toEqual({ 'op-1': 'EventLanguages' });
      expect(totals.counts.filter((c) => c.coordinate === 'EducationEvent.languages').sort((x, y) => x.client.localeCompare(y.client))).toEqual([
        { client: 'dashboard', operation: 'op-1', coordinate: 'EducationEvent.languages', count: 7, lastSeen: now - 1000 },
        { client: 'notebook', operation: 'op-1', coordinate: 'EducationEvent.languages', count: 1, lastSeen: now - 2000 },
      ]);
    } finally {
      await a.close();
      await b.close();
    }
    const workDir = mkdtempSync(path.join(tmpdir(), 'hub-usage-redis-'));
    try {
      const sdl = readFileSync(path.join(__dirname, '..', 'subgraphs', 'education', 'schema.graphql'), 'utf8').replace(/\n {2}"Languages the event was held in[^\n]*\n {2}languages: \[String!\]!/, '');
      writeFileSync(path.join(workDir, 'education.graphql'), sdl);
      const run = await npmRun('check', ['education', '--schema', path.join(workDir, 'education.graphql'), '--json'], { ...process.env, REDIS_URL, REDIS_PREFIX: prefix });
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout);
      expect(report.usage.source).toBe(`redis ${prefix}:usage:*`);
      expect(report.changes.find((c: any) => c.coordinate === 'EducationEvent.languages').usage).toMatchObject({
        count: 8,
        clients: [
          { client: 'dashboard', count: 7, operations: [{ id: 'op-1', name: 'EventLanguages', count: 7, lastSeen: new Date(now - 1000).toISOString() }] },
          { client: 'notebook', count: 1 },
        ],
      });
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});

describe('usage in a file (no Redis)', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'hub-usage-file-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  test('figures survive a restart (a new store on the same folder) and days past the retention are dropped', async () => {
    const first = await openUsageStore({ directory, retentionDays: 30 });
    await first.add(batch('dashboard', 2, now));
    await first.add({ counts: [{ day: dayOf(now - 40 * 86_400_000), client: 'old', operation: 'op-0', coordinate: 'Query.region', count: 9, lastSeen: now - 40 * 86_400_000 }], operations: {} });
    await first.close();

    const restarted = await openUsageStore({ directory, retentionDays: 30 });
    await restarted.add(batch('dashboard', 1, now));
    const totals = await restarted.read(dayOf(now - 60 * 86_400_000));
    await restarted.close();
    expect(totals.counts.find((c) => c.coordinate === 'EducationEvent.languages')).toEqual({ client: 'dashboard', operation: 'op-1', coordinate: 'EducationEvent.languages', count: 3, lastSeen: now });
    expect(totals.counts.some((c) => c.client === 'old')).toBe(false);
    // Written whole: nothing half-written lies beside it.
    expect(JSON.parse(readFileSync(path.join(directory, 'usage.json'), 'utf8')).version).toBe(1);
  });
});
