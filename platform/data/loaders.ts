// Building blocks of the per-request DataLoaders every subgraph has.
import DataLoader from 'dataloader';
import { loadGrouped, uniqueParents } from './connections';
import type { Period } from './period';

/** Rows put back in the order of the requested keys; null where no row has the key. */
export function byKey<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): (V | null)[] {
  const map = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => map.get(key) ?? null);
}

/** A figure of one parent (a region code, an office id, a village code) within a period. */
export interface PeriodRequest {
  parent: string;
  period: Period | null;
}

/**
 * A loader of one figure per (parent, period): requests with the same period
 * are answered by one SQL statement (`load` gets the distinct parents).
 */
export function periodLoader<V>(load: (parents: string[], period: Period | null) => Promise<Map<string, V>>) {
  return new DataLoader<PeriodRequest, V, string>(
    (requests) =>
      loadGrouped(requests, (r) => JSON.stringify(r.period), async (group) => {
        const figures = await load(uniqueParents(group), group[0].period);
        return group.map((r) => figures.get(r.parent)!);
      }),
    { cacheKeyFn: (r) => JSON.stringify([r.parent, r.period]) },
  );
}
