// Platform behaviour that every subgraph inherits: seeding an empty PostgreSQL
// database once, and errors that reveal nothing of the server.
import { startSubgraph } from '../platform/server/subgraph';
import judicial from '../subgraphs/judicial/subgraph';
import { createTestDatabase, identityHeaders, postGraphQL, startHub, testIdentityKey } from './harness';

describe('seeding on PostgreSQL', () => {
  test('an empty database is migrated and seeded once; a restart keeps its data', async () => {
    const database = await createTestDatabase('seed_once');
    try {
      const messages: string[] = [];
      const first = await startSubgraph(judicial, { port: 0, databaseUrl: database.url, seedScale: 0.01, progress: (m) => messages.push(m), identityKey: testIdentityKey('judicial') });
      const count = `{ region(code: "650000") { judicialStats { offices mediationCases } } }`;
      const before = await postGraphQL<{ region: { judicialStats: { mediationCases: number } } }>(first.url, { query: count }, identityHeaders('judicial', { query: count }));
      await first.stop();
      expect(messages.some((m) => m.startsWith('migrated: 0000-hub-audit, 0000-hub-request-log, 0000-hub-request-per-caller, 0000-hub-seed-marker, 0001-initial'))).toBe(true);

      messages.length = 0;
      const second = await startSubgraph(judicial, { port: 0, databaseUrl: database.url, seedScale: 0.05, progress: (m) => messages.push(m), identityKey: testIdentityKey('judicial') });
      const after = await postGraphQL(second.url, { query: count }, identityHeaders('judicial', { query: count }));
      await second.stop();
      expect(messages).toContain('schema up to date');
      expect(messages.some((m) => m.startsWith('database already seeded (scale 0.01)'))).toBe(true);
      expect(after.data).toEqual(before.data);
      expect(before.data!.region.judicialStats.mediationCases).toBe(200);
    } finally {
      await database.drop();
    }
  });
});

describe('unexpected errors', () => {
  test('a failing database gives INTERNAL_SERVER_ERROR with no SQL, stack or URL, and the rest of the answer', async () => {
    const hub = await startHub({ only: ['judicial'] });
    try {
      // A real fault: the subgraph's database goes away under it.
      await hub.subgraphs.judicial.database.close();
      const { data, errors } = await hub.query('{ me { subject } region(code: "650000") { name } }');
      expect(data).toEqual({ me: { subject: null }, region: null });
      expect(errors).toHaveLength(1);
      expect(errors![0]).toMatchObject({ message: 'Internal server error', path: ['region'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(JSON.stringify(errors)).not.toMatch(/select|from "region"|stack|localhost|\.ts/i);
    } finally {
      await hub.stop().catch(() => undefined);
    }
  });
});
