// Reading a CSV file of any size in chunks that each fit one request to the
// hub: rows with their line numbers, never the whole file in memory. The same
// file always gives the same chunks, so a second pass (or a second run) sends
// the same rows together.
import { createReadStream, statSync } from 'node:fs';
import { parse } from 'csv-parse';
import type { CsvRow } from '../platform/data/import';

export interface CsvChunk {
  /** The header row's cells (empty for an empty file). */
  header: string[];
  rows: CsvRow[];
  /** Bytes of the file read up to the end of this chunk. */
  bytesRead: number;
}

export interface ChunkLimits {
  /** Rows in a chunk, at most. */
  rows: number;
  /** The rows' size in a request (JSON), about at most: a chunk ends once it reaches this. */
  bytes: number;
}

/** A file the CSV parser cannot read on (an unclosed quote...): where, and why. */
export class CsvFileError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export function fileSize(file: string): number {
  return statSync(file).size;
}

/**
 * The file's rows in chunks; the first chunk comes even when the file holds
 * only a header (or nothing), so that the header is always checked.
 */
export async function* csvChunks(file: string, limits: ChunkLimits): AsyncGenerator<CsvChunk> {
  // With `info`, each record carries the file line it ends on, so a quoted cell spanning lines keeps line numbers true.
  const parser = createReadStream(file).pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true }));
  let header: string[] | undefined;
  let rows: CsvRow[] = [];
  let size = 0;
  let bytesRead = 0;
  let sent = false;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number; bytes: number } }>) {
      bytesRead = info.bytes;
      if (header === undefined) {
        header = record;
        continue;
      }
      rows.push({ line: info.lines, cells: record });
      size += JSON.stringify(record).length + 20;
      if (rows.length >= limits.rows || size >= limits.bytes) {
        yield { header, rows, bytesRead };
        sent = true;
        rows = [];
        size = 0;
      }
    }
  } catch (error) {
    const { lines, message } = error as { lines?: number; message: string };
    throw new CsvFileError(lines ?? 0, `the file cannot be read as CSV from here on: ${message}`);
  }
  if (rows.length || !sent) yield { header: header ?? [], rows, bytesRead };
}
