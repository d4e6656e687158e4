// The gateway's result shaping: @apollo/gateway's `computeResponse`
// (dist/resultShaping.js, 2.14.x) done with less work per value (issue 19).
//
// After a query plan's fetches, @apollo/gateway copies what the subgraphs
// answered into the response the operation asked for: the fields in the
// operation's order, aliases, @skip / @include, fragments by type, __typename,
// null bubbling up to the nearest nullable field, and an error for each
// non-null field found null, invalid __typename or invalid leaf value. Its
// version works out, for every object of the answer, what each selection
// means (the directives for @skip / @include, the field's definition and
// response name, the introspection check), looks up the built-in types for
// every leaf and allocates a result record per value. For a wide list of 100
// offices with 5 events each (600 objects, 2,000 values; a micro-benchmark on
// the benchmark's machine) it took 780 to 870 µs, this module 216; and
// serialising its output (objects without a prototype, which V8 keeps as
// dictionaries) 280 µs, this module's plain objects 175 to 195.
//
// This module computes the same response (the same data, in the same key
// order, the same errors with the same messages and paths; it throws where
// Apollo's assertions throw) but works out each selection once per selection
// set and request, compiles each field's type once per schema, and returns
// values without a record per value. Outputs are plain objects; a response
// name that Object.prototype also has (`__proto__`, `constructor`...) is read
// and written as an own property, so no alias reaches the prototype.
// test/result-shaping.test.ts compares it with Apollo's own function, which it
// replaces only in the @apollo/gateway version it was written against
// (`useResultShaping`; GATEWAY_RESULT_SHAPING=apollo keeps Apollo's).
//
// federation-internals' exports as plain properties before this module reads them (gateway/federation-exports.ts).
import './federation-exports';
import path from 'node:path';
import {
  assert,
  ERRORS,
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  typenameFieldName,
  Variable,
  type CompositeType,
  type Directive,
  type EnumType,
  type ScalarType,
  type Field,
  type FragmentElement,
  type Operation,
  type Schema,
  type SelectionSet,
  type Type,
} from '@apollo/federation-internals';
import type { FieldSelection } from '@apollo/federation-internals';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Path = (string | number)[];

/** What @apollo/gateway passes to `computeResponse`. */
export interface ComputeResponseArgs {
  operation: Operation;
  variables?: Record<string, unknown>;
  input: Record<string, Json> | null | undefined;
  introspectionHandling: (selection: FieldSelection) => Json;
}

/** A field's type, compiled: the wrappers, and for a leaf its check. */
type TypeShape =
  | { kind: 'nonNull'; type: Type; of: TypeShape }
  | { kind: 'list'; type: Type; of: TypeShape }
  | { kind: 'composite'; type: CompositeType; typenames: Map<string, Type> }
  | { kind: 'leaf'; type: Type; valid: (value: unknown) => boolean };

/** One selection of a selection set, worked out once per request. */
type Entry =
  | { kind: 'field'; selection: FieldSelection; responseName: string; ownOnly: boolean; introspection: boolean; typename: boolean; shape: TypeShape; selectionSet: SelectionSet | undefined }
  | { kind: 'fragment'; typeCondition: CompositeType | undefined; selectionSet: SelectionSet };

interface Request {
  schema: Schema;
  variables: Record<string, unknown>;
  errors: Error[];
  introspectionHandling: ComputeResponseArgs['introspectionHandling'];
  entries: Map<SelectionSet, Entry[]>;
}

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);
const getOwn = (object: Record<string, Json>, key: string): Json => (hasOwn(object, key) ? object[key] : undefined);

/** Whether a response name is one a plain object would read from Object.prototype (`__proto__`, `toString`...). */
const inherited = (name: string): boolean => name in Object.prototype;

