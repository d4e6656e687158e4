// Who would notice a breaking change: the recorded field usage
// (gateway/usage.ts, read from gateway/usage-store.ts) of the coordinates a
// change touches, within a window of days, by client and operation.
//
// Which recorded coordinates a change touches, from the schema being served:
// - a field, argument, input field or enum value changed or removed: that
//   coordinate (`EducationEvent.languages`, `Region.projects.first`,
//   `DateRange.from`, `EducationTheme.LAW` when a client sent the value);
// - an enum value removed: also every field that returns the enum (a client
//   reading it may receive the value);
// - a required argument added: every use of the field; a required input field
//   added: every argument and input field of that input type;
// - a type removed or changed in kind: every coordinate of the type.
import { getNamedType, isInputObjectType, isObjectType, isInterfaceType, type GraphQLSchema } from 'graphql';
import { dayOf, type UsageStore, type UsageTotals } from '../gateway/usage-store';

export interface UsageWindow {
  days: number;
  /** First and last day read (UTC), inclusive. */
  from: string;
  to: string;
}

export interface OperationUse {
  /** sha256 of the operation's signature. */
  id: string;
  name: string;
  /** Requests of this operation (by this client) that touched the change, within the window. */
  count: number;
  lastSeen: string;
}

export interface ClientUse {
  client: string;
  count: number;
  lastSeen: string;
  operations: OperationUse[];
}

export interface ChangeUsage {
  /** Coordinates looked up (a trailing `.*` is every coordinate of a type). */
  coordinates: string[];
  /** Requests within the window; 0: unused in the window. */
  count: number;
  lastSeen: string | null;
  clients: ClientUse[];
}

/** What usage is looked up by of a schema change (schema/compose.ts's SchemaChange): its kind and the coordinate it changes. */
export interface ChangedCoordinate {
  /** @graphql-inspector/core's change type, e.g. FIELD_REMOVED. */
  type: string;
  coordinate: string | null;
}

/** Which recorded coordinates a change touches, worked out on the schema being served. */
function touchedCoordinates(schema: GraphQLSchema, change: ChangedCoordinate): string[] {
  const coordinate = change.coordinate;
  if (!coordinate) return [];
  const [typeName, fieldName] = coordinate.split('.');
  const fieldsReturning = (name: string) =>
    Object.values(schema.getTypeMap()).flatMap((type) =>
      isObjectType(type) || isInterfaceType(type) ? Object.values(type.getFields()).filter((f) => getNamedType(f.type).name === name).map((f) => `${type.name}.${f.name}`) : [],
    );
  const usesOfInput = (name: string) =>
    Object.values(schema.getTypeMap()).flatMap((type) => {
      if (isObjectType(type) || isInterfaceType(type)) {
        return Object.values(type.getFields()).flatMap((f) => f.args.filter((a) => getNamedType(a.type).name === name).map((a) => `${type.name}.${f.name}.${a.name}`));
      }
      if (isInputObjectType(type)) return Object.values(type.getFields()).filter((f) => getNamedType(f.type).name === name).map((f) => `${type.name}.${f.name}`);
      return [];
    });
  switch (change.type) {
    case 'ENUM_VALUE_REMOVED':
      return [coordinate, ...fieldsReturning(typeName)];
    case 'FIELD_ARGUMENT_ADDED':
      return [`${typeName}.${fieldName}`];
    case 'INPUT_FIELD_ADDED':
      return [`${typeName}.*`, ...usesOfInput(typeName)];
    default:
      return coordinate.includes('.') ? [coordinate] : [`${coordinate}.*`, ...fieldsReturning(coordinate)];
  }
}

const matches = (wanted: string[]) => {
  const exact = new Set(wanted.filter((c) => !c.endsWith('.*')));
  const prefixes = wanted.filter((c) => c.endsWith('.*')).map((c) => c.slice(0, -1));
  return (coordinate: string) => exact.has(coordinate) || prefixes.some((prefix) => coordinate.startsWith(prefix));
};

const iso = (ms: number) => new Date(ms).toISOString();

/** The usage of each change's coordinates, from totals already read. */
function usageOf(wanted: string[], totals: UsageTotals): ChangeUsage {
  const touches = matches(wanted);
  // client -> operation -> the largest count among its touched coordinates (one request touching two counts once).
  const byClient = new Map<string, Map<string, { count: number; lastSeen: number }>>();
  for (const record of totals.counts) {
    if (!touches(record.coordinate)) continue;
    const operations = byClient.get(record.client) ?? new Map<string, { count: number; lastSeen: number }>();
    byClient.set(record.client, operations);
    const use = operations.get(record.operation) ?? { count: 0, lastSeen: 0 };
    operations.set(record.operation, { count: Math.max(use.count, record.count), lastSeen: Math.max(use.lastSeen, record.lastSeen) });
  }
  const clients: ClientUse[] = [...byClient].map(([client, operations]) => {
    const list = [...operations]
      .map(([id, use]) => ({ id, name: totals.operations[id] ?? 'unknown', count: use.count, lastSeen: iso(use.lastSeen) }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
    return { client, count: list.reduce((sum, o) => sum + o.count, 0), lastSeen: list.map((o) => o.lastSeen).sort().at(-1)!, operations: list };
  });
  clients.sort((a, b) => b.count - a.count || a.client.localeCompare(b.client));
  return {
    coordinates: wanted,
    count: clients.reduce((sum, c) => sum + c.count, 0),
    lastSeen: clients.map((c) => c.lastSeen).sort().at(-1) ?? null,
    clients,
  };
}

/** Reads the window's usage once and looks up each change in it. */
export async function changeUsage(schema: GraphQLSchema, changes: ChangedCoordinate[], store: UsageStore, days: number, now = Date.now()): Promise<{ window: UsageWindow; usages: ChangeUsage[] }> {
  const window = { days, from: dayOf(now - (days - 1) * 86_400_000), to: dayOf(now) };
  const totals = await store.read(window.from);
  return { window, usages: changes.map((change) => usageOf(touchedCoordinates(schema, change), totals)) };
}
