// Closing a service without dropping answers (platform/server/http.ts): /ready
// answers 503 at once; for the shutdown delay (SHUTDOWN_DELAY_MS, 0 by
// default) the service keeps serving, so that a balancer checking /ready takes
// it out of its pool before it stops accepting; then no new connections,
// requests in flight finish within a grace period, whatever is left is cut.
import type http from 'node:http';
import type { ServerResponse } from 'node:http';
import type https from 'node:https';
import type { Logger } from '../core/log';

export interface DrainedServers {
  server: http.Server | https.Server;
  adminServer: http.Server;
}

export interface Drain {
  /** True once closing began. */
  stopping(): boolean;
  /** Counts a GraphQL answer as in flight until its connection closes; while stopping, its connection ends with it. */
  track(res: ServerResponse): void;
  /** GraphQL answers in flight now. */
  inFlight(): number;
  /** Closes the servers (once: later calls get the same promise); resolves to the number of requests cut. */
  close(servers: DrainedServers, graceMs: number, delayMs: number): Promise<number>;
}

export function createDrain(logger: Logger): Drain {
  let stopping = false;
  let closing: Promise<number> | undefined;
  const inFlight = new Set<ServerResponse>();
  return {
    stopping: () => stopping,
    track(res) {
      // While stopping, requests arriving on kept-alive connections are answered, then the connection closes.
      if (stopping) res.setHeader('connection', 'close');
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
    },
    inFlight: () => inFlight.size,
    close(servers, graceMs, delayMs) {
      // Out of the balancer's pool first (/ready 503, answers end their connection), then stop accepting.
      stopping = true;
      closing ??= new Promise<void>((resolve) => setTimeout(resolve, delayMs)).then(() => stopServers(servers, inFlight, graceMs, logger));
      return closing;
    },
  };
}

/** Stops accepting, lets the answers in flight finish for `graceMs`, then cuts the rest; resolves to how many were cut. */
function stopServers({ server, adminServer }: DrainedServers, inFlight: Set<ServerResponse>, graceMs: number, logger: Logger): Promise<number> {
  return new Promise<number>((resolve) => {
    // Answers still to be sent end their connection; idle kept-alive connections close now.
    for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    let cut = 0;
    const timer = setTimeout(() => {
      cut = inFlight.size;
      if (cut) logger.warn({ requests: cut, graceMs }, 'grace period over: cutting requests still in flight');
      server.closeAllConnections();
    }, graceMs);
    server.close(() => {
      clearTimeout(timer);
      adminServer.close(() => resolve(cut));
      adminServer.closeAllConnections();
    });
    server.closeIdleConnections();
    // A connection whose last answer went out while stopping becomes idle: close it too.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.once('close', () => clearInterval(sweep));
  });
}
