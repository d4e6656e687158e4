// What every page of the hub's front end needs from the hub: JSON from its
// own routes, and GraphQL errors put in words a person notices (code, agency,
// field). Small on purpose: pages share it, never the explorer's editor.

export const GRAPHQL_PATH = '/graphql';

export class HubRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** JSON from one of the hub's own routes (same origin). */
export async function hubJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(path, { ...init, headers: { accept: 'application/json', ...init.headers }, credentials: 'same-origin' });
  const text = await response.text();
  if (!response.ok) throw new HubRequestError(`${path} answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`, response.status);
  return JSON.parse(text) as T;
}

export interface GraphQLErrorLike {
  message?: string;
  path?: (string | number)[];
  extensions?: { code?: unknown; agency?: unknown; field?: unknown };
}

export interface ErrorSummaryLine {
  code: string;
  agency: string | null;
  field: string | null;
  /** Where in the answer, e.g. region.legalAidCases. */
  path: string | null;
  message: string;
}

/** One line per error, in the order the answer gives them. */
export function summarizeErrors(errors: readonly GraphQLErrorLike[] | undefined): ErrorSummaryLine[] {
  return (errors ?? []).map((error) => ({
    code: typeof error.extensions?.code === 'string' ? error.extensions.code : 'NO_CODE',
    agency: typeof error.extensions?.agency === 'string' ? error.extensions.agency : null,
    field: typeof error.extensions?.field === 'string' ? error.extensions.field : null,
    path: error.path?.length ? error.path.join('.') : null,
    message: error.message ?? '',
  }));
}

/** A GraphQL answer as a JSON text (GraphiQL's response pane): its errors, and whether it had data. */
export function errorsOfAnswer(text: string | null | undefined): { lines: ErrorSummaryLine[]; hasData: boolean } | null {
  if (!text) return null;
  try {
    const answer = JSON.parse(text) as { data?: unknown; errors?: GraphQLErrorLike[] };
    if (typeof answer !== 'object' || answer === null) return null;
    return { lines: summarizeErrors(answer.errors), hasData: answer.data !== undefined && answer.data !== null };
  } catch {
    return null;
  }
}
