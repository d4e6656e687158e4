// Composition and the checks of a graph, shared by `npm run compose`,
// `npm run check` and the gateway's hot reload: the subgraphs' SDL (each with
// the shared definitions it uses) composed with @apollo/composition, then
// what the result breaks:
//
// - composition errors, each with its subgraph, file, line and column (a
//   syntax slip in an SDL file too);
// - every change against the API schema being served (schema/supergraph.graphql),
//   classed breaking, dangerous or safe by @graphql-inspector/core;
// - every break of the public contract (schema/contract, registry.ts);
// - every registered operation (schema/operations) that would stop validating;
// - for each breaking change, who used it in recorded traffic (usage.ts).
//
// scripts/check.ts and scripts/compose.ts print a report (schema/report.ts).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { operatorSdl } from '../platform/server/operator';
import { displayPath, subgraphTypeDefs } from '../platform/server/shared-sdl';
import type { UsageStore } from '../gateway/usage-store';
import { apiSchemaOf, placesOf, registryBreaks, SUPERGRAPH_PATH, type ContractBreak, type OperationBreak, type Place } from './registry';
import { listSubgraphs } from './subgraphs';
import { changeUsage, type ChangeUsage, type UsageWindow } from './usage';

import { crossAgencyFields, type CrossAgencyField } from './cross-agency';
export { apiSchemaOf, OPERATIONS_DIR, operationFiles, registryBreaks, SUPERGRAPH_PATH } from './registry';

/** One subgraph as composition takes it. */
export interface SubgraphSource {
  name: string;
  url: string;
  /** The SDL file (as reports show it) and its text. */
  file: string;
  sdl: string;
}

export interface CompositionError {
  /** The subgraph at fault, when one is (by the file, or named in the message). */
  subgraph: string | null;
  code: string;
  message: string;
  /** Where: the first place is the one to look at. */
  places: Place[];
}

export type ChangeLevel = 'breaking' | 'dangerous' | 'safe';

export interface SchemaChange {
  level: ChangeLevel;
  /** @graphql-inspector/core's change type, e.g. FIELD_REMOVED. */
  type: string;
  /** The schema coordinate changed (`EducationEvent.languages`, `Region.projects.first`, `EducationTheme.LAW`). */
  coordinate: string | null;
  message: string;
  /** Why it is breaking or dangerous, when the classifier says. */
  reason?: string;
  /** Breaking changes: who used the coordinate in recorded traffic. */
  usage?: ChangeUsage;
}

export interface GraphReport {
  /** The subgraph checked and its proposed SDL file; null for a whole-graph compose. */
  subgraph: string | null;
  schemaFile: string | null;
  /** What changes are compared with: the supergraph file served now. */
  comparedWith: string;
  composition: CompositionError[];
  /** Empty when the graph does not compose (nothing to compare). */
  changes: SchemaChange[];
  contract: ContractBreak[];
  operations: OperationBreak[];
  /** Cross-agency fields and references left non-null (schema/cross-agency.ts): one agency down would null more than its own fields. */
  crossAgency: CrossAgencyField[];
  /** Where usage was read from, and over which days; null when not asked for. */
  usage: (UsageWindow & { source: string; error?: string }) | null;
  /** The composed supergraph, when the graph composes. */
  supergraphSdl?: string;
}

/** The graph's subgraphs as they are on disk, with one replaced by a proposed SDL when given. */
export function graphSources(proposal?: { subgraph: string; sdl: string; file: string }): SubgraphSource[] {
  return listSubgraphs().map((s) => {
    const own = proposal?.subgraph === s.name;
    return {
      name: s.name,
      url: `http://localhost:${s.defaultPort}/graphql`,
      file: displayPath(own ? proposal.file : path.join(s.directory, 'schema.graphql')),
      // A proposal is the agency's schema.graphql: the platform's operator fields come with it, as on disk.
      sdl: own ? proposal.sdl + operatorSdl(s.definition) : s.sdl,
    };
  });
}

const subgraphNamedIn = (message: string, names: string[]): string | null => {
  const bracket = /^\[([\w-]+)\]/.exec(message)?.[1];
  if (bracket && names.includes(bracket)) return bracket;
  return names.find((name) => message.includes(`"${name}"`)) ?? null;
};

export type Composition = { ok: true; supergraphSdl: string; api: GraphQLSchema } | { ok: false; errors: CompositionError[] };

