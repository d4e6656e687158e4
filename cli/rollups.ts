// `npm run rollups` against a running hub: each subgraph's roll-ups checked or
// rebuilt through the gateway (platform/server/operator.ts), month by month, so that
// no request outlives the gateway's call timeout however many records a
// table holds. The first request covers the current month and the records
// without a day, and learns the span of days the totals and records cover;
// then every other month of the span, oldest first. The months are disjoint
// and together cover every total, so the sum of the parts is the whole.
import { callHub, type HubConnection } from './hub-client';
import { DIFFERENCES_LISTED, rollupFields } from '../platform/server/operator';

export type RollupAction = 'check' | 'rebuild';

export interface RollupFigure {
  measure: string;
  stored: number;
  fromRecords: number;
}

export interface RollupDifference {
  regionCode: string;
  day: string | null;
  figures: RollupFigure[];
}

/** One roll-up's outcome over every part. */
export interface RollupOutcome {
  table: string;
  source: string;
  /** check: region-days that differ, and the first of them (at most 20). */
  differing: number;
  differences: RollupDifference[];
  /** rebuild: region-days written. */
  regionDays: number;
  /** Requests sent (parts). */
  parts: number;
  ms: number;
}

interface Part {
  days: { from: string; to: string };
  undated: boolean;
}

interface PartResult {
  table: string;
  source: string;
  firstDay?: string | null;
  lastDay?: string | null;
  differing?: number;
  differences?: RollupDifference[];
  regionDays?: number;
}

/** YYYY-MM-DD of the first and last day of the month holding `day`. */
function monthOf(day: string): { from: string; to: string } {
  const [year, month] = day.split('-').map(Number);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const mm = String(month).padStart(2, '0');
  return { from: `${year}-${mm}-01`, to: `${year}-${mm}-${String(last).padStart(2, '0')}` };
}

/** The months from the one holding `first` to the one holding `last`, oldest first. */
function monthsBetween(first: string, last: string): { from: string; to: string }[] {
  const months = [];
  let [year, month] = first.split('-').map(Number);
  const [lastYear, lastMonth] = last.split('-').map(Number);
  while (year < lastYear || (year === lastYear && month <= lastMonth)) {
    months.push(monthOf(`${year}-${String(month).padStart(2, '0')}-01`));
    month += 1;
    if (month > 12) [year, month] = [year + 1, 1];
  }
  return months;
}

const DIFFERENCES = 'differing differences { regionCode day figures { measure stored fromRecords } }';

export interface RollupsRun {
  hub: HubConnection;
  action: RollupAction;
  /** The subgraph, e.g. judicial. */
  subgraph: string;
  /** The first part's month (default: the current one, UTC). */
  today?: string;
  /** Start of each request's x-request-id. */
  runId?: string;
  onPart?: (done: number, total: number) => void;
}

export async function runRollups(run: RollupsRun): Promise<RollupOutcome[]> {
  const fields = rollupFields(run.subgraph);
  const field = run.action === 'check' ? fields.check : fields.rebuild;
  const results = run.action === 'check' ? DIFFERENCES : 'regionDays';
  const runId = run.runId ?? `rollups-${Date.now().toString(36)}`;
  const started = Date.now();
  const outcomes = new Map<string, RollupOutcome>();
  let sent = 0;
  const send = async (part: Part, span: boolean): Promise<PartResult[]> => {
    const query = `mutation Rollups($days: DateRange, $undated: Boolean) { parts: ${field}(days: $days, undated: $undated) { table source ${span ? 'firstDay lastDay' : ''} ${results} } }`;
    const { parts } = await callHub<{ parts: PartResult[] }>(run.hub, query, { ...part }, { requestId: `${runId}-${run.subgraph}-${++sent}` });
    for (const result of parts) {
      const outcome = outcomes.get(result.table) ?? { table: result.table, source: result.source, differing: 0, differences: [], regionDays: 0, parts: 0, ms: 0 };
      outcome.parts += 1;
      outcome.differing += result.differing ?? 0;
      outcome.differences.push(...(result.differences ?? []).slice(0, DIFFERENCES_LISTED - outcome.differences.length));
      outcome.regionDays += result.regionDays ?? 0;
      outcomes.set(result.table, outcome);
    }
    return parts;
  };

  const current = monthOf(run.today ?? new Date().toISOString().slice(0, 10));
  const first = await send({ days: current, undated: true }, true);
  const days = first.flatMap((r) => [r.firstDay, r.lastDay]).filter((d): d is string => typeof d === 'string').sort();
  const months = days.length ? monthsBetween(days[0], days[days.length - 1]).filter((m) => m.from !== current.from) : [];
  run.onPart?.(1, months.length + 1);
  for (const [i, days] of months.entries()) {
    await send({ days, undated: false }, false);
    run.onPart?.(i + 2, months.length + 1);
  }
  const ms = Date.now() - started;
  return [...outcomes.values()].map((outcome) => ({ ...outcome, ms }));
}
