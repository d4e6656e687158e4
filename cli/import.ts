// `npm run import` against a running hub: a CSV file's rows go through the
// gateway, with the operator's token, to the owning subgraph's import
// mutation (platform/server/operator.ts), in chunks that each fit one request.
//
// What it guarantees:
// - Nothing is written when any row is bad (unless goodRowsOnly): every chunk
//   is first checked (mode CHECK), and every problem of the whole file is
//   listed before anything is written.
// - Then the chunks are written in order, each in one transaction: a chunk is
//   written whole or not at all (a chunk the gateway finds too large goes in
//   halves, each its own request). A row that turns bad between the check and
//   its write (another caller used its requestId meanwhile) stops the import
//   at its chunk: the chunks before it stay written, nothing after it is.
// - Every row is idempotent by its requestId column: running the same file
//   again after an interruption (Ctrl-C, a lost connection, a timeout whose
//   chunk committed anyway) writes only the rows not yet in; the others count
//   as already present. A request that may not have arrived is sent again.
// - With goodRowsOnly, one pass writes the good rows of each chunk and lists
//   the bad ones.
import { csvChunks, CsvFileError, type ChunkLimits, type CsvChunk } from './csv-chunks';
import { callHub, HubRequestError, type HubConnection } from './hub-client';
import { duplicateRequestId, type CsvRow, type ImportMode, type ImportReport, type RowProblem } from '../platform/data/import';

/**
 * What a chunk holds by default: well under the gateway's 1 MB body limit, and
 * written well within its 5 s call timeout (100 rows took about 0.7 s on a
 * 2-core machine, several times that when it was overloaded).
 */
export const DEFAULT_CHUNK: ChunkLimits = { rows: 100, bytes: 256 * 1024 };

export interface ImportRun {
  hub: HubConnection;
  /** The subgraph's import mutation, e.g. importMediationCases. */
  field: string;
  file: string;
  goodRowsOnly?: boolean;
  chunk?: Partial<ChunkLimits>;
  /** Start of each request's x-request-id (`<runId>-check-3`), which the audit records carry. */
  runId?: string;
  /** After each chunk's request; the next waits for it. */
  onProgress?: (progress: ImportProgress) => void | Promise<void>;
  /** Stops the import after the request in flight (whose rows the hub then has written or not, whole). */
  signal?: AbortSignal;
}

export interface ImportProgress {
  phase: 'check' | 'write';
  /** Chunks done in this phase. */
  chunks: number;
  bytesRead: number;
  rows: number;
}

export interface ImportOutcome {
  /** Rows in the file (the header not counted). */
  rows: number;
  written: number;
  alreadyPresent: number;
  /** Every bad row, by line. */
  problems: RowProblem[];
  /** Why the import stopped before its end (the hub refused or failed a request, or it was interrupted). */
  stopped?: { reason: string; code: string; atLine: number | null };
  runId: string;
}

const phaseOf = (mode: ImportMode): ImportProgress['phase'] => (mode === 'CHECK' ? 'check' : 'write');

const MUTATION = (field: string) => `mutation Import($header: [String!]!, $rows: [ImportRow!]!, $mode: ImportMode!) {
  report: ${field}(header: $header, rows: $rows, mode: $mode) { rows written alreadyPresent problems { line field code message } }
}`;

/** Rows of a chunk whose requestId cell an earlier row of the file has: refused here, never sent. */
function screenDuplicates(chunk: CsvChunk, seen: Map<string, number>, problems: RowProblem[]): CsvRow[] {
  const column = chunk.header.map((cell) => cell.trim()).indexOf('requestId');
  if (column < 0) return chunk.rows;
  return chunk.rows.filter((row) => {
    const requestId = row.cells[column]?.trim();
    if (!requestId) return true;
    const earlier = seen.get(requestId);
    if (earlier === undefined) {
      seen.set(requestId, row.line);
      return true;
    }
    problems.push(duplicateRequestId(row.line, requestId, earlier));
    return false;
  });
}

export async function runImport(run: ImportRun): Promise<ImportOutcome> {
  const runner = new ImportRunner(run);
  const { outcome } = runner;
  if (!run.goodRowsOnly) {
    await runner.pass('CHECK', (report) => {
      outcome.problems.push(...report.problems);
      return !headerRefused(report);
    });
    if (outcome.problems.length || outcome.stopped) return sorted(outcome);
  }
  await runner.pass(run.goodRowsOnly ? 'WRITE_GOOD_ROWS' : 'WRITE', (report, chunk) => {
    outcome.written += report.written;
    outcome.alreadyPresent += report.alreadyPresent;
    if (run.goodRowsOnly) {
      outcome.problems.push(...report.problems);
      return !headerRefused(report);
    }
    if (report.problems.length === 0) return true;
    // Checked good a moment ago, bad now: this chunk wrote nothing, and nothing after it is written.
    outcome.problems.push(...report.problems);
    outcome.stopped = { reason: 'a row turned bad after the check (see its problem): its chunk and the rest of the file were not written', code: 'CHANGED', atLine: chunk.rows[0]?.line ?? null };
    return false;
  });
  return sorted(outcome);
}

