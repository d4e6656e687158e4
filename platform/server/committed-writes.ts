// A subgraph tells the gateway which of a request's mutations committed, so
// that the gateway invalidates cached responses for committed writes only
// (gateway/response-cache.ts): a refused or failed mutation (FORBIDDEN,
// BAD_USER_INPUT, CONFLICT, a rolled-back transaction) reports nothing. The
// answer carries `extensions.committedWrites`: one entry per mutation field
// that returned without an error. The gateway takes from it only that the
// subgraph it called wrote (never an agency a subgraph names).
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

export interface CommittedWrite {
  /** The mutation field, e.g. updateJudicialOffice. */
  field: string;
}

const COMMITTED_WRITES_EXTENSION = 'committedWrites';
const WRITES = Symbol.for('rule-of-law-hub.committed-writes');

/** Notes that a mutation field of this request committed. */
export function recordCommittedWrite(contextValue: object, write: CommittedWrite): void {
  const holder = contextValue as { [WRITES]?: CommittedWrite[] };
  (holder[WRITES] ??= []).push(write);
}

/** Adds `extensions.committedWrites` to a subgraph's answer when a mutation of it committed. */
export function committedWritesPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const writes = (contextValue as { [WRITES]?: CommittedWrite[] })[WRITES];
          if (!writes?.length || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, [COMMITTED_WRITES_EXTENSION]: writes };
        },
      };
    },
  };
}

/** Whether a subgraph's answer reports a committed write. */
export function reportsCommittedWrite(response: { extensions?: Record<string, unknown> } | undefined): boolean {
  const writes = response?.extensions?.[COMMITTED_WRITES_EXTENSION];
  return Array.isArray(writes) && writes.length > 0;
}
