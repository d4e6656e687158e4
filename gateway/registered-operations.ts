// The registered operations (schema/operations) as the explorer offers them
// (GET /explorer/config): each file's first operation, its leading comment as
// its description, and example values for the variables it has.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { operationFiles } from '../schema/compose';
import type { RegisteredOperation } from './explorer-config';

/** The registered operation the explorer opens first. */
const FIRST_OPERATION_FILE = 'region-scorecard.graphql';
/** Example values for the registered operations' variables, by name: Aksu prefecture (and its counties), 2023. */
const EXAMPLE_VARIABLES: Readonly<Record<string, unknown>> = Object.freeze({
  code: '652900',
  period: { from: '2023-01-01', to: '2023-12-31' },
  year: 2023,
});

/** The first operation of a registered document, its leading comment and example variables. */
function registeredOperation(file: string): RegisteredOperation {
  const query = readFileSync(file, 'utf8');
  const description = (/^(?:#.*\n)+/.exec(query)?.[0] ?? '')
    .split('\n')
    .map((line) => line.replace(/^#\s?/, '').trim())
    .filter(Boolean)
    .join(' ');
  let operation: OperationDefinitionNode | undefined;
  try {
    operation = parse(query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  } catch {
    // An unparsable file is shown as it is: GraphiQL marks the error (npm run compose refuses it).
  }
  const variables = Object.fromEntries(
    (operation?.variableDefinitions ?? [])
      .map((definition) => definition.variable.name.value)
      .filter((name) => name in EXAMPLE_VARIABLES)
      .map((name) => [name, EXAMPLE_VARIABLES[name]]),
  );
  return { name: operation?.name?.value ?? path.basename(file, '.graphql'), file: path.basename(file), description, query, variables };
}

/** The registry's operations as they are on disk now, the scorecard first. */
export function registeredOperations(): RegisteredOperation[] {
  const rank = (file: string) => (path.basename(file) === FIRST_OPERATION_FILE ? 0 : 1);
  return operationFiles()
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map(registeredOperation);
}

