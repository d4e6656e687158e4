// The access rules of DESIGN.md ("Access"), as every owning subgraph applies
// them to its own data: case records need `<agency>:cases`, personal data
// `<agency>:pii`, writes `<agency>:write`, each only within the token's regions
// (none listed: all). Each agency names its scopes in subgraphs/<name>/scopes.ts.
import { sql, type SqlBool } from 'kysely';
import { forbidden } from '../core/errors';
import type { Filter } from '../core/filter';
import { isWithin, regionRange } from '../core/region-codes';
import type { Viewer } from '../core/viewer';

export function hasScope(viewer: Viewer, scope: string): boolean {
  return viewer.scopes.includes(scope);
}

/** Whether a record in the region `code` lies within the caller's regions. */
export function inViewerRegions(viewer: Viewer, code: string): boolean {
  return viewer.regions.length === 0 || viewer.regions.some((region) => isWithin(code, region));
}

/**
 * A list filter keeping only records whose `column` (a division code on table
 * alias t) lies within the caller's regions; undefined when all are allowed.
 */
export function viewerRegionFilter(viewer: Viewer, column: string): Filter | undefined {
  if (viewer.regions.length === 0) return undefined;
  const ref = sql.ref(`t.${column}`);
  return (eb) =>
    eb.or(viewer.regions.map((code) => {
      const { lo, hi } = regionRange(code);
      return sql<SqlBool>`(${ref} >= ${lo} and ${ref} < ${hi})`;
    }));
}

/** Throws FORBIDDEN unless the caller has `scope` and the record's region is within the caller's regions. */
export function requireRecordAccess(viewer: Viewer, scope: string, regionCode: string, what: string): void {
  if (!hasScope(viewer, scope)) throw forbidden(`${what} needs the scope ${scope}`);
  if (!inViewerRegions(viewer, regionCode)) throw forbidden(`${what} lies outside the regions your token covers`);
}

/** Throws FORBIDDEN without the write scope: checked first, so a caller without it learns nothing about its input. */
export function requireWriteScope(viewer: Viewer, scope: string, message = `writing needs the scope ${scope}`): void {
  if (!hasScope(viewer, scope)) throw forbidden(message);
}

/** Throws FORBIDDEN unless the caller has the agency's write scope covering the region. */
export function requireWriteAccess(viewer: Viewer, scope: string, regionCode: string): void {
  requireWriteScope(viewer, scope);
  if (!inViewerRegions(viewer, regionCode)) throw forbidden('the record lies outside the regions your token covers');
}
