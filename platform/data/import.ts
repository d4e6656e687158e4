// Bulk import from spreadsheets: the rows of a CSV file into one subgraph
// through the same validation and the same write as its create mutation.
// `npm run import` (cli/import.ts) reads the file and sends its rows in
// chunks through the gateway to the subgraph's import mutation
// (platform/server/operator.ts), which calls importRows here with the caller's
// identity: the write scope, the caller's regions, audit records under the
// caller's name. Every bad row is reported with its line and reason; a chunk
// with any bad row writes nothing unless the good rows only are asked for.
// The rows a request writes go in one transaction, each idempotent by its
// requestId column, each with its audit record.
import { GraphQLError } from 'graphql';
import type { Kysely, Transaction } from 'kysely';
import { badUserInput } from '../core/errors';
import type { Viewer } from '../core/viewer';
import { createInTransaction, inputHash, requestCaller, type CreateRequest, type WriteContext } from './writes';

/** How one subgraph turns CSV rows into creates: defined beside its mutations, sharing their checks. */
export interface CsvImporter<DB, Input extends { requestId: string }> {
  /** The mutation that imports rows through the hub, e.g. importMediationCases (platform/server/operator.ts). */
  field: string;
  /** What one row is, for the mutation's description, e.g. "mediation case records". */
  rowsAre: string;
  /** The write scope an import needs: the create mutation's. */
  scope: string;
  /** The create mutation a row stands for, e.g. recordEducationEvent. */
  operation: string;
  recordType: string;
  /** The header the file must have (other columns are refused); list cells separate items with `;`. */
  columns: readonly string[];
  /** Columns that may be left empty. */
  optional: readonly string[];
  /** A row as the mutation's input; throws BAD_USER_INPUT naming the column. */
  parse(row: Record<string, string>): Input;
  /** The mutation's own checks (input and database) and the caller's regions; throws BAD_USER_INPUT naming the field, or FORBIDDEN. */
  validate(db: Kysely<DB>, input: Input, viewer: Viewer): Promise<void>;
  /** Writes one checked input; returns the record id. */
  write(trx: Transaction<DB>, input: Input): Promise<string>;
}

export interface RowProblem {
  /** The line of the file (the header is line 1). */
  line: number;
  /** The column at fault, when one is. */
  field: string | null;
  /** BAD_USER_INPUT, FORBIDDEN (outside the caller's regions) or CONFLICT (a requestId used before with other input). */
  code: string;
  message: string;
}

export interface ImportReport {
  rows: number;
  /** Records created now. */
  written: number;
  /** Rows whose requestId had been imported (or created) before with the same input: nothing written for them. */
  alreadyPresent: number;
  problems: RowProblem[];
}

/** One row of a file: its line (the header is line 1) and its cells in the header's order. */
export interface CsvRow {
  line: number;
  cells: string[];
}

/** CHECK: check every row, write nothing. WRITE: write every row, or none when any is bad. WRITE_GOOD_ROWS: write the good rows. */
export type ImportMode = 'CHECK' | 'WRITE' | 'WRITE_GOOD_ROWS';

/** The most rows one request takes: a chunk is written in one transaction, within the gateway's call timeout. */
export const MAX_ROWS_PER_REQUEST = 1000;

function problemOf(line: number, error: unknown): RowProblem {
  if (error instanceof GraphQLError && (error.extensions.code === 'BAD_USER_INPUT' || error.extensions.code === 'CONFLICT' || error.extensions.code === 'FORBIDDEN')) {
    return { line, field: (error.extensions.field as string | undefined) ?? null, code: error.extensions.code, message: error.message };
  }
  throw error;
}

/** A row whose requestId an earlier row of the same file has: the message the import gives for it, wherever it is found. */
export function duplicateRequestId(line: number, requestId: string, earlierLine: number): RowProblem {
  return { line, field: 'requestId', code: 'BAD_USER_INPUT', message: `requestId: ${requestId} is also on line ${earlierLine}` };
}

/**
 * A mutation check's BAD_USER_INPUT error on an input field (`input.appliedOn:
 * must be ...`), raised again naming the file's column instead (`appliedOn:
 * must be ...`). `toColumn` gets the field and the reason and gives the column
 * and reason to report, or undefined to leave the error as it is.
 */
export function inColumn(error: unknown, toColumn: (field: string, reason: string) => [column: string, reason: string] | undefined): unknown {
  if (!(error instanceof GraphQLError) || error.extensions.code !== 'BAD_USER_INPUT' || typeof error.extensions.field !== 'string') return error;
  const field = error.extensions.field;
  const reason = error.message.startsWith(`${field}: `) ? error.message.slice(field.length + 2) : error.message;
  const renamed = toColumn(field, reason);
  return renamed ? badUserInput(...renamed) : error;
}

/** Splits a list cell ("Uyghur; Mandarin") into items. */
export function listCell(cell: string): string[] {
  return cell.split(';').map((item) => item.trim()).filter(Boolean);
}

/**
 * Checks rows of a file against the importer's header and rules and, unless
 * `mode` is CHECK, writes them in one transaction: all of them (WRITE, only
 * when none is bad) or the good ones (WRITE_GOOD_ROWS).
 */
