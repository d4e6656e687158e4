import { checkPeriod } from '../../../platform/data/period';
import type { ProjectFilter } from '../generated/resolvers-types';
import type { CheckedProjectFilter } from '../loaders';

/** Checks `filter.startedIn` and normalizes the filter, so that equal filters share a statement; null when it filters nothing. */
export function checkProjectFilter(filter: ProjectFilter | null | undefined): CheckedProjectFilter | null {
  if (!filter) return null;
  const checked = {
    status: filter.status ?? null,
    legallyReviewed: filter.legallyReviewed ?? null,
    startedIn: checkPeriod(filter.startedIn, 'filter.startedIn'),
  };
  return checked.status === null && checked.legallyReviewed === null && checked.startedIn === null ? null : checked;
}
