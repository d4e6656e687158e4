// Composition: the four SDL files into schema/supergraph.graphql with
// @apollo/composition, and the check of the registered client operations
// (schema/operations/*.graphql) against the composed API schema.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse, validate, type GraphQLSchema } from 'graphql';
import { listSubgraphs } from './subgraphs';
import { subgraphTypeDefs } from '../platform/shared-sdl';

export const SCHEMA_DIR = __dirname;
export const SUPERGRAPH_PATH = path.join(SCHEMA_DIR, 'supergraph.graphql');
export const OPERATIONS_DIR = path.join(SCHEMA_DIR, 'operations');

export interface CompositionProblem {
  /** The subgraph(s) or operation file at fault, when known. */
  source: string;
  code: string;
  message: string;
}

export type CompositionOutcome =
  | { ok: true; supergraphSdl: string; apiSchema: GraphQLSchema; hints: string[] }
  | { ok: false; problems: CompositionProblem[] };

export function composeSupergraph(): CompositionOutcome {
  const subgraphs = listSubgraphs();
  const result = composeServices(
    subgraphs.map((s) => ({ name: s.name, url: `http://localhost:${s.defaultPort}/graphql`, typeDefs: subgraphTypeDefs(s.sdl, path.join(s.directory, 'schema.graphql')) })),
  );
  if (result.errors) {
    return {
      ok: false,
      problems: result.errors.map((error) => ({
        source: subgraphsNamedIn(error.message, subgraphs.map((s) => s.name)),
        code: String(error.extensions?.code ?? 'COMPOSITION_ERROR'),
        message: error.message,
      })),
    };
  }
  const apiSchema = result.schema.toAPISchema().toGraphQLJSSchema();
  const problems = checkOperations(apiSchema);
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    supergraphSdl: `${result.supergraphSdl.trimEnd()}\n`,
    apiSchema,
    hints: result.hints.map((hint) => hint.toString()),
  };
}

/** Composition messages name subgraphs as `subgraph "x"` or `(in "x")`; collect them. */
function subgraphsNamedIn(message: string, names: string[]): string {
  const named = names.filter((name) => message.includes(`"${name}"`));
  return named.length ? named.join(', ') : 'supergraph';
}

export function operationFiles(): string[] {
  if (!existsSync(OPERATIONS_DIR)) return [];
  return readdirSync(OPERATIONS_DIR)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => path.join(OPERATIONS_DIR, file));
}

/** Every registered operation must stay valid against the composed API schema. */
export function checkOperations(apiSchema: GraphQLSchema): CompositionProblem[] {
  return operationFiles().flatMap((file) =>
    validate(apiSchema, parse(readFileSync(file, 'utf8'))).map((error) => ({
      source: `schema/operations/${path.basename(file)}`,
      code: 'OPERATION_INVALID',
      message: error.message,
    })),
  );
}