function setOwn(object: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

// ---- what each selection means ------------------------------------------------

/** @skip / @include, as Apollo's shouldSkip reads them (assertions and all). */
function skipped(element: Field | FragmentElement, request: Request): boolean {
  const skip = element.appliedDirectivesOf(request.schema.skipDirective())[0];
  const include = element.appliedDirectivesOf(request.schema.includeDirective())[0];
  return Boolean((skip && ifValue(skip, request.variables)) || (include && !ifValue(include, request.variables)));
}

function ifValue(directive: Directive<any, { if: boolean | Variable }>, variables: Record<string, unknown>): boolean { // eslint-disable-line @typescript-eslint/no-explicit-any
  const ifArg = directive.arguments().if;
  if (ifArg instanceof Variable) {
    const value = variables[ifArg.name];
    assert(value !== undefined && typeof value === 'boolean', () => `Unexpected value ${value} for variable ${ifArg} of ${directive}`);
    return value;
  }
  return ifArg;
}

const shapes = new WeakMap<Type, TypeShape>();

/** A type's shape, compiled once per type object (the schema's types live as long as the schema). */
function shapeOf(type: Type, schema: Schema): TypeShape {
  let shape = shapes.get(type);
  if (!shape) {
    if (isNonNullType(type)) shape = { kind: 'nonNull', type, of: shapeOf(type.ofType, schema) };
    else if (isListType(type)) shape = { kind: 'list', type, of: shapeOf(type.ofType, schema) };
    else if (isCompositeType(type)) shape = { kind: 'composite', type, typenames: new Map() };
    else shape = { kind: 'leaf', type, valid: leafCheck(type as ScalarType | EnumType, schema) };
    shapes.set(type, shape);
  }
  return shape;
}

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

/**
 * federation-internals' isValidLeafValue for one type, its answers the same:
 * the built-in types it compares with are looked up once, not per value.
 */
function leafCheck(type: ScalarType | EnumType, schema: Schema): (value: unknown) => boolean {
  if (isCustomScalarType(type)) return () => true;
  const [booleanType, intType, floatType, idType] = [schema.booleanType(), schema.intType(), schema.floatType(), schema.idType()];
  const integral = type === intType || type === idType;
  const textual = type !== booleanType && type !== intType && type !== floatType;
  const enumType = isEnumType(type) ? type : undefined;
  return (value) => {
    if (typeof value === 'boolean') return type === booleanType;
    if (typeof value === 'number' && isFinite(value)) return integral ? INTEGER.test(String(value)) : type === floatType;
    if (typeof value === 'string') return enumType ? enumType.value(value) !== undefined : textual;
    return false;
  };
}

/** A selection set's selections that are not skipped, worked out on first use in a request (where Apollo would first evaluate them). */
function entriesOf(selectionSet: SelectionSet, request: Request): Entry[] {
  let entries = request.entries.get(selectionSet);
  if (entries) return entries;
  entries = [];
  for (const selection of selectionSet.selections()) {
    if (skipped(selection.element, request)) continue;
    if (selection.kind === 'FieldSelection') {
      const field = selection.element;
      const responseName = field.responseName();
      entries.push({
        kind: 'field',
        selection,
        responseName,
        ownOnly: inherited(responseName),
        introspection: field.definition.isSchemaIntrospectionField(),
        typename: field.name === typenameFieldName,
        shape: shapeOf(field.definition.type!, request.schema),
        selectionSet: selection.selectionSet,
      });
    } else {
      entries.push({ kind: 'fragment', typeCondition: selection.element.typeCondition, selectionSet: selection.selectionSet });
    }
  }
  request.entries.set(selectionSet, entries);
  return entries;
}

// ---- shaping --------------------------------------------------------------------

const OK = 0;
const NULL_BUBBLE_UP = 1;

/** Set by `update` for its caller, as Apollo's result records' `isInvalid` and `hasErrors`. */
let invalid = false;
let hasErrors = false;

/** Apollo's `computeResponse`: the response's data and the errors found shaping it. */
export function computeResponse({ operation, variables, input, introspectionHandling }: ComputeResponseArgs): { data: Json; errors: Error[] } {
  if (!input) return { data: input, errors: [] };
  const schema = operation.schema();
  const request: Request = {
    schema,
    variables: { __proto__: null, ...operation.collectDefaultedVariableValues(), ...variables } as Record<string, unknown>,
    errors: [],
    introspectionHandling,
    entries: new Map(),
  };
  const data: Record<string, Json> = {};
  const result = applySelectionSet(input, operation.selectionSet, data, request, [], schema.schemaDefinition.rootType(operation.rootKind)!);
  return { data: result === NULL_BUBBLE_UP ? null : data, errors: request.errors };
}

function typeConditionApplies(schema: Schema, typeCondition: CompositeType | undefined, typename: string | undefined, parentType: CompositeType): boolean {
  if (!typeCondition) return true;
  if (typename) {
    const type = schema.type(typename);
    return !!type && isSubtype(typeCondition, type);
  }
  return isSubtype(typeCondition, parentType);
}

function applySelectionSet(input: Record<string, Json>, selectionSet: SelectionSet, output: Record<string, Json>, request: Request, path: Path, parentType: CompositeType): number {
  for (const entry of entriesOf(selectionSet, request)) {
    if (entry.kind === 'fragment') {
      const typename = input[typenameFieldName];
      assert(!typename || typeof typename === 'string', () => `Got unexpected value for __typename: ${typename}`);
      if (typeConditionApplies(request.schema, entry.typeCondition, typename, parentType)) {
        if (applySelectionSet(input, entry.selectionSet, output, request, path, entry.typeCondition ?? parentType) === NULL_BUBBLE_UP) return NULL_BUBBLE_UP;
      }
      continue;
    }
    const name = entry.responseName;
    const outputValue = entry.ownOnly ? getOwn(output, name) : output[name];
    if (entry.introspection) {
      if (outputValue === undefined) write(output, entry, request.introspectionHandling(entry.selection));
      continue;
    }
    let inputValue = getOwn(input, name) ?? null;
    if (entry.typename) {
      if (outputValue === undefined) {
        if (inputValue === null && name !== typenameFieldName) inputValue = input[typenameFieldName] ?? null;
        const type = inputValue !== null && typeof inputValue === 'string' ? (request.schema.type(inputValue) ?? parentType) : parentType;
        if (!isObjectType(type)) return NULL_BUBBLE_UP;
        write(output, entry, type.name);
      }
      continue;
    }
    path.push(name);
    const updated = update(outputValue, entry.shape, inputValue, entry.selectionSet, path, request, parentType);
    const bubbles = invalid;
    write(output, entry, updated);
    path.pop();
    if (bubbles) return NULL_BUBBLE_UP;
  }
  return OK;
}

function write(output: Record<string, Json>, entry: Entry & { kind: 'field' }, value: Json): void {
  if (entry.ownOnly) setOwn(output, entry.responseName, value);
  else output[entry.responseName] = value;
}

function pathLastElementDescription(path: Path, currentType: Type, parentType: CompositeType): string {
  const element = path[path.length - 1];
  assert(element !== undefined, 'Should not have been called on an empty path');
  return typeof element === 'string' ? `field ${parentType}.${element}` : `array element of type ${currentType} at index ${element}`;
}

/** Sets the flags and returns the value: Apollo's `{ updated, isInvalid, hasErrors }` without the record. */
function done(updated: Json, isInvalid: boolean, withErrors: boolean): Json {
  invalid = isInvalid;
  hasErrors = withErrors;
  return updated;
}

/** Apollo's `updateOutputValue`: the value to put in the output, `invalid` and `hasErrors` set as its record's fields. */
function update(outputValue: Json, shape: TypeShape, inputValue: Json, selectionSet: SelectionSet | undefined, path: Path, request: Request, parentType: CompositeType): Json {
  assert(inputValue !== undefined, 'Should not pass undefined for `inputValue` to this method');
  if (outputValue === null || (outputValue !== undefined && !selectionSet)) return done(outputValue, false, false);
  switch (shape.kind) {
    case 'nonNull': {
      const updated = update(outputValue, shape.of, inputValue, selectionSet, path, request, parentType);
      if (updated !== null) return done(updated, false, false);
      if (!hasErrors) {
        request.errors.push(ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${pathLastElementDescription(path, (shape.type as Type & { ofType: Type }).ofType, parentType)}.`, { path: Array.from(path) }));
      }
      return done(null, true, true);
    }
    case 'list':
      if (inputValue === null) return done(null, false, false);
      return updateList(outputValue, shape, inputValue, selectionSet, path, request, parentType);
    case 'composite':
      if (inputValue === null) return done(null, false, false);
      return updateObject(outputValue, shape, inputValue, selectionSet, path, request, parentType);
    default: {
      if (inputValue === null) return done(null, false, false);
      assert(outputValue === undefined, () => `Excepted output to be undefined but got ${shape.type} for type ${shape.type}`);
      if (shape.valid(inputValue)) return done(inputValue, false, false);
      request.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${pathLastElementDescription(path, shape.type, parentType)}.`, { path: Array.from(path) }));
      return done(null, false, true);
    }
  }
}

function updateList(outputValue: Json, shape: TypeShape & { kind: 'list' }, inputValue: Json, selectionSet: SelectionSet | undefined, path: Path, request: Request, parentType: CompositeType): Json {
  const { type } = shape;
  assert(Array.isArray(inputValue), () => `Invalid non-list value ${inputValue} returned by subgraph for list type ${type}`);
  assert(outputValue === undefined || Array.isArray(outputValue), () => `Invalid non-list value ${outputValue} returned by subgraph for list type ${type}`);
  const length = inputValue.length;
  assert(outputValue === undefined || length === outputValue.length, () => `[${inputValue}].length (${length}) !== [${outputValue}].length (${outputValue.length})`);
  const updated: Json[] = [];
  let shouldNullify = false;
  let anyErrors = false;
  for (let index = 0; index < length; index++) {
    path.push(index);
    updated.push(update(outputValue === undefined ? undefined : outputValue[index], shape.of, inputValue[index], selectionSet, path, request, parentType));
    path.pop();
    shouldNullify ||= invalid;
    anyErrors ||= hasErrors;
  }
  return done(shouldNullify ? null : updated, false, anyErrors);
}

function updateObject(outputValue: Json, shape: TypeShape & { kind: 'composite' }, inputValue: Json, selectionSet: SelectionSet | undefined, path: Path, request: Request, parentType: CompositeType): Json {
  const { type } = shape;
  assert(selectionSet, () => `Invalid empty selection set for composite type ${type}`);
  assert(typeof inputValue === 'object', () => `Invalid non-object value ${inputValue} returned by subgraph for composite type ${type}`);
  assert(outputValue === undefined || typeof outputValue === 'object', () => `Invalid non-object value ${inputValue} returned by subgraph for composite type ${type}`);
  const inputTypename = inputValue[typenameFieldName];
  assert(inputTypename === undefined || typeof inputTypename === 'string', () => `Invalid non-string value ${inputTypename} for __typename at ${path}`);
  let objectType: CompositeType = type;
  if (inputTypename) {
    // The types found are kept per shape (no more than the schema has); a name it lacks is looked up each time, never kept.
    let typenameType = shape.typenames.get(inputTypename);
    if (!typenameType) {
      typenameType = request.schema.type(inputTypename);
      if (typenameType) shape.typenames.set(inputTypename, typenameType);
    }
    if (!typenameType || !isCompositeType(typenameType)) {
      request.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${pathLastElementDescription(path, type, parentType)}.`, { path: Array.from(path) }));
      return done(null, false, true);
    }
    objectType = typenameType;
  }
  const output = outputValue === undefined ? {} : outputValue;
  const bubbled = applySelectionSet(inputValue, selectionSet, output, request, path, objectType) === NULL_BUBBLE_UP;
  return done(bubbled ? null : output, false, bubbled);
}

// ---- in @apollo/gateway's place ---------------------------------------------------

/** The @apollo/gateway versions whose resultShaping.js this module was written against. */
const WRITTEN_FOR = /^2\.14\./;

/** Which result shaping a gateway uses: the hub's (default) or @apollo/gateway's own (GATEWAY_RESULT_SHAPING=apollo). */
export type ResultShaping = 'hub' | 'apollo';

export function resultShapingFromEnv(): ResultShaping {
  const value = process.env.GATEWAY_RESULT_SHAPING ?? 'hub';
  if (value !== 'hub' && value !== 'apollo') throw new Error(`GATEWAY_RESULT_SHAPING must be hub or apollo, not "${value}"`);
  return value;
}

interface ShapingModule {
  computeResponse: unknown;
}

/** @apollo/gateway's resultShaping module (the one its executor requires), when it is the version this module was written against. */
function apolloShapingModule(): ShapingModule | undefined {
  const gatewayDir = path.dirname(require.resolve('@apollo/gateway/package.json'));
  const { version } = require(path.join(gatewayDir, 'package.json')) as { version: string };
  if (!WRITTEN_FOR.test(version)) return undefined;
  const shaping = require(path.join(gatewayDir, 'dist', 'resultShaping.js')) as ShapingModule;
  return typeof shaping.computeResponse === 'function' ? shaping : undefined;
}

/** Apollo's own function, kept once replaced (for GATEWAY_RESULT_SHAPING=apollo and the tests' comparison). */
let apollo: typeof computeResponse | undefined;

/** Apollo's own function: the module's, or the one kept when this module's took its place. */
const apolloOwn = (shaping: ShapingModule): typeof computeResponse => (shaping.computeResponse === computeResponse ? apollo! : (shaping.computeResponse as typeof computeResponse));

/**
 * Puts the chosen `computeResponse` in @apollo/gateway's module, whose
 * executor reads it from the module's exports on every call (so the choice is
 * the process's, for every gateway in it). Returns what is in use: `apollo`
 * also for a version of the package this module was not written for.
 */
export function useResultShaping(wanted: ResultShaping): ResultShaping {
  const shaping = apolloShapingModule();
  if (!shaping) return 'apollo';
  apollo = apolloOwn(shaping);
  shaping.computeResponse = wanted === 'hub' ? computeResponse : apollo;
  return wanted;
}

/** @apollo/gateway's own computeResponse, whichever is in use (the tests compare with it). */
export function apolloComputeResponse(): typeof computeResponse {
  const shaping = apolloShapingModule();
  if (!shaping) throw new Error('@apollo/gateway is not the version gateway/result-shaping.ts was written for');
  return apolloOwn(shaping);
}
