// The project's folder, the same from the sources (run by tsx) and from the
// compiled output (dist/, run by node): the nearest folder above this file
// holding package.json. Local data (.data/) lives there either way.
import { existsSync } from 'node:fs';
import path from 'node:path';

function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.join(from, '..', '..');
  }
}

export const PROJECT_ROOT = projectRoot(__dirname);
