// Field usage at the gateway: for each operation (by the sha256 of its
// signature, as Apollo's usage reporting defines it, and its name) and each
// client, the schema coordinates it touched and how often, and when last seen.
// `npm run check` reads them to say who a breaking change would hurt.
//
// On the request path: one map lookup of the operation's coordinates (worked
// out once per document and schema), one counter, and a walk of the variables
// only for operations whose variables hold enums or input objects. Every
// USAGE_FLUSH_MS the counts are handed to the store (gateway/usage-store.ts:
// Redis when REDIS_URL is set, a file otherwise) off the request path.
//
// Coordinates: `Type.field` for each field selected, `Type.field.argument` for
// each argument given, `Input.field` for each input field given (literal or in
// a variable), `Enum.VALUE` for each enum value sent (literal or in a variable).
//
// The client is the `apollographql-client-name` header when it is a plain name,
// else the token's agency, else `anonymous`. Bounded: at most MAX_CLIENTS
// distinct clients and MAX_OPERATIONS distinct operations per process; beyond
// them, `other`.
import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { usageReportingSignature } from '@apollo/utils.usagereporting';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  separateOperations,
  TypeInfo,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import type { Logger } from '../platform/core/log';
import type { GatewayContext } from './context';
import { dayOf, type UsageBatch, type UsageStore } from './usage-store';

export const CLIENT_NAME_HEADER = 'apollographql-client-name';
const MAX_CLIENTS = 200;
const MAX_OPERATIONS = 2000;
const CLIENT_NAME = /^[\w.:@/-]{1,64}$/;

/** Who sent a request: the client header when it is a plain name, else the token's agency, else `anonymous`. */
function clientOf(header: string | undefined | null, agency: string | null | undefined): string {
  if (header && CLIENT_NAME.test(header)) return header;
  if (agency && CLIENT_NAME.test(agency)) return agency;
  return header || agency ? 'invalid' : 'anonymous';
}

interface OperationUsage {
  schema: GraphQLSchema;
  id: string;
  name: string;
  coordinates: string[];
  /** Variables whose values hold enums or input objects: walked per request. */
  variables: { name: string; type: GraphQLInputType }[];
}

/** The coordinates an operation touches whatever its variables' values. */
function staticCoordinates(schema: GraphQLSchema, document: DocumentNode): string[] {
  const found = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent && !node.name.value.startsWith('__')) found.add(`${parent.name}.${node.name.value}`);
      },
      Argument(node) {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (parent && field) found.add(`${parent.name}.${field.name}.${node.name.value}`);
      },
      ObjectField(node) {
        const input = typeInfo.getParentInputType();
        const named = input && getNamedType(input);
        if (named && isInputObjectType(named)) found.add(`${named.name}.${node.name.value}`);
      },
      EnumValue(node) {
        const input = typeInfo.getInputType();
        const named = input && getNamedType(input);
        if (named && isEnumType(named)) found.add(`${named.name}.${node.value}`);
      },
    }),
  );
  return [...found];
}

/** Coordinates in a variable's value: input fields given and enum values sent. */
function valueCoordinates(type: GraphQLInputType, value: unknown, into: Set<string>, depth = 0): void {
  if (value === null || value === undefined || depth > 20) return;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    if (Array.isArray(value)) for (const item of value.slice(0, 100)) valueCoordinates(inner.ofType, item, into, depth + 1);
    return;
  }
  if (isEnumType(inner)) {
    if (typeof value === 'string' && inner.getValue(value)) into.add(`${inner.name}.${value}`);
    return;
  }
  if (isInputObjectType(inner) && typeof value === 'object') {
    const fields = inner.getFields();
    for (const [key, fieldValue] of Object.entries(value as Record<string, unknown>)) {
      const field = fields[key];
      if (!field) continue;
      into.add(`${inner.name}.${key}`);
      valueCoordinates(field.type, fieldValue, into, depth + 1);
    }
  }
}

const holdsInputStructure = (type: GraphQLInputType): boolean => {
  const named = getNamedType(type);
  return isEnumType(named) || isInputObjectType(named);
};

function describeOperation(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): Omit<OperationUsage, 'schema'> {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const own = operations.length > 1 && operationName ? (separateOperations(document)[operationName] ?? document) : document;
  const operation = own.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  const signature = usageReportingSignature(own, operationName ?? '');
  const variables = (operation?.kind === Kind.OPERATION_DEFINITION ? (operation.variableDefinitions ?? []) : [])
    .map((definition) => ({ name: definition.variable.name.value, type: typeFromAST(schema, definition.type as never) as GraphQLInputType | undefined }))
    .filter((v): v is { name: string; type: GraphQLInputType } => !!v.type && holdsInputStructure(v.type));
  return {
    id: createHash('sha256').update(signature).digest('hex'),
    name: operationName ?? 'anonymous',
    coordinates: staticCoordinates(schema, own),
    variables,
  };
}

