// The persisted-operation manifest, generated from the registry
// (schema/operations/*.graphql) in the format Apollo Client's persisted-query
// tooling emits (`@apollo/generate-persisted-query-manifest`, read by
// `@apollo/persisted-query-lists` and GraphOS): one entry per operation, its
// body the operation with the fragments it uses, printed by graphql-js, and its
// id the sha256 of that body. A client sends the id alone, as
// `extensions.persistedQuery.sha256Hash` (Apollo Client) or as `documentId`
// (GraphQL Code Generator's client preset); the gateway answers it
// (gateway/persisted-operations.ts). `npm run compose` writes the manifest to
// schema/persisted-query-manifest.json for clients; the gateway builds the same
// from the folder at start, so the folder stays the one source.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { Kind, print, visit, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode } from 'graphql';
import { registeredFiles, SCHEMA_DIR, type RegisteredFile } from './registry';

export const MANIFEST_PATH = path.join(SCHEMA_DIR, 'persisted-query-manifest.json');

export interface ManifestOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

export interface PersistedQueryManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: ManifestOperation[];
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The fragments an operation uses, directly or through other fragments, in the document's order. */
function withFragments(document: DocumentNode, root: DefinitionNode): DefinitionNode[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const used = new Set<string>();
  const pending: DefinitionNode[] = [root];
  while (pending.length) {
    visit(pending.pop()!, {
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (used.has(name) || !fragments.has(name)) return;
        used.add(name);
        pending.push(fragments.get(name)!);
      },
    });
  }
  return document.definitions.filter((d) => d === root || (d.kind === Kind.FRAGMENT_DEFINITION && used.has(d.name.value)));
}

/** The manifest of every named operation in the registry (a file that does not parse adds nothing). */
export function buildManifest(files: RegisteredFile[] = registeredFiles()): PersistedQueryManifest {
  const operations: ManifestOperation[] = [];
  for (const { document } of files) {
    if (!document) continue;
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION || !definition.name) continue;
      const body = print({ kind: Kind.DOCUMENT, definitions: withFragments(document, definition) });
      operations.push({ id: sha256(body), name: definition.name.value, type: definition.operation, body });
    }
  }
  operations.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return { format: 'apollo-persisted-query-manifest', version: 1, operations };
}

export const manifestText = (manifest: PersistedQueryManifest): string => `${JSON.stringify(manifest, null, 2)}\n`;
