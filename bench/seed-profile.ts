// Where a first start's time goes, per subgraph and phase, on PGlite:
//
//   npm run -s seed-profile -- [--scale 1] [subgraph ...]
//
// For each subgraph, in a new temporary folder (removed afterwards): open a
// new data folder (the first one makes the fresh cluster that later ones
// copy), migrate, seed (each step the seed tells), close, and open again as a
// later start does. Prints wall and CPU seconds of this process per phase;
// CPU time is the figure to compare on a shared machine. It runs in this
// process's main thread (no worker), so the phases are this process's alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { migrateToLatest, openDatabase } from '../platform/data/database';
import { subgraphMigrations } from '../platform/data/migrations';
import { seedOnce } from '../platform/data/seed';
import { listSubgraphs } from '../schema/subgraphs';

const cpuSeconds = (): number => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
};

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { scale: { type: 'string', default: '1' } } });
  const root = mkdtempSync(path.join(tmpdir(), 'hub-seed-profile-'));
  console.log(`modules loaded: ${cpuSeconds().toFixed(2)} CPU-s`);
  try {
    for (const { name, definition } of listSubgraphs().filter((s) => positionals.length === 0 || positionals.includes(s.name))) {
      let phase = 'open a new data folder';
      let wall = performance.now();
      let cpu = cpuSeconds();
      const rows: string[] = [];
      const next = (following: string): void => {
        const [nowWall, nowCpu] = [performance.now(), cpuSeconds()];
        rows.push(`  ${phase.slice(0, 60).padEnd(60)} ${((nowWall - wall) / 1000).toFixed(2).padStart(7)} ${(nowCpu - cpu).toFixed(2).padStart(7)}`);
        [phase, wall, cpu] = [following, nowWall, nowCpu];
      };
      const dataDir = path.join(root, name);
      const database = await openDatabase<unknown>({ pgliteDataDir: dataDir, progress: (message) => next(message) });
      next('migrations');
      await migrateToLatest(database.db as Kysely<unknown>, subgraphMigrations(definition));
      next('seed: generating the first rows');
      // Batch messages ("table: n of N rows") only for a table's last batch: the time from the table's first row to its last.
      await seedOnce(database, definition, {
        scale: Number(values.scale),
        progress: (message) => {
          const batch = /^\S+: (\d+) of (\d+) rows$/.exec(message);
          if (!batch || batch[1] === batch[2]) next(message);
        },
      });
      next('close');
      await database.close();
      next('a later start: open the folder again');
      const again = await openDatabase<unknown>({ pgliteDataDir: dataDir });
      await migrateToLatest(again.db as Kysely<unknown>, subgraphMigrations(definition));
      next('close');
      await again.close();
      next('');
      console.log(`${name} (scale ${values.scale}): phase, then wall s and CPU s until the next one`);
      console.log(rows.join('\n'));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
