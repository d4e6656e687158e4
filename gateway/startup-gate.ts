// The gateway's readiness at start-up: not ready until every subgraph it
// waits for has answered once. A subgraph listens only once its database is
// migrated and seeded, so its `GET /health` answering means it has started.
// The gate then stays open: after start-up, one agency down leaves the
// gateway ready (it still answers for the others; see "Resilience").
//
// Checked when readiness is asked (GET /ready, or a launcher), not on a
// timer: each check calls the subgraphs not yet seen, at once, and shares its
// answer with checks asked meanwhile.
import { stringFromEnv } from '../platform/core/config';
import { probeHealth } from './subgraph-health';

export interface StartupGateState {
  open: boolean;
  /** The subgraphs not yet seen up, by name (while the gate is closed). */
  waitingFor: string[];
}

export interface StartupGate {
  /** Calls the subgraphs not yet seen (unless the gate is open) and tells what it is waiting for. */
  check(): Promise<StartupGateState>;
}

/** How long one call to a subgraph's /health may take before it counts as not up. */
const HEALTH_TIMEOUT_MS = 1_000;

/** `all` (the default), `none`, or the names of the subgraphs the gateway waits for, as GATEWAY_STARTUP_WAIT_FOR gives them. */
export type StartupWaitFor = 'all' | readonly string[];

/** GATEWAY_STARTUP_WAIT_FOR: `all` (default), `none`, or subgraph names separated by commas. */
export function startupWaitForFromEnv(): StartupWaitFor {
  const raw = stringFromEnv('GATEWAY_STARTUP_WAIT_FOR') ?? 'all';
  if (raw === 'all') return 'all';
  if (raw === 'none') return [];
  return raw.split(',').map((name) => name.trim()).filter(Boolean);
}

/** A subgraph as the gate sees it; `fetch` is the data source's own (with the client certificate under mutual TLS). */
type Probed = { name: string; url: string; fetch?: typeof fetch };

/**
 * A gate over the gateway's subgraphs (`subgraphs()` lists them with their
 * URLs once the supergraph is loaded), waiting for those of `waitFor`.
 */
export function createStartupGate(subgraphs: () => Iterable<Probed>, waitFor: StartupWaitFor = 'all'): StartupGate {
  const seen = new Set<string>();
  let open = false;
  let checking: Promise<StartupGateState> | undefined;
  const awaited = (): Probed[] =>
    [...subgraphs()].filter((s) => (waitFor === 'all' || waitFor.includes(s.name)) && !seen.has(s.name));
  const run = async (): Promise<StartupGateState> => {
    const pending = awaited();
    const up = await Promise.all(pending.map((s) => probeHealth(s.url, HEALTH_TIMEOUT_MS, s.fetch)));
    pending.forEach((s, i) => up[i] && seen.add(s.name));
    const waitingFor = awaited().map((s) => s.name).sort();
    // Named in GATEWAY_STARTUP_WAIT_FOR but not in the supergraph: nothing to wait for, so it cannot hold the gate.
    open = waitingFor.length === 0;
    return { open, waitingFor };
  };
  return {
    check() {
      if (open) return Promise.resolve({ open, waitingFor: [] });
      checking ??= run().finally(() => (checking = undefined));
      return checking;
    },
  };
}

/** The gate's part of GET /ready: `ready`, and while closed what it waits for. */
export function startupReadiness(state: StartupGateState): { ready: boolean; waitingFor?: string[] } {
  return state.open ? { ready: true } : { ready: false, waitingFor: state.waitingFor };
}