interface Pending {
  client: string;
  operation: OperationUsage;
  count: number;
  lastSeen: number;
  /** Coordinates from variables' values, with their own counts. */
  fromVariables: Map<string, number>;
}

export interface UsageRecorder {
  plugin: ApolloServerPlugin<GatewayContext>;
  /** Hands what was counted since the last flush to the store. */
  flush(): Promise<void>;
  /** Flushes and closes the store. */
  close(): Promise<void>;
}

export function createUsageRecorder(options: { store: UsageStore; flushMs: number; logger: Logger }): UsageRecorder {
  const operationFor = operationDescriber();
  const boundedClient = boundedClients();
  let pending = new Map<string, Pending>();

  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async willSendResponse({ schema, document, operation, operationName, queryHash, request, response, contextValue }) {
          // Only operations that ran (or were answered from the cache): not those refused before execution.
          if (!document || !operation || !queryHash || response.body.kind !== 'single' || response.body.singleResult.data === undefined) return;
          const usage = operationFor(schema, queryHash, document, operationName ?? null);
          const client = boundedClient(clientOf(request.http?.headers.get(CLIENT_NAME_HEADER), contextValue.viewer.agency));
          countUse(pending, client, usage, request.variables);
        },
      };
    },
  };

  const flush = async (): Promise<void> => {
    if (!pending.size) return;
    const batch = batchOf(pending.values());
    pending = new Map();
    try {
      await options.store.add(batch);
    } catch (error) {
      options.logger.error({ reason: (error as Error).message, counts: batch.counts.length }, 'field usage not recorded');
    }
  };

  let flushing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    flushing = flushing.then(flush);
  }, options.flushMs);
  timer.unref();

  return {
    plugin,
    flush: () => (flushing = flushing.then(flush)),
    async close() {
      clearInterval(timer);
      await (flushing = flushing.then(flush));
      await options.store.close();
    },
  };
}

/** Each operation's description against the schema it ran on, kept by query hash and name; beyond MAX_OPERATIONS operations, new ones are `other`. */
function operationDescriber(): (schema: GraphQLSchema, queryHash: string, document: DocumentNode, operationName: string | null) => OperationUsage {
  const described = new Map<string, OperationUsage>();
  const operationIds = new Set<string>();
  return (schema, queryHash, document, operationName) => {
    const key = `${queryHash}\n${operationName ?? ''}`;
    let usage = described.get(key);
    if (usage?.schema !== schema) {
      if (described.size >= MAX_OPERATIONS * 2) described.clear();
      const description = describeOperation(schema, document, operationName);
      if (!operationIds.has(description.id) && operationIds.size >= MAX_OPERATIONS) Object.assign(description, { id: 'other', name: 'other' });
      operationIds.add(description.id);
      usage = { schema, ...description };
      described.set(key, usage);
    }
    return usage;
  };
}

/** Clients by name, at most MAX_CLIENTS of them; the rest are `other`. */
function boundedClients(): (client: string) => string {
  const clients = new Set<string>();
  return (client) => {
    if (clients.has(client)) return client;
    if (clients.size >= MAX_CLIENTS) return 'other';
    clients.add(client);
    return client;
  };
}

/** Counts one use of the operation by the client, with the coordinates its variables' values reach. */
function countUse(pending: Map<string, Pending>, client: string, usage: OperationUsage, variables: Record<string, unknown> | undefined): void {
  const key = `${client}\t${usage.id}`;
  let entry = pending.get(key);
  if (!entry) pending.set(key, (entry = { client, operation: usage, count: 0, lastSeen: 0, fromVariables: new Map() }));
  // After a supergraph reload, the same operation's coordinates as the new schema has them.
  entry.operation = usage;
  entry.count++;
  entry.lastSeen = Date.now();
  if (usage.variables.length && variables) {
    const seen = new Set<string>();
    for (const variable of usage.variables) valueCoordinates(variable.type, variables[variable.name], seen);
    for (const coordinate of seen) entry.fromVariables.set(coordinate, (entry.fromVariables.get(coordinate) ?? 0) + 1);
  }
}

/** What the store is handed: a count per day, client, operation and coordinate. */
function batchOf(entries: Iterable<Pending>): UsageBatch {
  const batch: UsageBatch = { counts: [], operations: {} };
  for (const entry of entries) {
    const { client, operation, count, lastSeen } = entry;
    const day = dayOf(lastSeen);
    batch.operations[operation.id] = operation.name;
    for (const coordinate of operation.coordinates) batch.counts.push({ day, client, operation: operation.id, coordinate, count, lastSeen });
    for (const [coordinate, times] of entry.fromVariables) batch.counts.push({ day, client, operation: operation.id, coordinate, count: times, lastSeen });
  }
  return batch;
}
