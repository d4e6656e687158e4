// The `period: DateRange` argument, as a filter on one date column; the
// other filters of a list's arguments (equalTo) and their combination (allOf).
import { sql } from 'kysely';
import type { Filter } from './connections';
import { badUserInput } from '../core/errors';

export interface Period {
  from?: string | null;
  to?: string | null;
}

/** Checks a period's order; `field` names the argument in the error. */
export function checkPeriod(period: Period | null | undefined, field = 'period'): Period | null {
  if (!period || (period.from == null && period.to == null)) return null;
  if (period.from != null && period.to != null && period.from > period.to) {
    throw badUserInput(field, `from (${period.from}) is after to (${period.to})`);
  }
  return { from: period.from ?? null, to: period.to ?? null };
}

/** A filter keeping rows whose `column` (on table alias t) falls within the period. */
export function periodFilter(column: string, period: Period | null | undefined): Filter | undefined {
  if (!period) return undefined;
  const ref = sql.ref(`t.${column}`);
  return (eb) =>
    eb.and([
      ...(period.from != null ? [eb(ref, '>=', period.from)] : []),
      ...(period.to != null ? [eb(ref, '<=', period.to)] : []),
    ]);
}

/** A filter keeping rows whose `column` (on table alias t) equals `value`, when the argument is given; none otherwise. */
export function equalTo(column: string, value: unknown): Filter | undefined {
  return value != null ? (eb) => eb(`t.${column}`, '=', value) : undefined;
}

/** Combines filters with AND; undefined when there is none. */
export function allOf(...filters: (Filter | undefined)[]): Filter | undefined {
  const present = filters.filter((f): f is Filter => f !== undefined);
  if (present.length === 0) return undefined;
  return (eb) => eb.and(present.map((f) => f(eb)));
}
