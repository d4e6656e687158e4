// Writing variables into a .env file (docker-compose reads it, so does a
// process manager): readable by its owner only (mode 0600), replaced in one
// step (a new file renamed over the old), and never overwriting a variable
// the file already has unless asked to. Existing files are read with dotenv,
// the parser docker-compose's .env format follows.
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';

/** `NAME="value"`: double quotes, so `\n` escapes in a value stay escapes for dotenv and docker-compose alike. */
export function envLine(name: string, value: string): string {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) throw new Error(`not a variable name: ${name}`);
  if (/["\r\n]/.test(value)) throw new Error(`${name}: a value on one line without double quotes is needed`);
  return `${name}="${value}"`;
}

export interface EnvFileChange {
  /** Variables written now. */
  added: string[];
  /** Variables the file had, written anew (only when asked to replace them). */
  replaced: string[];
  /** Whether the file was readable by others before (it is not any more). */
  wasOpen: boolean;
}

/** Thrown when the file already has some of the variables and replacing them was not asked for. */
export class ExistingVariablesError extends Error {
  constructor(
    readonly file: string,
    readonly names: string[],
  ) {
    super(`${file} already has ${names.join(', ')}: nothing written (pass --replace to write new ones over them)`);
  }
}

/** Adds the variables to the file (creating it), or refuses when it has any of them already and `replace` is not set. */
export function writeEnvFile(file: string, variables: Record<string, string>, options: { replace?: boolean } = {}): EnvFileChange {
  const exists = existsSync(file);
  const text = exists ? readFileSync(file, 'utf8') : '';
  const present = Object.keys(parse(text));
  const existing = Object.keys(variables).filter((name) => present.includes(name));
  if (existing.length && !options.replace) throw new ExistingVariablesError(file, existing);
  // Replacing: the old lines of those variables go (a line `NAME=` or `export NAME=`), every other line stays as it was.
  const kept = text.split('\n').filter((line) => !existing.some((name) => new RegExp(`^\\s*(export\\s+)?${name}\\s*=`).test(line)));
  const body = kept.join('\n').replace(/\n*$/, '');
  const lines = Object.entries(variables).map(([name, value]) => envLine(name, value));
  const next = `${body ? `${body}\n` : ''}${lines.join('\n')}\n`;
  const wasOpen = exists && (statSync(file).mode & 0o077) !== 0;
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  writeFileSync(temporary, next, { mode: 0o600, flag: 'wx' });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
  return { added: Object.keys(variables).filter((name) => !existing.includes(name)), replaced: existing, wasOpen };
}
