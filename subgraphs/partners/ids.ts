// Project ids are integers (shown as ID strings). An id that is not one cannot
// name a record, so it finds nothing, caught here before any SQL (where
// comparing an integer column with 'abc' would be a database error). Cursors of
// project lists are checked by the platform (keyKind: 'integer').

/** Digits a project id may have: `bigint`, kept to safe JS integers. */
const PROJECT_ID = /^[0-9]{1,15}$/;

/** The project id as a number, or null when it cannot be one of ours. */
export function projectIdNumber(id: string | number): number | null {
  const text = String(id);
  return PROJECT_ID.test(text) ? Number(text) : null;
}

