// A throw-away copy of the project for tests that change its files (`npm run
// compose` refusing a broken SDL, `npm run new-subgraph`): everything but
// node_modules (linked), .git and .data, in a temporary folder. The copy is
// not beside ../shared: it checks the project's own contract copy.
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..');
const SKIPPED = new Set(['node_modules', '.git', '.data', 'coverage']);

export interface ProjectCopy {
  root: string;
  remove(): void;
}

export function copyProject(): ProjectCopy {
  const parent = mkdtempSync(path.join(tmpdir(), 'hub-project-'));
  const root = path.join(parent, 'hub');
  cpSync(ROOT, root, { recursive: true, filter: (source) => !SKIPPED.has(path.relative(ROOT, source).split(path.sep)[0]) });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return { root, remove: () => rmSync(parent, { recursive: true, force: true }) };
}
