// The graph's registry, as files: the committed supergraph, the operations
// known clients send (schema/operations/*.graphql, the single source of the
// persisted-operation manifest, the explorer's examples and the checks), and
// the project's copy of the public contract (schema/contract/). Each check
// here takes an API schema and says what of the registry it breaks, with the
// file, line and column; `npm run check`, `npm run compose`, the gateway's
// hot reload and the tests share them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildASTSchema,
  findBreakingChanges,
  getLocation,
  GraphQLError,
  Kind,
  parse,
  Source,
  validate,
  type ASTNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { Supergraph } from '@apollo/federation-internals';
import { stringFromEnv } from '../platform/core/config';
import { displayPath } from '../platform/server/shared-sdl';

export const SCHEMA_DIR = __dirname;
export const SUPERGRAPH_PATH = path.join(SCHEMA_DIR, 'supergraph.graphql');
export const OPERATIONS_DIR = path.join(SCHEMA_DIR, 'operations');
/** The project's copy of the public contract (test/contract.test.ts keeps it equal to ../shared/contract). */
export const CONTRACT_DIR = path.resolve(stringFromEnv('CONTRACT_DIR') ?? path.join(SCHEMA_DIR, 'contract'));
export const CONTRACT_FILES = ['read.graphql', 'write.graphql'] as const;

/** A place in a file, 1-based as editors count. */
export interface Place {
  file: string;
  line: number;
  column: number;
}

/** Where each AST node of an error was written (its Source's name is the file). */
export function placesOf(error: GraphQLError): Place[] {
  const places: Place[] = [];
  const add = (place: Place) => {
    if (!places.some((p) => p.file === place.file && p.line === place.line && p.column === place.column)) places.push(place);
  };
  for (const node of (error.nodes ?? []) as ASTNode[]) {
    if (node.loc) add({ file: node.loc.source.name, ...getLocation(node.loc.source, node.loc.start) });
  }
  if (!places.length && error.source && error.locations) {
    for (const location of error.locations) add({ file: error.source.name, ...location });
  }
  return places;
}

export function operationFiles(): string[] {
  if (!existsSync(OPERATIONS_DIR)) return [];
  return readdirSync(OPERATIONS_DIR)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => path.join(OPERATIONS_DIR, file));
}

export interface RegisteredFile {
  /** The path as reports show it, e.g. schema/operations/region-scorecard.graphql. */
  file: string;
  /** The file's text exactly as registered. */
  text: string;
  /** Parsed, with locations in the file; undefined when it does not parse. */
  document?: DocumentNode;
  parseError?: GraphQLError;
}

/** Every registered operation file, read and parsed. */
export function registeredFiles(): RegisteredFile[] {
  return operationFiles().map((absolute) => {
    const file = displayPath(absolute);
    const text = readFileSync(absolute, 'utf8');
    try {
      return { file, text, document: parse(new Source(text, file)) };
    } catch (error) {
      return { file, text, parseError: error as GraphQLError };
    }
  });
}

export interface OperationBreak extends Place {
  /** The operation (or `fragment X`) holding the error; null when the file does not parse. */
  definition: string | null;
  code: 'GRAPHQL_VALIDATION_FAILED' | 'GRAPHQL_PARSE_FAILED';
  message: string;
}

function definitionAt(document: DocumentNode, offset: number): string | null {
  for (const definition of document.definitions) {
    if (!definition.loc || offset < definition.loc.start || offset >= definition.loc.end) continue;
    if (definition.kind === Kind.OPERATION_DEFINITION) return definition.name?.value ?? `anonymous ${definition.operation}`;
    if (definition.kind === Kind.FRAGMENT_DEFINITION) return `fragment ${definition.name.value}`;
  }
  return null;
}

/** Every registered operation that does not validate against `api`: one entry per error, with its place. */
function operationBreaks(api: GraphQLSchema, files: RegisteredFile[] = registeredFiles()): OperationBreak[] {
  return files.flatMap((registered): OperationBreak[] => {
    if (!registered.document) {
      const [place] = placesOf(registered.parseError!);
      return [{ ...(place ?? { file: registered.file, line: 1, column: 1 }), definition: null, code: 'GRAPHQL_PARSE_FAILED', message: registered.parseError!.message }];
    }
    const document = registered.document;
    return validate(api, document).map((error) => {
      const [place] = placesOf(error);
      const node = error.nodes?.[0];
      return {
        ...(place ?? { file: registered.file, line: 1, column: 1 }),
        definition: node?.loc ? definitionAt(document, node.loc.start) : null,
        code: 'GRAPHQL_VALIDATION_FAILED',
        message: error.message,
      };
    });
  });
}

let contract: GraphQLSchema | undefined;

/** The public contract (read and write) as one schema. */
export function contractSchema(): GraphQLSchema {
  contract ??= buildASTSchema(parse(CONTRACT_FILES.map((file) => readFileSync(path.join(CONTRACT_DIR, file), 'utf8')).join('\n')));
  return contract;
}

export interface ContractBreak {
  /** graphql-js's BreakingChangeType, e.g. FIELD_REMOVED. */
  type: string;
  /** The schema coordinate the break is at (`EducationEvent.languages`), when the message names one. */
  coordinate: string | null;
  message: string;
}

/**
 * Every break of the public contract: graphql-js `findBreakingChanges` from
 * the contract to `api` (the contract's own test, test/contract.test.ts, uses
 * this too).
 */
export function contractBreaks(api: GraphQLSchema): ContractBreak[] {
  return findBreakingChanges(contractSchema(), api).map((change) => ({
    type: change.type,
    coordinate: /^([A-Za-z_]\w*(?:\.\w+){0,2})\b/.exec(change.description)?.[1] ?? null,
    message: change.description,
  }));
}

/** The API schema clients see, from a supergraph's SDL. */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

/** What a supergraph breaks of the registry: the contract and the registered operations. */
export function registryBreaks(api: GraphQLSchema): { contract: ContractBreak[]; operations: OperationBreak[] } {
  return { contract: contractBreaks(api), operations: operationBreaks(api) };
}
