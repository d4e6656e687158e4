// Project ids are integers (shown as ID strings). An id that is not
// one cannot name a record, so it finds nothing, and a cursor whose key is not
// one was not given out by this API; both are caught here, before any SQL
// (where comparing an integer column with 'abc' would be a database error).
// The same check may belong in platform/pagination.ts for every integer key.
import { badUserInput } from '../../platform/errors';
import { readPage, type Page, type PageArgs } from '../../platform/pagination';

/** Digits a project id may have: `bigint`, kept to safe JS integers. */
export const PROJECT_ID_DIGITS = 15;

/** The id as a number, or null when it cannot be one of ours. */
export function integerId(id: string | number, maxDigits: number): number | null {
  const text = String(id);
  return new RegExp(`^[0-9]{1,${maxDigits}}$`).test(text) ? Number(text) : null;
}

/** readPage, and the cursor's key must be an integer id. */
export function readIdPage(args: PageArgs, maxDigits: number, defaultSize = 20): Page {
  const page = readPage(args, defaultSize);
  if (page.afterKey !== null && integerId(page.afterKey, maxDigits) === null) {
    throw badUserInput('after', 'is not a cursor this API gave out');
  }
  return page;
}
