// Identical subgraph calls in flight, merged (issue 19): while a query to a
// subgraph is on its way, the same query with the same body for the same
// caller waits for that answer instead of sending its own.
//
// The key is the subgraph, the caller's identity (subject, agency, scopes,
// regions: gateway/response-cache.ts viewerKey; anonymous callers are one
// caller) and the exact body. Two callers whose access differs never share an
// answer, however alike their queries; mutations are never merged (the caller
// in process() passes no key for them). Each waiting call gets its own copy of
// the answer (parsed again from its text), so no two requests share objects.
// As Hive Gateway's deduplicateRequest does for its fetches, but its key leaves
// the caller out; ours must not.
import type { GatewayContext } from './context';

/**
 * Whose calls may be merged: callers without a personal-data scope (`*:pii`).
 * Each read of personal data is audited at the subgraph with its own request
 * id (platform/data/audit.ts); a merged call would leave the second request's read
 * unrecorded, so those callers' calls are always their own.
 */
export function mergeable(context: GatewayContext): boolean {
  return !context.viewer.scopes.some((scope) => scope.endsWith(':pii'));
}

/** A waiting call's own copy of a subgraph's answer: parsed again from its text. */
export function copyAnswer<A extends object>(answer: A): A {
  return 'text' in answer && typeof answer.text === 'string' && 'response' in answer ? { ...answer, response: JSON.parse(answer.text) } : answer;
}

export class InFlight<T> {
  private readonly calls = new Map<string, Promise<T>>();
  /** Calls that waited for another's answer instead of sending their own. */
  merged = 0;

  /**
   * Subgraph, caller and body, a line each: a subgraph's name and a caller's key
   * (viewerKey: JSON, or `anonymous`) hold no line break, so the first two
   * mark the fields apart; the body is not escaped again, as JSON.stringify of
   * the three would.
   */
  static key(subgraph: string, caller: string | null, body: string): string {
    return `${subgraph}\n${caller ?? 'anonymous'}\n${body}`;
  }

  /** `send()` unless an identical call is already in flight; then its answer, passed through `copy`. */
  async run(key: string, send: () => Promise<T>, copy: (answer: T) => T, onMerged?: () => void): Promise<T> {
    const pending = this.calls.get(key);
    if (pending) {
      this.merged++;
      onMerged?.();
      return copy(await pending);
    }
    const call = send();
    this.calls.set(key, call);
    try {
      return await call;
    } finally {
      this.calls.delete(key);
    }
  }
}
