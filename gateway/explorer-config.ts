// What the gateway tells the explorer page (GET /explorer/config), shared by
// the gateway (gateway/explorer.ts) and the page (web/explorer). Types only:
// both the Node build and the browser build read this file.

/** Who may introspect the schema; as gateway/limits.ts's IntrospectionPolicy. */
export type ExplorerIntrospection = 'on' | 'off' | 'analyst';

/** One operation of the registry (schema/operations/*.graphql), ready to run. */
export interface RegisteredOperation {
  /** The operation's name, e.g. RegionScorecard. */
  name: string;
  /** Its file in schema/operations. */
  file: string;
  /** The file's leading comment. */
  description: string;
  /** The file's text as registered. */
  query: string;
  /** Example variables for a real region. */
  variables: Record<string, unknown>;
}

/** An example caller the page can get a development token for. */
export interface DevTokenChoice {
  id: string;
  label: string;
  description: string;
}

export interface ExplorerConfig {
  graphqlPath: string;
  introspection: ExplorerIntrospection;
  /** The scorecard first. */
  operations: RegisteredOperation[];
  /** Development only; null when the gateway hands out no development tokens (always in production). */
  devTokens: DevTokenChoice[] | null;
}

/** POST /explorer/dev-token answers this; `token` is null for the anonymous caller. */
export interface DevTokenAnswer {
  role: string;
  token: string | null;
}
