// `npm run import -- <subgraph> <file.csv> [--good-rows-only] [--url URL] [--chunk-rows N]`:
// loads a CSV file into one agency's data through the running hub, with the
// operator's token in HUB_TOKEN (cli/import.ts says what it guarantees).
// Problems go to stderr as `line N: <reason>`, the summary to stdout; a
// progress bar on stderr while a long file is checked and written.
// Exit code: 0 when every row is in, 1 when any row was refused, 2 on usage,
// 3 when the hub refused or failed a request, or the import was interrupted.
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { fileSize } from '../cli/csv-chunks';
import { hubConnectionFromEnv } from '../cli/hub-client';
import { DEFAULT_CHUNK, runImport, type ImportOutcome, type ImportProgress } from '../cli/import';
import { listSubgraphs } from '../schema/subgraphs';

/** Files from this size on show a progress bar (when stderr is a terminal). */
const PROGRESS_FROM_BYTES = 64 * 1024;

async function main(): Promise<number> {
  const args = importArgs();
  if (typeof args === 'number') return args;
  const hub = hubConnectionFromEnv(args.url);
  if (!hub.token) {
    console.error(`HUB_TOKEN is not set: the import runs as you, with your token.\n${args.usage}`);
    return 2;
  }
  let size: number;
  try {
    size = fileSize(args.file);
  } catch (error) {
    console.error(`cannot read ${args.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return 2;
  }
  const bar = progressBar(size);
  const outcome = await runImport({ hub, field: args.field, file: args.file, goodRowsOnly: args.goodRowsOnly, chunk: { rows: args.chunkRows }, onProgress: bar.show, signal: interruptible() });
  bar.stop();
  return report(outcome, args.goodRowsOnly);
}

interface ImportArgs {
  field: string;
  file: string;
  goodRowsOnly: boolean;
  chunkRows: number;
  url?: string;
  usage: string;
}

/** The command line, or exit code 2 after saying how to use it. */
function importArgs(): ImportArgs | number {
  const subgraphs = listSubgraphs().filter((s) => s.definition.importer);
  const usage = `usage: npm run import -- <${subgraphs.map((s) => s.name).join('|')}> <file.csv> [--good-rows-only] [--url URL] [--chunk-rows N]
  HUB_TOKEN   your token, with the agency's write scope (development: HUB_TOKEN=$(npm run -s token -- --agency judicial --scopes judicial:write))
  HUB_URL     the gateway (default http://localhost:$GATEWAY_PORT/graphql, port 4000)`;
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { 'good-rows-only': { type: 'boolean', default: false }, url: { type: 'string' }, 'chunk-rows': { type: 'string' } },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [name, file] = positionals;
  const importer = subgraphs.find((s) => s.name === name)?.definition.importer;
  const chunkRows = values['chunk-rows'] === undefined ? DEFAULT_CHUNK.rows : Number(values['chunk-rows']);
  if (!importer || !file || positionals.length > 2 || !Number.isInteger(chunkRows) || chunkRows < 1 || chunkRows > 1000) {
    console.error(usage);
    return 2;
  }
  return { field: importer.field, file, goodRowsOnly: values['good-rows-only'], chunkRows, url: values.url, usage };
}

/** A progress bar on stderr for a file of PROGRESS_FROM_BYTES or more when stderr is a terminal; otherwise nothing is shown. */
function progressBar(size: number): { show: (progress: ImportProgress) => void; stop: () => void } {
  const bar = size >= PROGRESS_FROM_BYTES && process.stderr.isTTY ? new SingleBar({ format: '{phase} |{bar}| {percentage}% | {rows} rows', stream: process.stderr, hideCursor: true }, Presets.shades_classic) : undefined;
  let phase: ImportProgress['phase'] | undefined;
  const show = (progress: ImportProgress): void => {
    if (!bar) return;
    const label = progress.phase === 'check' ? 'checking' : 'writing ';
    if (progress.phase !== phase) {
      if (phase) bar.stop();
      bar.start(size, 0, { phase: label, rows: 0 });
      phase = progress.phase;
    }
    bar.update(progress.bytesRead, { phase: label, rows: progress.rows });
  };
  return { show, stop: () => bar?.stop() };
}

/** Ctrl-C: stop after the request in flight (a second one ends at once). Rows written stay written; a rerun skips them. */
function interruptible(): AbortSignal {
  const interrupt = new AbortController();
  process.once('SIGINT', () => {
    interrupt.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return interrupt.signal;
}

/** Problems and why the import stopped on stderr, the summary on stdout; the exit code. */
function report(outcome: ImportOutcome, goodRowsOnly: boolean): number {
  for (const problem of outcome.problems) console.error(`line ${problem.line}: ${problem.message}`);
  const refused = outcome.problems.length;
  if (outcome.stopped) {
    const where = outcome.stopped.atLine === null ? '' : ` at the chunk from line ${outcome.stopped.atLine}`;
    console.error(`stopped${where}: ${outcome.stopped.reason} (${outcome.stopped.code})`);
    if (outcome.written > 0 || outcome.stopped.code !== 'FORBIDDEN') {
      console.error('Run the same command again once the cause is fixed: rows already in are recognised by their requestId and not written twice.');
    }
  }
  const nothing = refused && !goodRowsOnly && outcome.written === 0 ? ' (nothing written: fix the rows or pass --good-rows-only)' : '';
  console.log(`${outcome.rows} rows: ${outcome.written} written, ${outcome.alreadyPresent} already present, ${refused} refused${nothing}`);
  console.log(`request ids (logs, audit records): ${outcome.runId}-*`);
  return outcome.stopped ? 3 : refused ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(3);
  },
);
