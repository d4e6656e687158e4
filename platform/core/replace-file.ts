// Replacing a file that other processes read while it changes (every gateway
// replica watches the supergraph file): the new text is written to a
// temporary file beside it and renamed over it, so a reader finds the old
// file or the new one, never a half-written one.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function replaceFile(file: string, text: string): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  writeFileSync(temporary, text);
  try {
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
