// Operators' commands as mutations of the subgraph that owns the data, so
// that `npm run import` and `npm run rollups` (cli/) go through the gateway
// with the operator's own token, like any other caller: the same scope and
// region checks, audit records under the operator's name, the gateway's
// response cache invalidated by the mutation. The platform gives every
// subgraph these fields from its definition (its importer, its roll-ups):
//
//   <importer.field>(header, rows, mode)   CSV rows through the create mutation's checks and write (platform/data/import.ts)
//   check<Name>Rollups(days, undated)      running totals compared with their records (platform/data/rollups.ts)
//   rebuild<Name>Rollups(days, undated)    running totals recomputed from their records
//
// Importing needs the importer's write scope; the roll-ups need
// `<name>:rollups`, and rebuilding them a token for every region.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { hasScope, requireWriteScope } from '../access/checks';
import { forbidden } from '../core/errors';
import { importRows, MAX_ROWS_PER_REQUEST, type CsvImporter, type CsvRow, type ImportMode } from '../data/import';
import { checkPeriod, type Period } from '../data/period';
import { checkRollup, rebuildRollup, rollupSpan, type Rollup, type RollupPart } from '../data/rollups';
import type { Viewer } from '../core/viewer';
import { writeWithAudit, type WriteContext } from '../data/writes';

/** What of a subgraph's definition the operator fields come from. */
export interface OperatorSource {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  importer?: CsvImporter<any, any>;
  rollups?: Rollup[];
}

/** `legal-aid` -> `LegalAid`. */
function pascal(name: string): string {
  return name.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_match, _sep, letter: string) => letter.toUpperCase());
}

/** The roll-up fields of a subgraph: checkJudicialRollups, rebuildJudicialRollups. */
export function rollupFields(name: string): { check: string; rebuild: string } {
  return { check: `check${pascal(name)}Rollups`, rebuild: `rebuild${pascal(name)}Rollups` };
}

/** The scope an operator's token needs to check or rebuild a subgraph's roll-ups. */
function rollupScope(name: string): string {
  return `${name}:rollups`;
}

/** The most differences one check lists per roll-up (the count covers them all). */
export const DIFFERENCES_LISTED = 20;

// The same types in every subgraph that has operator fields (value types, hence @shareable).
const IMPORT_TYPES = /* GraphQL */ `
"One row of a CSV file: its line in the file (the header is line 1) and its cells in the header's order."
input ImportRow {
  line: Int!
  cells: [String!]!
}

"What an import request does with its rows."
enum ImportMode {
  "Checks every row; writes nothing."
  CHECK
  "Writes every row, or none of them when any row is bad."
  WRITE
  "Writes the good rows; the bad ones are reported."
  WRITE_GOOD_ROWS
}

"A row refused, and why."
type ImportProblem @shareable {
  "The line of the file (the header is line 1)."
  line: Int!
  "The column at fault, when one is."
  field: String
  "BAD_USER_INPUT, FORBIDDEN (outside the caller's regions) or CONFLICT (a requestId used before with other input)."
  code: String!
  message: String!
}

type ImportReport @shareable {
  "Rows received (the header not counted)."
  rows: Int!
  "Records created by this request."
  written: Int!
  "Rows whose requestId was imported or created before with the same input: nothing written for them."
  alreadyPresent: Int!
  "Every bad row, by line."
  problems: [ImportProblem!]!
}
`;

const ROLLUP_TYPES = /* GraphQL */ `
"A running total and the same figure summed from the records."
type RollupFigure @shareable {
  measure: String!
  stored: Float!
  fromRecords: Float!
}

"A region and day whose running totals differ from the records' sums."
type RollupDifference @shareable {
  regionCode: ID!
  "Null: the totals of records without a day."
  day: Date
  figures: [RollupFigure!]!
}

"One roll-up compared with its records."
type RollupCheck @shareable {
  "The roll-up table, e.g. mediation_case_daily."
  table: String!
  "The records it sums, e.g. mediation_case."
  source: String!
  "The first day holding totals or records (null: none): with lastDay, the span to go through part by part."
  firstDay: Date
  lastDay: Date
  "Region-days whose totals differ."
  differing: Int!
  "The first of them (at most 20), by region code and day."
  differences: [RollupDifference!]!
}

"One roll-up recomputed from its records."
type RollupRebuild @shareable {
  table: String!
  source: String!
  "The first day holding totals or records (null: none), as checkRollups gives it."
  firstDay: Date
  lastDay: Date
  "Region-days written."
  regionDays: Int!
}
`;

/** A subgraph's SDL: its schema.graphql and the operator fields the platform gives it. */
export function subgraphSdl(definition: OperatorSource & { directory: string }): string {
  return readFileSync(path.join(definition.directory, 'schema.graphql'), 'utf8') + operatorSdl(definition);
}

