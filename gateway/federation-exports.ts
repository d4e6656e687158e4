// @apollo/federation-internals' exports as plain properties (issue 19).
//
// The package's index re-exports some 300 names from its modules the way
// TypeScript compiles `export *` to CommonJS: a getter per name, on an object
// V8 keeps in dictionary mode. @apollo/gateway and the query planner call
// those names in their inner loops (`isNonNullType`, `isListType`, `assert`...
// for every value of every answer it shapes): a read through such a getter
// costs 30 ns where a plain property costs 4 (a loop reading two of the
// names, Node 20, on the machines the benchmark runs on), and on the wide list
// of 100 offices these reads were 7 to 9% of the gateway's CPU (a CPU profile
// of the benchmark's hub gateway).
//
// So the gateway, before it loads @apollo/gateway, puts in the package's place
// in Node's module cache an object holding the same values as plain
// properties; every module that requires the package afterwards gets that
// object. The values are the package's own (the same classes and functions);
// its names are bound once, when its modules have loaded, and none of them is
// assigned again (exportsDrift() checks, and test/federation-exports.test.ts
// runs it after a gateway has answered). A module that loaded the package
// before (in a process that composed a supergraph first, say) keeps the
// package's own object, and under a module system of its own (Jest's) the
// cache is not Node's: there the package works as it does unmodified, only
// slower.
import { createRequire } from 'node:module';

const fromGateway = createRequire(require.resolve('@apollo/gateway'));
/** The package file @apollo/gateway loads (the same copy the query planner resolves to here). */
const PACKAGE_FILE = fromGateway.resolve('@apollo/federation-internals');

/** The package's own exports object, as its index made it. */
let original: Record<string, unknown> | undefined;
let plain: Record<string, unknown> | undefined;

/** An object with `source`'s own properties (enumerable or not, as there) as plain read-only values. */
function plainCopy(source: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const name of Object.getOwnPropertyNames(source)) {
    Object.defineProperty(copy, name, { value: source[name], enumerable: Object.getOwnPropertyDescriptor(source, name)?.enumerable ?? false, writable: false, configurable: false });
  }
  return copy;
}

/**
 * Loads the package and puts the plain copy of its exports in the module
 * cache; true when every later `require` of it gets the copy.
 */
export function usePlainFederationExports(): boolean {
  if (plain) return true;
  if (!require.cache[PACKAGE_FILE]) fromGateway(PACKAGE_FILE);
  const entry = require.cache[PACKAGE_FILE];
  if (!entry) return false;
  original = entry.exports as Record<string, unknown>;
  plain = plainCopy(original);
  entry.exports = plain;
  return fromGateway('@apollo/federation-internals') === plain;
}

/** Names whose value in the package now differs from the copy's (none expected); empty when no copy is in use. */
export function exportsDrift(): string[] {
  if (!original || !plain) return [];
  const source = original;
  const copy = plain;
  return Object.getOwnPropertyNames(source).filter((name) => source[name] !== copy[name]);
}

/** Whether this process's @apollo/gateway reads the plain copy (done on import: gateway/gateway.ts imports this module first). */
export const PLAIN_FEDERATION_EXPORTS = usePlainFederationExports();
