// Persisted operations at the gateway: the registry's operations
// (schema/operations, as schema/manifest.ts builds the manifest) answered by
// id, and a safelist for chosen clients.
//
// By id. A request without `query` that names a manifest id, as
// `extensions.persistedQuery.sha256Hash` (Apollo Client's persisted queries)
// or as `documentId` in the body or the GET query string (GraphQL Code
// Generator's client preset), runs that operation's body. An unknown id goes on
// to automatic persisted queries (APQ), which answer PERSISTED_QUERY_NOT_FOUND
// for a hash they have not seen.
//
// Safelist. GATEWAY_SAFELIST names clients (comma-separated; `*` for every
// client) that may send only registered documents: by id, or the text of a
// registered file or manifest body exactly. A request is safelisted when its
// `apollographql-client-name` header or its token's `agency` is listed: the
// header, which anyone can set, can add the restriction but never lift it.
// Anything else is refused before it is parsed: HTTP 400,
// PERSISTED_QUERY_NOT_IN_LIST (the code Apollo's router gives).
import type { ApolloServerPlugin } from '@apollo/server';
import type { Request } from 'express';
import { GraphQLError } from 'graphql';
import { stringFromEnv } from '../platform/core/config';
import type { Viewer } from '../platform/core/viewer';
import { sha256, type PersistedQueryManifest } from '../schema/manifest';
import type { RegisteredFile } from '../schema/registry';
import type { GatewayContext } from './context';
import { CLIENT_NAME_HEADER } from './usage';

/** GATEWAY_SAFELIST: client names (header or token agency) held to the manifest; `*` for all. */
export function safelistFromEnv(): string[] {
  return (stringFromEnv('GATEWAY_SAFELIST') ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

export interface PersistedOperations {
  /** Resolves ids to bodies before Apollo reads the request. */
  plugin: ApolloServerPlugin<GatewayContext>;
  /** Throws PERSISTED_QUERY_NOT_IN_LIST when a safelisted client's document is not registered. */
  checkSafelist(req: Request, viewer: Viewer): void;
  /** Operations answerable by id. */
  size: number;
  /** Their bodies, for warming their query plans. */
  bodies: string[];
}

/** The gateway's context factory, refusing what the safelist does not allow before anything is parsed. */
export function withSafelist(context: (req: Request) => Promise<GatewayContext>, persisted: PersistedOperations | undefined): (req: Request) => Promise<GatewayContext> {
  if (!persisted) return context;
  return async (req) => {
    const value = await context(req);
    persisted.checkSafelist(req, value.viewer);
    return value;
  };
}

/** The id and text a request carries, from a POST body or a GET query string. */
function requested(req: Request): { id?: string; query?: string } {
  const source = (req.method === 'GET' ? req.query : req.body) as Record<string, unknown> | undefined;
  if (!source || typeof source !== 'object') return {};
  let extensions = source.extensions;
  if (typeof extensions === 'string') {
    try {
      extensions = JSON.parse(extensions);
    } catch {
      extensions = undefined;
    }
  }
  const hash = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
  const id = typeof source.documentId === 'string' ? source.documentId : typeof hash === 'string' ? hash : undefined;
  return { id, query: typeof source.query === 'string' ? source.query : undefined };
}

export function createPersistedOperations(manifest: PersistedQueryManifest, files: RegisteredFile[], safelist: string[]): PersistedOperations {
  const bodies = new Map(manifest.operations.map((operation) => [operation.id, operation.body]));
  // Texts a safelisted client may send in full: the manifest's bodies and the registered files as written.
  const registeredTexts = new Set([...bodies.keys(), ...files.map((file) => sha256(file.text))]);
  const everyone = safelist.includes('*');
  const listed = new Set(safelist);

  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart({ request }) {
      if (request.query !== undefined) return;
      const body = request.http?.body as { documentId?: unknown } | undefined;
      const documentId = typeof body?.documentId === 'string' ? body.documentId : (request.http?.method === 'GET' ? new URLSearchParams(request.http.search).get('documentId') : null) ?? undefined;
      const id = documentId ?? request.extensions?.persistedQuery?.sha256Hash;
      if (typeof id !== 'string') return;
      const text = bodies.get(id);
      if (text !== undefined) {
        request.query = text;
      } else if (documentId !== undefined && !request.extensions?.persistedQuery) {
        // An unknown documentId is answered as APQ answers an unknown hash.
        request.extensions = { ...request.extensions, persistedQuery: { version: 1, sha256Hash: documentId } };
      }
    },
  };

  return {
    plugin,
    size: bodies.size,
    bodies: [...bodies.values()],
    checkSafelist(req, viewer) {
      if (!everyone && !listed.has(req.header(CLIENT_NAME_HEADER) ?? '') && !(viewer.agency && listed.has(viewer.agency))) return;
      const { id, query } = requested(req);
      if (query === undefined ? id !== undefined && bodies.has(id) : registeredTexts.has(sha256(query))) return;
      throw new GraphQLError('This client may send only registered operations (schema/operations), by id or as registered; this document is not in the persisted-operation manifest', {
        extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST', http: { status: 400 } },
      });
    },
  };
}
