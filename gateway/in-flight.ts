// Identical subgraph calls in flight, merged (issue 19): while a query to a
// subgraph is on its way, the same query with the same body for the same
// caller waits for that answer instead of sending its own.
//
// The key is the subgraph, the caller's identity (subject, agency, scopes,
// regions: gateway/response-cache.ts viewerKey; anonymous callers are one
// caller) and the exact body. Two callers whose access differs never share an
// answer, however alike their queries; mutations are never merged (the caller
// in process() passes no key for them). When calls joined, each of them, the
// one that sent it included, gets its own copy of the answer (copyJson: a
// third of the CPU of parsing its text again, strings shared), so no two
// requests share objects; a call nobody joined keeps the answer as it came.
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

/** A copy of a JSON value (what JSON.parse makes: plain objects, arrays, strings, numbers, booleans, null); strings are shared, being immutable. */
export function copyJson<V>(value: V): V {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const copy = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = copyJson(value[i]);
    return copy as V;
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = copyJson((value as Record<string, unknown>)[key]);
    // JSON.parse makes `"__proto__"` an own property; an assignment would set the copy's prototype instead.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[key] = item;
  }
  return copy as V;
}

/** A call's own copy of a subgraph's answer (its parsed response copied; the rest, text and hint, shared). */
export function copyAnswer<A extends object>(answer: A): A {
  return 'response' in answer ? { ...answer, response: copyJson(answer.response) } : answer;
}

interface Call<T> {
  answer: Promise<T>;
  /** Calls that joined this one. */
  waiters: number;
}

export class InFlight<T> {
  private readonly calls = new Map<string, Call<T>>();
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

  /**
   * `send()` unless an identical call is already in flight; then its answer,
   * passed through `copy`. The answer as it arrived is never handed to a
   * caller while others share it: when calls joined, the one that sent it
   * gets a copy too (@apollo/gateway rewrites and merges into what it gets,
   * and the callers' continuations run one after the other), and no call
   * joins after it has taken its answer.
   */
  async run(key: string, send: () => Promise<T>, copy: (answer: T) => T, onMerged?: () => void): Promise<T> {
    const pending = this.calls.get(key);
    if (pending) {
      this.merged++;
      pending.waiters++;
      onMerged?.();
      return copy(await pending.answer);
    }
    const call: Call<T> = { answer: send(), waiters: 0 };
    this.calls.set(key, call);
    try {
      const answer = await call.answer;
      // Calls that joined before this line counted themselves; none joins after it (the finally, run before
      // anything else can, removes the call: a later one sends its own).
      return call.waiters ? copy(answer) : answer;
    } finally {
      this.calls.delete(key);
    }
  }
}
