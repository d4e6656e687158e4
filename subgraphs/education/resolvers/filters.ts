import { checkPeriod } from '../../../platform/data/period';
import type { EducationEventFilter } from '../generated/resolvers-types';

/** Checks `filter.heldIn` (BAD_USER_INPUT when it ends before it starts); the filter as the event loaders take it. */
export function checkEventFilter(filter: EducationEventFilter | null | undefined): EducationEventFilter | null {
  checkPeriod(filter?.heldIn, 'filter.heldIn');
  return filter ?? null;
}
