// Project ids are integers (shown as ID strings). An id that is not one cannot
// name a record, so it finds nothing, caught here before any SQL (where
// comparing an integer column with 'abc' would be a database error). Cursors of
// project lists are checked by the platform (keyKind: 'integer').

/** Digits a project id may have: `bigint`, kept to safe JS integers. */
export const PROJECT_ID_DIGITS = 15;

/** The id as a number, or null when it cannot be one of ours. */
export function integerId(id: string | number, maxDigits: number): number | null {
  const text = String(id);
  return new RegExp(`^[0-9]{1,${maxDigits}}$`).test(text) ? Number(text) : null;
}

