// The graph's cross-agency boundaries, derived from the supergraph (issue 16).
// "One agency down is not the graph down" (DESIGN.md, the contract's
// conventions): a field whose value another agency resolves than the one that
// owns its parent type, and a reference to another agency's entity, must be
// nullable, so that when that agency cannot answer GraphQL nulls that field
// alone instead of its parent (and, up a chain of non-null fields, the whole
// answer). test/nullability.test.ts fails when one of them is non-null.
//
// Ownership is read from the supergraph, not named here: the owner of a type
// is the subgraph that serves most of its fields (the judicial subgraph for
// Region: code, name, level, parent...; another agency extending Region serves
// its key and its own few fields). A type every subgraph serves alike
// (PageInfo, Person, the audit record types) has them all as owners.
import { Supergraph, type FieldDefinition, type ObjectType } from '@apollo/federation-internals';
import { getNamedType, isNonNullType, isObjectType, type GraphQLSchema } from 'graphql';

export interface CrossAgencyField {
  /** `Type.field`. */
  coordinate: string;
  /** The field's type in the API schema, as clients see it. */
  type: string;
  nullable: boolean;
  /** The subgraphs that resolve the field. */
  resolvedBy: string[];
  /**
   * `field`: another subgraph than the parent type's owner resolves it;
   * `reference`: it returns an entity whose owner is another subgraph.
   */
  kind: 'field' | 'reference';
  /** The owner(s) of the parent type (kind `field`) or of the returned type (kind `reference`). */
  owners: string[];
}

const ROOTS = new Set(['Query', 'Mutation', 'Subscription']);
const internal = (name: string) => name.startsWith('_');

/** For every object type: each field's resolving subgraphs (external fields left out). */
function servedFields(supergraph: Supergraph): Map<string, Map<string, Set<string>>> {
  const served = new Map<string, Map<string, Set<string>>>();
  for (const subgraph of supergraph.subgraphs().values()) {
    const metadata = subgraph.metadata();
    for (const type of subgraph.schema.types()) {
      if (type.kind !== 'ObjectType' || internal(type.name)) continue;
      const fields = served.get(type.name) ?? new Map<string, Set<string>>();
      served.set(type.name, fields);
      for (const field of (type as ObjectType).fields() as FieldDefinition<ObjectType>[]) {
        if (internal(field.name) || metadata.isFieldExternal(field)) continue;
        const by = fields.get(field.name) ?? new Set<string>();
        by.add(subgraph.name);
        fields.set(field.name, by);
      }
    }
  }
  return served;
}

/** The subgraphs serving most of a type's fields. */
function ownersOf(fields: Map<string, Set<string>> | undefined): string[] {
  const counts = new Map<string, number>();
  for (const by of fields?.values() ?? []) for (const name of by) counts.set(name, (counts.get(name) ?? 0) + 1);
  const most = Math.max(0, ...counts.values());
  return [...counts].filter(([, count]) => count === most).map(([name]) => name).sort();
}

/** Every cross-agency field of a supergraph, nullable or not, in schema order. */
export function crossAgencyFields(supergraphSdl: string): CrossAgencyField[] {
  const supergraph = Supergraph.build(supergraphSdl);
  const api: GraphQLSchema = supergraph.apiSchema().toGraphQLJSSchema();
  const served = servedFields(supergraph);
  const owners = new Map([...served].map(([type, fields]) => [type, ownersOf(fields)]));
  const found: CrossAgencyField[] = [];
  for (const type of Object.values(api.getTypeMap())) {
    if (!isObjectType(type) || internal(type.name)) continue;
    for (const field of Object.values(type.getFields())) {
      const resolvedBy = [...(served.get(type.name)?.get(field.name) ?? [])].sort();
      if (!resolvedBy.length) continue;
      const entry = { coordinate: `${type.name}.${field.name}`, type: String(field.type), nullable: !isNonNullType(field.type), resolvedBy };
      const parentOwners = owners.get(type.name) ?? [];
      if (!ROOTS.has(type.name) && !resolvedBy.some((name) => parentOwners.includes(name))) {
        found.push({ ...entry, kind: 'field', owners: parentOwners });
        continue;
      }
      const returned = getNamedType(field.type);
      const returnedOwners = isObjectType(returned) ? (owners.get(returned.name) ?? []) : [];
      if (returnedOwners.length && !resolvedBy.some((name) => returnedOwners.includes(name))) {
        found.push({ ...entry, kind: 'reference', owners: returnedOwners });
      }
    }
  }
  return found;
}

/** Owners of every object type of a supergraph (for the test's sanity check and for readers). */
export function typeOwners(supergraphSdl: string): Map<string, string[]> {
  const served = servedFields(Supergraph.build(supergraphSdl));
  return new Map([...served].map(([type, fields]) => [type, ownersOf(fields)]));
}
