// The operation names the hub's metrics label by name: those of the
// registered operations (schema/operations/*.graphql, which the persisted
// manifest is built from). Any other name a client sends counts as `other`,
// so junk names cannot crowd a dashboard's own operation out of the labels.
// A subgraph sees an operation under the query planner's name for its part,
// `<Name>__<subgraph>__<n>`: that is labelled by name when <Name> is registered.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse } from 'graphql';

const OPERATIONS_DIR = path.join(__dirname, '..', '..', 'schema', 'operations');
let registered: ReadonlySet<string> | undefined;

/** The names of the registered operations (read once). */
export function registeredOperationNames(directory = OPERATIONS_DIR): ReadonlySet<string> {
  if (directory === OPERATIONS_DIR && registered) return registered;
  const names = new Set<string>();
  if (existsSync(directory)) {
    for (const file of readdirSync(directory).filter((f) => f.endsWith('.graphql'))) {
      try {
        for (const definition of parse(readFileSync(path.join(directory, file), 'utf8')).definitions) {
          if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) names.add(definition.name.value);
        }
      } catch {
        // A file that does not parse registers nothing (npm run check reports it).
      }
    }
  }
  if (directory === OPERATIONS_DIR) registered = names;
  return names;
}

/** The registered name an operation name stands for: itself, or the client's name behind a planner's `<Name>__<subgraph>__<n>`. */
export function registeredBase(name: string, names: ReadonlySet<string>): string | null {
  if (names.has(name)) return name;
  const planned = /^(.+?)__[A-Za-z0-9_-]+__\d+$/.exec(name);
  return planned && names.has(planned[1]) ? planned[1] : null;
}