/** The operator SDL a subgraph gets (appended to its schema.graphql); empty when it has neither an importer nor roll-ups. */
export function operatorSdl(source: OperatorSource): string {
  const fields: string[] = [];
  const types: string[] = [];
  if (source.importer) {
    const { importer } = source;
    types.push(IMPORT_TYPES);
    fields.push(`  """
  Operator (\`npm run import\`): imports ${importer.rowsAre} from the rows of a
  CSV file, each held to the create mutation's checks and idempotent by its
  requestId column, each audited. Needs ${importer.scope}; rows outside the
  caller's regions are refused. Columns: ${importer.columns.join(', ')}.
  At most ${MAX_ROWS_PER_REQUEST} rows a request: a file goes in chunks.
  """
  ${importer.field}(header: [String!]!, rows: [ImportRow!]!, mode: ImportMode!): ImportReport!`);
  }
  if (source.rollups?.length) {
    const { check, rebuild } = rollupFields(source.name);
    types.push(ROLLUP_TYPES);
    const covers = `the totals of the days within \`days\` (every day when absent) and, when \`undated\` (default: when \`days\` is absent), of records without a day`;
    fields.push(`  """
  Operator (\`npm run rollups -- check\`): compares ${covers} with their records' sums. Needs ${rollupScope(source.name)}.
  """
  ${check}(days: DateRange, undated: Boolean): [RollupCheck!]!
  """
  Operator (\`npm run rollups -- rebuild\`): recomputes ${covers} from their records, in one transaction
  during which writers to the records wait. Needs ${rollupScope(source.name)} and a token for every region; audited.
  """
  ${rebuild}(days: DateRange, undated: Boolean): [RollupRebuild!]!`);
  }
  if (fields.length === 0) return '';
  return `
# Operators' commands through the gateway (platform/server/operator.ts): added by the platform.
${types.join('')}
extend type Mutation {
${fields.join('\n')}
}
`;
}

interface OperatorContext {
  db: Kysely<unknown>;
  viewer: Viewer;
  requestId: string;
}

/** A roll-up's result object: what a check or rebuild found, and its span read only when asked for. */
interface RollupResult {
  rollup: Rollup;
  table: string;
  source: string;
  span?: Promise<{ firstDay: string | null; lastDay: string | null }>;
}

function spanOf(result: RollupResult, db: Kysely<unknown>) {
  result.span ??= rollupSpan(db, result.rollup);
  return result.span;
}

const spanResolvers = {
  firstDay: async (result: RollupResult, _args: unknown, ctx: OperatorContext) => (await spanOf(result, ctx.db)).firstDay,
  lastDay: async (result: RollupResult, _args: unknown, ctx: OperatorContext) => (await spanOf(result, ctx.db)).lastDay,
};

function requireRollupScope(viewer: Viewer, name: string): void {
  const scope = rollupScope(name);
  if (!hasScope(viewer, scope)) throw forbidden(`the roll-ups' check and rebuild need the scope ${scope}`);
}

function rollupPart(args: { days?: Period | null; undated?: boolean | null }): RollupPart {
  const days = checkPeriod(args.days, 'days');
  return { days, undated: args.undated ?? days === null };
}

/** What a rebuild's audit record names: `2023-01-01..2023-01-31`, `every day`, with `+ undated` when it covered records without a day. */
function partLabel(part: RollupPart): string {
  const days = part.days ? `${part.days.from ?? ''}..${part.days.to ?? ''}` : 'every day';
  return part.undated ? `${days} + undated` : days;
}

/** The resolvers of the operator fields operatorSdl declares, to merge into the subgraph's. */
export function operatorResolvers(source: OperatorSource): Record<string, Record<string, unknown>> {
  const mutation: Record<string, unknown> = {};
  const types: Record<string, Record<string, unknown>> = {};
  const { importer, rollups } = source;
  if (importer) {
    mutation[importer.field] = async (_root: unknown, args: { header: string[]; rows: CsvRow[]; mode: ImportMode }, ctx: OperatorContext) => {
      requireWriteScope(ctx.viewer, importer.scope, `importing needs the scope ${importer.scope}`);
      return importRows(ctx as WriteContext<unknown>, importer, args.header, args.rows, args.mode);
    };
  }
  if (rollups?.length) {
    const { check, rebuild } = rollupFields(source.name);
    mutation[check] = async (_root: unknown, args: { days?: Period | null; undated?: boolean | null }, ctx: OperatorContext) => {
      requireRollupScope(ctx.viewer, source.name);
      const part = rollupPart(args);
      const results = [];
      for (const rollup of rollups) {
        const { count, differences } = await checkRollup(ctx.db, rollup, DIFFERENCES_LISTED, part);
        results.push({
          rollup,
          table: rollup.table,
          source: rollup.source,
          differing: count,
          differences: differences.map((d) => ({
            regionCode: d.regionCode,
            day: d.day,
            figures: Object.keys(rollup.measures).map((measure) => ({ measure, stored: d.stored[measure], fromRecords: d.fromRecords[measure] })),
          })),
        });
      }
      return results;
    };
    mutation[rebuild] = async (_root: unknown, args: { days?: Period | null; undated?: boolean | null }, ctx: OperatorContext) => {
      requireRollupScope(ctx.viewer, source.name);
      if (ctx.viewer.regions.length > 0) throw forbidden('rebuilding the roll-ups changes the totals of every region: it needs a token for every region');
      const part = rollupPart(args);
      const results = [];
      for (const rollup of rollups) {
        const regionDays = await writeWithAudit(ctx as WriteContext<unknown>, async (trx) => ({
          result: await rebuildRollup(trx, rollup, part),
          record: { recordType: 'Rollup', recordId: `${rollup.table} ${partLabel(part)}`, fields: Object.keys(rollup.measures) },
        }));
        results.push({ rollup, table: rollup.table, source: rollup.source, regionDays });
      }
      return results;
    };
    types.RollupCheck = spanResolvers;
    types.RollupRebuild = spanResolvers;
  }
  return Object.keys(mutation).length ? { Mutation: mutation, ...types } : {};
}
