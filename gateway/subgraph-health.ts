// Fail fast once an agency is known down (issue 16). The breaker
// (gateway/data-source.ts) opens only after several failures in its window;
// until then every request would wait for the subgraph's timeout again. So a
// call that fails as a subgraph that is down does (no connection, or no answer
// within the timeout; not an HTTP error, which a running subgraph sends)
// marks that subgraph down at once: the following calls to it fail at once
// (SUBGRAPH_UNAVAILABLE, or last-known figures: gateway/last-known.ts) while
// the gateway probes the subgraph's public `GET /health`, right away and then
// every GATEWAY_PROBE_INTERVAL_MS, each probe given GATEWAY_PROBE_TIMEOUT_MS.
// The first probe answered 200 marks it up again; so does any call that
// succeeds. Nothing is probed while every subgraph answers.
//
// A subgraph that is alive but slow on one query (its timeout passed while
// its /health answers) is marked down only for the probe's round trip.
import { intFromEnv } from '../platform/core/config';
import type { Logger } from '../platform/core/log';

export interface ProbeSettings {
  /** Pause between probes of a subgraph that is down. */
  intervalMs: number;
  /** Longest wait for one probe's answer; none in time counts as down. */
  timeoutMs: number;
}

export const PROBE_DEFAULTS: ProbeSettings = Object.freeze({ intervalMs: 1_000, timeoutMs: 1_000 });

export function probeSettingsFromEnv(): ProbeSettings {
  return {
    intervalMs: intFromEnv('GATEWAY_PROBE_INTERVAL_MS', PROBE_DEFAULTS.intervalMs, 10),
    timeoutMs: intFromEnv('GATEWAY_PROBE_TIMEOUT_MS', PROBE_DEFAULTS.timeoutMs, 10),
  };
}

/** Whether a subgraph's public `GET /health` (beside its /graphql) answers 200 within `timeoutMs` (`fetch`: with the client certificate under mutual TLS). */
export async function probeHealth(graphqlUrl: string, timeoutMs: number, fetch: typeof globalThis.fetch = globalThis.fetch): Promise<boolean> {
  try {
    const response = await fetch(new URL('health', graphqlUrl).toString(), { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

export class SubgraphHealth {
  private down = false;
  private since = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  /** One probe loop per time down: a loop of an earlier time ends. */
  private generation = 0;

  constructor(
    readonly name: string,
    private readonly graphqlUrl: string,
    private readonly settings: ProbeSettings,
    private readonly logger?: Logger,
    /** How the subgraph is reached (with the client certificate under mutual TLS). */
    private readonly fetch: typeof globalThis.fetch = globalThis.fetch,
  ) {}

  /** Calls to the subgraph fail at once while this holds. */
  isDown(): boolean {
    return this.down;
  }

  /** For /ready: up, or down since when. */
  state(): { up: true } | { up: false; since: string } {
    return this.down ? { up: false, since: new Date(this.since).toISOString() } : { up: true };
  }

  /** A call found the subgraph not there: fail fast from now on, and probe until it answers. */
  markDown(): void {
    if (this.down || this.stopped) return;
    this.down = true;
    this.since = Date.now();
    this.logger?.warn({ subgraph: this.name, probeIntervalMs: this.settings.intervalMs }, 'subgraph down: calls fail fast until its /health answers');
    void this.probe(++this.generation);
  }

  /** A call or a probe was answered. */
  markUp(): void {
    if (!this.down) return;
    this.down = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.logger?.info({ subgraph: this.name, downMs: Date.now() - this.since }, 'subgraph up again');
  }

  shutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async probe(generation: number): Promise<void> {
    const up = await probeHealth(this.graphqlUrl, this.settings.timeoutMs, this.fetch);
    if (this.stopped || !this.down || generation !== this.generation) return;
    if (up) {
      this.markUp();
      return;
    }
    this.timer = setTimeout(() => void this.probe(generation), this.settings.intervalMs);
    this.timer.unref();
  }
}