/** Parses each SDL (with its shared definitions) and composes them; errors carry their file, line and column. */
export function composeSources(sources: SubgraphSource[]): Composition {
  const errors: CompositionError[] = [];
  const services = sources.flatMap((source) => {
    try {
      return [{ name: source.name, url: source.url, typeDefs: subgraphTypeDefs(source.sdl, source.file) }];
    } catch (error) {
      const syntax = error instanceof GraphQLError ? error : new GraphQLError(String(error));
      errors.push({ subgraph: source.name, code: 'GRAPHQL_PARSE_FAILED', message: syntax.message, places: placesOf(syntax) });
      return [];
    }
  });
  if (errors.length) return { ok: false, errors };
  const result = composeServices(services);
  if (result.errors) {
    const byFile = new Map(sources.map((s) => [s.file, s.name]));
    const names = sources.map((s) => s.name);
    return {
      ok: false,
      errors: result.errors.map((error) => {
        const places = placesOf(error);
        return {
          subgraph: places.map((p) => byFile.get(p.file)).find(Boolean) ?? subgraphNamedIn(error.message, names),
          code: String(error.extensions?.code ?? 'COMPOSITION_ERROR'),
          message: error.message,
          places,
        };
      }),
    };
  }
  return { ok: true, supergraphSdl: `${result.supergraphSdl.trimEnd()}\n`, api: result.schema.toAPISchema().toGraphQLJSSchema() };
}

const LEVELS: Record<CriticalityLevel, ChangeLevel> = {
  [CriticalityLevel.Breaking]: 'breaking',
  [CriticalityLevel.Dangerous]: 'dangerous',
  [CriticalityLevel.NonBreaking]: 'safe',
};

/** Every change from one API schema to another, breaking first. */
async function schemaChanges(before: GraphQLSchema, after: GraphQLSchema): Promise<SchemaChange[]> {
  const order: ChangeLevel[] = ['breaking', 'dangerous', 'safe'];
  return (await diff(before, after))
    .map((change: Change) => ({
      level: LEVELS[change.criticality.level],
      type: change.type,
      coordinate: change.path ?? null,
      message: change.message,
      ...(change.criticality.reason && change.criticality.level !== CriticalityLevel.NonBreaking ? { reason: change.criticality.reason } : {}),
    }))
    .sort((a, b) => order.indexOf(a.level) - order.indexOf(b.level));
}

export interface CheckOptions {
  /** A subgraph and its proposed SDL; without it, the subgraphs as they are on disk. */
  proposal?: { subgraph: string; sdl: string; file: string };
  /** The supergraph changes are compared with (default schema/supergraph.graphql). */
  currentSupergraphPath?: string;
  /** Recorded usage to look up for breaking changes. */
  usage?: { store: UsageStore; windowDays: number };
}

/** Composes the graph (with the proposal) and checks it: the report `npm run check` and `npm run compose` print. */
export async function checkGraph(options: CheckOptions = {}): Promise<GraphReport> {
  const currentPath = options.currentSupergraphPath ?? SUPERGRAPH_PATH;
  const report: GraphReport = {
    subgraph: options.proposal?.subgraph ?? null,
    schemaFile: options.proposal ? displayPath(options.proposal.file) : null,
    comparedWith: displayPath(currentPath),
    composition: [],
    changes: [],
    contract: [],
    operations: [],
    crossAgency: [],
    usage: null,
  };
  const composed = composeSources(graphSources(options.proposal));
  if (!composed.ok) {
    report.composition = composed.errors;
    return report;
  }
  report.supergraphSdl = composed.supergraphSdl;
  Object.assign(report, registryBreaks(composed.api));
  report.crossAgency = crossAgencyFields(composed.supergraphSdl).filter((field) => !field.nullable);
  const current = existsSync(currentPath) ? apiSchemaOf(readFileSync(currentPath, 'utf8')) : undefined;
  if (current) report.changes = await schemaChanges(current, composed.api);
  if (options.usage && current) {
    const breaking = report.changes.filter((change) => change.level === 'breaking');
    try {
      const found = await changeUsage(current, breaking, options.usage.store, options.usage.windowDays);
      report.usage = { ...found.window, source: options.usage.store.description };
      breaking.forEach((change, i) => (change.usage = found.usages[i]));
    } catch (error) {
      report.usage = { days: options.usage.windowDays, from: '', to: '', source: options.usage.store.description, error: (error as Error).message };
    }
  }
  return report;
}

/** Whether a report lets a change ship: composes, nothing breaking, no contract or operation broken. */
export function isSafe(report: GraphReport): boolean {
  return !report.composition.length && !report.contract.length && !report.operations.length && !report.crossAgency.length && !report.changes.some((c) => c.level === 'breaking');
}

/** What `npm run compose` refuses to write: a graph that does not compose, breaks the contract or a registered operation, or has a non-null cross-agency field. */
export function blocksCompose(report: GraphReport): boolean {
  return report.composition.length > 0 || report.contract.length > 0 || report.operations.length > 0 || report.crossAgency.length > 0 || !report.supergraphSdl;
}

