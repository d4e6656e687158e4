// What the gateway's hot reload refuses: a new supergraph that breaks a
// registered operation (schema/operations) or the public contract
// (schema/contract) where the supergraph being served does not. Problems the
// served supergraph already has are not held against the new one, so a
// gateway serving some other graph (a test's, a partial one) still reloads.
// The checks are the ones `npm run compose` runs (schema/registry.ts), and a
// refusal is reported the same way: one entry per problem, with its place.
import { apiSchemaOf, registryBreaks } from '../schema/registry';

export interface SupergraphProblem {
  kind: 'contract' | 'operation';
  /** `schema/operations/x.graphql:12:5` for an operation; the coordinate for the contract. */
  where: string | null;
  message: string;
}

function problemsOf(sdl: string): SupergraphProblem[] {
  const { contract, operations } = registryBreaks(apiSchemaOf(sdl));
  return [
    ...contract.map((c): SupergraphProblem => ({ kind: 'contract', where: c.coordinate, message: c.message })),
    ...operations.map((o): SupergraphProblem => ({ kind: 'operation', where: `${o.file}:${o.line}:${o.column}`, message: `${o.definition ? `${o.definition}: ` : ''}${o.message}` })),
  ];
}

/** A guard for supergraphFile: the problems `next` has and `current` has not (empty: take it). */
export function createSupergraphGuard(): (next: string, current: string) => SupergraphProblem[] {
  let served: { sdl: string; keys: Set<string> } | undefined;
  const key = (p: SupergraphProblem) => `${p.kind}\n${p.message}`;
  return (next, current) => {
    if (served?.sdl !== current) served = { sdl: current, keys: new Set(problemsOf(current).map(key)) };
    return problemsOf(next).filter((problem) => !served!.keys.has(key(problem)));
  };
}

/** One line for the log and /ready: what was refused and why. */
export function describeRefusal(problems: SupergraphProblem[]): string {
  const operations = new Set(problems.filter((p) => p.kind === 'operation').map((p) => p.where?.split(':')[0]));
  const contract = problems.filter((p) => p.kind === 'contract').length;
  const parts = [
    ...(operations.size ? [`breaks ${operations.size} registered operation file(s) (${[...operations].join(', ')})`] : []),
    ...(contract ? [`breaks the public contract in ${contract} place(s)`] : []),
  ];
  return `the new supergraph ${parts.join(' and ')}`;
}
