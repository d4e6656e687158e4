// `npm run reset [-- <subgraph> ...]`: starts afresh. Removes each subgraph's
// PGlite data folder (under PGLITE_DATA_DIR, default .data/pglite), so that
// the next start seeds it anew; everything written to it is gone. Refuses a
// folder a running process holds (stop the hub first), and leaves PostgreSQL
// databases (<PREFIX>_DATABASE_URL) alone. Exit code: 0 when done, 1 when a
// folder is in use, 2 on usage.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { envPrefix, pgliteRootFromEnv, stringFromEnv } from '../platform/core/config';
import { lockDataFolder } from '../platform/data/data-lock';
import { listSubgraphs } from '../schema/subgraphs';

function main(): number {
  const subgraphs = listSubgraphs();
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !subgraphs.some((s) => s.name === name));
  if (unknown.length) {
    console.error(`usage: npm run reset [-- <${subgraphs.map((s) => s.name).join('|')}> ...]  (unknown: ${unknown.join(', ')})`);
    return 2;
  }
  const root = pgliteRootFromEnv();
  if (!root) {
    console.log('PGLITE_DATA_DIR is memory: nothing is kept, nothing to reset.');
    return 0;
  }
  let refused = 0;
  for (const { name } of subgraphs.filter((s) => names.length === 0 || names.includes(s.name))) {
    if (stringFromEnv(`${envPrefix(name)}_DATABASE_URL`)) {
      console.log(`${name}: on PostgreSQL (${envPrefix(name)}_DATABASE_URL), left alone`);
      continue;
    }
    const folder = path.join(root, name);
    if (!existsSync(folder)) {
      console.log(`${name}: no data in ${folder}`);
      continue;
    }
    let lock;
    try {
      // Held while the folder goes, so that no process opens it half removed; a lock left by a dead process is taken over.
      lock = lockDataFolder(folder);
    } catch (error) {
      console.error(`${name}: ${(error as Error).message}`);
      refused++;
      continue;
    }
    try {
      rmSync(folder, { recursive: true, force: true });
      console.log(`${name}: removed ${folder}; the next start seeds it afresh`);
    } finally {
      lock.release();
    }
  }
  return refused ? 1 : 0;
}

process.exit(main());
