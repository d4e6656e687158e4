// How `npm run check` and `npm run compose` print a graph report for people:
// the verdict first, then one entry per problem, each with the place to look
// (file:line:column, as editors and CI annotations read it) and, for a
// breaking change, who used it. `--json` prints the report object instead.
import type { ChangeUsage } from './usage';
import type { CompositionError, GraphReport, SchemaChange } from './compose';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const at = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
const indent = (text: string, by: string) => text.split('\n').map((line) => by + line).join('\n');

function compositionLines(errors: CompositionError[]): string[] {
  return errors.flatMap((error) => {
    const [first, ...others] = error.places;
    const where = first ? `${first.file}:${first.line}:${first.column}` : (error.subgraph ?? 'supergraph');
    return [
      `  ${where}  ${error.code}${error.subgraph ? ` (${error.subgraph})` : ''}`,
      indent(error.message, '      '),
      ...others.map((p) => `      also ${p.file}:${p.line}:${p.column}`),
    ];
  });
}

function usageLines(usage: ChangeUsage | undefined, days: number | undefined): string[] {
  if (!usage) return [];
  if (!usage.count) return [`      unused in the last ${plural(days ?? 0, 'day')}: no recorded client sent it`];
  const lines = [`      used in the last ${plural(days ?? 0, 'day')}: ${plural(usage.count, 'request')} by ${plural(usage.clients.length, 'client')}, last ${at(usage.lastSeen!)}`];
  for (const client of usage.clients) {
    for (const operation of client.operations) {
      lines.push(`        ${client.client.padEnd(16)} ${operation.name} (${operation.id.slice(0, 12)})  ${plural(operation.count, 'request')}, last ${at(operation.lastSeen)}`);
    }
  }
  return lines;
}

function changeLines(changes: SchemaChange[], days: number | undefined): string[] {
  return changes.flatMap((change) => [
    `  ${change.level.toUpperCase().padEnd(9)} ${change.coordinate ?? ''}  ${change.message}`,
    ...(change.level === 'breaking' ? usageLines(change.usage, days) : []),
  ]);
}

/** The human report. `mode` check: every section; compose: what compose refuses on, and a one-line change summary. */
export function formatReport(report: GraphReport, mode: 'check' | 'compose'): string {
  const breaking = report.changes.filter((c) => c.level === 'breaking');
  const dangerous = report.changes.filter((c) => c.level === 'dangerous');
  const composes = report.composition.length === 0;
  const out = verdictLines(report, mode, breaking.length, dangerous.length);
  out.push('');
  out.push(composes ? 'Composition: ok' : `Composition: ${plural(report.composition.length, 'error')}`);
  out.push(...compositionLines(report.composition));
  if (!composes) {
    out.push('');
    out.push('Not checked (the graph must compose first): changes, the public contract, registered operations.');
    return out.join('\n');
  }
  if (mode === 'check') out.push('', ...changesSection(report, breaking.length, dangerous.length));
  out.push('', ...contractSection(report), '', ...operationsSection(report), '', ...crossAgencySection(report));
  if (mode === 'compose' && report.changes.length) {
    out.push('');
    out.push(`Against ${report.comparedWith}: ${plural(report.changes.length, 'change')} (${breaking.length} breaking, ${dangerous.length} dangerous); \`npm run check -- <subgraph>\` lists them.`);
  }
  return out.join('\n');
}

/** check: what is checked against what, and the verdict; compose: why nothing was written, when it was not. */
function verdictLines(report: GraphReport, mode: 'check' | 'compose', breaking: number, dangerous: number): string[] {
  const problems = [
    ...(report.composition.length === 0 ? [] : [`the graph does not compose (${plural(report.composition.length, 'error')})`]),
    ...(mode === 'check' && breaking ? [plural(breaking, 'breaking change')] : []),
    ...(report.contract.length ? [`${plural(report.contract.length, 'break')} of the public contract`] : []),
    ...(report.operations.length ? [`${plural(new Set(report.operations.map((o) => o.file)).size, 'registered operation file')} would stop validating`] : []),
    ...(report.crossAgency.length ? [`${plural(report.crossAgency.length, 'cross-agency field')} not nullable`] : []),
  ];
  if (mode === 'compose') return problems.length ? [`Not written: ${problems.join('; ')}.`] : [];
  return [
    `Checking ${report.subgraph}${report.schemaFile ? ` (${report.schemaFile})` : ''} against ${report.comparedWith}`,
    '',
    problems.length ? `BREAKING: ${problems.join('; ')}.` : dangerous ? `SAFE, with ${plural(dangerous, 'dangerous change')} to read below.` : 'SAFE: nothing breaks.',
  ];
}

function changesSection(report: GraphReport, breaking: number, dangerous: number): string[] {
  const counts = `${breaking} breaking, ${dangerous} dangerous, ${report.changes.length - breaking - dangerous} safe`;
  const out = [report.changes.length ? `Changes to the API (${counts}):` : 'Changes to the API: none', ...changeLines(report.changes, report.usage?.days)];
  if (report.usage) {
    out.push(
      report.usage.error
        ? `  Usage could not be read from ${report.usage.source}: ${report.usage.error}`
        : `  Usage: ${report.usage.from} to ${report.usage.to} (${plural(report.usage.days, 'day')}), from ${report.usage.source}`,
    );
  }
  return out;
}

function contractSection(report: GraphReport): string[] {
  return [
    report.contract.length ? `Public contract (schema/contract): ${plural(report.contract.length, 'break')}` : 'Public contract (schema/contract): kept',
    ...report.contract.map((item) => `  ${(item.coordinate ?? '').padEnd(28)} ${item.message}`),
  ];
}

function operationsSection(report: GraphReport): string[] {
  return [
    report.operations.length ? `Registered operations (schema/operations): ${plural(report.operations.length, 'error')}` : 'Registered operations (schema/operations): all validate',
    ...report.operations.flatMap((item) => [`  ${item.file}:${item.line}:${item.column}  ${item.definition ?? ''}`.trimEnd(), `      ${item.message}`]),
  ];
}

function crossAgencySection(report: GraphReport): string[] {
  return [
    report.crossAgency.length
      ? `Cross-agency fields (one agency down is not the graph down): ${plural(report.crossAgency.length, 'field')} must be nullable`
      : 'Cross-agency fields (one agency down is not the graph down): all nullable',
    ...report.crossAgency.map((field) => {
      const why = field.kind === 'field' ? `resolved by ${field.resolvedBy.join(', ')}, not by ${field.owners.join(', ')} which owns the type` : `a reference to ${field.owners.join(', ')}'s entity, held by ${field.resolvedBy.join(', ')}`;
      return `  ${`${field.coordinate}: ${field.type}`.padEnd(40)} ${why}`;
    }),
  ];
}