export async function importRows<DB, Input extends { requestId: string }>(
  ctx: WriteContext<DB>,
  importer: CsvImporter<DB, Input>,
  headerCells: readonly string[],
  rows: readonly CsvRow[],
  mode: ImportMode,
): Promise<ImportReport> {
  if (rows.length > MAX_ROWS_PER_REQUEST) throw badUserInput('rows', `at most ${MAX_ROWS_PER_REQUEST} rows per request, not ${rows.length}: send the file in chunks`);
  const header = headerCells.map((cell) => cell.trim());
  const headerProblem = checkHeader(header, importer);
  if (headerProblem) return { rows: rows.length, written: 0, alreadyPresent: 0, problems: [headerProblem] };
  const { good, problems } = await checkRows(ctx, importer, header, rows);
  const { toWrite, alreadyPresent } = await sortOutEarlierRequests(ctx, importer, good, problems);
  problems.sort((a, b) => a.line - b.line);
  if (mode === 'CHECK' || (problems.length && mode === 'WRITE')) return { rows: rows.length, written: 0, alreadyPresent, problems };
  await ctx.db.transaction().execute(async (trx) => {
    // A row that another request claimed since the check above (the same file sent twice at once) is
    // found by its claim and not written again (createInTransaction), though it is counted here as written.
    for (const { input } of toWrite) {
      const request: CreateRequest = { operation: importer.operation, requestId: input.requestId, input, recordType: importer.recordType, fields: Object.keys(input) };
      await createInTransaction(trx, ctx, request, (t) => importer.write(t, input));
    }
  });
  return { rows: rows.length, written: toWrite.length, alreadyPresent, problems };
}

/** The header's problem (line 1): empty, or columns missing or unknown; undefined for a good header. */
function checkHeader(header: string[], importer: Pick<CsvImporter<unknown, { requestId: string }>, 'columns' | 'optional'>): RowProblem | undefined {
  if (header.length === 0) return { line: 1, field: null, code: 'BAD_USER_INPUT', message: 'the file is empty: a header row is needed' };
  const missing = importer.columns.filter((column) => !importer.optional.includes(column) && !header.includes(column));
  const unknown = header.filter((column) => !importer.columns.includes(column));
  if (!missing.length && !unknown.length) return undefined;
  const message = [missing.length ? `missing columns: ${missing.join(', ')}` : '', unknown.length ? `unknown columns: ${unknown.join(', ')}` : ''].filter(Boolean).join('; ');
  return { line: 1, field: null, code: 'BAD_USER_INPUT', message: `header: ${message} (expected ${importer.columns.join(',')})` };
}

interface GoodRow<Input> {
  line: number;
  input: Input;
}

/** Each row parsed and checked as the mutation checks its input; a requestId a row before had is a bad row. */
async function checkRows<DB, Input extends { requestId: string }>(
  ctx: WriteContext<DB>,
  importer: CsvImporter<DB, Input>,
  header: string[],
  rows: readonly CsvRow[],
): Promise<{ good: GoodRow<Input>[]; problems: RowProblem[] }> {
  const problems: RowProblem[] = [];
  const good: GoodRow<Input>[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of rows) {
    if (cells.length !== header.length) {
      problems.push({ line, field: null, code: 'BAD_USER_INPUT', message: `has ${cells.length} cells, the header ${header.length}` });
      continue;
    }
    const row = Object.fromEntries(header.map((column, c) => [column, cells[c].trim()]));
    try {
      const input = importer.parse(row);
      const earlier = seen.get(input.requestId);
      if (earlier !== undefined) {
        problems.push(duplicateRequestId(line, input.requestId, earlier));
        continue;
      }
      seen.set(input.requestId, line);
      await importer.validate(ctx.db, input, ctx.viewer);
      good.push({ line, input });
    } catch (error) {
      problems.push(problemOf(line, error));
    }
  }
  return { good, problems };
}

/** A requestId used before: with the same input the row is already in (skipped); with other input it is a bad row (added to `problems`). */
async function sortOutEarlierRequests<DB, Input extends { requestId: string }>(
  ctx: WriteContext<DB>,
  importer: CsvImporter<DB, Input>,
  good: GoodRow<Input>[],
  problems: RowProblem[],
): Promise<{ toWrite: GoodRow<Input>[]; alreadyPresent: number }> {
  const earlier = await earlierRequests(ctx.db as unknown as Kysely<unknown>, importer.operation, requestCaller(ctx.viewer), good.map((g) => g.input.requestId));
  const toWrite: GoodRow<Input>[] = [];
  let alreadyPresent = 0;
  for (const row of good) {
    const hash = earlier.get(row.input.requestId);
    if (hash === undefined) toWrite.push(row);
    else if (hash === inputHash(row.input)) alreadyPresent++;
    else problems.push({ line: row.line, field: 'requestId', code: 'CONFLICT', message: `requestId: ${row.input.requestId} was used before with other input` });
  }
  return { toWrite, alreadyPresent };
}

/** The caller's own earlier requests among these ids (requestIds are per caller: platform/data/writes.ts). */
async function earlierRequests(db: Kysely<unknown>, operation: string, caller: { subject: string; agency: string }, requestIds: string[]): Promise<Map<string, string>> {
  if (requestIds.length === 0) return new Map();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const rows = await (db as Kysely<any>)
    .selectFrom('hub_request')
    .select(['request_id', 'input_hash'])
    .where('operation', '=', operation)
    .where('subject', '=', caller.subject)
    .where('agency', '=', caller.agency)
    .where('request_id', 'in', requestIds)
    .execute();
  return new Map(rows.map((row) => [row.request_id as string, row.input_hash as string]));
}
