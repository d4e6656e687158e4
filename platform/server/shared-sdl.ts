// Shared SDL, written once (platform/server/shared.graphql) and brought into each
// subgraph by the platform: a subgraph's schema is its own schema.graphql plus
// every shared definition it refers to, directly or through another shared
// one (a subgraph that uses `period: DateRange` gets DateRange and Date). A
// name the subgraph defines itself is its own. buildSubgraphSchema
// (platform/server/subgraph.ts), composition and `npm run check` (schema/compose.ts)
// and codegen (codegen.ts) all call subgraphTypeDefs, so they see one schema.
//
// Every definition keeps the file it came from (graphql-js `Source` names),
// so an error points at the subgraph's file or at platform/server/shared.graphql with
// its line and column.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../core/paths';
import {
  Kind,
  parse,
  print,
  Source,
  visit,
  type DefinitionNode,
  type DocumentNode,
  type TypeSystemDefinitionNode,
  type ValueNode,
} from 'graphql';

const SHARED_SDL_PATH = path.join(__dirname, 'shared.graphql');

/** A path as errors show it: relative to the project when inside it. */
export function displayPath(file: string): string {
  const relative = path.relative(PROJECT_ROOT, path.resolve(file));
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

let shared: { definitions: Map<string, TypeSystemDefinitionNode>; order: string[] } | undefined;

/** The name a definition gives: types by their name, directives as `@name`. */
function definedName(definition: DefinitionNode): string | undefined {
  if (definition.kind === Kind.DIRECTIVE_DEFINITION) return `@${definition.name.value}`;
  if ('name' in definition && definition.name && definition.kind.endsWith('Definition')) return definition.name.value;
  return undefined;
}

function sharedDefinitions(): NonNullable<typeof shared> {
  if (!shared) {
    const document = parse(new Source(readFileSync(SHARED_SDL_PATH, 'utf8'), displayPath(SHARED_SDL_PATH)));
    const definitions = new Map<string, TypeSystemDefinitionNode>();
    for (const definition of document.definitions) {
      const name = definedName(definition);
      if (name) definitions.set(name, definition as TypeSystemDefinitionNode);
    }
    shared = { definitions, order: [...definitions.keys()] };
  }
  return shared;
}

/** Type names (`Date`) and directives (`@cacheControl`) a piece of SDL refers to. */
function referencesOf(node: DocumentNode | TypeSystemDefinitionNode): Set<string> {
  const names = new Set<string>();
  visit(node, {
    NamedType: (named) => {
      names.add(named.name.value);
    },
    Directive: (directive) => {
      names.add(`@${directive.name.value}`);
    },
  });
  return names;
}

/**
 * Federation directives by the name the subgraph gives them: imported ones by
 * their own (or `as`) name, the others as `federation__<name>`, which a
 * subgraph linking the federation spec always understands.
 */
function federationDirectiveNames(document: DocumentNode): Map<string, string> {
  const names = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_EXTENSION && definition.kind !== Kind.SCHEMA_DEFINITION) continue;
    for (const directive of definition.directives ?? []) {
      const url = directive.arguments?.find((a) => a.name.value === 'url')?.value;
      if (directive.name.value !== 'link' || url?.kind !== Kind.STRING || !url.value.includes('specs.apollo.dev/federation')) continue;
      const imports = directive.arguments?.find((a) => a.name.value === 'import')?.value;
      const entries: readonly ValueNode[] = imports?.kind === Kind.LIST ? imports.values : [];
      for (const entry of entries) {
        if (entry.kind === Kind.STRING) names.set(entry.value.replace(/^@/, ''), entry.value.replace(/^@/, ''));
        if (entry.kind === Kind.OBJECT) {
          const field = (key: string) => entry.fields.find((f) => f.name.value === key)?.value;
          const name = field('name');
          const as = field('as');
          if (name?.kind === Kind.STRING) names.set(name.value.replace(/^@/, ''), (as?.kind === Kind.STRING ? as.value : name.value).replace(/^@/, ''));
        }
      }
    }
  }
  return names;
}

const FEDERATION_DIRECTIVES = new Set(['shareable', 'key', 'external', 'provides', 'requires', 'inaccessible', 'override', 'tag']);

/**
 * One subgraph's type definitions: its SDL (parsed as `file`) followed by the
 * shared definitions it needs. A syntax error throws graphql-js's GraphQLError,
 * which carries `file` and the line and column.
 */
export function subgraphTypeDefs(sdl: string, file: string): DocumentNode {
  const own = parse(new Source(sdl, displayPath(file)));
  const { definitions, order } = sharedDefinitions();
  const defined = new Set(own.definitions.map(definedName).filter((name): name is string => !!name));
  const wanted = new Set<string>();
  const pending = [...referencesOf(own)];
  while (pending.length) {
    const name = pending.pop()!;
    const definition = definitions.get(name);
    if (!definition || defined.has(name) || wanted.has(name)) continue;
    wanted.add(name);
    pending.push(...referencesOf(definition));
  }
  if (!wanted.size) return own;
  const federation = federationDirectiveNames(own);
  const added = order
    .filter((name) => wanted.has(name))
    .map((name) =>
      visit(definitions.get(name)!, {
        Directive: (directive) => {
          const local = FEDERATION_DIRECTIVES.has(directive.name.value) ? (federation.get(directive.name.value) ?? `federation__${directive.name.value}`) : directive.name.value;
          return local === directive.name.value ? undefined : { ...directive, name: { ...directive.name, value: local } };
        },
      }),
    );
  return { kind: Kind.DOCUMENT, definitions: [...own.definitions, ...added] };
}

/** A subgraph folder's schema: `schema.graphql` with the shared definitions it needs. */
export function loadSubgraphTypeDefs(directory: string): DocumentNode {
  const file = path.join(directory, 'schema.graphql');
  return subgraphTypeDefs(readFileSync(file, 'utf8'), file);
}

/** The same as SDL text, for tools that take text (GraphQL Code Generator). */
export function subgraphSdlWithShared(directory: string): string {
  return print(loadSubgraphTypeDefs(directory));
}
