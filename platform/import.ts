// Bulk import from spreadsheets: a CSV file into one subgraph through the same
// validation as its create mutation. Every bad row is reported with its line
// number and reason; a file with any bad row writes nothing, unless the
// caller asks for the good rows only. The rows written go in one transaction,
// each idempotent by its requestId column, each with its audit record.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { GraphQLError } from 'graphql';
import type { Kysely, Transaction } from 'kysely';
import { badUserInput } from './errors';
import type { Viewer } from './viewer';
import { createInTransaction, inputHash, type CreateRequest, type WriteContext } from './writes';

/** How one subgraph turns CSV rows into creates: defined beside its mutations, sharing their checks. */
export interface CsvImporter<DB, Input extends { requestId: string }> {
  /** The create mutation a row stands for, e.g. recordEducationEvent. */
  operation: string;
  recordType: string;
  /** The header the file must have (other columns are refused); list cells separate items with `;`. */
  columns: readonly string[];
  /** Columns that may be left empty. */
  optional: readonly string[];
  /** A row as the mutation's input; throws BAD_USER_INPUT naming the column. */
  parse(row: Record<string, string>): Input;
  /** The mutation's own checks (input and database); throws BAD_USER_INPUT naming the field. */
  validate(db: Kysely<DB>, input: Input, viewer: Viewer): Promise<void>;
  /** Writes one checked input; returns the record id. */
  write(trx: Transaction<DB>, input: Input): Promise<string>;
}

export interface RowProblem {
  /** The line of the file (the header is line 1). */
  line: number;
  field: string | null;
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

function problemOf(line: number, error: unknown): RowProblem {
  if (error instanceof GraphQLError && (error.extensions.code === 'BAD_USER_INPUT' || error.extensions.code === 'CONFLICT' || error.extensions.code === 'FORBIDDEN')) {
    return { line, field: (error.extensions.field as string | undefined) ?? null, message: error.message };
  }
  throw error;
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

export async function importCsv<DB, Input extends { requestId: string }>(
  ctx: WriteContext<DB>,
  importer: CsvImporter<DB, Input>,
  text: string,
  options: { goodRowsOnly?: boolean } = {},
): Promise<ImportReport> {
  // With `info`, each record carries the file line it ends on, so a quoted cell spanning lines keeps line numbers true.
  const parsed = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
  const records = parsed.map((p) => p.record);
  if (records.length === 0) return { rows: 0, written: 0, alreadyPresent: 0, problems: [{ line: 1, field: null, message: 'the file is empty: a header row is needed' }] };
  const header = records[0].map((cell) => cell.trim());
  const missing = importer.columns.filter((column) => !importer.optional.includes(column) && !header.includes(column));
  const unknown = header.filter((column) => !importer.columns.includes(column));
  if (missing.length || unknown.length) {
    const message = [missing.length ? `missing columns: ${missing.join(', ')}` : '', unknown.length ? `unknown columns: ${unknown.join(', ')}` : ''].filter(Boolean).join('; ');
    return { rows: records.length - 1, written: 0, alreadyPresent: 0, problems: [{ line: 1, field: null, message: `header: ${message} (expected ${importer.columns.join(',')})` }] };
  }
  const problems: RowProblem[] = [];
  const good: { line: number; input: Input }[] = [];
  const seen = new Map<string, number>();
  for (let i = 1; i < records.length; i++) {
    const line = parsed[i].info.lines;
    if (records[i].length !== header.length) {
      problems.push({ line, field: null, message: `has ${records[i].length} cells, the header ${header.length}` });
      continue;
    }
    const row = Object.fromEntries(header.map((column, c) => [column, records[i][c].trim()]));
    try {
      const input = importer.parse(row);
      const earlier = seen.get(input.requestId);
      if (earlier !== undefined) {
        problems.push({ line, field: 'requestId', message: `requestId: ${input.requestId} is also on line ${earlier}` });
        continue;
      }
      seen.set(input.requestId, line);
      await importer.validate(ctx.db, input, ctx.viewer);
      good.push({ line, input });
    } catch (error) {
      problems.push(problemOf(line, error));
    }
  }
  // A requestId used before: with the same input the row is already in (skipped); with other input it is a bad row.
  const earlier = await earlierRequests(ctx.db as unknown as Kysely<unknown>, importer.operation, good.map((g) => g.input.requestId));
  const toWrite: typeof good = [];
  let alreadyPresent = 0;
  for (const row of good) {
    const hash = earlier.get(row.input.requestId);
    if (hash === undefined) toWrite.push(row);
    else if (hash === inputHash(row.input)) alreadyPresent++;
    else problems.push({ line: row.line, field: 'requestId', message: `requestId: ${row.input.requestId} was used before with other input` });
  }
  problems.sort((a, b) => a.line - b.line);
  const rows = records.length - 1;
  if (problems.length && !options.goodRowsOnly) return { rows, written: 0, alreadyPresent: 0, problems };
  await ctx.db.transaction().execute(async (trx) => {
    for (const { input } of toWrite) {
      const request: CreateRequest = { operation: importer.operation, requestId: input.requestId, input, recordType: importer.recordType, fields: Object.keys(input) };
      await createInTransaction(trx, ctx, request, (t) => importer.write(t, input));
    }
  });
  return { rows, written: toWrite.length, alreadyPresent, problems };
}

async function earlierRequests(db: Kysely<unknown>, operation: string, requestIds: string[]): Promise<Map<string, string>> {
  if (requestIds.length === 0) return new Map();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const rows = await (db as Kysely<any>)
    .selectFrom('hub_request')
    .select(['request_id', 'input_hash'])
    .where('operation', '=', operation)
    .where('request_id', 'in', requestIds)
    .execute();
  return new Map(rows.map((row) => [row.request_id as string, row.input_hash as string]));
}

export function readCsvFile(file: string): string {
  return readFileSync(file, 'utf8');
}