const headerRefused = (report: ImportReport) => report.problems.some((p) => p.line === 1);

/** One import run: its outcome so far, and the requests it sends (numbered per phase in their request ids). */
class ImportRunner {
  readonly outcome: ImportOutcome;
  private readonly limits: ChunkLimits;
  private readonly mutation: string;
  private readonly requests = { check: 0, write: 0 };

  constructor(private readonly run: ImportRun) {
    this.limits = { ...DEFAULT_CHUNK, ...run.chunk };
    this.outcome = { rows: 0, written: 0, alreadyPresent: 0, problems: [], runId: run.runId ?? `import-${Date.now().toString(36)}` };
    this.mutation = MUTATION(run.field);
  }

  /** One pass over the file; `each` gets every chunk's report and says whether to go on. */
  async pass(mode: ImportMode, each: (report: ImportReport, chunk: CsvChunk) => boolean): Promise<void> {
    const seen = new Map<string, number>();
    const duplicates: RowProblem[] = [];
    let rows = 0;
    let chunks = 0;
    let chunk: CsvChunk | undefined;
    try {
      for await (chunk of csvChunks(this.run.file, this.limits)) {
        if (this.run.signal?.aborted) throw new HubRequestError('interrupted', 'ABORTED', false);
        rows += chunk.rows.length;
        const toSend = screenDuplicates(chunk, seen, duplicates);
        // The first request goes even without rows: it checks the header.
        const report = toSend.length || chunks === 0 ? await this.send(mode, chunk.header, toSend) : { rows: 0, written: 0, alreadyPresent: 0, problems: [] };
        await this.run.onProgress?.({ phase: phaseOf(mode), chunks: ++chunks, bytesRead: chunk.bytesRead, rows });
        if (!each(report, chunk)) break;
      }
    } catch (error) {
      this.stoppedBy(error, chunk);
    } finally {
      this.outcome.rows = Math.max(this.outcome.rows, rows);
      this.outcome.problems.push(...duplicates);
    }
  }

  /** A file that cannot be read further is a problem; a request the hub refused or failed (or an interruption) stops the run. */
  private stoppedBy(error: unknown, chunk: CsvChunk | undefined): void {
    if (error instanceof CsvFileError) {
      this.outcome.problems.push({ line: error.line, field: null, code: 'BAD_USER_INPUT', message: error.message });
    } else if (error instanceof HubRequestError) {
      this.outcome.stopped = { reason: error.message, code: error.code, atLine: chunk?.rows[0]?.line ?? null };
    } else {
      throw error;
    }
  }

  /** Sends rows in one request, or in halves when the hub finds the request too large; a single row too large is a problem. */
  private async send(mode: ImportMode, header: string[], rows: CsvRow[]): Promise<ImportReport> {
    const phase = phaseOf(mode);
    try {
      const variables = { header, rows, mode };
      const { report } = await callHub<{ report: ImportReport }>(this.run.hub, this.mutation, variables, { requestId: `${this.outcome.runId}-${phase}-${++this.requests[phase]}` });
      return report;
    } catch (error) {
      if (!(error instanceof HubRequestError) || error.code !== 'PAYLOAD_TOO_LARGE') throw error;
      if (rows.length <= 1) {
        const line = rows[0]?.line ?? 1;
        return { rows: rows.length, written: 0, alreadyPresent: 0, problems: [{ line, field: null, code: 'BAD_USER_INPUT', message: 'is larger than the hub takes in one request (GATEWAY_BODY_LIMIT)' }] };
      }
      // Each half is its own request (and transaction); in WRITE, a half with a problem stops the rest.
      const half = Math.ceil(rows.length / 2);
      const a = await this.send(mode, header, rows.slice(0, half));
      if (mode === 'WRITE' && a.problems.length) return a;
      const b = await this.send(mode, header, rows.slice(half));
      return { rows: a.rows + b.rows, written: a.written + b.written, alreadyPresent: a.alreadyPresent + b.alreadyPresent, problems: [...a.problems, ...b.problems] };
    }
  }
}

function sorted(outcome: ImportOutcome): ImportOutcome {
  outcome.problems.sort((a, b) => a.line - b.line);
  return outcome;
}
